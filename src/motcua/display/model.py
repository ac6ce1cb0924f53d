"""What a number board shows, as plain immutable data built from a :class:`CentreView`.

The boards never read the live ``DayState`` while painting: the state belongs to the
hub link's follower thread, which changes it while the GUI thread would be iterating
over it. :func:`board_model` turns the view into a frozen :class:`BoardModel` (built in
the follower thread right after each event, see ``motcua.display.base``), and widgets paint
only that. Two boards that reached the same sequence number therefore have equal
models, which is what the "started mid-day" test compares.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from motcua.core.state import COUNTER_CLOSED, COUNTER_OPEN, COUNTER_PAUSED, SERVING
from motcua.core.text import nfc
from motcua.link.client import CentreView

log = logging.getLogger(__name__)

CALL_EVENTS = frozenset({"ticket.called", "ticket.recalled", "ticket.unheld"})
"""Events that put a number on the board and are spoken aloud."""
RECENT_LIMIT = 8
"""How many of the hub's recent calls (it keeps 12) the boards show."""


@dataclass(frozen=True)
class CounterLine:
    """One counter: its number, name, status and the ticket it has now."""

    number: int
    name_vi: str
    status: str
    """``open``, ``paused`` or ``closed`` (as in ``motcua.core.state``)."""
    label: str | None
    """Ticket label being called or served, e.g. ``"A025"``; None when free."""
    serving: bool
    """True once the officer has started serving (no longer just called)."""
    fields: tuple[str, ...]
    """Codes of the fields the counter serves (from the centre configuration)."""
    officer_name: str = ""
    """Name of the officer signed in ("" when closed or unknown to this board)."""
    officer_title: str = ""
    """The officer's title (Decree 118/2025 Art. 9.8: name and title at the counter)."""

    @property
    def shown(self) -> bool:
        """The hall board lists open and paused counters, not closed ones."""
        return self.status in (COUNTER_OPEN, COUNTER_PAUSED)


@dataclass(frozen=True)
class CallLine:
    """One entry of the last-calls list (newest first)."""

    label: str
    counter: int
    field: str
    recall: bool
    ts: str


@dataclass(frozen=True)
class FieldLine:
    """People waiting in one field."""

    code: str
    name_vi: str
    waiting: int


@dataclass(frozen=True)
class BoardModel:
    """Everything a hall or counter board paints, frozen at one sequence number."""

    seq: int
    day: str
    name_vi: str
    place_vi: str
    slogan_vi: str
    notice_vi: str
    timezone: str
    counters: tuple[CounterLine, ...]
    recent: tuple[CallLine, ...]
    waiting: tuple[FieldLine, ...]

    @property
    def newest(self) -> CallLine | None:
        """The latest call (shown big and highlighted), or None before the first call."""
        return self.recent[0] if self.recent else None

    @property
    def open_counters(self) -> tuple[CounterLine, ...]:
        return tuple(c for c in self.counters if c.shown)

    def counter(self, number: int) -> CounterLine | None:
        return next((c for c in self.counters if c.number == number), None)

    def label_at(self, number: int) -> str | None:
        """Ticket label at counter ``number`` (None when free, closed or unknown)."""
        c = self.counter(number)
        return None if c is None else c.label

    def current_calls(self) -> dict[int, str | None]:
        """Counter number -> label for every counter the hall board lists."""
        return {c.number: c.label for c in self.open_counters}

    @property
    def highlighted_counter(self) -> int | None:
        """The counter whose tile shows the newest call, if it still has that number."""
        n = self.newest
        if n is None:
            return None
        c = self.counter(n.counter)
        if c is None or not c.shown or c.label != n.label:
            return None
        return c.number

    def waiting_for(self, codes: tuple[str, ...]) -> int:
        """People waiting in any of the fields ``codes`` (a counter board's own queue)."""
        wanted = set(codes)
        return sum(f.waiting for f in self.waiting if f.code in wanted)


def board_model(view: CentreView) -> BoardModel:
    """Freeze what the boards show from ``view``.

    Call it in the thread that applies events to ``view`` (or when nothing else
    touches it); :func:`safe_board_model` retries when that cannot be guaranteed.
    """
    centre, state = view.centre, view.state
    tickets = state.tickets
    lines: list[CounterLine] = []
    configured = {c.number for c in centre.counters}
    officers = {o.id: o for o in centre.officers}
    for cfg in centre.counters:
        cs = state.counters.get(cfg.number)
        lines.append(_counter_line(cfg.number, nfc(cfg.vi), tuple(cfg.fields), cs, tickets,
                                   officers))
    for number, cs in sorted(state.counters.items()):
        if number not in configured:  # a counter the hub knows but this config does not
            lines.append(_counter_line(number, f"Quầy số {number}", (), cs, tickets, officers))
    recent = tuple(
        CallLine(str(c.get("label", "")), int(c.get("counter", 0)), str(c.get("field", "")),
                 bool(c.get("recall", False)), str(c.get("ts", "")))
        for c in list(state.recent_calls)[:RECENT_LIMIT]
    )
    waiting = tuple(FieldLine(f.code, nfc(f.vi), view.waiting(f.code)) for f in centre.fields)
    return BoardModel(
        seq=view.seq, day=state.day, name_vi=nfc(centre.name_vi), place_vi=nfc(centre.place_vi),
        slogan_vi=nfc(centre.slogan_vi), notice_vi=nfc(centre.notice_vi),
        timezone=centre.timezone, counters=tuple(lines), recent=recent, waiting=waiting,
    )


def _counter_line(number: int, name: str, fields: tuple[str, ...], cs: Any,
                  tickets: dict[str, Any], officers: dict[str, Any]) -> CounterLine:
    if cs is None:
        return CounterLine(number, name, COUNTER_CLOSED, None, False, fields)
    ticket = tickets.get(cs.current) if cs.current else None
    label = None if ticket is None else str(ticket.label)
    serving = ticket is not None and ticket.status == SERVING
    officer = officers.get(cs.officer) if cs.officer and cs.status != COUNTER_CLOSED else None
    return CounterLine(number, name, str(cs.status), label, serving, fields,
                       nfc(officer.name) if officer is not None else "",
                       nfc(officer.title) if officer is not None else "")


def safe_board_model(view: CentreView, attempts: int = 5) -> BoardModel | None:
    """:func:`board_model` from a thread that does not own ``view`` (start-up only).

    The follower thread may change a dict while we iterate over it; that raises
    ``RuntimeError`` (or ``KeyError`` mid-update), so we simply try again.
    """
    for _ in range(attempts):
        try:
            return board_model(view)
        except (RuntimeError, KeyError):
            continue
    log.warning("could not read the view consistently; waiting for the next event")
    return None


STALE_CALL_SECONDS = 2.0
"""A call event older than the snapshot the view started from (by more than this) is
history, not news: it must never be spoken or flashed (a re-snapshot must not replay)."""


def is_live_call(view: CentreView, event: Any) -> bool:
    """True for a call event (called/recalled/unheld) that happened after ``view``'s snapshot.

    The follower only reports events it applied one by one after its snapshot, so
    this is a second guard: an event stamped before the snapshot's hub time is old.
    """
    if event.type not in CALL_EVENTS:
        return False
    try:
        snapshot_at = datetime.fromisoformat(view.hub_now) if view.hub_now else None
    except ValueError:
        snapshot_at = None
    if snapshot_at is None or event.ts.tzinfo is None or snapshot_at.tzinfo is None:
        return True
    return bool(event.ts >= snapshot_at - timedelta(seconds=STALE_CALL_SECONDS))
