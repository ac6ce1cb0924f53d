"""The day's queue state and how each event changes it.

``apply`` is the only code that mutates state. The hub calls it after deciding a
command; devices call it on events they receive; a restarted hub calls it on the
day's stored events. All three therefore agree.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import datetime
from typing import Any

WAITING = "waiting"
CALLED = "called"
SERVING = "serving"
HELD = "held"
DONE = "done"
NO_SHOW = "no_show"
CANCELLED = "cancelled"
FINAL_STATES = frozenset({DONE, NO_SHOW, CANCELLED})
ACTIVE_STATES = frozenset({CALLED, SERVING})

COUNTER_CLOSED = "closed"
COUNTER_OPEN = "open"
COUNTER_PAUSED = "paused"

# Printer states in which the kiosk stops issuing tickets (nothing could be printed).
PRINTER_BLOCKING = frozenset({"paper_out", "cover_open", "offline", "error"})


@dataclass(frozen=True)
class Event:
    """A state change: its type, when it happened (hub clock) and its data."""

    type: str
    ts: datetime
    body: dict[str, Any]


@dataclass
class Period:
    """One stretch of a ticket's life in one state (waiting, called, serving, held)."""

    state: str
    start: datetime
    end: datetime | None = None
    counter: int | None = None
    officer: str | None = None


@dataclass
class Ticket:
    """A queue ticket of one business day."""

    id: str
    day: str
    field: str
    number: int
    label: str
    issued_at: datetime
    order_at: datetime
    """Place in time used for ordering; a transferred ticket keeps its original one."""
    priority: str | None = None
    procedure: str | None = None
    kiosk: str | None = None
    status: str = WAITING
    counter: int | None = None
    officer: str | None = None
    target_counter: int | None = None
    """Set when the ticket was transferred to a named counter: only that counter calls it."""
    first_called_at: datetime | None = None
    served_at: datetime | None = None
    finished_at: datetime | None = None
    calls: int = 0
    transfers: int = 0
    printed: bool = False
    print_failed: bool = False
    ahead: int = 0
    estimate_minutes: int | None = 0
    """Minutes the ticket was told it would wait; None when no believable figure existed."""
    estimate_note: str | None = None
    """``"no_counter_open"`` or ``"beyond_closing"`` when there are no minutes."""
    closes_at: str | None = None
    """The centre's closing time "HH:MM" the day the ticket was issued."""
    booking: str | None = None
    """The booking code this ticket was checked in with (docs/booking.md)."""
    not_before: datetime | None = None
    """A booked citizen who came early: not in any queue, so not called, before this."""
    rating: int | None = None
    satisfied: bool | None = None
    periods: list[Period] = dc_field(default_factory=list)
    outcome: str | None = None
    """What the officer recorded at finish (an outcome code of ``[dossier]``)."""
    dossiers: list[str] = dc_field(default_factory=list)
    """Dossier numbers (mã số hồ sơ) received or returned for this ticket."""
    outcome_reason: str = ""
    issued_by: int | None = None
    """The counter whose officer issued the ticket (guidance desk, phone-in), else None."""
    quick: bool = False
    """Issued and served at once at that counter, without queueing ("quick serve")."""
    note: str = ""
    """The last transfer's note for the receiving counter (work notes, no personal data)."""
    return_counter: int | None = None
    """After the service it was transferred for, the ticket goes back to this counter."""

    def sort_key(self) -> tuple[datetime, int]:
        return (self.order_at, self.number)

    def close_period(self, ts: datetime) -> None:
        if self.periods and self.periods[-1].end is None:
            self.periods[-1].end = ts

    def open_period(self, state: str, ts: datetime, counter: int | None = None,
                    officer: str | None = None) -> None:
        self.close_period(ts)
        self.periods.append(Period(state, ts, None, counter, officer))


@dataclass
class RatingWindow:
    """The service a counter's rating device may rate right now."""

    ticket: str
    officer: str | None
    field: str
    until: datetime


