"""Counter tools through a real hub: issue for a citizen at the desk, quick serve,
transfer with a note and a return, pause with a reason; the events and the report."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.link.client import HubError
from motcua.report_cli import main as report_main
from motcua.report_cli import read_hub_events
from motcua.reports.operations import OPERATION_EVENTS, operations_tables


def events(hub: Any, kind: str) -> list[dict[str, Any]]:
    return [e.body for _, e in hub.store.day_events() if e.type == kind]


def test_officer_issues_a_ticket_printed_at_the_nearest_printer(hub: Any) -> None:
    desk = hub.client("counter-2")
    with pytest.raises(HubError) as closed:
        desk.request("counter.issue", {"field": "C"})
    assert closed.value.code == "counter_closed" and "đăng nhập" in closed.value.vi
    desk.request("counter.open", {"officer": "cb02"})
    got = desk.request("counter.issue", {"field": "C", "procedure": "C.1"})
    assert got["ticket"]["label"] == "C001" and got["printed_at"] == "kiosk-1"
    issued = events(hub, "ticket.issued")[-1]
    assert issued["issued_by"] == 2 and issued["kiosk"] == "kiosk-1" and not issued["quick"]
    # It queues like any other ticket: the next citizen at the kiosk is behind it.
    assert hub.client("kiosk-1").request("ticket.take", {"field": "C"})["ticket"]["ahead"] == 1
    # Phone-in: nothing printed; an unknown printer is refused in words.
    assert desk.request("counter.issue", {"field": "D", "printer": ""})["printed_at"] is None
    with pytest.raises(HubError) as bad:
        desk.request("counter.issue", {"field": "D", "printer": "printer-9"})
    assert bad.value.code == "unknown_printer" and "printer-9" in bad.value.vi


def test_quick_serve_serves_at_once_without_a_call(hub: Any) -> None:
    desk = hub.client("counter-1")
    desk.request("counter.open", {"officer": "cb01"})
    got = desk.request("counter.issue", {"field": "A", "serve": True})
    t = hub.server.engine.state.tickets[got["ticket"]["id"]]
    assert t.status == "serving" and t.counter == 1 and t.quick and t.issued_by == 1
    assert t.first_called_at == t.issued_at  # waited nothing
    assert got["printed_at"] is None and events(hub, "ticket.called") == []
    with pytest.raises(HubError) as wrong:
        desk.request("counter.issue", {"field": "C", "serve": True})
    assert wrong.value.code == "wrong_counter"
    desk.request("counter.finish", {})
    assert t.status == "done"


def test_transfer_with_a_note_and_return_to_the_first_counter(hub: Any, clock: Any) -> None:
    hub.client("kiosk-1").request("ticket.take", {"field": "A"})
    one, three = hub.client("counter-1"), hub.client("counter-3")
    one.request("counter.open", {"officer": "cb01"})
    three.request("counter.open", {"officer": "cb03"})
    tid = one.request("counter.call_next", {})["ticket"]["id"]
    with pytest.raises(HubError) as long_note:
        one.request("counter.transfer", {"to_counter": 3, "note": "x" * 201})
    assert long_note.value.code == "bad_value" and "200" in long_note.value.vi
    one.request("counter.transfer", {"to_counter": 3, "note": "Cần xác nhận nguồn gốc đất",
                                     "return": True})
    state = hub.server.engine.state
    assert state.tickets[tid].note == "Cần xác nhận nguồn gốc đất"
    # The receiving counter sees the note in its own state (snapshot and events).
    snap = three.request("snapshot", {})
    seen = next(t for t in snap["state"]["tickets"] if t["id"] == tid)
    assert seen["note"] == "Cần xác nhận nguồn gốc đất" and seen["return_counter"] == 1
    assert three.request("counter.call_next", {})["ticket"]["id"] == tid
    clock.advance(minutes=5)
    three.request("counter.finish", {})
    t = state.tickets[tid]
    assert t.status == "waiting" and t.target_counter == 1 and t.return_counter is None
    assert one.request("counter.call_next", {})["ticket"]["id"] == tid
    one.request("counter.finish", {})
    assert t.status == "done" and t.counter == 1
    moves = events(hub, "ticket.transferred")
    assert [m.get("returning", False) for m in moves] == [False, True]


def test_pause_reasons_and_pause_time_by_reason_in_the_report(hub: Any, clock: Any,
                                                              tmp_path: Any) -> None:
    desk = hub.client("counter-4")
    desk.request("counter.open", {"officer": "cb04"})
    with pytest.raises(HubError) as bad:
        desk.request("counter.pause", {"reason": "nap"})
    assert bad.value.code == "unknown_reason" and "meeting" in bad.value.vi
    desk.request("counter.pause", {"reason": "meeting"})
    assert hub.server.engine.state.counter(4).pause_reason == "meeting"
    clock.advance(minutes=12)
    desk.request("counter.resume", {})
    assert events(hub, "counter.resumed")[-1]["paused_seconds"] == 720.0
    desk.request("counter.pause", {"reason": "break"})
    clock.advance(minutes=3)
    desk.request("counter.close", {})  # signed out while paused: the pause ends there
    desk.request("counter.open", {"officer": "cb04"})
    desk.request("counter.issue", {"field": "E", "serve": True})
    day = hub.server.engine.state.day
    logged = read_hub_events(str(hub.db_path), day, day, OPERATION_EVENTS)
    tables = {t["key"]: t for t in operations_tables(hub.server.centre, logged)}
    assert tables["pauses_by_reason"]["rows"] == [
        {"reason": "break", "reason_name": "Nghỉ giải lao", "pauses": 1, "minutes": 3.0},
        {"reason": "meeting", "reason_name": "Họp", "pauses": 1, "minutes": 12.0}]
    assert tables["counter_tools"]["rows"] == [
        {"counter": 4, "issued": 0, "quick": 1, "noted": 0, "returned": 0}]
    # The manager's report command writes them with the other tables.
    out = tmp_path / "report"
    assert report_main(["--db", str(hub.db_path), "--from", "24/11/2025", "--to", "24/11/2025",
                        "--out", str(out), "--csv"]) == 0
    assert "Họp" in (out / "tam-dung-theo-ly-do.csv").read_text("utf-8-sig")
