"""Business day and opening hours (the wait estimate is in estimate.py)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from motcua.core.centre.model import Centre, Session

WEEKDAYS_VI = {1: "Thứ Hai", 2: "Thứ Ba", 3: "Thứ Tư", 4: "Thứ Năm", 5: "Thứ Sáu",
               6: "Thứ Bảy", 7: "Chủ Nhật"}


def local(centre: Centre, now: datetime) -> datetime:
    """``now`` (aware) in the centre's time zone."""
    return now.astimezone(ZoneInfo(centre.timezone))


def business_day(centre: Centre, now: datetime) -> date:
    return local(centre, now).date()


def session_at(centre: Centre, now: datetime) -> Session | None:
    """The opening session ``now`` falls in, or None when the centre is not issuing."""
    loc = local(centre, now)
    t = loc.time().replace(tzinfo=None)
    for s in centre.hours.get(loc.isoweekday(), ()):
        if s.start <= t < s.end:
            return s
    return None


def _hhmm(t: time) -> str:
    return t.strftime("%H:%M")


def hours_text(centre: Centre, weekday: int) -> tuple[str, str]:
    """Opening hours of one weekday in words, Vietnamese and English."""
    sessions = centre.hours.get(weekday, ())
    if not sessions:
        return "không làm việc", "closed"
    text = ", ".join(f"{_hhmm(s.start)}–{_hhmm(s.end)}" for s in sessions)
    return text, text
