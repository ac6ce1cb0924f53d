"""The wait printed on a new ticket: a dry run of the real dispatch.

Each open counter becomes free when its current service is likely to end; the counter
that frees first calls the ticket the centre's policy would give it (the same
``policy.choose`` the hub uses), and so on, until the new ticket is called. Its call time
is the estimate. This respects which counters serve which fields, shared counters, the
priority counter and transfers, which a per-field formula cannot (a simulated busy day
showed that formula ~15 minutes too short on average).

Service time per ticket is the field's running estimate of counter occupation (call to
finish), seeded from ``service_minutes``.

A dry run costs about 20 µs per waiting ticket. A commune centre rarely has more than a
few dozen waiting, but a hub must stay fast whatever happens, so with more than
``DRY_RUN_LIMIT`` tickets waiting the estimate is pooled instead: the work waiting in the
fields that the new ticket's counters serve, divided by those counters (O(fields)).

A figure nobody believes is never given (:func:`estimate_wait`): when no counter serving
the field is open, or the ticket would be called after today's closing time (the end of
the last opening session of the day), the estimate carries no minutes but a note
(``no_counter_open`` / ``beyond_closing``) and the closing time, and the kiosk warns the
citizen before the number is taken.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, Literal

from motcua.core.calendar import local
from motcua.core.centre.model import Centre
from motcua.core.state import (
    COUNTER_OPEN,
    COUNTER_PAUSED,
    CounterState,
    DayState,
    Ticket,
)
from motcua.hub.domain import policy

EstimateNote = Literal["beyond_closing", "no_counter_open"]
NO_COUNTER_OPEN: EstimateNote = "no_counter_open"
BEYOND_CLOSING: EstimateNote = "beyond_closing"

MAX_STEPS = 400
DRY_RUN_LIMIT = 150
NEW = "__new__"


def service_seconds(centre: Centre, state: DayState, field_code: str) -> float:
    f = centre.field_by_code(field_code)
    default = (f.service_minutes if f else 10.0) * 60.0
    return state.service_seconds.get(field_code, default)


def _trial(state: DayState, new: Ticket) -> DayState:
    """A copy of the queues (not the tickets) with the new ticket placed in them."""
    trial = DayState(day=state.day)
    trial.tickets = dict(state.tickets)
    trial.tickets[new.id] = new
    trial.waiting_normal = {k: list(v) for k, v in state.waiting_normal.items()}
    trial.waiting_priority = {k: list(v) for k, v in state.waiting_priority.items()}
    trial.targeted = {k: list(v) for k, v in state.targeted.items()}
    trial.counters = {n: CounterState(n, c.status, c.officer, c.current, c.normals_in_a_row)
                      for n, c in state.counters.items()}
    trial.enqueue(new)
    return trial


def estimate_wait_minutes(centre: Centre, state: DayState, field_code: str,
                          priority: str | None, now: datetime) -> int:
    """Minutes until a ticket taken now in ``field_code`` is likely to be called."""
    waiting = (sum(len(q) for q in state.waiting_normal.values())
               + sum(len(q) for q in state.waiting_priority.values())
               + sum(len(q) for q in state.targeted.values()))
    if waiting > DRY_RUN_LIMIT:
        return _pooled(centre, state, field_code, priority)
    new = Ticket(id=NEW, day=state.day, field=field_code, number=10**6, label="",
                 issued_at=now, order_at=now, priority=priority)
    trial = _trial(state, new)
    serving = [c for c in centre.counters
               if field_code in c.fields or c.number == new.target_counter]
    open_numbers = {n for n, c in state.counters.items()
                    if c.status in (COUNTER_OPEN, COUNTER_PAUSED)}
    # Counters that are closed are assumed to open now if nobody serves the field yet.
    active = [c for c in centre.counters if c.number in open_numbers]
    if not any(c.number in open_numbers for c in serving):
        active = active + [c for c in serving if c.number not in open_numbers]
    if not active:
        return 0
    free_at: list[tuple[datetime, int]] = []
    for c in active:
        cs = state.counter(c.number)
        t = state.tickets.get(cs.current) if cs.current else None
        start = now
        if t is not None and t.periods:
            busy_since = t.periods[-1].start
            left = service_seconds(centre, state, t.field) - (now - busy_since).total_seconds()
            start = now + timedelta(seconds=max(30.0, left))
        heapq.heappush(free_at, (start, c.number))
    by_number = {c.number: c for c in active}
    steps = 0
    while free_at and steps < MAX_STEPS:
        at, number = heapq.heappop(free_at)
        choice = policy.choose(centre, trial, by_number[number])
        if choice is None:
            continue  # nothing this counter would call: it stays idle
        if choice.ticket.id == NEW:
            return max(0, math.ceil((at - now).total_seconds() / 60.0 - 1e-9))
        trial.dequeue(choice.ticket)
        cs = trial.counter_for_update(number)
        cs.normals_in_a_row = 0 if choice.ticket.priority else cs.normals_in_a_row + 1
        took = service_seconds(centre, state, choice.ticket.field)
        heapq.heappush(free_at, (at + timedelta(seconds=took), number))
        steps += 1
    # Too long a queue for a dry run: the rest at the rate of the counters that serve it.
    ahead = trial.waiting_count(field_code)
    rate = max(1, sum(1 for c in active if field_code in c.fields))
    return math.ceil(ahead * service_seconds(centre, state, field_code) / rate / 60.0)


def _pooled(centre: Centre, state: DayState, field_code: str, priority: str | None) -> int:
    """Waiting work in the fields the ticket's counters serve ÷ those counters."""
    serving = [c for c in centre.counters if field_code in c.fields]
    open_numbers = {n for n, c in state.counters.items()
                    if c.status in (COUNTER_OPEN, COUNTER_PAUSED)}
    counters = [c for c in serving if c.number in open_numbers] or serving
    fields = {f for c in counters for f in c.fields}
    books = [state.waiting_priority] if priority else [state.waiting_priority,
                                                       state.waiting_normal]
    work = sum(len(book.get(f, ())) * service_seconds(centre, state, f)
               for book in books for f in fields)
    return math.ceil(work / max(1, len(counters)) / 60.0)


