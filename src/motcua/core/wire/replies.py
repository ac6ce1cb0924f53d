"""Reply bodies: one model per command type, and the objects replies share.

One shape per concept: in a reply, ``ticket`` is always a :class:`TicketView` (or
``null`` when a call found nobody) and ``counter`` is always a :class:`CounterView`.
Events are the stored record and refer by reference instead (see ``events.py``).
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from msgspec import Meta

__all__ = ["REPLIES", "CounterView", "ErrorReply", "Reply", "TicketView"]


class Reply(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Base of every reply body."""


class TicketView(Reply):
    """What devices see of a ticket, in every reply that carries one (no personal data)."""

    id: Annotated[str, Meta(description='"YYYYMMDD-label", unique for the centre: '
                            '"20251124-A025"')]
    label: Annotated[str, Meta(description='the printed number: "A025" (or "1025" in digits4)')]
    field: Annotated[str, Meta(description="field code; after a transfer, the new field")]
    number: Annotated[int, Meta(description="number within the field today, from 1")]
    status: Annotated[str, Meta(description="waiting, called, serving, held, done, no_show, "
                                "cancelled")]
    priority: Annotated[str | None, Meta(description="priority category code or null")]
    procedure: Annotated[str | None, Meta(description="procedure id chosen at the kiosk or null")]
    counter: Annotated[int | None, Meta(description="number of the counter that has it, or null")]
    issued_at: Annotated[str, Meta(description="ISO 8601 time with offset")]
    ahead: Annotated[int, Meta(description="people ahead in its queue when it was issued")]
    estimate_minutes: Annotated[int | None, Meta(
        description="estimated wait when it was issued; null when none was believable")]
    calls: Annotated[int, Meta(description="how often it was called (recalls included)")]
    transfers: Annotated[int, Meta(description="how often it was transferred")]
    estimate_note: Annotated[str | None, Meta(
        description="no_counter_open, beyond_closing, or null")] = None
    closes_at: Annotated[str | None, Meta(description='closing time "HH:MM" that day')] = None
    waited_seconds: Annotated[int | None, Meta(
        description="issue to first call (or to now while waiting); in counter replies only")
    ] = None


class CounterView(Reply):
    """A counter as replies show it."""

    number: Annotated[int, Meta(description="the counter's number")]
    status: Annotated[str, Meta(description="closed, open, paused")]
    officer: Annotated[str | None, Meta(description="staff id signed in, or null")]
    current: Annotated[TicketView | None, Meta(description="the ticket it is serving")]
    served: Annotated[int, Meta(description="tickets finished here today")]


class ErrorReply(Reply):
    """The body of every ``ERR`` reply."""

    code: Annotated[str, Meta(description="machine-readable, see the table of codes")]
    message_vi: Annotated[str, Meta(description="what to show a person, in Vietnamese")]
    message_en: Annotated[str, Meta(description="the same in English (logs, foreign staff)")]
    details: Annotated[dict[str, Any], Meta(description='e.g. {"cap": 150}; '
                                            '{"key": "date_from"} for a bad key')]


