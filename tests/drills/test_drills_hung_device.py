"""A device that sends thousands of requests, never reads a reply and hangs up.

This used to abort the hub process inside libzmq 4.3.5 (``Assertion failed: !_io_error
(src/stream_engine_base.cpp:310)``): the hub's engine for that device stopped reading
because its pipe was full, the device closed the connection, and a heartbeat (the hub's
own, or a PING the device had sent) then made the half-closed engine write. The hub now
runs as a separate process here so that an abort shows as a failed test, not a dead
test run; both the open mode and CURVE are tried.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import zmq

from motcua.hub import keys_cli
from motcua.link.client import ClientKeys, HubClient
from tests.support.hubs import HubProcess, free_port


def _keys(data: Path, device: str) -> ClientKeys:
    return ClientKeys.from_dir(data / "keys" / "devices" / device, device)


def _hung_display(ctx: zmq.Context[Any], endpoint: str, n: int,
                  keys: ClientKeys | None) -> None:
    s = ctx.socket(zmq.DEALER)
    s.linger = 0
    s.setsockopt(zmq.ROUTING_ID, b"display-hall#hung%d" % n)
    # The device's own heartbeats: a PING buffered behind the backlog was one way in.
    s.setsockopt(zmq.HEARTBEAT_IVL, 100)
    s.setsockopt(zmq.HEARTBEAT_TTL, 3000)
    s.setsockopt(zmq.SNDHWM, 0)
    if keys is not None:
        s.curve_publickey, s.curve_secretkey = keys.public, keys.secret
        s.curve_serverkey = keys.server_public
    s.connect(endpoint)
    for i in range(3000):
        s.send_multipart([b"MC1", b"snapshot", b"s%d" % i, b"{}"])
    s.close(linger=200)  # the requests leave, then the device hangs up


@pytest.mark.parametrize("curve", [False, True], ids=["open", "curve"])
def test_a_device_that_floods_and_hangs_up_does_not_abort_the_hub(
        tmp_path: Path, curve: bool) -> None:
    if curve:
        keys_cli.init(tmp_path / "keys")
        for dev, role in [("display-hall", "display"), ("kiosk-1", "kiosk")]:
            keys_cli.enrol(tmp_path / "keys", dev, role, None, None,
                           tmp_path / "keys" / "devices" / dev)
    hub = HubProcess(tmp_path, free_port(), free_port(), args=["--curve"] if curve else [])
    endpoint = hub.command
    ctx: zmq.Context[Any] = zmq.Context()
    kiosk = HubClient(endpoint, "kiosk-1", timeout=30.0, retries=0,
                      keys=_keys(tmp_path, "kiosk-1") if curve else None)
    try:
        for n in range(4):
            _hung_display(ctx, endpoint, n, _keys(tmp_path, "display-hall") if curve else None)
            # Served while the hub still works through the hung display's backlog.
            assert kiosk.request("ticket.take", {"field": "A"})["ticket"]["number"] == n + 1
        assert hub.proc.poll() is None, hub.output.text()[-2000:]
        assert kiosk.request("ping")["role"] == "kiosk"
    finally:
        kiosk.close()
        ctx.term()
        code = hub.terminate()
    text = hub.output.text()
    assert code == 0, text[-2000:]
    assert "Assertion failed" not in text
    # One throttled line per device, not one per dropped reply.
    assert text.count("display-hall") < 20, text[-2000:]
