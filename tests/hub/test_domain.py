"""The pure queue domain: commands in, reply + events out, no sockets, no database."""

from __future__ import annotations

import dataclasses
import math
from datetime import datetime, timedelta

import pytest

from motcua.core.centre.model import CallPolicy
from motcua.core.state import DayState, apply
from motcua.core.state_snapshot import state_from_dict, state_to_dict
from motcua.hub.domain.engine import Actor
from tests.support.clock import VN
from tests.support.desk import KIOSK, MON_9, Desk, counter


@pytest.fixture
def desk(centre) -> Desk:  # type: ignore[no-untyped-def]
    return Desk(centre)


def test_numbers_per_field_start_at_one_and_use_the_prefix(desk: Desk) -> None:
    assert [desk.take("A"), desk.take("A"), desk.take("B"), desk.take("A")] == [
        "A001", "A002", "B001", "A003"]


def test_digits4_format(centre) -> None:  # type: ignore[no-untyped-def]
    d = Desk(dataclasses.replace(centre, number_format="digits4"))
    assert d.take("A") == "1001"
    assert d.take("B") == "2001"


def test_numbering_restarts_on_a_new_business_day_and_never_reuses_within_one(desk: Desk) -> None:
    first = [desk.take("A") for _ in range(3)]
    desk.now = MON_9 + timedelta(days=1)
    assert desk.take("A") == "A001"
    assert first == ["A001", "A002", "A003"]
    kinds = [e.type for e in desk.events]
    assert kinds.count("day.opened") == 2 and kinds.count("day.closed") == 1


def test_day_close_expires_waiting_tickets(desk: Desk) -> None:
    desk.take("A")
    desk.now = MON_9 + timedelta(days=1)
    desk.take("B")
    closed = next(e for e in desk.events if e.type == "day.closed")
    assert closed.body["expired"] == ["20251124-A001"]


def test_clock_jumping_back_across_midnight_keeps_the_newer_day(desk: Desk) -> None:
    desk.now = datetime(2025, 11, 25, 0, 30, tzinfo=VN)
    desk.engine.open_all_hours = True
    assert desk.take("A") == "A001"
    desk.now -= timedelta(hours=1)  # back to Monday 23:30
    assert desk.take("A") == "A002"
    assert desk.engine.state.day == "2025-11-25"


def test_outside_hours_and_sunday_are_refused_in_words(desk: Desk) -> None:
    desk.now = datetime(2025, 11, 24, 12, 0, tzinfo=VN)  # lunch break
    assert desk.refused(KIOSK, "ticket.take", field="A") == "closed_hours"
    desk.now = datetime(2025, 11, 30, 9, 0, tzinfo=VN)  # Sunday
    out = desk.do(KIOSK, "ticket.take", field="A")
    assert out.reply["code"] == "closed_hours"
    assert "Hôm nay trung tâm nghỉ" in out.reply["message_vi"]
    assert "Thứ Hai 01/12/2025 lúc 07:30" in out.reply["message_vi"]


def test_daily_cap(centre) -> None:  # type: ignore[no-untyped-def]
    fields = tuple(dataclasses.replace(f, daily_cap=2) if f.code == "A" else f
                   for f in centre.fields)
    d = Desk(dataclasses.replace(centre, fields=fields))
    d.take("A")
    d.take("A")
    assert d.refused(KIOSK, "ticket.take", field="A") == "cap_reached"
    assert d.take("B") == "B001"


def test_unknown_field_procedure_priority(desk: Desk) -> None:
    assert desk.refused(KIOSK, "ticket.take", field="Q") == "unknown_field"
    assert desk.refused(KIOSK, "ticket.take", field="A", procedure="B.1") == "unknown_procedure"
    assert desk.refused(KIOSK, "ticket.take", field="A", priority="vip") == "unknown_priority"
    assert desk.engine.state.last_number.get("A", 0) == 0


def test_roles_are_checked(desk: Desk) -> None:
    assert desk.refused(counter(1), "ticket.take", field="A") == "forbidden"
    assert desk.refused(KIOSK, "counter.call_next") == "forbidden"
    desk.ok(counter(1), "counter.open", officer="cb01")
    # a counter device cannot act for another counter
    assert desk.refused(counter(1), "counter.call_next", counter=2) == "forbidden"
    rating2 = Actor("rating-2", "rating", counter=2)
    assert desk.refused(rating2, "counter.call_next") == "forbidden"


def test_priority_first_then_oldest_with_reason(desk: Desk) -> None:
    desk.take("A")
    desk.tick()
    desk.take("A", priority="elderly")
    desk.ok(counter(1), "counter.open", officer="cb01")
    r = desk.ok(counter(1), "counter.call_next")
    assert r["ticket"]["label"] == "A002"
    assert "ưu tiên" in r["reason_vi"] and "Người cao tuổi" in r["reason_vi"]
    r = desk.ok(counter(1), "counter.call_next")
    assert r["ticket"]["label"] == "A001"
    assert "chờ lâu nhất" in r["reason_vi"]


