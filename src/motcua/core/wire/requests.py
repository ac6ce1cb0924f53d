"""Request bodies: one model per command type a device may send (docs/protocol.md).

Every model refuses keys it does not know (a typo such as ``"feild"`` must not be
taken as "no field given"). ``counter`` is always the counter *number*; a counter or
rating device may leave it out because its key fixes it.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import msgspec
from msgspec import Meta

__all__ = ["QUERY_TYPES", "REQUESTS", "Request"]


class Request(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True,
              kw_only=True):
    """Base of every request body."""


CounterNo = Annotated[int | None, Meta(description="counter number (1, 2, …); a counter or "
                                       "rating device may leave it out")]
TicketRef = Annotated[str, Meta(min_length=1, max_length=64,
                                description='ticket id ("20251124-A025") or its label ("A025")')]
Text = Annotated[str, Meta(max_length=500)]


class Ping(Request):
    """Is the hub there, and who does it think I am?"""


class Snapshot(Request):
    """The whole state, to start following the event stream."""

    staff: Annotated[bool, Meta(description="include officers' names (counter and manager only)")
                     ] = False


class TicketTake(Request):
    """A citizen takes a number."""

    field: Annotated[str, Meta(max_length=16, description=(
        "field code, e.g. \"A\"; may be left out with a booking (its field is used)"))
                     ] | None = None
    procedure: Annotated[str, Meta(max_length=64)] | None = None
    priority: Annotated[str, Meta(max_length=32,
                                  description="priority category code, e.g. \"elderly\"")
                        ] | None = None
    booking: Annotated[str, Meta(max_length=600, description=(
        "a booking's QR token (MCB1.…) or its typed code (docs/booking.md)"))] | None = None
    citizen: Annotated[str, Meta(pattern="^[0-9a-f]{64}$", description=(
        "keyed hash of the ID card's number, for the per-citizen cap (docs/privacy.md)"))
                       ] | None = None

    def __post_init__(self) -> None:
        if self.field is None and self.booking is None:  # a booking brings its own field
            raise ValueError("Thiếu khoá bắt buộc 'field' / Missing required key 'field'")


class TicketCancel(Request):
    ticket: TicketRef
    reason: Text = ""


class CounterOpen(Request):
    officer: Annotated[str, Meta(max_length=32, description="staff id, e.g. \"cb03\"")]
    counter: CounterNo = None


class CounterOnly(Request):
    """close, pause, resume, call_next, recall, start, finish, no_show, hold."""

    counter: CounterNo = None


class CounterCallTicket(Request):
    ticket: TicketRef
    reason: Annotated[str, Meta(max_length=500, description="why out of order (required)")]
    counter: CounterNo = None


class CounterUnhold(Request):
    ticket: TicketRef
    counter: CounterNo = None


class CounterTransfer(Request):
    """Exactly one of ``to_field`` and ``to_counter``."""

    counter: CounterNo = None
    to_field: Annotated[str, Meta(max_length=16)] | None = None
    to_counter: int | None = None
    note: Annotated[str, Meta(max_length=500, description="for the receiving counter "
                              "(work notes only, at most 200 characters after trimming)")] = ""
    back: Annotated[bool, Meta(description="send it back to this counter after that service")
                    ] = msgspec.field(name="return", default=False)


class CounterPause(Request):
    counter: CounterNo = None
    reason: Annotated[str, Meta(max_length=32, description="a code of the centre's "
                                "pause_reasons, e.g. \"meeting\"")] | None = None


class CounterIssue(Request):
    """A ticket issued by the officer for the citizen at the desk (or served at once)."""

    field: Annotated[str, Meta(max_length=16, description="field code, e.g. \"C\"")]
    counter: CounterNo = None
    procedure: Annotated[str, Meta(max_length=64)] | None = None
    priority: Annotated[str, Meta(max_length=32)] | None = None
    printer: Annotated[str, Meta(max_length=64, description='printer device id; "" = do not '
                                 "print; default: the counter's own, else the first")
                       ] | None = None
    serve: Annotated[bool, Meta(description="quick serve: serve it at once at this counter")
                     ] = False


class OfficerPhoto(Request):
    """An officer's stored photo (boards and counters show it with the name)."""

    officer: Annotated[str, Meta(max_length=32, description="staff id, e.g. \"cb03\"")]


class AlertSeen(Request):
    """The manager has seen an alert (its key, e.g. \"wait:A\")."""

    alert: Annotated[str, Meta(max_length=80)]


