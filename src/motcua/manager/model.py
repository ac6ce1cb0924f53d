"""What the manager's live view shows, computed from a device's view of the hub.

:func:`live_model` is pure: it reads a :class:`~motcua.link.client.CentreView` (built from the
hub's snapshot and events with the hub's own domain code, so the numbers are the hub's)
and returns frozen rows the window paints. It runs in the link's follower thread, where
the state is consistent, and the result crosses to the GUI thread as one object.

Things that change with the clock (the longest wait in minutes) are not in the model:
the model keeps *since when*, and the window turns that into minutes once a second.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from motcua.core.state import (
    CALLED,
    COUNTER_CLOSED,
    COUNTER_OPEN,
    COUNTER_PAUSED,
    DONE,
    NO_SHOW,
    SERVING,
    WAITING,
)
from motcua.link.client import CentreView

OK, WARN, FAULT, UNKNOWN = "ok", "warn", "fault", "unknown"
STATUS_LEVEL = {
    "ok": OK, "connected": OK, "paper_near_end": WARN,
    "paper_out": FAULT, "cover_open": FAULT, "offline": FAULT, "error": FAULT,
    "disconnected": FAULT,
}
STATUS_WORDS = {
    "ok": ("Bình thường", "OK"),
    "connected": ("Đã kết nối", "connected"),
    "paper_near_end": ("Sắp hết giấy", "paper near end"),
    "paper_out": ("Hết giấy", "paper out"),
    "cover_open": ("Nắp máy in mở", "cover open"),
    "offline": ("Mất kết nối thiết bị", "device offline"),
    "error": ("Lỗi thiết bị", "device error"),
    "disconnected": ("Thiết bị bị ngắt", "device disconnected"),
}
COUNTER_WORDS = {
    COUNTER_OPEN: ("Mở", "open"),
    COUNTER_PAUSED: ("Tạm dừng", "paused"),
    COUNTER_CLOSED: ("Đóng", "closed"),
}
TICKET_WORDS = {CALLED: ("đang mời", "called"), SERVING: ("đang phục vụ", "serving")}


@dataclass(frozen=True)
class FieldRow:
    """One field's queue."""

    code: str
    vi: str
    en: str
    waiting: int
    priority_waiting: int
    oldest_label: str | None
    oldest_since: datetime | None
    """When the longest-waiting ticket of the field was issued."""


@dataclass(frozen=True)
class CounterRow:
    """One counter: its state, the officer signed in and the ticket at it."""

    number: int
    vi: str
    status: str
    officer: str | None
    """Officer id (the window shows the name when the hub gave it)."""
    current_label: str | None
    current_status: str | None
    served: int
    priority: bool = False
    """The priority counter (elderly, pregnant, disability, merit)."""


@dataclass(frozen=True)
class DeviceRow:
    """A device the centre knows, with the last status it reported."""

    id: str
    role: str
    status: str | None
    detail_vi: str
    detail_en: str
    level: str
    """``ok`` / ``warn`` / ``fault`` / ``unknown`` (never reported)."""


@dataclass(frozen=True)
class LiveModel:
    """One picture of the centre for the live view."""

    centre_vi: str
    place_vi: str
    timezone: str
    day: str
    seq: int
    fields: tuple[FieldRow, ...]
    counters: tuple[CounterRow, ...]
    devices: tuple[DeviceRow, ...]
    waiting_total: int
    longest_label: str | None
    longest_field: str | None
    longest_since: datetime | None
    issued: int
    served: int
    no_show: int
    ratings: int
    satisfied: int
    last_event_at: datetime | None
    """Hub time of the newest thing that happened today (so a simulated clock that
    jumps ahead is followed)."""
    recent_calls: tuple[tuple[str, int, datetime, bool], ...] = ()
    """Newest first: (ticket label, counter, when, recall)."""
    issued_by_hour: tuple[tuple[int, int], ...] = ()
    """(hour of day, tickets issued in that hour), in hour order, local time."""

    @property
    def satisfaction(self) -> float | None:
        """Share (0–1) of today's ratings that count as satisfied; None before any."""
        return self.satisfied / self.ratings if self.ratings else None


def minutes_since(since: datetime | None, now: datetime) -> int | None:
    """Whole minutes from ``since`` to ``now`` (never negative)."""
    if since is None:
        return None
    return max(0, int((now - since).total_seconds() // 60))


def device_level(status: str | None) -> str:
    return UNKNOWN if status is None else STATUS_LEVEL.get(status, WARN)


def live_model(view: CentreView) -> LiveModel:
    """Build the live view's picture from the hub's state (see the module docstring)."""
    centre, state = view.centre, view.state
    oldest: dict[str, tuple[datetime, str]] = {}
    prio: dict[str, int] = {}
    issued = served = no_show = ratings = satisfied = 0
    last: datetime | None = None
    tz = ZoneInfo(centre.timezone)
    hours: dict[int, int] = {}
    for t in state.tickets.values():
        issued += 1
        hour = t.issued_at.astimezone(tz).hour
        hours[hour] = hours.get(hour, 0) + 1
        if t.status == WAITING:
            if t.priority:
                prio[t.field] = prio.get(t.field, 0) + 1
            seen = oldest.get(t.field)
            if seen is None or t.issued_at < seen[0]:
                oldest[t.field] = (t.issued_at, t.label)
        elif t.status == DONE:
            served += 1
        elif t.status == NO_SHOW:
            no_show += 1
        if t.rating is not None:
            ratings += 1
            satisfied += 1 if t.satisfied else 0
        for stamp in (t.issued_at, t.first_called_at, t.served_at, t.finished_at):
            if stamp is not None and (last is None or stamp > last):
                last = stamp
    calls = tuple((str(c["label"]), int(c["counter"]), datetime.fromisoformat(str(c["ts"])),
                   bool(c.get("recall"))) for c in state.recent_calls)
    if calls:
        last = calls[0][2] if last is None or calls[0][2] > last else last
    fields = tuple(
        FieldRow(f.code, f.vi, f.en, state.waiting_count(f.code), prio.get(f.code, 0),
                 oldest[f.code][1] if f.code in oldest else None,
                 oldest[f.code][0] if f.code in oldest else None)
        for f in centre.fields)
    longest = min(((since, label, code) for code, (since, label) in oldest.items()),
                  default=None)
    counters = []
    for c in centre.counters:
        cs = state.counter(c.number)
        cur = state.tickets.get(cs.current) if cs.current else None
        counters.append(CounterRow(
            c.number, c.vi, cs.status, cs.officer if cs.status != COUNTER_CLOSED else None,
            cur.label if cur is not None else None, cur.status if cur is not None else None,
            cs.served, c.priority))
    devices = []
    for d in centre.devices:
        if d.role == "province":
            continue  # the upward link is the hub's business, not a device in the hall
        info = state.devices.get(d.id, {})
        status = info.get("status")
        devices.append(DeviceRow(d.id, d.role, status, str(info.get("detail_vi") or ""),
                                 str(info.get("detail_en") or ""), device_level(status)))
    return LiveModel(
        centre.name_vi, centre.place_vi, centre.timezone, state.day, view.seq, fields, tuple(counters),
        tuple(devices), sum(r.waiting for r in fields),
        longest[1] if longest else None, longest[2] if longest else None,
        longest[0] if longest else None, issued, served, no_show, ratings, satisfied, last,
        calls, tuple(sorted(hours.items())))