def test_counter_calls_only_its_fields(desk: Desk) -> None:
    desk.take("C")  # counter 1 serves A, B only
    desk.ok(counter(1), "counter.open", officer="cb01")
    r = desk.ok(counter(1), "counter.call_next")
    assert r["ticket"] is None and r["message_vi"]
    desk.ok(counter(2), "counter.open", officer="cb02")
    assert desk.ok(counter(2), "counter.call_next")["ticket"]["label"] == "C001"


def test_interleave_policy(centre) -> None:  # type: ignore[no-untyped-def]
    d = Desk(dataclasses.replace(centre, policy=CallPolicy("interleave", interleave_normal=2)))
    for _ in range(4):
        d.take("A")
        d.tick()
    d.take("A", priority="pregnant")
    d.ok(counter(1), "counter.open", officer="cb01")
    calls = [d.ok(counter(1), "counter.call_next")["ticket"]["label"] for _ in range(5)]
    assert calls == ["A001", "A002", "A005", "A003", "A004"]


def test_ageing_policy(centre) -> None:  # type: ignore[no-untyped-def]
    d = Desk(dataclasses.replace(centre, policy=CallPolicy("ageing", ageing_bonus_minutes=10)))
    d.take("A")  # 09:00
    d.tick(20)
    d.take("A", priority="elderly")  # 09:20, counts as 09:10 -> still after A001
    d.tick(1)
    d.take("A")  # 09:21
    d.ok(counter(1), "counter.open", officer="cb01")
    calls = [d.ok(counter(1), "counter.call_next")["ticket"]["label"] for _ in range(3)]
    assert calls == ["A001", "A002", "A003"]


def test_priority_counter_is_strict_whatever_the_policy(centre) -> None:  # type: ignore[no-untyped-def]
    d = Desk(dataclasses.replace(centre, policy=CallPolicy("interleave", interleave_normal=5)))
    d.take("C")
    d.tick()
    d.take("C", priority="disability")
    d.ok(counter(6), "counter.open", officer="cb06")
    assert d.ok(counter(6), "counter.call_next")["ticket"]["label"] == "C002"


def test_full_lifecycle_records_periods_and_opens_a_rating_window(desk: Desk) -> None:
    desk.take("A")
    desk.ok(counter(1), "counter.open", officer="cb01")
    desk.tick(5)
    desk.ok(counter(1), "counter.call_next")
    desk.tick(1)
    desk.ok(counter(1), "counter.recall")
    desk.ok(counter(1), "counter.start")
    desk.tick(7)
    desk.ok(counter(1), "counter.finish")
    t = desk.engine.state.tickets["20251124-A001"]
    assert t.status == "done" and t.calls == 2 and t.officer == "cb01"
    assert [p.state for p in t.periods] == ["waiting", "called", "serving"]
    assert (t.first_called_at - t.issued_at) == timedelta(minutes=5)
    assert (t.finished_at - t.served_at) == timedelta(minutes=7)
    cs = desk.engine.state.counters[1]
    assert cs.served == 1 and cs.current is None and cs.rating is not None
    # the estimate learns how long the counter was taken: first call to finish, 1 + 7 min
    assert desk.engine.state.service_seconds["A"] == 8 * 60


def test_call_next_finishes_the_current_ticket(desk: Desk) -> None:
    desk.take("A")
    desk.take("A")
    desk.ok(counter(1), "counter.open", officer="cb01")
    desk.ok(counter(1), "counter.call_next")
    desk.ok(counter(1), "counter.call_next")
    assert desk.engine.state.tickets["20251124-A001"].status == "done"


def test_no_show_and_recall_need_a_called_ticket(desk: Desk) -> None:
    desk.ok(counter(1), "counter.open", officer="cb01")
    assert desk.refused(counter(1), "counter.no_show") == "no_ticket"
    desk.take("A")
    desk.ok(counter(1), "counter.call_next")
    desk.ok(counter(1), "counter.no_show")
    assert desk.engine.state.tickets["20251124-A001"].status == "no_show"
    assert desk.engine.state.counters[1].rating is None  # no rating for a no-show