class CounterWaiting(Request):
    counter: CounterNo = None
    limit: Annotated[int, Meta(ge=1, le=1000, description="at most this many lines")] = 50


class CounterFinish(Request):
    """End the service; optionally what happened and the dossier numbers (core/dossier.py)."""

    counter: CounterNo = None
    outcome: Annotated[str, Meta(max_length=32, description="outcome code of the centre's "
                                 "[dossier] list, e.g. \"received\"")] | None = None
    dossiers: Annotated[list[Annotated[str, Meta(max_length=80)]], Meta(
        max_length=50, description="dossier numbers (mã số hồ sơ) received or returned")] = []
    reason: Text = ""


class RatingSubmit(Request):
    value: Annotated[int, Meta(description="a value on the centre's rating scale")]
    counter: CounterNo = None
    criteria: Annotated[dict[str, int], Meta(
        description="answers to the centre's Decree 118 Art. 33.1 criteria")] = {}
    reason: Annotated[str, Meta(max_length=32, description="low-score reason code")
                      ] | None = None
    comment: Annotated[str, Meta(max_length=1000, description="free text (≤ 300 kept)")] = ""


class DeviceStatus(Request):
    status: Annotated[str, Meta(max_length=32, description="ok, paper_near_end, paper_out, "
                                "cover_open, offline, error, connected, disconnected")]
    detail_vi: Text = ""
    detail_en: Text = ""


class PrinterPrinted(Request):
    ticket: TicketRef
    reprint: bool = False


class PrinterFailed(Request):
    ticket: TicketRef
    reason: Text = ""


class PrinterPending(Request):
    """Tickets of this printer's kiosk not printed yet."""


class ReportSummary(Request):
    """Figures over business days ``date_from`` .. ``date_to`` (both included)."""

    date_from: Annotated[date | None, Meta(description="first day, YYYY-MM-DD")] = None
    date_to: Annotated[date | None, Meta(description="last day, YYYY-MM-DD")] = None

    def __post_init__(self) -> None:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError(
                f"Khoá 'date_from' ({self.date_from:%d/%m/%Y}) sau 'date_to' "
                f"({self.date_to:%d/%m/%Y}) / Key 'date_from' ({self.date_from:%d/%m/%Y}) "
                f"is after 'date_to' ({self.date_to:%d/%m/%Y})")


class TicketEstimate(Request):
    """What a ticket taken now would say about the wait (the kiosk warns before taking)."""

    field: Annotated[str, Meta(max_length=16, description="field code, e.g. \"A\"")]
    priority: Annotated[str, Meta(max_length=32)] | None = None


class HelpRequest(Request):
    """A citizen pressed "Cần hỗ trợ / I need help" on this kiosk."""


class HelpAck(Request):
    """A member of staff is on the way to the device that asked for help."""

    device: Annotated[str, Meta(min_length=1, max_length=64,
                                description="the device that asked, e.g. \"kiosk-1\"")]


REQUESTS: dict[str, type[Request]] = {
    "ping": Ping,
    "snapshot": Snapshot,
    "ticket.take": TicketTake,
    "ticket.cancel": TicketCancel,
    "counter.open": CounterOpen,
    "counter.close": CounterOnly,
    "counter.pause": CounterPause,
    "counter.issue": CounterIssue,
    "counter.resume": CounterOnly,
    "counter.call_next": CounterOnly,
    "counter.call_ticket": CounterCallTicket,
    "counter.recall": CounterOnly,
    "counter.start": CounterOnly,
    "counter.finish": CounterFinish,
    "counter.no_show": CounterOnly,
    "counter.hold": CounterOnly,
    "counter.unhold": CounterUnhold,
    "counter.transfer": CounterTransfer,
    "counter.waiting": CounterWaiting,
    "rating.submit": RatingSubmit,
    "device.status": DeviceStatus,
    "printer.printed": PrinterPrinted,
    "printer.failed": PrinterFailed,
    "printer.pending": PrinterPending,
    "report.summary": ReportSummary,
    "ticket.estimate": TicketEstimate,
    "help.request": HelpRequest,
    "help.ack": HelpAck,
    "officer.photo": OfficerPhoto,
    "alert.seen": AlertSeen,
}
"""Command type -> body model. A type not here is ``unknown_type``."""

QUERY_TYPES = frozenset({"ping", "snapshot", "counter.waiting", "printer.pending",
                         "report.summary", "ticket.estimate", "officer.photo"})
"""Commands that change nothing: answered without storing events or the reply."""
