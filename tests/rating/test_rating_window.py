"""Following a counter's rating window on the hub's clock (no sockets, no Qt)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from motcua.core.state import (
    COUNTER_OPEN,
    CounterState,
    DayState,
    Event,
    RatingWindow,
    Ticket,
)
from motcua.link.client import CentreView
from motcua.rating.window import HubClock, RatingTracker

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NINE = datetime(2025, 11, 24, 9, 0, tzinfo=VN)


class Mono:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


def view_with_window(centre: Any, until: datetime, hub_now: datetime = NINE) -> CentreView:
    state = DayState(day="2025-11-24")
    t = Ticket("20251124-A001", "2025-11-24", "A", 1, "A001", NINE, NINE, status="done",
               counter=1, officer="cb01")
    state.tickets[t.id] = t
    state.counters[1] = CounterState(1, COUNTER_OPEN, "cb01", None, 0, 1,
                                     RatingWindow(t.id, "cb01", "A", until))
    return CentreView(centre, state, 5, "stream", hub_now=hub_now.isoformat())


def test_hub_clock_counts_from_what_the_hub_said() -> None:
    mono = Mono()
    clock = HubClock(mono)
    assert clock.now() is None
    clock.observe(NINE)
    mono.now += 12.5
    assert clock.now() == NINE + timedelta(seconds=12.5)
    clock.observe_text("not a time")  # ignored, the old anchor stays
    assert clock.now() == NINE + timedelta(seconds=12.5)


def test_the_window_runs_on_hub_time_not_on_this_machines_calendar(centre: Any) -> None:
    # The hub's day is in 2025 (a FakeClock, or a tablet with a wrong date): it still works.
    mono = Mono()
    tracker = RatingTracker(1, mono)
    tracker.update(view_with_window(centre, NINE + timedelta(seconds=30)))
    w = tracker.window()
    assert w is not None
    assert (w.ticket, w.label, w.officer, w.field) == ("20251124-A001", "A001", "cb01", "A")
    assert w.seconds_left == 30 and w.total_seconds == centre.rating_window_seconds
    mono.now += 29.5
    assert tracker.window() is not None
    mono.now += 1
    assert tracker.window() is None


def test_events_move_the_hub_clock_and_a_snapshot_moves_it_once(centre: Any) -> None:
    mono = Mono()
    tracker = RatingTracker(1, mono)
    view = view_with_window(centre, NINE + timedelta(seconds=30))
    tracker.update(view)
    mono.now += 20
    tracker.update(view)  # the same view after an event: hub_now is stale, not re-read
    w = tracker.window()
    assert w is not None and round(w.seconds_left) == 10
    # An event stamped 09:00:40 by the hub: the window is over, whatever the local clock says.
    tracker.update(view, Event("ticket.printed", NINE + timedelta(seconds=40), {}))
    assert tracker.window() is None


def test_dismissed_and_missing_windows(centre: Any) -> None:
    tracker = RatingTracker(1, Mono())
    assert tracker.window() is None and tracker.scale == ()
    assert tracker.counter_status() == "closed" and tracker.current_label() is None
    tracker.update(view_with_window(centre, NINE + timedelta(seconds=30)))
    assert tracker.counter_status() == "open"
    tracker.dismiss("20251124-A001")
    assert tracker.window() is None
    assert RatingTracker(2, Mono()).window() is None


def test_without_hub_time_the_local_clock_is_used(centre: Any) -> None:
    tracker = RatingTracker(1, Mono())
    view = view_with_window(centre, datetime.now(VN) + timedelta(seconds=20))
    view.hub_now = ""
    tracker.update(view)
    w = tracker.window()
    assert w is not None and 15 < w.seconds_left <= 20
