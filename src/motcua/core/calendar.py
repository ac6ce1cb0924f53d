"""Business day, opening hours and the centre's calendar (the wait estimate is in estimate.py).

Which sessions a date has is decided in this order (:func:`day_plan`):

1. the centre's own entry for that date (``[[calendar.days]]``: a day off, a make-up
   working day, a half-day), which wins over everything else, so a centre can work on a
   public holiday by decision or close on an ordinary Tuesday;
2. Vietnam's public holidays, lunar ones included, from the ``holidays`` package's
   Vietnam calendar (it also carries the bridge days the government announces each year,
   e.g. 29 Tết 2027); switched off by ``public_holidays = false``;
3. the weekly hours (``[hours]``).

Everything works on the local date in the centre's time zone, so the hub, the kiosk and
the reports agree on "today" whatever the machine's zone is.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

from motcua.core.centre.model import Centre, Session

log = logging.getLogger(__name__)

WEEKDAYS_VI = {1: "Thứ Hai", 2: "Thứ Ba", 3: "Thứ Tư", 4: "Thứ Năm", 5: "Thứ Sáu",
               6: "Thứ Bảy", 7: "Chủ Nhật"}
WEEKDAYS_EN = {1: "Monday", 2: "Tuesday", 3: "Wednesday", 4: "Thursday", 5: "Friday",
               6: "Saturday", 7: "Sunday"}
LOOKAHEAD_DAYS = 60
"""How far :func:`next_opening` looks; Tết plus bridge days is at most ~10 days."""


@dataclass(frozen=True)
class DayPlan:
    """What one date looks like for the centre."""

    day: date
    sessions: tuple[Session, ...]
    """Opening sessions; empty when closed all day."""
    reason_vi: str = ""
    """Why the day differs from its weekday ("Tết Nguyên Đán", "Làm bù ..."), else empty."""
    reason_en: str = ""

    @property
    def open(self) -> bool:
        return bool(self.sessions)


def local(centre: Centre, now: datetime) -> datetime:
    """``now`` (aware) in the centre's time zone."""
    return now.astimezone(ZoneInfo(centre.timezone))


def business_day(centre: Centre, now: datetime) -> date:
    return local(centre, now).date()


@functools.lru_cache(maxsize=64)
def public_holidays(year: int) -> dict[date, tuple[str, str]]:
    """Vietnam's public holidays of ``year``: date -> (Vietnamese name, English name)."""
    vi = holidays.country_holidays("VN", years=year, language="vi")
    en = holidays.country_holidays("VN", years=year, language="en_US")
    return {d: (str(name), str(en.get(d, name))) for d, name in sorted(vi.items())}


def full_day(centre: Centre) -> tuple[Session, ...]:
    """The longest weekday's sessions: what a make-up working day opens by default."""
    def minutes(sessions: tuple[Session, ...]) -> int:
        return sum((s.end.hour * 60 + s.end.minute) - (s.start.hour * 60 + s.start.minute)
                   for s in sessions)
    return max((centre.hours.get(d, ()) for d in range(1, 6)), key=minutes, default=())


def day_plan(centre: Centre, day: date) -> DayPlan:
    """The sessions of ``day`` after the centre's own dates and the public holidays."""
    special = centre.calendar.special(day)
    if special is not None:
        if special.kind == "off":
            return DayPlan(day, (), special.reason_vi or "Ngày nghỉ",
                           special.reason_en or "Day off")
        sessions = special.sessions or full_day(centre)
        default_vi, default_en = (("Ngày làm bù", "Make-up working day") if special.kind == "work"
                                  else ("Giờ làm việc thay đổi", "Changed hours"))
        return DayPlan(day, sessions, special.reason_vi or default_vi,
                       special.reason_en or default_en)
    if centre.calendar.public_holidays:
        names = public_holidays(day.year).get(day)
        if names is not None:
            return DayPlan(day, (), names[0], names[1])
    return DayPlan(day, centre.hours.get(day.isoweekday(), ()))


def session_at(centre: Centre, now: datetime) -> Session | None:
    """The opening session ``now`` falls in, or None when the centre is not issuing."""
    loc = local(centre, now)
    t = loc.time().replace(tzinfo=None)
    for s in day_plan(centre, loc.date()).sessions:
        if s.start <= t < s.end:
            return s
    return None


def next_opening(centre: Centre, now: datetime) -> datetime | None:
    """When the next session starts after ``now`` (aware, centre time), or None if none soon."""
    loc = local(centre, now)
    tz = ZoneInfo(centre.timezone)
    for offset in range(LOOKAHEAD_DAYS + 1):
        day = loc.date() + timedelta(days=offset)
        for s in day_plan(centre, day).sessions:
            start = datetime.combine(day, s.start, tz)
            if start > loc:
                return start
    return None


def _hhmm(t: time) -> str:
    return t.strftime("%H:%M")


def sessions_text(sessions: tuple[Session, ...]) -> str:
    return ", ".join(f"{_hhmm(s.start)}–{_hhmm(s.end)}" for s in sessions)


def hours_text(centre: Centre, weekday: int) -> tuple[str, str]:
    """Weekly opening hours of one weekday in words, Vietnamese and English."""
    sessions = centre.hours.get(weekday, ())
    if not sessions:
        return "không làm việc", "closed"
    text = sessions_text(sessions)
    return text, text


def day_hours_text(centre: Centre, day: date) -> tuple[str, str]:
    """Hours of one date in words (the calendar applied), with the reason when it differs."""
    plan = day_plan(centre, day)
    if not plan.open:
        vi, en = "không làm việc", "closed"
    else:
        vi = en = sessions_text(plan.sessions)
    if plan.reason_vi:
        vi, en = f"{vi} ({plan.reason_vi})", f"{en} ({plan.reason_en or plan.reason_vi})"
    return vi, en


def opening_text(centre: Centre, when: datetime | None) -> tuple[str, str]:
    """"Thứ Hai 15/02/2027 lúc 07:30" for a next opening (or "chưa xác định")."""
    if when is None:
        return "chưa xác định", "not known yet"
    iso = when.isoweekday()
    return (f"{WEEKDAYS_VI[iso]} {when:%d/%m/%Y} lúc {when:%H:%M}",
            f"{WEEKDAYS_EN[iso]} {when:%d/%m/%Y} at {when:%H:%M}")


def closed_text(centre: Centre, now: datetime) -> tuple[str, str] | None:
    """Why the centre is not issuing at ``now`` and when it opens next, or None when open.

    "Hôm nay trung tâm nghỉ (Tết Nguyên Đán). Mở cửa lại: Thứ Năm 11/02/2027 lúc 07:30"
    """
    if session_at(centre, now) is not None:
        return None
    loc = local(centre, now)
    plan = day_plan(centre, loc.date())
    nxt_vi, nxt_en = opening_text(centre, next_opening(centre, now))
    if not plan.open:
        why_vi = f" ({plan.reason_vi})" if plan.reason_vi else ""
        why_en = f" ({plan.reason_en or plan.reason_vi})" if plan.reason_vi else ""
        return (f"Hôm nay trung tâm nghỉ{why_vi}. Mở cửa lại: {nxt_vi}",
                f"The centre is closed today{why_en}. Opens again: {nxt_en}")
    today = sessions_text(plan.sessions)
    return (f"Ngoài giờ tiếp nhận (hôm nay: {today}). Tiếp nhận tiếp: {nxt_vi}",
            f"Outside opening hours (today: {today}). Next opening: {nxt_en}")
