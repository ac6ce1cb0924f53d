"""Checking in a booked citizen (pure: the booking arrives already verified).

The hub's server turns what the kiosk scanned or typed into a :class:`Booking` before the
engine sees it — a QR token is verified with the province's public key (so this works
offline too), a typed code is looked up among the bookings synced down from the province
— and passes it in the command body under ``_booking``, a key no device can send (the wire
model refuses unknown keys). Here the named :class:`BookingPolicy` decides the placement:

* ``booked`` (inside the window): the ticket joins its field's priority queue with the
  category ``booking`` — called like a priority ticket under the centre's policy;
* ``wait_for_window`` (early): the ticket is issued at once but enters that queue only
  when the window opens (the hub's tick releases it: ``ticket.window_opened``);
* ``normal`` (late): an ordinary ticket; the slot is gone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from motcua.core.booking import Booking, BookingError, BookingPolicy
from motcua.core.state import WAITING, DayState
from motcua.hub.domain.errors import Refusal, refuse

BOOKING_CATEGORY = "booking"
"""The priority category of a booked ticket (``[[priority_categories]]`` code)."""


def check_in(centre_id: str, state: DayState, body: dict[str, Any], now: datetime,
             policy: BookingPolicy) -> tuple[dict[str, Any] | None, str | None]:
    """For a ``ticket.take`` body: (the ``booking`` part of the ``ticket.issued`` event, the
    priority category to use), or (None, None) without a booking. Refuses in words."""
    refuse_unresolved(body)
    raw = body.get("_booking")
    if raw is None:
        return None, None
    try:
        booking = Booking.from_dict(raw)
        used = any(t.booking == booking.code for t in state.tickets.values())
        decision = policy.check_in(booking, site=centre_id, now=now, used=used)
    except BookingError as exc:
        raise refusal(exc) from None
    if booking.field != body.get("field"):
        raise refuse("booking_other_field", "Mã đặt lịch này cho lĩnh vực khác",
                     "This booking is for another field", field=booking.field)
    part: dict[str, Any] = {"code": booking.code, "start": booking.start.strftime("%H:%M"),
                            "placement": decision.placement, "vi": decision.vi,
                            "en": decision.en}
    if decision.placement == "wait_for_window":
        part["not_before"] = decision.window_opens.isoformat()
    if decision.placement == "normal":
        return part, None
    return part, BOOKING_CATEGORY


def refuse_unresolved(body: dict[str, Any]) -> None:
    """The server could not verify or find the booking: say why, before anything else."""
    error = body.get("_booking_error")
    if error is not None:
        raise refuse(f"booking_{error['code']}", error["vi"], error["en"])


def refusal(exc: BookingError) -> Refusal:
    return refuse(f"booking_{exc.code}", exc.vi, exc.en)


def due_releases(state: DayState, now: datetime) -> list[tuple[str, dict[str, Any]]]:
    """``ticket.window_opened`` events for early booked tickets whose window has opened."""
    return [("ticket.window_opened", {"ticket": t.id, "label": t.label, "field": t.field})
            for t in state.tickets.values()
            if t.status == WAITING and t.not_before is not None and t.not_before <= now]