class Health(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The hub's own faults (motcua.hub.health): ``{"storage": "ok"}`` when well."""

    storage: Annotated[str, Meta(description="ok | full | unavailable")]
    code: str | None = None
    since: str | None = None
    message_vi: str | None = None
    message_en: str | None = None


class PingReply(Reply):
    hub_now: str
    seq: Annotated[int, Meta(description="last event sequence number")]
    stream_id: str
    device: str
    role: str
    health: Health | None = None


class You(Reply):
    device: str
    role: str
    counter: int | None
    kiosk: str | None


class SnapshotReply(Reply):
    stream_id: str
    seq: Annotated[int, Meta(description="apply events with a larger seq on top of this")]
    hub_now: str
    centre: Annotated[dict[str, Any], Meta(description="the centre, as in centre.toml")]
    state: Annotated[dict[str, Any], Meta(description="the day's state (core/state_snapshot.py)")]
    waiting: Annotated[dict[str, int], Meta(description="people waiting per field code")]
    online: Annotated[list[str], Meta(description="devices heard from recently")]
    you: You
    health: Health | None = None
    open_all_hours: Annotated[bool, Meta(description="the hub issues at any hour (demo): "
                                         "devices show no \"closed today\"")] = False


class BookingCheckIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """How a booked citizen was placed (docs/booking.md)."""

    code: str
    start: Annotated[str, Meta(description='the booked slot, "09:30"')]
    placement: Annotated[str, Meta(description="booked | wait_for_window | normal")]
    vi: str
    en: str
    not_before: Annotated[str | None, Meta(
        description="an early citizen is not called before this (ISO 8601)")] = None


class TakeReply(Reply):
    ticket: TicketView
    field_vi: str
    field_en: str
    booking: BookingCheckIn | None = None


class TicketReply(Reply):
    """cancel, unhold, transfer, printer.printed, printer.failed."""

    ticket: TicketView


class CounterReply(Reply):
    """open, close, pause, resume."""

    counter: CounterView


class IssueReply(Reply):
    """counter.issue."""

    ticket: TicketView
    printed_at: Annotated[str | None, Meta(description="the kiosk or counter device whose "
                                           "printer prints it, or null")]
    quick: Annotated[bool, Meta(description="served at once at this counter")]


class CallReply(Reply):
    """call_next and call_ticket."""

    ticket: Annotated[TicketView | None, Meta(description="null when nobody is waiting")]
    reason_vi: Annotated[str, Meta(description="why this ticket is next")] = ""
    reason_en: str = ""
    message_vi: Annotated[str, Meta(description="when ticket is null: what to show")] = ""
    message_en: Annotated[str, Meta(description="the same in English")] = ""


class TicketAtCounterReply(Reply):
    """recall, start, finish, no_show, hold."""

    ticket: TicketView
    counter: CounterView


class FinishReply(TicketAtCounterReply):
    outcome: Annotated[str | None, Meta(description="the outcome recorded, or null")] = None
    dossiers: Annotated[list[str], Meta(description="the dossier numbers recorded")] = []


class WaitingLine(Reply):
    ticket: TicketView
    reason_vi: str
    reason_en: str


class WaitingReply(Reply):
    counter: CounterView
    waiting: Annotated[list[WaitingLine], Meta(description="in the order this counter calls")]


class RatingReply(Reply):
    ticket: Annotated[TicketView, Meta(description="the service that was rated")]
    value: int
    thanks_vi: str
    thanks_en: str


class DeviceStatusReply(Reply):
    device: str
    status: str


class PendingReply(Reply):
    tickets: Annotated[list[TicketView], Meta(description="issued at this printer's kiosk, "
                                              "not printed yet")]


class PhotoReply(Reply):
    officer: str
    name: Annotated[str, Meta(description="as the counter shows it (Decree 118/2025 Art 9.8)")]
    title: str
    photo: Annotated[str | None, Meta(description="JPEG or PNG bytes, base64; null = none")]


class AlertReply(Reply):
    alert: str


class ReportReply(Reply, forbid_unknown_fields=False):
    """Figures of ``motcua.reports.figures.summary_rows`` (docs/reports.md)."""


class EstimateReply(Reply):
    field: str
    ahead: Annotated[int, Meta(description="people ahead if a ticket were taken now")]
    estimate_minutes: int | None
    estimate_note: Annotated[str | None, Meta(
        description="no_counter_open, beyond_closing, or null")]
    closes_at: str | None


class HelpReply(Reply):
    device: str
    since: Annotated[str, Meta(description="when help was first asked (ISO 8601)")]


class HelpAckReply(Reply):
    device: str
    acknowledged: Annotated[bool, Meta(description="false when nobody was waiting for help")]


REPLIES: dict[str, type[Reply]] = {
    "ping": PingReply,
    "snapshot": SnapshotReply,
    "ticket.take": TakeReply,
    "ticket.cancel": TicketReply,
    "counter.open": CounterReply,
    "counter.close": CounterReply,
    "counter.pause": CounterReply,
    "counter.resume": CounterReply,
    "counter.issue": IssueReply,
    "counter.call_next": CallReply,
    "counter.call_ticket": CallReply,
    "counter.recall": TicketAtCounterReply,
    "counter.start": TicketAtCounterReply,
    "counter.finish": FinishReply,
    "counter.no_show": TicketAtCounterReply,
    "counter.hold": TicketAtCounterReply,
    "counter.unhold": TicketReply,
    "counter.transfer": TicketReply,
    "counter.waiting": WaitingReply,
    "rating.submit": RatingReply,
    "device.status": DeviceStatusReply,
    "printer.printed": TicketReply,
    "printer.failed": TicketReply,
    "printer.pending": PendingReply,
    "report.summary": ReportReply,
    "ticket.estimate": EstimateReply,
    "help.request": HelpReply,
    "help.ack": HelpAckReply,
    "officer.photo": PhotoReply,
    "alert.seen": AlertReply,
}
"""Command type -> the body of its ``OK`` reply (an ``ERR`` reply is an ErrorReply)."""
