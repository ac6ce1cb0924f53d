"""The ``[calendar]`` section: public holidays on or off, and the centre's own dates.

```toml
[calendar]
public_holidays = true            # Vietnam's public holidays close the centre
[[calendar.days]]
date = "03/02/2027"               # dd/mm/yyyy, or a TOML date 2027-02-03
kind = "off"                      # off | work | half
reason_vi = "Nghỉ Tết theo quyết định của UBND tỉnh"
[[calendar.days]]
date = "20/02/2027"
kind = "work"                     # a make-up Saturday
hours = ["07:30-11:30", "13:30-17:00"]   # optional for "work": a full weekday by default
reason_vi = "Làm bù cho ngày 03/02/2027"
```
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Final, cast, get_args

from motcua.core.centre.model import CalendarRules, DayKind, SpecialDay
from motcua.core.centre.parse import _Table, parse_sessions

_DMY: Final = re.compile(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*")
_ISO: Final = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})\s*")
_KIND_WORDS: Final = {"off": "nghỉ", "work": "làm bù", "half": "làm nửa ngày / giờ khác"}


def parse_day(t: _Table, name: str) -> date:
    """A date given as a TOML date, ``"dd/mm/yyyy"`` or ``"yyyy-mm-dd"`` (the snapshot form)."""
    value = t.data.get(name)
    if value is None:
        t.fail(name, "thiếu ngày (dd/mm/yyyy)", "missing date (dd/mm/yyyy)")
    if isinstance(value, datetime):
        t.fail(name, "cần một ngày, không kèm giờ", "expected a date without a time")
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        t.wrong_type(name, value, ("ngày dd/mm/yyyy", "a date dd/mm/yyyy"))
    m = _DMY.fullmatch(value)
    parts = (int(m[3]), int(m[2]), int(m[1])) if m else None
    if parts is None and (m := _ISO.fullmatch(value)):
        parts = (int(m[1]), int(m[2]), int(m[3]))
    if parts is None:
        t.fail(name, f'ngày "{value}" không đúng dạng dd/mm/yyyy (vd 20/02/2027)',
               f'date "{value}" is not dd/mm/yyyy (e.g. 20/02/2027)')
    try:
        return date(*parts)
    except ValueError:
        t.fail(name, f'ngày "{value}" không tồn tại', f'date "{value}" does not exist')


def parse_calendar(root: _Table) -> CalendarRules:
    cal = root.table("calendar")
    tables = cal.tables("days")
    days: list[SpecialDay] = []
    seen: dict[date, str] = {}
    for t in tables:
        day = parse_day(t, "date")
        if day in seen:
            t.fail("date", f"ngày {day:%d/%m/%Y} đã khai ở {seen[day]}",
                   f"date {day:%d/%m/%Y} already given at {seen[day]}")
        seen[day] = t.path
        kind = t.text("kind")
        if kind not in get_args(DayKind):
            words = ", ".join(f"{k} ({v})" for k, v in _KIND_WORDS.items())
            t.fail("kind", f'loại ngày "{kind}" không tồn tại (có: {words})',
                   f'unknown kind of day "{kind}" (known: off, work, half)')
        sessions = parse_sessions(_Table({}, t.file, t.key("hours")), t.data.get("hours") or [])
        if kind == "off" and sessions:
            t.fail("hours", "ngày nghỉ không có giờ mở cửa", "a day off has no opening hours")
        if kind == "half" and not sessions:
            t.fail("hours", 'ngày "half" cần giờ mở cửa (vd ["07:30-11:30"])',
                   'a "half" day needs its hours (e.g. ["07:30-11:30"])')
        days.append(SpecialDay(day=day, kind=cast(DayKind, kind), reason_vi=t.text("reason_vi", ""),
                               reason_en=t.text("reason_en", ""), sessions=sessions))
    return CalendarRules(public_holidays=cal.flag("public_holidays", True),
                         days=tuple(sorted(days, key=lambda d: d.day)))


def calendar_to_dict(rules: CalendarRules) -> dict[str, Any]:
    """The snapshot/TOML form of :class:`CalendarRules` (dates as ``yyyy-mm-dd``)."""
    days = []
    for d in rules.days:
        entry: dict[str, Any] = {"date": d.day.isoformat(), "kind": d.kind,
                                 "reason_vi": d.reason_vi, "reason_en": d.reason_en}
        if d.sessions:
            entry["hours"] = [f"{s.start:%H:%M}-{s.end:%H:%M}" for s in d.sessions]
        days.append(entry)
    return {"public_holidays": rules.public_holidays, "days": days}
