"""Issuing a ticket: the checks every channel shares (kiosk, counter, manager).

:func:`take` is the ``ticket.take`` command of a kiosk; the counter tools
(:mod:`motcua.hub.domain.counter_tools`) issue through :func:`issue_ticket` too, so a
ticket an officer hands out obeys the same opening hours, calendar and daily cap.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from motcua.core.calendar import closed_text, day_hours_text, local, next_opening
from motcua.core.state import PRINTER_BLOCKING, Event, Ticket
from motcua.hub.domain.booking import BOOKING_CATEGORY, check_in, refuse_unresolved
from motcua.hub.domain.desk import Desk
from motcua.hub.domain.errors import refuse
from motcua.hub.domain.estimate import estimate_wait
from motcua.hub.domain.outcome import Actor, ticket_public


def take(e: Desk, actor: Actor, b: dict[str, Any], now: datetime,
         p: list[Event]) -> dict[str, Any]:
    """``ticket.take``: a number from a kiosk (printed at its printer) or the manager;
    with a booking code, the booked citizen's check-in (hub/domain/booking.py)."""
    refuse_unresolved(b)
    if not b.get("field") and isinstance(b.get("_booking"), dict):
        b = {**b, "field": b["_booking"].get("field")}  # a typed booking code: its field
    kiosk = actor.kiosk or (actor.device if actor.role == "kiosk" else None)
    t, booked = _issue(e, b, now, p, kiosk=kiosk, bookings=True)
    f = e.centre.field_by_code(t.field)
    assert f is not None
    reply: dict[str, Any] = {"ticket": ticket_public(t), "field_vi": f.vi, "field_en": f.en}
    if booked is not None:
        reply["booking"] = booked
    return reply


def issue_ticket(e: Desk, b: dict[str, Any], now: datetime, p: list[Event], *,
                 kiosk: str | None, issued_by: int | None = None,
                 quick: bool = False) -> Ticket:
    """Check and issue one ticket; ``kiosk`` names whose printer prints it (None: nobody)."""
    return _issue(e, b, now, p, kiosk=kiosk, issued_by=issued_by, quick=quick)[0]


def _issue(e: Desk, b: dict[str, Any], now: datetime, p: list[Event], *,
           kiosk: str | None, issued_by: int | None = None, quick: bool = False,
           bookings: bool = False) -> tuple[Ticket, dict[str, Any] | None]:
    centre, s = e.centre, e.state
    f = centre.field_by_code(str(b.get("field") or ""))
    if f is None:
        raise refuse("unknown_field", f"Không có lĩnh vực {b.get('field')!r}",
                     f"Unknown field {b.get('field')!r}")
    proc = b.get("procedure")
    if proc is not None and not any(x.id == proc for x in f.procedures):
        raise refuse("unknown_procedure", f"Thủ tục {proc!r} không thuộc lĩnh vực {f.vi}",
                     f"Procedure {proc!r} is not in field {f.en}")
    prio = b.get("priority")
    if prio == BOOKING_CATEGORY:  # only a verified booking gives this category
        raise refuse("unknown_priority", "Diện ưu tiên đặt lịch chỉ có khi quét mã đặt lịch",
                     "The booking category comes only with a booking code")
    booked: dict[str, Any] | None = None
    if bookings:
        booked, booked_prio = check_in(centre.id, s, b, now, e.booking_policy)
        if booked is not None:
            prio = booked_prio
    if prio not in (None, BOOKING_CATEGORY) and not any(
            x.code == prio for x in centre.priority_categories):
        raise refuse("unknown_priority", f"Không có diện ưu tiên {prio!r}",
                     f"Unknown priority category {prio!r}")
    closed = None if e.open_all_hours else closed_text(centre, now)
    if closed is not None:
        nxt = next_opening(centre, now)
        raise refuse("closed_hours", closed[0], closed[1],
                     hours=day_hours_text(centre, local(centre, now).date())[0],
                     next_open=nxt.isoformat() if nxt else None)
    issued = s.issued.get(f.code, 0)
    if issued >= f.daily_cap:
        raise refuse("cap_reached",
                     f"Lĩnh vực {f.vi} đã hết số hôm nay ({f.daily_cap} số). "
                     "Mời quay lại ngày làm việc sau",
                     f"{f.en} has issued all {f.daily_cap} tickets for today; please come back "
                     "on the next working day", cap=f.daily_cap)
    if kiosk is not None:
        for d in centre.devices:
            st = s.devices.get(d.id, {}).get("status")
            if d.role == "printer" and d.kiosk == kiosk and st in PRINTER_BLOCKING:
                raise refuse("printer_unavailable",
                             "Máy in vé đang gặp sự cố, xin vui lòng báo cán bộ hướng dẫn",
                             "The ticket printer has a fault; please ask the staff", status=st)
    number = s.last_number.get(f.code, 0) + 1
    ahead = (len(s.waiting_priority.get(f.code, ())) if prio
             else s.waiting_count(f.code))
    # No figure nobody believes: past closing or no counter open gives a note instead.
    est: dict[str, Any] = ({"estimate_minutes": 0, "estimate_note": None, "closes_at": None}
                           if quick else estimate_wait(centre, s, f.code, prio, now,
                                                       mind_closing=not e.open_all_hours).public())
    label = e.label(f.code, number)
    day = s.day
    tid = f"{day.replace('-', '')}-{label}"
    body: dict[str, Any] = {
        "ticket": tid, "day": day, "field": f.code, "number": number, "label": label,
        "priority": prio, "procedure": proc, "kiosk": kiosk, "ahead": 0 if quick else ahead,
        **est}
    if issued_by is not None:  # only counter-issued tickets carry these (older readers)
        body["issued_by"] = issued_by
        body["quick"] = quick
    if booked:
        body["booking"] = booked
    e.emit(p, "ticket.issued", now, body)
    return s.tickets[tid], booked
