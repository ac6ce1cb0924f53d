"""Event data: one model per event type on the PUB socket (and in the stored outbox).

Events are the hub's permanent record, so they refer by reference: ``ticket`` is the
ticket **id** (with its ``label`` beside it for screens) and ``counter`` the counter
**number**. Replies carry the full objects (``replies.py``).
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from msgspec import Meta

__all__ = ["EVENTS", "EventData", "EventEnvelope"]


class EventData(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Base of every event's ``data``."""


class EventEnvelope(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The JSON frame of every event (and, with empty data, of every heartbeat)."""

    v: Annotated[str, Meta(description='protocol version, "MC1"')]
    ts: Annotated[str, Meta(description="hub time of the change, ISO 8601 with offset")] = ""
    day: Annotated[str, Meta(description="business day, YYYY-MM-DD")] = ""
    data: dict[str, Any] = msgspec.field(default_factory=dict)


TicketId = Annotated[str, Meta(description='ticket id, "20251124-A025"')]
Label = Annotated[str, Meta(description='printed number, "A025"')]
CounterNo = Annotated[int, Meta(description="counter number")]
Officer = Annotated[str | None, Meta(description="staff id at the counter")]


class DayOpened(EventData):
    """A new business day: numbering restarts, counters are closed."""

    day: str
    service_seconds: Annotated[dict[str, float], Meta(
        description="running service-time estimate per field, carried over")]
    devices: Annotated[dict[str, dict[str, Any]], Meta(description="last status per device")]


class DayClosed(EventData):
    day: str
    expired: Annotated[list[str], Meta(description="ids of tickets still open at the end")]


class TicketIssued(EventData):
    ticket: TicketId
    day: str
    field: str
    number: int
    label: Label
    priority: str | None
    procedure: str | None
    kiosk: Annotated[str | None, Meta(description="kiosk that issued it (its printer prints)")]
    ahead: int
    estimate_minutes: Annotated[int | None, Meta(
        description="estimated wait; null when no counter for the field is open or the "
                    "wait runs past closing time (see estimate_note)")]
    estimate_note: Annotated[str | None, Meta(
        description="no_counter_open, beyond_closing, or null")] = None
    closes_at: Annotated[str | None, Meta(
        description='today\'s closing time "HH:MM", null on a closed day')] = None
    issued_by: Annotated[int | None, Meta(description="counter whose officer issued it")] = None
    quick: Annotated[bool, Meta(description="served at once at that counter")] = False
    booking: Annotated[dict[str, Any] | None, Meta(
        description="check-in of a booked citizen: code, start, placement, not_before")] = None


class WindowOpened(EventData):
    """An early booked citizen's window opened: the ticket joins its field's queue."""

    ticket: TicketId
    label: Label
    field: str


class TicketAtCounter(EventData):
    """recalled, serving, no_show, held, unheld."""

    ticket: TicketId
    label: Label
    field: str
    counter: CounterNo
    officer: Officer


class TicketCalled(TicketAtCounter):
    priority: str | None
    reason_vi: Annotated[str, Meta(description="why this ticket was next")]
    reason_en: str
    out_of_order: Annotated[str | None, Meta(description="the reason given for call_ticket")]


class TicketDone(TicketAtCounter):
    service_seconds: Annotated[float, Meta(description="start of service (or call) to finish: "
                                           "what reports call service time")]
    occupied_seconds: Annotated[float, Meta(
        description="call to finish: how long the counter was taken (the wait estimate)")]
    rating_until: Annotated[str, Meta(description="end of the counter's rating window, ISO")]
    outcome: Annotated[str | None, Meta(description="what the officer recorded (core/dossier.py)")
                       ] = None
    dossiers: Annotated[list[str], Meta(description="dossier numbers of this ticket")] = []
    outcome_reason: str = ""


class TicketTransferred(TicketAtCounter):
    """``field`` is the field the ticket had **before** the transfer."""

    to_field: Annotated[str | None, Meta(description="new field, or null")]
    to_counter: Annotated[int | None, Meta(description="only this counter may call it, or null")]
    note: Annotated[str, Meta(description="note for the receiving counter")] = ""
    return_counter: Annotated[int | None, Meta(
        description="after that service it goes back to this counter")] = None
    returning: Annotated[bool, Meta(description="this is the way back to the first counter")
                         ] = False


class TicketServing(TicketAtCounter):
    quick: Annotated[bool, Meta(description="served straight from issue, no call")] = False


class TicketCancelled(EventData):
    ticket: TicketId
    label: Label
    field: str
    reason: str


class TicketPrinted(EventData):
    ticket: TicketId
    label: Label
    printer: str
    reprint: bool


class TicketPrintFailed(EventData):
    ticket: TicketId
    label: Label
    printer: str
    reason: str


class CounterChanged(EventData):
    """opened, closed, paused, resumed."""

    counter: CounterNo
    officer: Officer


class CounterPaused(CounterChanged):
    reason: Annotated[str | None, Meta(description="pause reason code, or null")] = None


class CounterResumed(CounterChanged):
    reason: Annotated[str | None, Meta(description="the pause's reason code")] = None
    paused_seconds: Annotated[float, Meta(description="how long the pause lasted")] = 0.0


class AlertRaised(EventData):
    alert: Annotated[str, Meta(description='key, e.g. "wait:A", "paused:3", "printer:printer-1"')]
    kind: Annotated[str, Meta(description="wait, unserved, paused, printer, offline, rating, "
                              "help")]
    subject: Annotated[str, Meta(description="field code, counter number, device id or label")]
    detail_vi: str
    detail_en: str


class AlertSeen(EventData):
    alert: str
    by: Annotated[str, Meta(description="the manager device that saw it")]


class AlertCleared(EventData):
    alert: str
    kind: str
    subject: str
    seconds: Annotated[float, Meta(description="how long it was active")]


class RatingGiven(EventData):
    ticket: TicketId
    label: Label
    counter: CounterNo
    officer: Officer
    field: str
    value: int
    satisfied: Annotated[bool | None, Meta(description="the scale's verdict for this value")]
    dossiers: Annotated[list[str], Meta(description="the rated ticket's dossier numbers")] = []
    criteria: Annotated[dict[str, int], Meta(description="Art. 33.1 answers")] = {}
    reason: str | None = None
    comment: str = ""


class DeviceStatusChanged(EventData):
    device: str
    role: str
    status: str
    detail_vi: str
    detail_en: str


class NumbersSkipped(EventData):
    """After a same-day restore: numbering jumps past what was handed out since the backup."""

    last_number: dict[str, int]
    by: int
    reason: str


class HelpRequested(EventData):
    """A citizen asked for help at a device; staff screens alert until acknowledged."""

    device: str
    role: str


class HelpAcked(EventData):
    device: str
    by: Annotated[str, Meta(description="the staff device that acknowledged it")]


EVENTS: dict[str, type[EventData]] = {
    "day.opened": DayOpened,
    "day.closed": DayClosed,
    "ticket.issued": TicketIssued,
    "ticket.window_opened": WindowOpened,
    "ticket.called": TicketCalled,
    "ticket.recalled": TicketAtCounter,
    "ticket.serving": TicketServing,
    "ticket.no_show": TicketAtCounter,
    "ticket.held": TicketAtCounter,
    "ticket.unheld": TicketAtCounter,
    "ticket.done": TicketDone,
    "ticket.transferred": TicketTransferred,
    "ticket.cancelled": TicketCancelled,
    "ticket.printed": TicketPrinted,
    "ticket.print_failed": TicketPrintFailed,
    "counter.opened": CounterChanged,
    "counter.closed": CounterChanged,
    "counter.paused": CounterPaused,
    "counter.resumed": CounterResumed,
    "rating.given": RatingGiven,
    "device.status": DeviceStatusChanged,
    "numbers.skipped": NumbersSkipped,
    "help.requested": HelpRequested,
    "help.acked": HelpAcked,
    "alert.raised": AlertRaised,
    "alert.seen": AlertSeen,
    "alert.cleared": AlertCleared,
}
"""Event type -> its data model."""