@dataclass
class CounterState:
    number: int
    status: str = COUNTER_CLOSED
    officer: str | None = None
    current: str | None = None
    normals_in_a_row: int = 0
    served: int = 0
    rating: RatingWindow | None = None
    pause_reason: str | None = None
    """Code of the reason of the current pause (None when not paused or not given)."""
    paused_at: datetime | None = None


@dataclass
class DayState:
    """Everything the queue knows about one business day."""

    day: str = ""
    tickets: dict[str, Ticket] = dc_field(default_factory=dict)
    last_number: dict[str, int] = dc_field(default_factory=dict)
    issued: dict[str, int] = dc_field(default_factory=dict)
    """Tickets issued today per field (the daily cap counts these, not the last number,
    which may have been moved on after a restore)."""
    counters: dict[int, CounterState] = dc_field(default_factory=dict)
    service_seconds: dict[str, float] = dc_field(default_factory=dict)
    """Running estimate of one service per field (exponentially weighted)."""
    devices: dict[str, dict[str, Any]] = dc_field(default_factory=dict)
    recent_calls: list[dict[str, Any]] = dc_field(default_factory=list)
    help_requests: dict[str, str] = dc_field(default_factory=dict)
    """Devices whose citizen asked for help ("Cần hỗ trợ"), with the time asked (ISO),
    until a member of staff acknowledges it."""
    alerts: dict[str, dict[str, Any]] = dc_field(default_factory=dict)
    """Manager alerts active now, by key (``"wait:A"``): kind, subject, words, since, seen."""
    alerts_done: set[str] = dc_field(default_factory=set)
    """Keys of alerts that ended once seen (a low rating): not raised again today."""
    # Derived indexes, kept sorted by (order_at, number); rebuilt from tickets.
    waiting_normal: dict[str, list[tuple[datetime, int, str]]] = dc_field(default_factory=dict)
    waiting_priority: dict[str, list[tuple[datetime, int, str]]] = dc_field(default_factory=dict)
    targeted: dict[int, list[tuple[datetime, int, str]]] = dc_field(default_factory=dict)

    # -- index upkeep -------------------------------------------------------------
    def _queue_for(self, t: Ticket) -> list[tuple[datetime, int, str]]:
        if t.target_counter is not None:
            return self.targeted.setdefault(t.target_counter, [])
        book = self.waiting_priority if t.priority else self.waiting_normal
        return book.setdefault(t.field, [])

    def enqueue(self, t: Ticket) -> None:
        bisect.insort(self._queue_for(t), (t.order_at, t.number, t.id))

    def dequeue(self, t: Ticket) -> None:
        queue = self._queue_for(t)
        key = (t.order_at, t.number, t.id)
        i = bisect.bisect_left(queue, key)
        if i < len(queue) and queue[i] == key:
            del queue[i]

    def rebuild_indexes(self) -> None:
        self.waiting_normal.clear()
        self.waiting_priority.clear()
        self.targeted.clear()
        for t in self.tickets.values():
            if t.status == WAITING and t.not_before is None:
                self.enqueue(t)

    def waiting_count(self, field_code: str) -> int:
        n = len(self.waiting_normal.get(field_code, ())) + len(
            self.waiting_priority.get(field_code, ()))
        n += sum(1 for q in self.targeted.values() for _, _, tid in q
                 if self.tickets[tid].field == field_code)
        return n

    def counter(self, number: int) -> CounterState:
        """Read a counter's state (a closed counter never seen today has no entry)."""
        found = self.counters.get(number)
        return found if found is not None else CounterState(number)

    def counter_for_update(self, number: int) -> CounterState:
        return self.counters.setdefault(number, CounterState(number))


# -- apply ---------------------------------------------------------------------------

