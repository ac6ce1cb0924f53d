"""What an officer does at the counter besides calling: issue a ticket for a citizen in
front of them (guidance desk, phone-in, someone who cannot use the kiosk), serve at once
("quick serve"), transfer with a note and an optional return, pause with a reason.

Each handler has the engine's handler signature ``(engine, actor, body, now, pending)``
and is registered in :data:`motcua.hub.domain.engine._COMMANDS`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from motcua.core.centre.model import Counter
from motcua.core.state import (
    CALLED,
    COUNTER_CLOSED,
    COUNTER_PAUSED,
    SERVING,
    Event,
    Ticket,
)
from motcua.core.text import nfc
from motcua.hub.domain.desk import Desk
from motcua.hub.domain.errors import refuse
from motcua.hub.domain.issue import issue_ticket
from motcua.hub.domain.outcome import Actor, ticket_public

NOTE_MAX = 200
"""Longest transfer note, in characters (a work note, not a file)."""


def _printer_kiosk(e: Desk, c: Counter, wanted: Any, quick: bool) -> str | None:
    """Whose printer prints a counter-issued ticket (the ticket's ``kiosk``), or None.

    ``printer`` in the body names a printer device; ``""`` means "do not print" (the
    officer tells a phone caller the number). Without it: none for a quick serve (the
    citizen is already at the desk), else the counter's own printer, else the first
    printer of the configuration (list the nearest first).
    """
    printers = [d for d in e.centre.devices if d.role == "printer"]
    if wanted == "" or (wanted is None and quick):
        return None
    if wanted is not None:
        found = next((d for d in printers if d.id == wanted), None)
        if found is None:
            raise refuse("unknown_printer", f"Không có máy in {wanted!r}",
                         f"There is no printer {wanted!r}")
        return found.kiosk
    desks = {d.id for d in e.centre.devices if d.role == "counter" and d.counter == c.number}
    own = next((d for d in printers if d.kiosk in desks), None)
    chosen = own or (printers[0] if printers else None)
    return chosen.kiosk if chosen else None


def issue(e: Desk, actor: Actor, b: dict[str, Any], now: datetime,
          p: list[Event]) -> dict[str, Any]:
    """``counter.issue``: a ticket for the citizen in front of the officer; with
    ``serve`` the counter serves it at once (its current ticket is finished first)."""
    c = e.counter_for(actor, b)
    quick = bool(b.get("serve", False))
    cs = e.open_counter_state(c) if quick else e.state.counter(c.number)
    if cs.status == COUNTER_CLOSED:
        raise refuse("counter_closed", f"Quầy {c.number} chưa mở: hãy đăng nhập",
                     f"Counter {c.number} is closed: sign in first")
    if quick and str(b.get("field", "")) not in c.fields:
        raise refuse("wrong_counter", f"Quầy {c.number} không phục vụ lĩnh vực {b.get('field')}",
                     f"Counter {c.number} does not serve field {b.get('field')}")
    kiosk = _printer_kiosk(e, c, b.get("printer"), quick)
    if quick:
        e.finish_current(c, now, p)
    t = issue_ticket(e, b, now, p, kiosk=kiosk, issued_by=c.number, quick=quick)
    if quick:
        e.emit(p, "ticket.serving", now, {"ticket": t.id, "label": t.label, "field": t.field,
                                          "counter": c.number, "officer": cs.officer,
                                          "quick": True})
    return {"ticket": ticket_public(t, now), "printed_at": kiosk, "quick": quick}


def pause(e: Desk, actor: Actor, b: dict[str, Any], now: datetime,
          p: list[Event]) -> dict[str, Any]:
    """``counter.pause`` with a ``reason`` code from the centre's list (optional for
    older counter apps: reported as "not given")."""
    c = e.counter_for(actor, b)
    cs = e.open_counter_state(c)
    reason = b.get("reason")
    if reason is not None and not any(r.code == reason for r in e.centre.pause_reasons):
        known = ", ".join(r.code for r in e.centre.pause_reasons)
        raise refuse("unknown_reason", f"Không có lý do tạm dừng {reason!r} (có: {known})",
                     f"Unknown pause reason {reason!r} (known: {known})")
    e.emit(p, "counter.paused", now, {"counter": c.number, "officer": cs.officer,
                                      "reason": reason})
    return {"counter": e.counter_view(c.number)}


def resume(e: Desk, actor: Actor, b: dict[str, Any], now: datetime,
           p: list[Event]) -> dict[str, Any]:
    """``counter.resume``: the event carries the pause's reason and length for reports."""
    c = e.counter_for(actor, b)
    cs = e.state.counter(c.number)
    if cs.status != COUNTER_PAUSED:
        raise refuse("not_paused", f"Quầy {c.number} không tạm dừng",
                     f"Counter {c.number} is not paused")
    seconds = (now - cs.paused_at).total_seconds() if cs.paused_at else 0.0
    e.emit(p, "counter.resumed", now, {"counter": c.number, "officer": cs.officer,
                                       "reason": cs.pause_reason,
                                       "paused_seconds": max(0.0, seconds)})
    return {"counter": e.counter_view(c.number)}