def test_hold_and_bring_back(desk: Desk) -> None:
    desk.take("A")
    desk.take("A")
    desk.ok(counter(1), "counter.open", officer="cb01")
    desk.ok(counter(1), "counter.call_next")
    desk.ok(counter(1), "counter.hold")
    assert desk.engine.state.tickets["20251124-A001"].status == "held"
    desk.ok(counter(1), "counter.call_next")  # A002 while A001 fetches a photocopy
    assert desk.refused(counter(1), "counter.unhold", ticket="A001") == "counter_busy"
    desk.ok(counter(1), "counter.finish")
    desk.ok(counter(1), "counter.unhold", ticket="A001")
    assert desk.engine.state.tickets["20251124-A001"].status == "called"
    assert desk.refused(counter(2), "counter.unhold", ticket="A001") in {"counter_closed",
                                                                        "invalid_state"}


def test_call_specific_ticket_needs_a_reason_and_the_right_field(desk: Desk) -> None:
    desk.take("A")
    desk.take("A")
    desk.take("C")
    desk.ok(counter(1), "counter.open", officer="cb01")
    assert desk.refused(counter(1), "counter.call_ticket", ticket="A002", reason=" ") == \
        "reason_required"
    assert desk.refused(counter(1), "counter.call_ticket", ticket="C001", reason="x") == \
        "wrong_counter"
    r = desk.ok(counter(1), "counter.call_ticket", ticket="A002", reason="người già đứng lâu")
    assert r["ticket"]["label"] == "A002"
    called = [e for e in desk.events if e.type == "ticket.called"][-1]
    assert called.body["out_of_order"] == "người già đứng lâu"


def test_transfer_to_field_keeps_place_in_time(desk: Desk) -> None:
    desk.take("A")  # 09:00
    desk.tick(10)
    desk.take("B")  # 09:10
    desk.ok(counter(1), "counter.open", officer="cb01")
    desk.ok(counter(1), "counter.call_ticket", ticket="B001", reason="đúng hẹn")
    desk.ok(counter(1), "counter.transfer", to_field="E")  # counter 4 serves E and B
    desk.take("E")
    desk.ok(counter(4), "counter.open", officer="cb04")
    # B001 (placed 09:10) before A? counter 4 does not serve A; before E001 (later)
    assert desk.ok(counter(4), "counter.call_next")["ticket"]["label"] == "B001"
    assert desk.engine.state.tickets["20251124-B001"].transfers == 1


def test_transfer_to_named_counter_is_called_only_there(desk: Desk) -> None:
    desk.take("A")
    desk.ok(counter(1), "counter.open", officer="cb01")
    desk.ok(counter(1), "counter.call_next")
    desk.ok(counter(1), "counter.transfer", to_counter=3)
    desk.take("A")
    assert desk.ok(counter(1), "counter.call_next")["ticket"]["label"] == "A002"
    desk.ok(counter(3), "counter.open", officer="cb03")
    r = desk.ok(counter(3), "counter.call_next")
    assert r["ticket"]["label"] == "A001" and "chuyển" in r["reason_vi"]


def test_pause_blocks_calls_and_resume_allows(desk: Desk) -> None:
    desk.take("A")
    desk.ok(counter(1), "counter.open", officer="cb01")
    desk.ok(counter(1), "counter.pause")
    assert desk.refused(counter(1), "counter.call_next") == "counter_paused"
    desk.ok(counter(1), "counter.resume")
    assert desk.ok(counter(1), "counter.call_next")["ticket"]["label"] == "A001"


def test_officer_cannot_sign_in_twice_and_unknown_officer(desk: Desk) -> None:
    desk.ok(counter(1), "counter.open", officer="cb01")
    assert desk.refused(counter(2), "counter.open", officer="cb01") == "officer_elsewhere"
    assert desk.refused(counter(2), "counter.open", officer="nobody") == "unknown_officer"


def test_rating_window_binding(desk: Desk) -> None:
    rate1 = Actor("rating-1", "rating", counter=1)
    desk.take("A")
    desk.ok(counter(1), "counter.open", officer="cb01")
    desk.ok(counter(1), "counter.call_next")
    assert desk.refused(rate1, "rating.submit", value=4) == "no_rating_window"
    desk.ok(counter(1), "counter.finish")
    assert desk.refused(rate1, "rating.submit", value=99) == "bad_value"
    r = desk.ok(rate1, "rating.submit", value=4)
    assert r["value"] == 4
    given = [e for e in desk.events if e.type == "rating.given"]
    assert len(given) == 1 and given[0].body["officer"] == "cb01"
    assert given[0].body["ticket"] == "20251124-A001" and given[0].body["satisfied"] is True
    assert desk.refused(rate1, "rating.submit", value=3) == "no_rating_window"  # second press


def test_rating_after_the_window_is_refused(desk: Desk) -> None:
    rate1 = Actor("rating-1", "rating", counter=1)
    desk.take("A")
    desk.ok(counter(1), "counter.open", officer="cb01")
    desk.ok(counter(1), "counter.call_next")
    desk.ok(counter(1), "counter.finish")
    desk.now += timedelta(seconds=desk.engine.centre.rating_window_seconds + 1)
    assert desk.refused(rate1, "rating.submit", value=4) == "no_rating_window"