def apply(state: DayState, event: Event) -> None:
    """Change ``state`` by one event. Unknown event types are ignored (newer hubs)."""
    handler = _HANDLERS.get(event.type)
    if handler is not None:
        handler(state, event.ts, event.body)


def _day_opened(s: DayState, ts: datetime, b: dict[str, Any]) -> None:
    # A business day starts empty: numbering restarts, counters are closed until an
    # officer signs in. What is learned across days (service times, device states)
    # travels in the event itself so that replaying from here rebuilds everything.
    s.day = b["day"]
    s.tickets.clear()
    s.last_number.clear()
    s.issued.clear()
    s.recent_calls.clear()
    s.help_requests.clear()
    s.alerts.clear()
    s.alerts_done.clear()
    s.counters.clear()
    s.service_seconds = {k: float(v) for k, v in b.get("service_seconds", {}).items()}
    s.devices = dict(b.get("devices", {}))
    s.rebuild_indexes()


def _day_closed(s: DayState, ts: datetime, b: dict[str, Any]) -> None:
    for tid in b.get("expired", []):
        t = s.tickets.get(tid)
        if t is not None and t.status not in FINAL_STATES:
            if t.status == WAITING:
                s.dequeue(t)
            t.status = CANCELLED
            t.close_period(ts)


def _issued(s: DayState, ts: datetime, b: dict[str, Any]) -> None:
    t = Ticket(id=b["ticket"], day=b["day"], field=b["field"], number=b["number"],
               label=b["label"], issued_at=ts, order_at=ts, priority=b.get("priority"),
               procedure=b.get("procedure"), kiosk=b.get("kiosk"), ahead=b.get("ahead", 0),
               estimate_minutes=b.get("estimate_minutes", 0),
               estimate_note=b.get("estimate_note"), closes_at=b.get("closes_at"),
               issued_by=b.get("issued_by"), quick=bool(b.get("quick", False)))
    booked = b.get("booking")
    if booked:
        t.booking = booked["code"]
        if booked.get("not_before"):
            t.not_before = datetime.fromisoformat(booked["not_before"])
    t.open_period(WAITING, ts)
    s.tickets[t.id] = t
    s.last_number[t.field] = max(s.last_number.get(t.field, 0), t.number)
    s.issued[t.field] = s.issued.get(t.field, 0) + 1
    if t.not_before is None:
        s.enqueue(t)


def _window_opened(s: DayState, ts: datetime, b: dict[str, Any]) -> None:
    """An early booked citizen's window opened: into the queue, called like priority."""
    t = s.tickets[b["ticket"]]
    if t.status == WAITING and t.not_before is not None:
        t.not_before = None
        t.order_at = ts
        s.enqueue(t)


def _take_to_counter(s: DayState, ts: datetime, b: dict[str, Any], state: str) -> Ticket:
    t = s.tickets[b["ticket"]]
    if t.status == WAITING:
        s.dequeue(t)
    c = s.counter_for_update(b["counter"])
    t.status = state
    t.counter = c.number
    t.officer = b.get("officer")
    t.target_counter = None
    t.open_period(state, ts, c.number, t.officer)
    c.current = t.id
    return t


def _called(s: DayState, ts: datetime, b: dict[str, Any]) -> None:
    t = _take_to_counter(s, ts, b, CALLED)
    t.calls += 1
    if t.first_called_at is None:
        t.first_called_at = ts
    c = s.counter_for_update(b["counter"])
    c.normals_in_a_row = 0 if t.priority else c.normals_in_a_row + 1
    _remember_call(s, ts, t, c.number, recall=False)


def _remember_call(s: DayState, ts: datetime, t: Ticket, counter: int, *, recall: bool) -> None:
    s.recent_calls.insert(0, {"ticket": t.id, "label": t.label, "counter": counter,
                              "field": t.field, "ts": ts.isoformat(), "recall": recall})
    del s.recent_calls[12:]


