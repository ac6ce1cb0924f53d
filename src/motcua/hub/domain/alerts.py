"""Manager alerts: rules checked on every hub tick, raised and cleared as events.

:func:`evaluate` looks at the day's state (and which devices the hub hears) and says
which alerts should be active now, each under a stable key (``"wait:A"``,
``"paused:3"``, ``"printer:printer-1"``...). :func:`check` compares that with the alerts
active in the state and emits ``alert.raised`` / ``alert.cleared``; the manager's
``alert.seen`` marks one as seen. So every alert is in the event log with when it
started, was seen and ended, goes upward with the other events and is in the report.

Two kinds stay until the manager has seen them (they describe something that happened,
not a situation that can end by itself): a low rating and a citizen asking for help.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from motcua.core.state import COUNTER_OPEN, COUNTER_PAUSED, Event
from motcua.hub.domain.desk import Desk
from motcua.hub.domain.errors import refuse
from motcua.hub.domain.outcome import Actor

PRINTER_ALERT = {"paper_near_end": ("sắp hết giấy", "paper low"),
                 "paper_out": ("hết giấy", "paper out"),
                 "cover_open": ("mở nắp", "cover open"),
                 "error": ("lỗi", "fault"),
                 "offline": ("không còn tín hiệu", "not heard any more")}
STICKY = frozenset({"rating", "help"})
"""Kinds that end when the manager has seen them."""


@dataclass(frozen=True)
class Wanted:
    """An alert that should be active."""

    key: str
    kind: str
    subject: str
    detail_vi: str
    detail_en: str


def _minutes(seconds: float) -> int:
    return int(seconds // 60)


def evaluate(e: Desk, now: datetime, online: set[str] | None,
             heard: set[str] | None) -> list[Wanted]:
    """Alerts the rules want now. ``online``/``heard``: devices heard recently / ever since
    the hub started (None: the caller does not know, so no offline alerts)."""
    rules, s, centre = e.centre.alerts, e.state, e.centre
    out: list[Wanted] = []
    if rules.wait_minutes > 0:
        for f in centre.fields:
            queues = (s.waiting_normal.get(f.code, []) + s.waiting_priority.get(f.code, [])
                      + [x for q in s.targeted.values() for x in q
                         if s.tickets[x[2]].field == f.code])
            if not queues:
                continue
            oldest = min(s.tickets[tid].issued_at for _, _, tid in queues)
            waited = (now - oldest).total_seconds()
            if waited > rules.wait_minutes * 60:
                label = next(s.tickets[tid].label for _, _, tid in queues
                             if s.tickets[tid].issued_at == oldest)
                out.append(Wanted(f"wait:{f.code}", "wait", f.code,
                                  f"Số {label} ({f.vi}) đã chờ {_minutes(waited)} phút",
                                  f"{label} ({f.en or f.vi}) has waited {_minutes(waited)} min"))
    if rules.field_waiting > 0:
        open_fields = {code for c in centre.counters
                       if s.counter(c.number).status == COUNTER_OPEN for code in c.fields}
        for f in centre.fields:
            n = s.waiting_count(f.code)
            if n > rules.field_waiting and f.code not in open_fields:
                out.append(Wanted(f"unserved:{f.code}", "unserved", f.code,
                                  f"{n} người chờ {f.vi}, không quầy nào đang mở phục vụ",
                                  f"{n} waiting for {f.en or f.vi} and no open counter serves it"))
    if rules.paused_minutes > 0:
        for number, cs in s.counters.items():
            if cs.status == COUNTER_PAUSED and cs.paused_at is not None:
                paused = (now - cs.paused_at).total_seconds()
                if paused > rules.paused_minutes * 60:
                    why = next((r.vi for r in centre.pause_reasons if r.code == cs.pause_reason),
                               "không ghi lý do")
                    out.append(Wanted(f"paused:{number}", "paused", str(number),
                                      f"Quầy {number} tạm dừng {_minutes(paused)} phút ({why})",
                                      f"Counter {number} paused for {_minutes(paused)} min"))
    for d in centre.devices:
        status = s.devices.get(d.id, {}).get("status")
        if rules.printer and d.role == "printer" and status in PRINTER_ALERT:
            vi, en = PRINTER_ALERT[str(status)]
            out.append(Wanted(f"printer:{d.id}", "printer", d.id,
                              f"Máy in {d.id}: {vi}", f"Printer {d.id}: {en}"))
        elif (rules.device_offline and online is not None and heard is not None
              and d.id in heard and d.id not in online):
            out.append(Wanted(f"offline:{d.id}", "offline", d.id,
                              f"Thiết bị {d.id} mất kết nối", f"Device {d.id} is offline"))
    if rules.low_rating > 0:
        for t in s.tickets.values():
            if t.rating is not None and t.rating <= rules.low_rating:
                out.append(Wanted(f"rating:{t.id}", "rating", t.label,
                                  f"Đánh giá thấp ({t.rating}) cho số {t.label} ở quầy {t.counter}",
                                  f"Low rating ({t.rating}) for {t.label} at counter {t.counter}"))
    return out


def check(e: Desk, now: datetime, pending: list[Event], *, online: set[str] | None = None,
          heard: set[str] | None = None) -> None:
    """Raise the alerts that started and clear the ones that ended (sticky ones once seen)."""
    wanted = {w.key: w for w in evaluate(e, now, online, heard)}
    for key, a in list(e.state.alerts.items()):
        sticky_done = a["kind"] in STICKY and a["seen"] is not None
        if (key not in wanted and a["kind"] not in STICKY) or sticky_done:
            since = datetime.fromisoformat(a["since"])
            e.emit(pending, "alert.cleared", now, {
                "alert": key, "kind": a["kind"], "subject": a["subject"],
                "seconds": max(0.0, (now - since).total_seconds())})
    for key, w in wanted.items():
        if key not in e.state.alerts and not _done_today(e, key):
            e.emit(pending, "alert.raised", now, {
                "alert": key, "kind": w.kind, "subject": w.subject,
                "detail_vi": w.detail_vi, "detail_en": w.detail_en})


def _done_today(e: Desk, key: str) -> bool:
    """A sticky alert seen and cleared is not raised again for the same rating."""
    return key in e.state.alerts_done


def seen(e: Desk, actor: Actor, b: dict[str, Any], now: datetime,
         p: list[Event]) -> dict[str, Any]:
    """``alert.seen``: the manager has seen an alert (sticky ones end at the next tick)."""
    key = str(b.get("alert", ""))
    a = e.state.alerts.get(key)
    if a is None:
        raise refuse("not_found", f"Không có cảnh báo {key!r} đang mở",
                     f"No open alert {key!r}")
    if a["seen"] is None:
        e.emit(p, "alert.seen", now, {"alert": key, "by": actor.device})
    return {"alert": key}
