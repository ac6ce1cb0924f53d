"""No unbelievable wait figures: a closed field or a wait past closing time gives a note
and the closing time instead of minutes, and the kiosk can ask before taking a number."""

from __future__ import annotations

from datetime import datetime, timedelta

from motcua.core.state import DayState, apply
from motcua.core.state_snapshot import state_to_dict
from motcua.hub.domain.engine import Actor
from tests.hub.test_domain import KIOSK, Desk, counter
from tests.support.clock import VN

MANAGER = Actor("manager-1", "manager")


def test_a_closed_fields_queue_never_gets_a_figure(centre) -> None:  # type: ignore[no-untyped-def]
    """The case seen in the field: 27 ahead, the field's counters closed -> 1897 min."""
    desk = Desk(centre)
    desk.ok(counter(1), "counter.open", officer="cb01")  # serves A and B only
    for _ in range(27):
        desk.take("K")
    r = desk.ok(KIOSK, "ticket.take", field="K")["ticket"]
    assert r["ahead"] == 27
    assert r["estimate_minutes"] is None
    assert r["estimate_note"] == "no_counter_open"
    assert r["closes_at"] == "17:00"


def test_a_wait_past_closing_time_says_so(centre) -> None:  # type: ignore[no-untyped-def]
    desk = Desk(centre)
    desk.now = datetime(2025, 11, 24, 16, 20, tzinfo=VN)
    desk.ok(counter(1), "counter.open", officer="cb01")
    for _ in range(8):
        desk.take("B")
    r = desk.ok(KIOSK, "ticket.take", field="B")["ticket"]
    assert r["estimate_minutes"] is None
    assert (r["estimate_note"], r["closes_at"]) == ("beyond_closing", "17:00")


def test_the_lunch_break_is_part_of_the_wait(centre) -> None:  # type: ignore[no-untyped-def]
    desk = Desk(centre)
    desk.now = datetime(2025, 11, 24, 11, 20, tzinfo=VN)
    desk.ok(counter(1), "counter.open", officer="cb01")
    for _ in range(3):
        desk.take("B")
    r = desk.ok(KIOSK, "ticket.take", field="B")["ticket"]
    # B001 now, then two services; the morning session ends at 11:30 and the afternoon
    # starts at 13:30, so a wait that crosses 11:30 grows by the two-hour break
    service = centre.field_by_code("B").service_minutes
    work = 3 * service
    assert work > 10
    assert r["estimate_minutes"] == round(work + 120)
    assert r["estimate_note"] is None


def test_ticket_estimate_answers_before_taking_and_changes_nothing(centre) -> None:  # type: ignore[no-untyped-def]
    desk = Desk(centre)
    for _ in range(3):
        desk.take("K")
    before = state_to_dict(desk.engine.state)
    est = desk.engine.estimate(KIOSK, {"field": "K"}, desk.now)
    assert est == {"field": "K", "ahead": 3, "estimate_minutes": None,
                   "estimate_note": "no_counter_open", "closes_at": "17:00"}
    assert state_to_dict(desk.engine.state) == before
    taken = desk.ok(KIOSK, "ticket.take", field="K")["ticket"]
    assert {k: taken[k] for k in ("estimate_minutes", "estimate_note", "closes_at")} == {
        k: est[k] for k in ("estimate_minutes", "estimate_note", "closes_at")}


def test_help_request_until_staff_acknowledge(centre) -> None:  # type: ignore[no-untyped-def]
    desk = Desk(centre)
    first = desk.ok(KIOSK, "help.request")
    desk.now += timedelta(seconds=20)
    again = desk.ok(KIOSK, "help.request")  # pressing twice is one request
    assert first == again
    assert list(desk.engine.state.help_requests) == ["kiosk-1"]
    assert [e.type for e in desk.events] == ["day.opened", "help.requested"]
    assert desk.refused(counter(2), "help.request") == "forbidden"
    assert desk.refused(KIOSK, "help.ack", device="kiosk-1") == "forbidden"
    assert desk.ok(counter(2), "help.ack", device="kiosk-1") == {
        "device": "kiosk-1", "acknowledged": True}
    assert desk.ok(MANAGER, "help.ack", device="kiosk-1")["acknowledged"] is False
    assert desk.engine.state.help_requests == {}
    replayed = DayState()
    for e in desk.events:
        apply(replayed, e)
    assert state_to_dict(replayed) == state_to_dict(desk.engine.state)


def test_over_the_wire(hub) -> None:  # type: ignore[no-untyped-def]
    kiosk = hub.client("kiosk-1")
    est = kiosk.request("ticket.estimate", {"field": "K"})
    assert est["estimate_note"] == "no_counter_open" and est["estimate_minutes"] is None
    assert kiosk.request("help.request", {})["device"] == "kiosk-1"
    staff = hub.client("counter-3")
    assert staff.request("help.ack", {"device": "kiosk-1"})["acknowledged"] is True
    snapshot = staff.request("snapshot", {})
    assert snapshot["state"]["help_requests"] == {}