@dataclass(frozen=True)
class WaitEstimate:
    """What a ticket (and the kiosk, before the ticket is taken) says about the wait."""

    minutes: int | None
    """Minutes until the ticket is likely to be called; None when that is not believable."""
    note: EstimateNote | None = None
    """Why there are no minutes: no counter serving the field is open, or the call would
    come after today's closing time."""
    closes_at: str | None = None
    """Today's closing time "HH:MM" (end of the last opening session), None if none today."""

    def public(self) -> dict[str, Any]:
        """The keys tickets, the kiosk and the printer use."""
        return {"estimate_minutes": self.minutes, "estimate_note": self.note,
                "closes_at": self.closes_at}


def _sessions_today(centre: Centre, now: datetime) -> list[tuple[datetime, datetime]]:
    loc = local(centre, now)

    def at(t: time) -> datetime:
        return loc.replace(hour=t.hour, minute=t.minute, second=0, microsecond=0)

    return sorted((at(s.start), at(s.end)) for s in centre.hours.get(loc.isoweekday(), ()))


def closing_time(centre: Centre, now: datetime) -> datetime | None:
    """When today's last opening session ends (aware, centre time), None on a closed day."""
    sessions = _sessions_today(centre, now)
    return sessions[-1][1] if sessions else None


def call_time(centre: Centre, now: datetime, work_minutes: float) -> datetime | None:
    """When ``work_minutes`` of counter work starting now is done, counting only opening
    sessions (the lunch break adds to the wait); None when it runs past closing."""
    left = timedelta(minutes=work_minutes)
    for start, end in _sessions_today(centre, now):
        if end <= now:
            continue
        begin = max(start, now)
        if begin + left <= end:
            return begin + left
        left -= end - begin
    return None


def counter_open_for(centre: Centre, state: DayState, field_code: str,
                     priority: str | None) -> bool:
    """Whether an open (or briefly paused) counter would call a ticket of this field."""
    for c in centre.counters:
        if field_code not in c.fields:
            continue
        if state.counter(c.number).status in (COUNTER_OPEN, COUNTER_PAUSED):
            return True
    return False


def estimate_wait(centre: Centre, state: DayState, field_code: str, priority: str | None,
                  now: datetime, *, mind_closing: bool = True) -> WaitEstimate:
    """The wait a ticket taken now would be told, or why no figure is given.

    ``mind_closing`` False (a hub issuing at all hours, for drills and simulations) leaves
    the closing time out.
    """
    closes = closing_time(centre, now) if mind_closing else None
    closes_at = closes.strftime("%H:%M") if closes is not None else None
    if not counter_open_for(centre, state, field_code, priority):
        return WaitEstimate(None, NO_COUNTER_OPEN, closes_at)
    minutes = estimate_wait_minutes(centre, state, field_code, priority, now)
    if closes is None or now >= closes:
        return WaitEstimate(minutes, None, closes_at)  # issuing at all hours, or a drill
    called = call_time(centre, now, minutes)
    if called is None:
        return WaitEstimate(None, BEYOND_CLOSING, closes_at)
    return WaitEstimate(max(minutes, math.ceil((called - now).total_seconds() / 60 - 1e-9)),
                        None, closes_at)
