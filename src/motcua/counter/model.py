"""What the counter window shows, computed from the hub's state (no Qt here).

:func:`panel_for` turns a :class:`motcua.link.client.CentreView` into a :class:`CounterPanel`:
the counter's status and officer, its current ticket, waiting counts for the fields it
serves, the tickets it holds and how many it served today. :func:`waiting_lines` does the
same for the hub's ``counter.waiting`` answer (the queue in call order, with reasons).
Keeping this pure makes it testable without a screen and keeps ``window.py`` about layout.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from motcua.core.centre.model import Centre
from motcua.core.state import HELD, Ticket
from motcua.counter.actions import status_words
from motcua.link.client import CentreView


@dataclass(frozen=True)
class TicketLine:
    """One ticket as the officer sees it."""

    id: str
    label: str
    status: str
    field: str
    field_vi: str
    priority_vi: str
    """Priority category in words, ``""`` for a normal ticket."""
    procedure_vi: str
    waited_seconds: int | None
    """From taking the number to the first call (or to the hub's "now" while waiting)."""
    reason_vi: str = ""
    """Why this ticket is (or was) next, when known."""
    issued_hhmm: str = ""
    transferred_to: int | None = None

    @property
    def status_vi(self) -> str:
        return status_words(self.status)[0]


@dataclass(frozen=True)
class FieldCount:
    code: str
    vi: str
    waiting: int


@dataclass(frozen=True)
class CounterPanel:
    """Everything the main page shows about one counter."""

    number: int
    known: bool
    """False when the centre has no such counter (wrong ``--counter``)."""
    name_vi: str
    fields: tuple[str, ...]
    status: str
    officer: str | None
    current: TicketLine | None
    served: int
    waiting: tuple[FieldCount, ...]
    held: tuple[TicketLine, ...]

    @property
    def signed_in(self) -> bool:
        return self.status != "closed"

    @property
    def paused(self) -> bool:
        return self.status == "paused"

    @property
    def total_waiting(self) -> int:
        return sum(f.waiting for f in self.waiting)


def minutes_text(seconds: float | None) -> tuple[str, str]:
    """A wait in words: "dưới 1 phút", "12 phút", "1 giờ 05 phút" (and English)."""
    if seconds is None:
        return "–", "–"
    minutes = int(max(0.0, seconds) // 60)
    if minutes < 1:
        return "dưới 1 phút", "under 1 min"
    if minutes < 60:
        return f"{minutes} phút", f"{minutes} min"
    return f"{minutes // 60} giờ {minutes % 60:02d} phút", f"{minutes // 60} h {minutes % 60:02d} min"


def field_name(centre: Centre, code: str) -> str:
    f = centre.field_by_code(code)
    return f.vi if f is not None else code


def priority_name(centre: Centre, code: str | None) -> str:
    if not code:
        return ""
    cat = next((p for p in centre.priority_categories if p.code == code), None)
    return cat.vi if cat is not None else code


def procedure_name(centre: Centre, procedure_id: str | None) -> str:
    """A procedure's name; looked up in every field (a transferred ticket changes field)."""
    if not procedure_id:
        return ""
    for f in centre.fields:
        for p in f.procedures:
            if p.id == procedure_id:
                return p.vi
    return procedure_id


def line_from_ticket(centre: Centre, t: Ticket, reason_vi: str = "",
                     now: datetime | None = None) -> TicketLine:
    """A :class:`TicketLine` for a ticket of the local state."""
    until = t.first_called_at or now
    waited = None if until is None else round((until - t.issued_at).total_seconds())
    return TicketLine(t.id, t.label, t.status, t.field, field_name(centre, t.field),
                      priority_name(centre, t.priority), procedure_name(centre, t.procedure),
                      waited, reason_vi, t.issued_at.strftime("%H:%M"), t.target_counter)


def line_from_public(centre: Centre, d: dict[str, Any], reason_vi: str = "") -> TicketLine:
    """A :class:`TicketLine` for a ticket as the hub sends it in replies (``ticket_public``)."""
    issued = str(d.get("issued_at", ""))
    try:
        hhmm = datetime.fromisoformat(issued).strftime("%H:%M") if issued else ""
    except ValueError:
        hhmm = ""
    waited = d.get("waited_seconds")
    return TicketLine(str(d.get("id", "")), str(d.get("label", "")), str(d.get("status", "")),
                      str(d.get("field", "")), field_name(centre, str(d.get("field", ""))),
                      priority_name(centre, d.get("priority")),
                      procedure_name(centre, d.get("procedure")),
                      None if waited is None else int(waited), reason_vi, hhmm)


def waiting_lines(centre: Centre, reply: dict[str, Any]) -> list[TicketLine]:
    """The ``counter.waiting`` answer as lines, in the order this counter would call them."""
    return [line_from_public(centre, row.get("ticket", {}), str(row.get("reason_vi", "")))
            for row in reply.get("waiting", [])]


def panel_for(view: CentreView, number: int, reasons: dict[str, str] | None = None
              ) -> CounterPanel:
    """The counter's panel from the device's copy of the hub state.

    ``reasons`` maps ticket id -> why it was called (from ``ticket.called`` events).
    The view is updated by the link's thread; everything is copied out here at once.
    """
    centre, state = view.centre, view.state
    reasons = reasons or {}
    counter = centre.counter_by_number(number)
    cs = state.counters.get(number)
    tickets = list(state.tickets.values())
    current = None
    if cs is not None and cs.current:
        t = state.tickets.get(cs.current)
        if t is not None:
            current = line_from_ticket(centre, t, reasons.get(t.id, ""))
    held = tuple(line_from_ticket(centre, t) for t in sorted(tickets, key=Ticket.sort_key)
                 if t.status == HELD and t.counter == number)
    fields = counter.fields if counter is not None else ()
    waiting = tuple(FieldCount(code, field_name(centre, code), state.waiting_count(code))
                    for code in fields)
    return CounterPanel(
        number=number, known=counter is not None,
        name_vi=counter.vi if counter is not None else f"Quầy số {number}",
        fields=tuple(fields), status=cs.status if cs is not None else "closed",
        officer=cs.officer if cs is not None else None, current=current,
        served=cs.served if cs is not None else 0, waiting=waiting, held=held)
