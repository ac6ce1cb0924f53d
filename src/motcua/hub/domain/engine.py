"""Decide what a command does: check it, produce events, apply them, build the reply.

``Engine.handle`` is the whole hub in one call: (actor, command type, body, now) in,
(reply body, events) out. The caller stores the events and the reply in one
transaction before the reply goes out.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from motcua.core.booking import BookingPolicy
from motcua.core.calendar import business_day
from motcua.core.centre.model import Centre, Counter, Field
from motcua.core.state import (
    ACTIVE_STATES,
    CALLED,
    COUNTER_CLOSED,
    COUNTER_PAUSED,
    FINAL_STATES,
    HELD,
    SERVING,
    WAITING,
    DayState,
    Event,
    Ticket,
    apply,
)
from motcua.hub.domain import alerts, counter_tools, issue, policy
from motcua.hub.domain.booking import due_releases
from motcua.hub.domain.errors import Refusal, refuse
from motcua.hub.domain.estimate import estimate_wait
from motcua.hub.domain.finish import finish

# Re-exported: devices and the server know these names from here.
from motcua.hub.domain.outcome import Actor as Actor
from motcua.hub.domain.outcome import Outcome as Outcome
from motcua.hub.domain.outcome import ticket_public as ticket_public
from motcua.hub.domain.rating import rate


class Engine:
    """The queue of one centre. Not thread-safe: one caller at a time."""

    def __init__(self, centre: Centre, state: DayState | None = None, *,
                 open_all_hours: bool = False) -> None:
        self.centre = centre
        self.state = state or DayState()
        self.open_all_hours = open_all_hours
        """Issue tickets at any hour (demos and training); documented, off by default."""
        self._digits_index = {f.code: i + 1 for i, f in enumerate(centre.fields)}
        self.booking_policy = BookingPolicy()
        """How booked citizens are placed when they check in (docs/booking.md)."""

    # -- entry point -------------------------------------------------------------------
    def handle(self, actor: Actor, kind: str, body: dict[str, Any], now: datetime) -> Outcome:
        """Carry out one command. Never raises a :class:`Refusal`: it comes back in the
        outcome, with nothing changed except a day roll-over."""
        handler = _COMMANDS.get(kind)
        try:
            if handler is None:
                raise refuse("unknown_type", f"Lệnh không được hỗ trợ: {kind}",
                             f"Unknown command type: {kind}")
            _check_role(actor, kind)
        except Refusal as r:
            return Outcome(False, r.to_body(), [], r)
        events = self._roll_day(now)
        for e in events:
            apply(self.state, e)
        pending: list[Event] = []
        try:
            reply = handler(self, actor, body, now, pending)
        except Refusal as r:
            # Handlers check everything before their first emit, so nothing was applied.
            return Outcome(False, r.to_body(), events, r)
        return Outcome(True, reply, events + pending)

    def estimate(self, actor: Actor, body: dict[str, Any], now: datetime) -> dict[str, Any]:
        """``ticket.estimate``: what a ticket taken now would say about the wait, so the
        kiosk can warn before the number is taken. Changes nothing."""
        _check_role(actor, "ticket.take")
        f = _field(self, body)
        prio = body.get("priority")
        if prio is not None and not any(x.code == prio for x in self.centre.priority_categories):
            raise refuse("unknown_priority", f"Không có diện ưu tiên {prio!r}",
                         f"Unknown priority category {prio!r}")
        est = estimate_wait(self.centre, self.state, f.code, prio, now,
                            mind_closing=not self.open_all_hours)
        ahead = (len(self.state.waiting_priority.get(f.code, ())) if prio
                 else self.state.waiting_count(f.code))
        return {"field": f.code, "ahead": ahead, **est.public()}

    def emit(self, pending: list[Event], kind: str, now: datetime, body: dict[str, Any]) -> None:
        e = Event(kind, now, body)
        apply(self.state, e)
        pending.append(e)

    def _roll_day(self, now: datetime) -> list[Event]:
        today = business_day(self.centre, now).isoformat()
        # A clock jumping back across midnight must not reopen an old day.
        if self.state.day and today <= self.state.day:
            return []
        out: list[Event] = []
        if self.state.day:
            expired = [t.id for t in self.state.tickets.values() if t.status not in FINAL_STATES]
            out.append(Event("day.closed", now, {"day": self.state.day, "expired": expired}))
        out.append(Event("day.opened", now, {
            "day": today, "service_seconds": dict(self.state.service_seconds),
            "devices": dict(self.state.devices)}))
        return out

    # -- helpers -----------------------------------------------------------------------
    def counter_for(self, actor: Actor, body: dict[str, Any]) -> Counter:
        number = body.get("counter")
        if actor.role == "counter" or actor.role == "rating":
            if number is not None and number != actor.counter:
                raise refuse("forbidden", f"Thiết bị này chỉ dùng cho quầy {actor.counter}",
                             f"This device belongs to counter {actor.counter}")
            number = actor.counter
        if number is None:
            raise refuse("bad_request", "Thiếu số quầy", "Missing counter number")
        c = self.centre.counter_by_number(int(number))
        if c is None:
            raise refuse("unknown_counter", f"Không có quầy số {number}",
                         f"There is no counter {number}")
        return c

    def open_counter_state(self, c: Counter) -> Any:
        cs = self.state.counter(c.number)
        if cs.status == COUNTER_CLOSED:
            raise refuse("counter_closed", f"Quầy {c.number} chưa mở: hãy đăng nhập",
                         f"Counter {c.number} is closed: sign in first")
        if cs.status == COUNTER_PAUSED:
            raise refuse("counter_paused", f"Quầy {c.number} đang tạm dừng",
                         f"Counter {c.number} is paused")
        return cs

    def current_ticket(self, c: Counter, allowed: frozenset[str] = ACTIVE_STATES) -> Ticket:
        cs = self.state.counter(c.number)
        t = self.state.tickets.get(cs.current) if cs.current else None
        if t is None or t.status not in allowed:
            raise refuse("no_ticket", f"Quầy {c.number} không có số nào đang phục vụ",
                         f"Counter {c.number} has no current ticket")
        return t

    def find_ticket(self, ref: str) -> Ticket:
        t = self.state.tickets.get(ref)
        if t is None:  # also accept the printed label, e.g. "A025"
            t = next((x for x in self.state.tickets.values() if x.label == ref.upper()), None)
        if t is None:
            raise refuse("not_found", f"Không tìm thấy số {ref} trong ngày",
                         f"No ticket {ref} today")
        return t

    def label(self, field_code: str, number: int) -> str:
        f = self.centre.field_by_code(field_code)
        assert f is not None
        if self.centre.number_format == "digits4":
            return f"{self._digits_index[field_code]}{number:03d}"
        return f"{f.prefix}{number:03d}"

    def finish_current(self, c: Counter, now: datetime, pending: list[Event],
                       record: dict[str, Any] | None = None) -> None:
        """Finish the counter's current ticket as served (call-next implies it);
        ``record`` adds what the officer recorded (hub.domain.finish)."""
        cs = self.state.counter(c.number)
        t = self.state.tickets.get(cs.current) if cs.current else None
        if t is None or t.status not in ACTIVE_STATES:
            return
        if counter_tools.return_if_due(self, c, t, now, pending):
            return  # sent back to its first counter, which finishes it
        start = t.served_at or (t.periods[-1].start if t.periods else now)
        called = next((p.start for p in reversed(t.periods) if p.state == CALLED), start)
        until = now + timedelta(seconds=self.centre.rating_window_seconds)
        self.emit(pending, "ticket.done", now, {
            "ticket": t.id, "label": t.label, "field": t.field, "counter": c.number,
            "officer": cs.officer, "service_seconds": max(0.0, (now - start).total_seconds()),
            # how long the counter was taken by this citizen, call to finish: what the
            # wait estimate needs (service_seconds is what reports call service time)
            "occupied_seconds": max(0.0, (now - called).total_seconds()),
            "rating_until": until.isoformat(), **(record or {})})

    def counter_view(self, number: int) -> dict[str, Any]:
        return counter_view(self, number)

    def call(self, c: Counter, t: Ticket, now: datetime, pending: list[Event],
             reason_vi: str, reason_en: str, out_of_order: str | None = None) -> dict[str, Any]:
        cs = self.state.counter(c.number)
        self.emit(pending, "ticket.called", now, {
            "ticket": t.id, "label": t.label, "field": t.field, "counter": c.number,
            "officer": cs.officer, "priority": t.priority, "reason_vi": reason_vi,
            "reason_en": reason_en, "out_of_order": out_of_order})
        return {"ticket": ticket_public(t, now), "reason_vi": reason_vi, "reason_en": reason_en}


def _check_role(actor: Actor, kind: str) -> None:
    allowed = _ROLES.get(kind, frozenset())
    if actor.role == "admin" or actor.role in allowed:
        return
    raise refuse("forbidden", f"Thiết bị {actor.device} ({actor.role}) không được phép: {kind}",
                 f"Device {actor.device} ({actor.role}) may not send {kind}")


# -- commands ---------------------------------------------------------------------------
def _field(e: Engine, b: dict[str, Any]) -> Field:
    f = e.centre.field_by_code(str(b.get("field") or ""))
    if f is None:
        raise refuse("unknown_field", f"Không có lĩnh vực {b.get('field')!r}",
                     f"Unknown field {b.get('field')!r}")
    return f


def _help_request(e: Engine, actor: Actor, b: dict[str, Any], now: datetime,
                  p: list[Event]) -> dict[str, Any]:
    """A citizen pressed "Cần hỗ trợ / I need help" on a kiosk: staff screens raise an
    alert until someone acknowledges it (asking twice is one request)."""
    if actor.device not in e.state.help_requests:
        e.emit(p, "help.requested", now, {"device": actor.device, "role": actor.role})
    return {"device": actor.device, "since": e.state.help_requests[actor.device]}


def _help_ack(e: Engine, actor: Actor, b: dict[str, Any], now: datetime,
              p: list[Event]) -> dict[str, Any]:
    """A member of staff is on the way: the alert clears everywhere."""
    device = str(b.get("device", ""))
    pending = device in e.state.help_requests
    if pending:
        e.emit(p, "help.acked", now, {"device": device, "by": actor.device})
    return {"device": device, "acknowledged": pending}


def _open(e: Engine, actor: Actor, b: dict[str, Any], now: datetime,
          p: list[Event]) -> dict[str, Any]:
    c = e.counter_for(actor, b)
    officer = str(b.get("officer", ""))
    if not any(o.id == officer for o in e.centre.officers):
        raise refuse("unknown_officer", f"Mã cán bộ {officer!r} không có trong danh sách",
                     f"Officer id {officer!r} is not on the staff list")
    for other in e.state.counters.values():
        if other.number != c.number and other.officer == officer and other.status != COUNTER_CLOSED:
            raise refuse("officer_elsewhere", f"Cán bộ {officer} đang làm việc ở quầy {other.number}",
                         f"Officer {officer} is signed in at counter {other.number}")
    cs = e.state.counter(c.number)
    if cs.status != COUNTER_CLOSED and cs.officer != officer:
        raise refuse("counter_taken", f"Quầy {c.number} đang do cán bộ {cs.officer} làm việc",
                     f"Counter {c.number} is signed in by {cs.officer}")
    if cs.status == COUNTER_CLOSED:
        e.emit(p, "counter.opened", now, {"counter": c.number, "officer": officer})
    return {"counter": counter_view(e, c.number)}


def counter_view(e: Engine, number: int) -> dict[str, Any]:
    """A counter as every reply shows it (``CounterView`` in core/wire/replies.py)."""
    cs = e.state.counter(number)
    cur = e.state.tickets.get(cs.current) if cs.current else None
    return {"number": number, "status": cs.status, "officer": cs.officer,
            "current": ticket_public(cur) if cur else None, "served": cs.served}


def _close(e: Engine, actor: Actor, b: dict[str, Any], now: datetime,
           p: list[Event]) -> dict[str, Any]:
    c = e.counter_for(actor, b)
    cs = e.state.counter(c.number)
    if cs.current is not None:
        raise refuse("counter_busy", "Hãy kết thúc hoặc chuyển số đang phục vụ trước khi đóng quầy",
                     "Finish or transfer the current ticket before closing the counter")
    if cs.status != COUNTER_CLOSED:
        e.emit(p, "counter.closed", now, {"counter": c.number, "officer": cs.officer})
    return {"counter": counter_view(e, c.number)}


def _call_next(e: Engine, actor: Actor, b: dict[str, Any], now: datetime,
               p: list[Event]) -> dict[str, Any]:
    c = e.counter_for(actor, b)
    e.open_counter_state(c)
    e.finish_current(c, now, p)
    choice = policy.choose(e.centre, e.state, c)
    if choice is None:
        return {"ticket": None, "message_vi": "Không còn công dân nào đang chờ",
                "message_en": "Nobody is waiting"}
    return e.call(c, choice.ticket, now, p, choice.reason_vi, choice.reason_en)


def _call_ticket(e: Engine, actor: Actor, b: dict[str, Any], now: datetime,
                 p: list[Event]) -> dict[str, Any]:
    c = e.counter_for(actor, b)
    e.open_counter_state(c)
    reason = str(b.get("reason", "")).strip()
    if not reason:
        raise refuse("reason_required", "Gọi số không theo thứ tự cần ghi lý do",
                     "Calling a ticket out of order needs a reason")
    t = e.find_ticket(str(b.get("ticket", "")))
    if t.status != WAITING:
        raise refuse("invalid_state", f"Số {t.label} không ở trạng thái chờ", f"Ticket {t.label} is not waiting")
    if t.target_counter is not None and t.target_counter != c.number:
        raise refuse("wrong_counter", f"Số {t.label} đã được chuyển đến quầy {t.target_counter}",
                     f"Ticket {t.label} was transferred to counter {t.target_counter}")
    if t.target_counter is None and t.field not in c.fields:
        raise refuse("wrong_counter", f"Quầy {c.number} không phục vụ lĩnh vực của số {t.label}",
                     f"Counter {c.number} does not serve the field of {t.label}")
    e.finish_current(c, now, p)
    return e.call(c, t, now, p, f"gọi ngoài thứ tự: {reason}", f"called out of order: {reason}",
                  out_of_order=reason)


def _simple(kind: str, allowed: frozenset[str]) -> Any:
    def run(e: Engine, actor: Actor, b: dict[str, Any], now: datetime,
            p: list[Event]) -> dict[str, Any]:
        c = e.counter_for(actor, b)
        cs = e.open_counter_state(c)
        t = e.current_ticket(c, allowed)
        e.emit(p, kind, now, {"ticket": t.id, "label": t.label, "field": t.field,
                              "counter": c.number, "officer": cs.officer})
        return {"ticket": ticket_public(t, now), "counter": counter_view(e, c.number)}
    return run


def _unhold(e: Engine, actor: Actor, b: dict[str, Any], now: datetime,
            p: list[Event]) -> dict[str, Any]:
    c = e.counter_for(actor, b)
    cs = e.open_counter_state(c)
    t = e.find_ticket(str(b.get("ticket", "")))
    if t.status != HELD or t.counter != c.number:
        raise refuse("invalid_state", f"Số {t.label} không được giữ ở quầy {c.number}",
                     f"Ticket {t.label} is not held at counter {c.number}")
    if cs.current is not None:
        raise refuse("counter_busy", "Hãy kết thúc số đang phục vụ trước", "Finish the current ticket first")
    e.emit(p, "ticket.unheld", now, {"ticket": t.id, "label": t.label, "field": t.field,
                                     "counter": c.number, "officer": cs.officer})
    return {"ticket": ticket_public(t, now)}


def _cancel(e: Engine, actor: Actor, b: dict[str, Any], now: datetime,
            p: list[Event]) -> dict[str, Any]:
    t = e.find_ticket(str(b.get("ticket", "")))
    if t.status in FINAL_STATES:
        raise refuse("invalid_state", f"Số {t.label} đã kết thúc", f"Ticket {t.label} is already closed")
    e.emit(p, "ticket.cancelled", now, {"ticket": t.id, "label": t.label, "field": t.field,
                                        "reason": str(b.get("reason", ""))})
    return {"ticket": ticket_public(t)}


def _device_status(e: Engine, actor: Actor, b: dict[str, Any], now: datetime,
                   p: list[Event]) -> dict[str, Any]:
    status = str(b.get("status", ""))
    known = {"ok", "paper_near_end", "paper_out", "cover_open", "offline", "error",
             "connected", "disconnected"}
    if status not in known:
        raise refuse("bad_value", f"Trạng thái {status!r} không hợp lệ", f"Unknown status {status!r}")
    old = e.state.devices.get(actor.device, {})
    body = {"device": actor.device, "role": actor.role, "status": status,
            "detail_vi": str(b.get("detail_vi", "")), "detail_en": str(b.get("detail_en", ""))}
    if old.get("status") != status or old.get("detail_vi") != body["detail_vi"]:
        e.emit(p, "device.status", now, body)
    return {"device": actor.device, "status": status}


def _printed(e: Engine, actor: Actor, b: dict[str, Any], now: datetime,
             p: list[Event]) -> dict[str, Any]:
    t = e.find_ticket(str(b.get("ticket", "")))
    if not t.printed:
        e.emit(p, "ticket.printed", now, {"ticket": t.id, "label": t.label,
                                          "printer": actor.device, "reprint": bool(b.get("reprint"))})
    return {"ticket": ticket_public(t)}


def _print_failed(e: Engine, actor: Actor, b: dict[str, Any], now: datetime,
                  p: list[Event]) -> dict[str, Any]:
    t = e.find_ticket(str(b.get("ticket", "")))
    if not t.printed and not t.print_failed:
        e.emit(p, "ticket.print_failed", now, {"ticket": t.id, "label": t.label,
                                               "printer": actor.device,
                                               "reason": str(b.get("reason", ""))})
    return {"ticket": ticket_public(t)}


def _tick(e: Engine, actor: Actor, b: dict[str, Any], now: datetime,
          p: list[Event]) -> dict[str, Any]:
    online, heard = b.get("online"), b.get("heard")
    alerts.check(e, now, p, online=None if online is None else set(online),
                 heard=None if heard is None else set(heard))
    return {"day": e.state.day}


def _release_bookings(e: Engine, actor: Actor, b: dict[str, Any], now: datetime,
                      p: list[Event]) -> dict[str, Any]:
    """Put early booked tickets whose window has opened into their queue (hub's tick)."""
    due = due_releases(e.state, now)
    for kind, body in due:
        e.emit(p, kind, now, body)
    return {"released": [body["ticket"] for _, body in due]}


def _skip_numbers(e: Engine, actor: Actor, b: dict[str, Any], now: datetime,
                  p: list[Event]) -> dict[str, Any]:
    """Jump today's numbering ``by`` numbers in every field (after a same-day restore)."""
    by = int(b.get("by", 100))
    last = {f.code: e.state.last_number.get(f.code, 0) + by for f in e.centre.fields}
    e.emit(p, "numbers.skipped", now, {"last_number": last, "by": by,
                                       "reason": str(b.get("reason", ""))})
    return {"last_number": last}


def _finish(e: Engine, actor: Actor, b: dict[str, Any], now: datetime,
            p: list[Event]) -> dict[str, Any]:
    reply = finish(e, actor, b, now, p)
    number = reply.pop("counter_number")
    return {**reply, "counter": counter_view(e, number)}


_COMMANDS: dict[str, Any] = {
    "ticket.take": issue.take,
    "ticket.cancel": _cancel,
    "counter.open": _open,
    "counter.close": _close,
    "counter.pause": counter_tools.pause,
    "counter.resume": counter_tools.resume,
    "counter.issue": counter_tools.issue,
    "counter.call_next": _call_next,
    "counter.call_ticket": _call_ticket,
    "counter.recall": _simple("ticket.recalled", frozenset({CALLED, SERVING})),
    "counter.start": _simple("ticket.serving", frozenset({CALLED})),
    "counter.finish": _finish,
    "counter.no_show": _simple("ticket.no_show", frozenset({CALLED})),
    "counter.hold": _simple("ticket.held", frozenset({CALLED, SERVING})),
    "counter.unhold": _unhold,
    "counter.transfer": counter_tools.transfer,
    "rating.submit": rate,
    "device.status": _device_status,
    "printer.printed": _printed,
    "printer.failed": _print_failed,
    "hub.tick": _tick,
    "alert.seen": alerts.seen,
    "hub.skip_numbers": _skip_numbers,
    "help.request": _help_request,
    "help.ack": _help_ack,
    "hub.release_bookings": _release_bookings,
}
COMMAND_TYPES = frozenset(_COMMANDS)

_COUNTER = frozenset({"counter", "manager"})
_ROLES: dict[str, frozenset[str]] = {
    "ticket.take": frozenset({"kiosk", "manager"}),
    "ticket.cancel": frozenset({"manager"}),
    **{k: _COUNTER for k in _COMMANDS if k.startswith("counter.")},
    "rating.submit": frozenset({"rating"}),
    "device.status": frozenset({"kiosk", "printer", "display", "counter", "rating", "manager"}),
    "printer.printed": frozenset({"printer"}),
    "printer.failed": frozenset({"printer"}),
    "hub.tick": frozenset(),
    "alert.seen": frozenset({"manager"}),
    "hub.skip_numbers": frozenset(),
    "help.request": frozenset({"kiosk", "manager"}),
    "help.ack": frozenset({"counter", "manager"}),
    "hub.release_bookings": frozenset(),
}