def test_wait_estimate_with_no_counter_open_gives_no_figure(desk: Desk) -> None:
    desk.take("A")
    desk.take("A")
    r = desk.ok(KIOSK, "ticket.take", field="A")["ticket"]
    assert r["ahead"] == 2
    assert r["estimate_minutes"] is None
    assert (r["estimate_note"], r["closes_at"]) == ("no_counter_open", "17:00")


def test_wait_estimate_with_the_fields_counters_open(desk: Desk) -> None:
    desk.ok(counter(1), "counter.open", officer="cb01")
    desk.ok(counter(6), "counter.open", officer="cb06")
    desk.take("A")
    desk.take("A")
    r = desk.ok(KIOSK, "ticket.take", field="A")["ticket"]
    # counters 1 and 6 serve A: each takes one ticket now, the third waits one service
    minutes = desk.engine.centre.field_by_code("A").service_minutes
    assert r["estimate_minutes"] == math.ceil(minutes)
    assert r["estimate_note"] is None and r["closes_at"] == "17:00"


def test_wait_estimate_counts_other_fields_on_shared_counters(desk: Desk) -> None:
    centre = desk.engine.centre
    desk.ok(counter(2), "counter.open", officer="cb02")  # serves C, D
    desk.ok(counter(3), "counter.open", officer="cb03")  # serves C, K, L
    for _ in range(10):
        desk.take("C")
    desk.tick(1)
    r = desk.ok(KIOSK, "ticket.take", field="K")["ticket"]
    # nobody waits in K, but the only open counter for K first drains the older C queue
    # together with counter 2: five rounds of C services
    assert r["ahead"] == 0
    assert r["estimate_minutes"] == math.ceil(5 * centre.field_by_code("C").service_minutes)


def test_wait_estimate_learns_from_finished_services(desk: Desk) -> None:
    desk.ok(counter(1), "counter.open", officer="cb01")
    for _ in range(3):
        desk.take("B")
    desk.ok(counter(1), "counter.call_next")
    desk.tick(2)
    desk.ok(counter(1), "counter.finish")  # a 2-minute service, call to finish
    learned = desk.engine.state.service_seconds["B"]
    assert learned == 120
    r = desk.ok(KIOSK, "ticket.take", field="B")["ticket"]
    # counter 1 is free: B002 now, B003 after 2 min, the new one after 4 (counter 6 closed)
    assert r["estimate_minutes"] == 4


def test_printer_fault_refuses_tickets_at_its_kiosk(desk: Desk) -> None:
    printer = Actor("printer-1", "printer", kiosk="kiosk-1")
    desk.ok(printer, "device.status", status="paper_out")
    assert desk.refused(KIOSK, "ticket.take", field="A") == "printer_unavailable"
    desk.ok(printer, "device.status", status="ok")
    assert desk.take("A") == "A001"


def test_replaying_events_rebuilds_the_same_state(desk: Desk) -> None:
    desk.take("A")
    desk.take("A", priority="elderly")
    desk.take("C")
    desk.ok(counter(1), "counter.open", officer="cb01")
    desk.ok(counter(1), "counter.call_next")
    desk.ok(counter(1), "counter.transfer", to_counter=2)
    desk.ok(counter(1), "counter.call_next")
    desk.ok(counter(1), "counter.finish")
    replayed = DayState()
    for e in desk.events:
        apply(replayed, e)
    assert state_to_dict(replayed) == state_to_dict(desk.engine.state)
    assert state_to_dict(state_from_dict(state_to_dict(replayed))) == state_to_dict(replayed)


def test_a_very_long_queue_gets_a_pooled_estimate(desk: Desk) -> None:
    from motcua.hub.domain.estimate import DRY_RUN_LIMIT

    desk.engine.open_all_hours = True
    desk.ok(counter(1), "counter.open", officer="cb01")  # serves A and B
    fields = desk.engine.centre.fields
    cap = {f.code: f.daily_cap for f in fields}
    n = 0
    while n <= DRY_RUN_LIMIT:
        for code in "AB":
            if desk.engine.state.last_number.get(code, 0) < cap[code]:
                desk.take(code)
                n += 1
    r = desk.ok(KIOSK, "ticket.take", field="B")["ticket"]
    minutes = {f.code: f.service_minutes for f in fields}
    waiting_a = desk.engine.state.waiting_count("A")
    waiting_b = desk.engine.state.waiting_count("B") - 1  # not the new one
    want = math.ceil((waiting_a * minutes["A"] + waiting_b * minutes["B"]) * 60 / 1 / 60)
    assert r["estimate_minutes"] == want
