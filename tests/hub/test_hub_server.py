"""A real hub on 127.0.0.1 with a temporary SQLite database, driven over ZeroMQ."""

from __future__ import annotations

import threading
import time

import pytest
import zmq
from zmq.utils.monitor import recv_monitor_message

from motcua.core import protocol
from motcua.hub.storage.db import sqlite_url
from motcua.link import client as link_client
from motcua.link.client import Endpoints, EventFollower, HubClient, HubError, HubUnavailable
from tests.support.hubs import alerts_off, free_port, start_hub
from tests.support.wait import EventWatch, LogWatch, Signal, wait_until


def raw_dealer(endpoint: str, name: bytes = b"admin") -> zmq.Socket:  # type: ignore[type-arg]
    s = zmq.Context.instance().socket(zmq.DEALER)
    s.linger = 0
    s.setsockopt(zmq.ROUTING_ID, name)
    s.connect(endpoint)
    return s


def test_take_call_and_snapshot(hub) -> None:  # type: ignore[no-untyped-def]
    kiosk = hub.client("kiosk-1")
    t = kiosk.request("ticket.take", {"field": "A", "procedure": "A.1"})["ticket"]
    assert t["label"] == "A001" and t["procedure"] == "A.1"
    desk = hub.client("counter-1")
    desk.request("counter.open", {"officer": "cb01"})
    called = desk.request("counter.call_next", {})
    assert called["ticket"]["id"] == t["id"] and called["reason_vi"]
    snap = desk.request("snapshot", {})
    assert snap["seq"] == hub.store.last_seq() and snap["stream_id"] == hub.store.stream_id
    assert snap["state"]["counters"][0]["current"] == t["id"]
    assert "name" not in snap["centre"]["officers"][0] or not snap["centre"]["officers"][0]["name"]


def test_retried_request_id_gets_the_first_answer(hub) -> None:  # type: ignore[no-untyped-def]
    kiosk = hub.client("kiosk-1")
    first = kiosk.request("ticket.take", {"field": "B"}, request_id="tap-0001")
    again = kiosk.request("ticket.take", {"field": "B"}, request_id="tap-0001")
    assert first == again
    assert hub.server.engine.state.last_number["B"] == 1
    # the same id from another device is another request
    other = hub.client("manager-1").request("ticket.take", {"field": "B"}, request_id="tap-0001")
    assert other["ticket"]["label"] == "B002"


def test_retry_across_a_hub_restart_gets_the_same_ticket(tmp_path, centre, clock) -> None:  # type: ignore[no-untyped-def]
    url = sqlite_url(tmp_path / "hub.sqlite")
    cp, ep = free_port(), free_port()
    server, store = start_hub(centre, url, clock, cp, ep)
    kiosk = HubClient(f"tcp://127.0.0.1:{cp}", "kiosk-1", timeout=1.0, retries=5)
    first = kiosk.request("ticket.take", {"field": "C"}, request_id="citizen-42")
    server.stop()
    store.close()
    server, store = start_hub(centre, url, clock, cp, ep)
    try:
        again = kiosk.request("ticket.take", {"field": "C"}, request_id="citizen-42")
        assert again == first
        assert server.engine.state.last_number["C"] == 1
        assert kiosk.request("ticket.take", {"field": "C"})["ticket"]["label"] == "C002"
    finally:
        kiosk.close()
        server.stop()
        store.close()


def test_a_down_hub_fails_at_once_instead_of_queueing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    client = HubClient(f"tcp://127.0.0.1:{free_port()}", "kiosk-1", timeout=0.5, retries=0)
    started = time.monotonic()
    with pytest.raises(HubUnavailable) as err:
        client.request("ticket.take", {"field": "A"})
    assert err.value.vi == "Mất kết nối với máy chủ"
    assert time.monotonic() - started < 5  # generous; it is immediate in practice
    client.close()


def test_unknown_device_is_not_authorised(hub) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(HubError) as err:
        hub.client("laptop-of-someone").request("ticket.take", {"field": "A"})
    assert err.value.code == "not_authorised"
    assert err.value.vi == "Thiết bị chưa được cấp quyền"


@pytest.mark.parametrize("frames, code", [
    ([b"garbage"], "bad_frame"),
    ([b"XX9", b"ticket.take", b"r1", b"{}"], "bad_version"),
    ([b"MC1", b"ticket.steal", b"r2", b"{}"], "unknown_type"),
    ([b"MC1", b"ticket.take", b"r3", b'{"field": 7}'], "bad_request"),
    ([b"MC1", b"ticket.take", b"r4", b'{"field": "A", "colour": "red"}'], "bad_request"),
    ([b"MC1", b"ticket.take", b"r5", b"\xff\xfe not utf-8"], "bad_encoding"),
    ([b"MC1", b"ticket.take", b"r6", b"[1, 2]"], "bad_json"),
    ([b"MC1", b"ticket.take", b"r7", b"{not json"], "bad_json"),
    ([b"MC1", b"ticket.take", b"r8", b'{"field": "' + b"A" * 70_000 + b'"}'], "too_large"),
    ([b"MC1", b"ticket.take", b"\x01\x02", b"{}"], "bad_frame"),
    ([b"MC1", b"counter.open", b"r9", b'{"officer": "cb01", "counter": true}'], "bad_request"),
])
def test_bad_input_gets_a_typed_error_and_the_hub_keeps_serving(hub, frames, code) -> None:  # type: ignore[no-untyped-def]
    sock = raw_dealer(hub.command, b"kiosk-1")
    sock.send_multipart(frames)
    assert sock.poll(3000)
    reply = sock.recv_multipart()
    assert reply[0] == b"MC1" and reply[1] == b"ERR"
    body = protocol.loads_object(reply[3])
    assert body["code"] == code and body["message_vi"] and body["message_en"]
    sock.close()
    assert hub.client("kiosk-1").request("ticket.take", {"field": "A"})["ticket"]["label"] == "A001"