def _recalled(s: DayState, ts: datetime, b: dict[str, Any]) -> None:
    t = s.tickets[b["ticket"]]
    t.calls += 1
    _remember_call(s, ts, t, b["counter"], recall=True)


def _serving(s: DayState, ts: datetime, b: dict[str, Any]) -> None:
    t = _take_to_counter(s, ts, b, SERVING)
    t.served_at = ts
    if t.first_called_at is None:  # quick serve: served straight from issue, no call
        t.first_called_at = ts


def _release(s: DayState, t: Ticket) -> CounterState | None:
    if t.counter is None:
        return None
    c = s.counter_for_update(t.counter)
    if c.current == t.id:
        c.current = None
    return c


def _done(s: DayState, ts: datetime, b: dict[str, Any]) -> None:
    t = s.tickets[b["ticket"]]
    if t.served_at is None:
        t.served_at = t.periods[-1].start if t.periods else ts
    t.status = DONE
    t.finished_at = ts
    t.outcome = b.get("outcome")
    t.dossiers = list(b.get("dossiers") or ())
    t.outcome_reason = str(b.get("outcome_reason") or "")
    t.close_period(ts)
    c = _release(s, t)
    if c is not None:
        c.served += 1
        c.rating = RatingWindow(t.id, t.officer, t.field,
                                datetime.fromisoformat(b["rating_until"]))
    seconds = float(b.get("occupied_seconds", b.get("service_seconds", 0.0)))
    if seconds > 0:
        old = s.service_seconds.get(t.field)
        s.service_seconds[t.field] = seconds if old is None else 0.8 * old + 0.2 * seconds


def _no_show(s: DayState, ts: datetime, b: dict[str, Any]) -> None:
    t = s.tickets[b["ticket"]]
    t.status = NO_SHOW
    t.finished_at = ts
    t.close_period(ts)
    _release(s, t)


def _held(s: DayState, ts: datetime, b: dict[str, Any]) -> None:
    t = s.tickets[b["ticket"]]
    t.status = HELD
    t.open_period(HELD, ts, b["counter"], b.get("officer"))
    _release(s, t)
    t.counter = b["counter"]


def _unheld(s: DayState, ts: datetime, b: dict[str, Any]) -> None:
    t = _take_to_counter(s, ts, b, CALLED)
    t.calls += 1
    _remember_call(s, ts, t, b["counter"], recall=True)


def _transferred(s: DayState, ts: datetime, b: dict[str, Any]) -> None:
    t = s.tickets[b["ticket"]]
    _release(s, t)
    t.status = WAITING
    t.transfers += 1
    t.counter = None
    t.officer = None
    if b.get("to_field"):
        t.field = b["to_field"]
    t.target_counter = b.get("to_counter")
    t.note = str(b.get("note") or "")
    # A transfer back to the first counter ends the round trip.
    t.return_counter = None if b.get("returning") else b.get("return_counter")
    t.open_period(WAITING, ts)
    s.enqueue(t)


def _cancelled(s: DayState, ts: datetime, b: dict[str, Any]) -> None:
    t = s.tickets[b["ticket"]]
    if t.status == WAITING:
        s.dequeue(t)
    else:
        _release(s, t)
    t.status = CANCELLED
    t.finished_at = ts
    t.close_period(ts)


def _printed(s: DayState, ts: datetime, b: dict[str, Any]) -> None:
    t = s.tickets.get(b["ticket"])
    if t is not None:
        t.printed = True
        t.print_failed = False


def _print_failed(s: DayState, ts: datetime, b: dict[str, Any]) -> None:
    t = s.tickets.get(b["ticket"])
    if t is not None and not t.printed:
        t.print_failed = True


def _counter_opened(s: DayState, ts: datetime, b: dict[str, Any]) -> None:
    c = s.counter_for_update(b["counter"])
    c.status = COUNTER_OPEN
    c.officer = b["officer"]


