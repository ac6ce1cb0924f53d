"""Drill 3: oversize messages and a flood of requests from one device.

* bodies just under and just over the 64 KiB command limit, and a message over the
  socket's 256 KiB limit: the first is read (and refused for what it says), the second
  refused as too large in words, the third dropped by ZeroMQ with its connection, which
  heals by itself; nobody else notices;
* one DEALER sending 20,000 requests as fast as it can: the per-device limits refuse the
  excess as ``busy``, every ticket it got is valid and numbered without a gap, and
  meanwhile the counters and the other kiosk keep being served (latency before and
  during the flood is printed, not asserted);
* 100,000 fuzzed frames and 10 MB frames: typed answers or drops, the hub keeps serving;
* a device that sends requests and never reads the answers (a hung display asking for
  snapshots): the others are still served (finding F2, fixed: it froze the hub).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import zmq

from motcua.core import protocol
from motcua.hub.drill_flood import Sampler, blast_kind
from motcua.hub.storage.db import sqlite_url
from motcua.link.client import HubClient
from tests.support.drills import check_database, latency_line, raw_dealer
from tests.support.hubs import start_hub, stop_hub
from tests.support.wait import LogWatch, wait_until


def _ask(sock: zmq.Socket[Any], frames: list[bytes], wait_ms: int = 3000) -> list[bytes] | None:
    sock.send_multipart(frames)
    return sock.recv_multipart() if sock.poll(wait_ms) else None


def _body_of_size(size: int) -> bytes:
    """A ticket.take body of exactly ``size`` bytes (a long, unknown procedure id)."""
    head, tail = b'{"field":"A","procedure":"', b'"}'
    return head + b"x" * (size - len(head) - len(tail)) + tail


def test_bodies_at_the_limits_and_beyond_the_socket_limit(hub: Any) -> None:
    kiosk = hub.client("kiosk-1")
    sock = raw_dealer(hub.command, b"kiosk-1#big")
    try:
        at_limit = _body_of_size(protocol.MAX_BODY_BYTES)
        reply = _ask(sock, [b"MC1", b"ticket.take", b"at-limit", at_limit])
        assert reply is not None
        ok, _rid, body = protocol.decode_reply(reply)
        # read, then refused for its content: a procedure id is at most 64 characters
        assert not ok and body["code"] == "bad_request" and body["details"]["key"] == "procedure"

        over = _body_of_size(protocol.MAX_BODY_BYTES + 1)
        reply = _ask(sock, [b"MC1", b"ticket.take", b"over-limit", over])
        assert reply is not None
        ok, _rid, body = protocol.decode_reply(reply)
        assert not ok and body["code"] == "too_large"
        assert "quá lớn" in body["message_vi"] and "too large" in body["message_en"]

        # Four frames of 100 KiB each: every frame is under the socket limit, the message
        # is not; the hub reads it and refuses it in words.
        reply = _ask(sock, [b"MC1", b"t" * 100_000, b"r" * 100_000, b"{" * 100_000])
        assert reply is not None
        ok, _rid, body = protocol.decode_reply(reply)
        assert not ok and body["code"] in ("bad_frame", "too_large")

        # Over 256 KiB in one frame: ZeroMQ drops it and the connection; no answer.
        assert _ask(sock, [b"MC1", b"ticket.take", b"huge", b"x" * (300 * 1024)], 500) is None
        assert kiosk.request("ticket.take", {"field": "A"})["ticket"]["label"] == "A001"
        # The same socket reconnects by itself and is served again.
        deadline = time.monotonic() + 10
        answered = None
        while answered is None and time.monotonic() < deadline:
            answered = _ask(sock, [b"MC1", b"ping", b"again", b"{}"], 500)
        assert answered is not None and answered[1] == b"OK"
    finally:
        sock.close()
    check_database(hub.db_path)


def test_a_flood_from_one_device_does_not_stop_the_others(hub: Any) -> None:
    """20,000 requests as fast as one device can send them: the excess is refused as
    ``busy`` in words, every ticket it did get is valid, the others keep being served."""
    sampler = Sampler(hub.command)
    ctx: zmq.Context[Any] = zmq.Context()
    try:
        baseline = sampler.baseline(40)
        sampler.start()
        tally = blast_kind(ctx, hub.command, "flood", 20_000, seed=1)
        during = sampler.stop()
    finally:
        sampler.close()
        ctx.term()
    assert tally.sent == 20_000
    assert set(tally.codes) <= {"ok", "busy", "cap_reached"}, tally.codes
    assert tally.codes.get("busy", 0) > 0 and tally.codes.get("ok", 0) > 0
    assert during, "no request from the other devices completed during the flood"
    check_database(hub.db_path)
    print(f"\nflood: {tally.codes}")
    print("  " + latency_line("others before the flood", baseline))
    print("  " + latency_line("others during the flood", during))


def test_fuzzed_frames_and_huge_frames_leave_the_hub_serving(hub: Any) -> None:
    """100,000 fuzzed frames (wrong frame counts, bad JSON, non-UTF-8, wrong types,
    unknown commands) and two 10 MB frames: typed answers or drops, never a crash."""
    kiosk = hub.client("kiosk-1", timeout=30.0, retries=0)
    ctx: zmq.Context[Any] = zmq.Context()
    try:
        big = blast_kind(ctx, hub.command, "big", 2, seed=1)
        assert big.answered == 0  # over 256 KiB: dropped by ZeroMQ with the connection
        tally = blast_kind(ctx, hub.command, "fuzz", 100_000, seed=7)
    finally:
        ctx.term()
    assert tally.sent == 100_000
    assert "malformed reply" not in tally.codes and "internal" not in tally.codes, tally.codes
    assert kiosk.request("ticket.take", {"field": "A"})["ticket"]["label"].startswith("A")
    assert hub.server.alive()
    check_database(hub.db_path)
    print(f"\nfuzz: {tally.answered:,} answers: {tally.codes}")


def test_a_device_that_never_reads_its_replies_cannot_freeze_the_hub(
        tmp_path: Path, centre: Any, clock: Any) -> None:
    server, store = start_hub(centre, sqlite_url(tmp_path / "hub.sqlite"), clock)
    endpoint = f"tcp://127.0.0.1:{server.command_port}"
    hung = raw_dealer(endpoint, b"display-hall#hung")
    kiosk = HubClient(endpoint, "kiosk-1", timeout=2.0, retries=0)
    try:
        with LogWatch("motcua.hub", logging.WARNING) as hub_log:
            for i in range(3000):  # a display stuck in a loop, its reading thread dead
                hung.send_multipart([b"MC1", b"snapshot", b"s%d" % i, b"{}"])
            # The hub has filled the display's pipe and now drops what it cannot send.
            hub_log.wait_for("does not read its replies")
        # The citizen at the kiosk must still get a number...
        assert kiosk.request("ticket.take", {"field": "A"})["ticket"]["label"] == "A001"
        # ...and once the broken display is unplugged, everything must be as before.
        hung.close()
        wait_until(lambda: kiosk.request("ping")["role"] == "kiosk", "hub answers", 5)
    finally:
        hung.close()
        kiosk.close()
        stop_hub(server, store)
