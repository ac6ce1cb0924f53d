"""Business day, opening hours and the wait estimate."""

from __future__ import annotations

import math
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from hub.domain.state import COUNTER_OPEN, COUNTER_PAUSED, DayState
from motcua.centre_types import Centre, Session

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


def estimate_minutes(centre: Centre, state: DayState, field_code: str, ahead: int) -> int:
    """Minutes until a new ticket with ``ahead`` tickets before it is likely called.

    ahead × (running service time of the field) ÷ (counters now open for the field);
    when none is open we assume the counters that serve the field will open.
    """
    if ahead <= 0:
        return 0
    f = centre.field_by_code(field_code)
    default = (f.service_minutes if f else 10.0) * 60.0
    seconds = state.service_seconds.get(field_code, default)
    serving = [c for c in centre.counters if field_code in c.fields]
    open_now = [c for c in serving
                if state.counter(c.number).status in (COUNTER_OPEN, COUNTER_PAUSED)]
    k = max(1, len(open_now) or len(serving))
    return max(1, math.ceil(ahead * seconds / k / 60.0))