def _counter_closed(s: DayState, ts: datetime, b: dict[str, Any]) -> None:
    c = s.counter_for_update(b["counter"])
    c.status = COUNTER_CLOSED
    c.officer = None
    c.current = None
    c.rating = None
    c.pause_reason = None
    c.paused_at = None


def _counter_paused(s: DayState, ts: datetime, b: dict[str, Any]) -> None:
    c = s.counter_for_update(b["counter"])
    c.status = COUNTER_PAUSED
    c.pause_reason = b.get("reason")
    c.paused_at = ts


def _counter_resumed(s: DayState, ts: datetime, b: dict[str, Any]) -> None:
    c = s.counter_for_update(b["counter"])
    c.status = COUNTER_OPEN
    c.pause_reason = None
    c.paused_at = None


def _rating_given(s: DayState, ts: datetime, b: dict[str, Any]) -> None:
    t = s.tickets.get(b["ticket"])
    if t is not None:
        t.rating = b["value"]
        t.satisfied = b.get("satisfied")
    c = s.counter_for_update(b["counter"])
    if c.rating is not None and c.rating.ticket == b["ticket"]:
        c.rating = None


def _numbers_skipped(s: DayState, ts: datetime, b: dict[str, Any]) -> None:
    # After a restore, numbers given out after the backup are in citizens' hands: the
    # day's numbering jumps past them.
    for code, last in b["last_number"].items():
        s.last_number[code] = max(s.last_number.get(code, 0), int(last))


def _help_requested(s: DayState, ts: datetime, b: dict[str, Any]) -> None:
    s.help_requests[b["device"]] = ts.isoformat()


def _help_acked(s: DayState, ts: datetime, b: dict[str, Any]) -> None:
    s.help_requests.pop(b["device"], None)


def _device_status(s: DayState, ts: datetime, b: dict[str, Any]) -> None:
    s.devices[b["device"]] = {"status": b["status"], "role": b.get("role"),
                              "detail_vi": b.get("detail_vi", ""),
                              "detail_en": b.get("detail_en", ""), "ts": ts.isoformat()}


def _alert_raised(s: DayState, ts: datetime, b: dict[str, Any]) -> None:
    s.alerts[b["alert"]] = {"kind": b["kind"], "subject": b["subject"],
                            "detail_vi": b["detail_vi"], "detail_en": b["detail_en"],
                            "since": ts.isoformat(), "seen": None}


def _alert_seen(s: DayState, ts: datetime, b: dict[str, Any]) -> None:
    a = s.alerts.get(b["alert"])
    if a is not None and a["seen"] is None:
        a["seen"] = ts.isoformat()


def _alert_cleared(s: DayState, ts: datetime, b: dict[str, Any]) -> None:
    a = s.alerts.pop(b["alert"], None)
    if a is not None and a["seen"] is not None:
        s.alerts_done.add(b["alert"])


_HANDLERS = {
    "ticket.window_opened": _window_opened,
    "day.opened": _day_opened,
    "day.closed": _day_closed,
    "ticket.issued": _issued,
    "ticket.called": _called,
    "ticket.recalled": _recalled,
    "ticket.serving": _serving,
    "ticket.done": _done,
    "ticket.no_show": _no_show,
    "ticket.held": _held,
    "ticket.unheld": _unheld,
    "ticket.transferred": _transferred,
    "ticket.cancelled": _cancelled,
    "ticket.printed": _printed,
    "ticket.print_failed": _print_failed,
    "counter.opened": _counter_opened,
    "counter.closed": _counter_closed,
    "counter.paused": _counter_paused,
    "counter.resumed": _counter_resumed,
    "rating.given": _rating_given,
    "device.status": _device_status,
    "help.requested": _help_requested,
    "help.acked": _help_acked,
    "numbers.skipped": _numbers_skipped,
    "alert.raised": _alert_raised,
    "alert.seen": _alert_seen,
    "alert.cleared": _alert_cleared,
}
EVENT_TYPES = frozenset(_HANDLERS)
