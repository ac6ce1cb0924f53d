"""The boards' frozen model and the live-call guard, without Qt or a hub."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from motcua.core.state import DayState, Event, apply
from motcua.display.model import BoardModel, board_model, is_live_call, safe_board_model
from motcua.link.client import CentreView

VN = ZoneInfo("Asia/Ho_Chi_Minh")
T0 = datetime(2025, 11, 24, 9, 0, tzinfo=VN)


class Day:
    """Applies events to a DayState the way every device does."""

    def __init__(self, centre) -> None:  # type: ignore[no-untyped-def]
        self.state = DayState()
        self.t = T0
        self.seq = 0
        self.view = CentreView(centre, self.state, 0, "stream", hub_now=T0.isoformat())
        self.ev("day.opened", day="2025-11-24")

    def ev(self, kind: str, **body: object) -> Event:
        self.t += timedelta(seconds=30)
        event = Event(kind, self.t, dict(body))
        apply(self.state, event)
        self.seq += 1
        self.view.seq = self.seq
        return event

    def issue(self, field: str, number: int) -> str:
        tid = f"t-{field}{number}"
        self.ev("ticket.issued", ticket=tid, day="2025-11-24", field=field, number=number,
                label=f"{field}{number:03d}")
        return tid

    def call(self, tid: str, counter: int) -> Event:
        return self.ev("ticket.called", ticket=tid, counter=counter, officer="cb01",
                       label=self.state.tickets[tid].label)

    def model(self) -> BoardModel:
        return board_model(self.view)


def test_open_counters_calls_and_waiting(centre) -> None:  # type: ignore[no-untyped-def]
    d = Day(centre)
    a1, a2, c1 = d.issue("A", 1), d.issue("A", 2), d.issue("C", 1)
    d.ev("counter.opened", counter=1, officer="cb01")
    d.ev("counter.opened", counter=2, officer="cb02")
    d.ev("counter.opened", counter=5, officer="cb05")
    d.ev("counter.paused", counter=5)
    d.call(a1, 1)
    d.call(c1, 2)
    d.ev("ticket.recalled", ticket=a1, counter=1, label="A001")
    m = d.model()
    assert m.current_calls() == {1: "A001", 2: "C001", 5: None}
    assert [c.number for c in m.open_counters] == [1, 2, 5]
    assert m.counter(5) is not None and m.counter(5).status == "paused"  # type: ignore[union-attr]
    assert m.counter(3) is not None and not m.counter(3).shown  # type: ignore[union-attr]
    assert [(c.label, c.counter, c.recall) for c in m.recent] == [
        ("A001", 1, True), ("C001", 2, False), ("A001", 1, False)]
    assert m.newest is not None and m.newest.label == "A001"
    assert m.highlighted_counter == 1
    waiting = {f.code: f.waiting for f in m.waiting}
    assert waiting["A"] == 1 and waiting["C"] == 0 and set(waiting) == {
        f.code for f in centre.fields}
    assert m.waiting_for(("A", "B")) == 1
    assert m.name_vi == "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG" and m.notice_vi
    # the newest call's counter moved on: nothing to highlight any more
    d.ev("ticket.serving", ticket=a1, counter=1, officer="cb01")
    assert d.model().counter(1).serving  # type: ignore[union-attr]
    d.ev("ticket.done", ticket=a1, counter=1, rating_until=(d.t + timedelta(seconds=30))
         .isoformat())
    assert d.model().label_at(1) is None and d.model().highlighted_counter is None
    assert a2  # still waiting


def test_model_is_frozen_and_equal_at_equal_state(centre) -> None:  # type: ignore[no-untyped-def]
    first, second = Day(centre), Day(centre)
    for d in (first, second):
        d.ev("counter.opened", counter=1, officer="cb01")
        d.call(d.issue("A", 1), 1)
    assert first.model() == second.model()
    assert safe_board_model(first.view) == first.model()


def test_only_calls_after_the_snapshot_are_live(centre) -> None:  # type: ignore[no-untyped-def]
    d = Day(centre)
    tid = d.issue("A", 1)
    d.ev("counter.opened", counter=1, officer="cb01")
    new_call = d.call(tid, 1)
    assert is_live_call(d.view, new_call)
    # a view whose snapshot was taken after this call must not treat it as news
    later = CentreView(centre, d.state, d.seq, "stream",
                       hub_now=(new_call.ts + timedelta(minutes=5)).isoformat())
    assert not is_live_call(later, new_call)
    for kind in ("ticket.recalled", "ticket.unheld"):
        assert is_live_call(d.view, Event(kind, d.t, {"ticket": tid, "counter": 1}))
    for kind in ("ticket.issued", "ticket.serving", "counter.opened"):
        assert not is_live_call(d.view, Event(kind, d.t, {}))
