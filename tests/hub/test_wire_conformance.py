"""Every reply and event a real hub produces fits its model in motcua.core.wire.

One day through every command type, then each reply checked against REPLIES, every
stored event against EVENTS, and events read off the PUB socket carry the version.
"""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest
import zmq

from motcua.core import protocol, wire
from motcua.core.wire.replies import Health, TicketView
from motcua.link.client import HubError
from tests.support.drills import check_database, raw_dealer
from tests.support.wait import wait_until


def test_every_reply_and_event_of_a_day_fits_its_model(hub) -> None:  # type: ignore[no-untyped-def]
    sub = zmq.Context.instance().socket(zmq.SUB)
    sub.linger = 0
    sub.setsockopt(zmq.SUBSCRIBE, b"")
    sub.connect(hub.events)
    replies: list[tuple[str, dict[str, Any]]] = []

    def ask(device: str, kind: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        # A report comes from the hub's read worker, started on first use: on a busy
        # machine that start alone can take seconds (docs/architecture.md, "Heavy reads").
        reply: dict[str, Any] = hub.client(device, timeout=60.0).request(kind, body or {})
        replies.append((kind, reply))
        return reply

    ask("kiosk-1", "ping")
    ask("manager-1", "snapshot", {"staff": True})
    tickets = [ask("kiosk-1", "ticket.take", {"field": "A"})["ticket"] for _ in range(5)]
    ask("printer-1", "printer.pending")
    ask("kiosk-1", "ticket.estimate", {"field": "A"})
    ask("kiosk-1", "help.request")
    ask("counter-1", "help.ack", {"device": "kiosk-1"})
    ask("printer-1", "printer.printed", {"ticket": tickets[0]["id"]})
    ask("printer-1", "printer.failed", {"ticket": tickets[1]["id"], "reason": "paper_out"})
    ask("printer-1", "device.status", {"status": "paper_near_end"})
    ask("counter-1", "counter.open", {"officer": "cb01"})
    ask("counter-1", "counter.waiting", {"limit": 3})
    ask("counter-1", "counter.call_next")
    ask("counter-1", "counter.recall")
    ask("counter-1", "counter.start")
    ask("counter-1", "counter.finish")
    ask("rating-1", "rating.submit", {"value": 4})
    ask("counter-1", "counter.call_next")
    ask("counter-1", "counter.hold")
    ask("counter-1", "counter.unhold", {"ticket": tickets[1]["id"]})
    ask("counter-1", "counter.no_show")
    ask("counter-1", "counter.call_ticket", {"ticket": tickets[4]["label"], "reason": "hẹn trước"})
    ask("counter-1", "counter.transfer", {"to_field": "C"})
    ask("counter-1", "counter.pause")
    ask("counter-1", "counter.resume")
    ask("manager-1", "ticket.cancel", {"ticket": tickets[3]["id"], "reason": "bỏ về"})
    ask("counter-1", "counter.call_next")
    ask("counter-1", "counter.finish")
    nobody = ask("counter-1", "counter.call_next")
    ask("counter-1", "counter.pause", {"reason": "meeting"})
    ask("counter-1", "counter.resume")
    ask("counter-1", "counter.issue", {"field": "A", "printer": ""})
    ask("counter-1", "counter.issue", {"field": "B", "serve": True})
    ask("counter-1", "counter.transfer", {"to_counter": 4, "note": "cần sao y", "return": True})
    ask("display-hall", "officer.photo", {"officer": "cb01"})
    wait_until(lambda: "printer:printer-1" in hub.server.engine.state.alerts, "printer alert")
    ask("manager-1", "alert.seen", {"alert": "printer:printer-1"})
    ask("counter-1", "counter.call_next")
    ask("counter-1", "counter.finish")
    ask("counter-1", "counter.close")
    ask("manager-1", "report.summary", {"date_from": "2025-11-01", "date_to": "2025-11-30"})

    assert nobody["ticket"] is None and nobody["message_vi"]
    assert {kind for kind, _ in replies} == set(wire.REQUESTS)
    for kind, reply in replies:
        wire.check_reply(kind, True, reply)
    # One shape per concept: a reply's ticket is the ticket object, its counter the
    # counter object, whichever command it answers.
    for kind, reply in replies:
        if isinstance(reply.get("ticket"), dict):
            msgspec.convert(reply["ticket"], TicketView)
        assert not isinstance(reply.get("ticket"), str), kind
        assert not isinstance(reply.get("counter"), int), kind

    stored = check_database(hub.db_path).events
    assert {e.type for e in stored} >= {"ticket.issued", "ticket.called", "ticket.done",
                                        "ticket.transferred", "rating.given", "counter.opened"}
    for e in stored:
        wire.check_event(e.type, e.body)
    seen = heartbeats = 0
    while sub.poll(3000) and (seen < 3 or heartbeats < 1):
        msg = protocol.decode_event(sub.recv_multipart())  # refuses a wrong version
        if msg.type == "hb":
            heartbeats += 1
            assert msgspec.convert(msg.data, Health).storage == "ok"
        else:
            seen += 1
    assert seen == 3 and heartbeats >= 1
    sub.close()


@pytest.mark.parametrize("body, key, words", [
    (b'{"field": "A", "field": "B"}', "field", "appears twice"),
    (b'{"field": "A", "colour": "red"}', "colour", "Unknown key"),
    (b'{"field": 7}', "field", "wrong type"),
    (b'{}', "field", "Missing required key"),
])
def test_a_refused_body_names_the_key_and_the_problem(hub, body, key, words) -> None:  # type: ignore[no-untyped-def]
    sock = raw_dealer(hub.command, b"kiosk-1")
    sock.send_multipart([b"MC1", b"ticket.take", b"r1", body])
    assert sock.poll(3000)
    _v, status, _rid, raw = sock.recv_multipart()
    sock.close()
    reply = json.loads(raw)
    wire.check_reply("ticket.take", False, reply)
    assert status == b"ERR" and reply["code"] == "bad_request"
    assert reply["details"]["key"] == key
    assert repr(key) in reply["message_vi"] and repr(key) in reply["message_en"]
    assert words in reply["message_en"]


@pytest.mark.parametrize("body, key", [
    ({"date_from": "hôm qua"}, "date_from"),
    ({"date_to": "2025-02-30"}, "date_to"),
    ({"date_from": 20251101}, "date_from"),
    ({"date_from": "2025-11-30", "date_to": "2025-11-01"}, "date_from"),
])
def test_bad_report_dates_are_a_bad_request_not_an_internal_error(hub, body, key) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(HubError) as err:
        hub.client("manager-1", timeout=60.0).request("report.summary", body)
    assert err.value.code == "bad_request"
    assert key in err.value.en and key in err.value.vi
    assert isinstance(hub.client("manager-1", timeout=60.0).request("report.summary", {}),
                      dict)