def test_oversize_message_beyond_the_socket_limit_is_dropped(hub) -> None:  # type: ignore[no-untyped-def]
    sock = raw_dealer(hub.command, b"kiosk-1")
    monitor = sock.get_monitor_socket(zmq.EVENT_DISCONNECTED)
    sock.send_multipart([b"MC1", b"ticket.take", b"big", b"x" * (1024 * 1024)])
    # The hub's socket limit refuses the message by cutting the connection.
    assert monitor.poll(10_000), "the hub kept a connection that sent an oversize message"
    assert recv_monitor_message(monitor)["event"] == zmq.EVENT_DISCONNECTED
    sock.disable_monitor()
    monitor.close()
    sock.close()
    assert hub.client("kiosk-1").request("ping", {})["role"] == "kiosk"


def test_a_restarted_device_matches_one_that_ran_all_day(hub) -> None:  # type: ignore[no-untyped-def]
    alerts_off(hub)
    eps = Endpoints(hub.command, hub.events)
    early = EventWatch(eps, "display-hall").start()
    stop = threading.Event()
    progress: Signal[int] = Signal()

    def load() -> None:  # a steady stream of tickets and calls while devices restart
        kiosk = hub.client("kiosk-1")
        desk = hub.client("counter-1")
        desk.request("counter.open", {"officer": "cb01"})
        i = 0
        fields = "ABCDEGHKLMN"
        while not stop.is_set() and i < 1500:  # bounded: stays under every daily cap
            kiosk.request("ticket.take", {"field": fields[i % len(fields)]})
            if i % 3 == 0:
                desk.request("counter.call_next", {})
            i += 1
            progress.append(i)
        kiosk.close()
        desk.close()

    worker = threading.Thread(target=load)
    worker.start()
    late_views = []
    try:
        for n in range(1, 6):  # a device (re)starts after every 60 tickets
            progress.wait_len(60 * n, "the load")
            late_views.append(EventWatch(eps, "display-hall").start(wait_snapshot=False))
    finally:
        stop.set()
        worker.join()
    final = hub.store.last_seq()
    from motcua.core.state_snapshot import state_to_dict

    want = state_to_dict(hub.server.engine.state)
    for f in [early, *late_views]:
        view = f.wait_seq(final)
        assert view.seq == final
        assert state_to_dict(view.state) == want
        f.stop()


def test_follower_notices_a_lost_hub_and_recovers(tmp_path, centre, clock) -> None:  # type: ignore[no-untyped-def]
    url = sqlite_url(tmp_path / "hub.sqlite")
    cp, ep = free_port(), free_port()
    server, store = start_hub(centre, url, clock, cp, ep)
    states: list[bool] = []
    f = EventFollower(Endpoints(f"tcp://127.0.0.1:{cp}", f"tcp://127.0.0.1:{ep}"),
                      "display-hall", on_connection=states.append, lost_after=2.0)
    f.start()
    try:
        wait_until(lambda: states == [True])
        server.stop()
        store.close()
        wait_until(lambda: states == [True, False])
        server, store = start_hub(centre, url, clock, cp, ep)
        with HubClient(f"tcp://127.0.0.1:{cp}", "kiosk-1", retries=5) as k:
            k.request("ticket.take", {"field": "A"})
        wait_until(lambda: states == [True, False, True] and f.view is not None
              and f.view.waiting("A") == 1)
    finally:
        f.stop()
        server.stop()
        store.close()


def test_a_printer_that_falls_silent_is_marked_offline_and_blocks_its_kiosk(hub) -> None:  # type: ignore[no-untyped-def]
    hub.server.offline_after_s = 1.0
    printer = hub.client("printer-1")
    printer.request("device.status", {"status": "ok"})
    assert hub.client("kiosk-1").request("ticket.take", {"field": "A"})["ticket"]["label"]
    wait_until(lambda: hub.server.engine.state.devices["printer-1"]["status"] == "offline",
               "the silent printer marked offline")
    with pytest.raises(HubError) as err:
        hub.client("kiosk-1").request("ticket.take", {"field": "A"})
    assert err.value.code == "printer_unavailable"
    printer.request("device.status", {"status": "ok"})  # the node is back
    assert hub.client("kiosk-1").request("ticket.take", {"field": "A"})["ticket"]["label"] == "A002"


def test_a_follower_the_hub_refuses_says_so_once(hub, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(link_client, "REFUSED_RETRY_S", 0.05)  # retry often, to see it
    said: list[bool] = []
    f = EventFollower(Endpoints(hub.command, hub.events), "laptop-of-someone",
                      on_refused=said.append)
    f.start()
    try:
        wait_until(lambda: said == [True])
        # It keeps trying now and then, but says it only once: three more refused
        # snapshots, still one announcement.
        with LogWatch("motcua.link.client") as lines:
            for n in range(1, 4):
                lines.records.wait_for(
                    lambda _r, n=n: sum("snapshot failed" in r.getMessage()
                                        for r in lines.records.items) >= n,
                    "a refused retry")
        assert said == [True] and f.refused and f.view is None
    finally:
        f.stop()