def transfer(e: Desk, actor: Actor, b: dict[str, Any], now: datetime,
             p: list[Event]) -> dict[str, Any]:
    """``counter.transfer`` to a field or a counter, with an optional ``note`` the
    receiving counter reads and ``return`` to send the ticket back here afterwards."""
    c = e.counter_for(actor, b)
    cs = e.open_counter_state(c)
    t = e.current_ticket(c, frozenset({CALLED, SERVING}))
    to_field, to_counter = b.get("to_field"), b.get("to_counter")
    if (to_field is None) == (to_counter is None):
        raise refuse("bad_request", "Chọn chuyển sang một lĩnh vực hoặc một quầy",
                     "Transfer to either a field or a counter")
    if to_field is not None and e.centre.field_by_code(str(to_field)) is None:
        raise refuse("unknown_field", f"Không có lĩnh vực {to_field!r}",
                     f"Unknown field {to_field!r}")
    if to_field == t.field:
        raise refuse("bad_request", "Số này đã thuộc lĩnh vực đó",
                     "The ticket is already in that field")
    if to_counter is not None:
        if e.centre.counter_by_number(int(to_counter)) is None:
            raise refuse("unknown_counter", f"Không có quầy số {to_counter}",
                         f"There is no counter {to_counter}")
        if int(to_counter) == c.number:
            raise refuse("bad_request", "Không thể chuyển đến chính quầy này",
                         "Cannot transfer to the same counter")
    note = nfc(str(b.get("note") or "")).strip()
    if len(note) > NOTE_MAX:
        raise refuse("bad_value", f"Ghi chú dài quá {NOTE_MAX} ký tự ({len(note)})",
                     f"The note is longer than {NOTE_MAX} characters ({len(note)})")
    back = bool(b.get("return", False))
    e.emit(p, "ticket.transferred", now, {
        "ticket": t.id, "label": t.label, "field": t.field, "counter": c.number,
        "officer": cs.officer, "to_field": to_field,
        "to_counter": None if to_counter is None else int(to_counter),
        "note": note, "return_counter": c.number if back else None})
    return {"ticket": ticket_public(t, now)}


def return_if_due(e: Desk, c: Counter, t: Ticket, now: datetime, p: list[Event]) -> bool:
    """At the end of a service a ticket sent here "with return" goes back to its first
    counter (waiting there, ahead of its normal queue) instead of finishing. True if so."""
    back = t.return_counter
    if back is None or back == c.number or e.centre.counter_by_number(back) is None:
        return False
    cs = e.state.counter(c.number)
    e.emit(p, "ticket.transferred", now, {
        "ticket": t.id, "label": t.label, "field": t.field, "counter": c.number,
        "officer": cs.officer, "to_field": None, "to_counter": back,
        "note": f"Quay lại sau khi xong ở quầy {c.number}", "returning": True})
    return True
