"""The business calendar: public holidays (lunar ones too), the centre's own days off,
make-up working days and half-days, as the hub, the kiosk and the simulation see them."""

from __future__ import annotations

import dataclasses
import tomllib
from datetime import UTC as ZoneUTC
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from motcua.core.calendar import (
    closed_text,
    day_plan,
    next_opening,
    public_holidays,
    session_at,
)
from motcua.core.centre.load import ConfigError, centre_from_dict, centre_to_dict, parse_centre
from motcua.core.centre.model import CalendarRules, Centre, Session
from motcua.hub.domain.engine import Actor, Engine
from motcua.reports.figures import open_days, summary
from motcua.simulate.model import first_open_day, sessions_on
from tests.support.clock import VN
from tests.support.hubs import ROOT

KIOSK = Actor("kiosk-1", "kiosk", kiosk="kiosk-1")


def at(y: int, m: int, d: int, hh: int = 9, mm: int = 0, ss: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, ss, tzinfo=VN)


@pytest.mark.parametrize("day", [date(2027, 2, 4), date(2027, 2, 5), date(2027, 2, 8),
                                 date(2027, 2, 10), date(2028, 1, 24), date(2028, 1, 26),
                                 date(2028, 1, 28)])
def test_tet_2027_and_2028_are_closed(centre: Centre, day: date) -> None:
    plan = day_plan(centre, day)
    assert not plan.open
    assert "Tết" in plan.reason_vi
    assert session_at(centre, datetime.combine(day, time(9), VN)) is None


def test_closed_text_names_the_holiday_and_the_next_opening(centre: Centre) -> None:
    # 03/02/2027 is a day off by the sample centre's own decision, then Tết to 10/02.
    vi, en = closed_text(centre, at(2027, 2, 6)) or ("", "")
    assert vi == ("Hôm nay trung tâm nghỉ (Tết Nguyên Đán). "
                  "Mở cửa lại: Thứ Năm 11/02/2027 lúc 07:30")
    assert en.startswith("The centre is closed today (Lunar New Year)")
    assert en.endswith("Opens again: Thursday 11/02/2027 at 07:30")
    assert next_opening(centre, at(2027, 2, 2, 18)) == at(2027, 2, 11, 7, 30)
    assert day_plan(centre, date(2027, 2, 3)).reason_vi.startswith("Nghỉ Tết theo quyết định")
    # The lunar Hùng Kings' day moves each year.
    assert "Hùng Vương" in day_plan(centre, date(2027, 4, 16)).reason_vi
    assert "Hùng Vương" in day_plan(centre, date(2028, 4, 4)).reason_vi


def test_a_configured_make_up_saturday_is_a_full_working_day(centre: Centre) -> None:
    saturday = date(2027, 2, 20)
    assert saturday.isoweekday() == 6
    plan = day_plan(centre, saturday)
    assert plan.open and plan.reason_vi == "Làm bù cho ngày 03/02/2027"
    assert plan.sessions == centre.hours[1]  # a full weekday, afternoon included
    assert session_at(centre, at(2027, 2, 20, 14, 0)) is not None
    # An ordinary Saturday has the morning only.
    assert session_at(centre, at(2027, 2, 27, 14, 0)) is None
    assert closed_text(centre, at(2027, 2, 20, 9)) is None


def test_a_half_day_closes_after_its_session(centre: Centre) -> None:
    assert session_at(centre, at(2026, 12, 31, 9)) is not None
    vi, _ = closed_text(centre, at(2026, 12, 31, 14)) or ("", "")
    assert vi.startswith("Ngoài giờ tiếp nhận (hôm nay: 07:30–11:30)")
    # 01/01 is a public holiday, 02/01/2027 a Saturday (morning).
    assert vi.endswith("Thứ Bảy 02/01/2027 lúc 07:30")


def test_public_holidays_can_be_switched_off(centre: Centre) -> None:
    own = dataclasses.replace(centre, calendar=CalendarRules(public_holidays=False))
    assert day_plan(own, date(2028, 1, 26)).open  # a Wednesday like any other
    assert public_holidays(2028)[date(2028, 1, 26)][0] == "Tết Nguyên Đán"


def test_day_rolls_over_at_local_midnight_on_a_holiday_eve(centre: Centre) -> None:
    # Without the sample's own 03/02 day off, Wednesday 03/02/2027 is a working day and
    # Thursday 04/02 (29 Tết) the first day of the Tết break.
    engine = Engine(dataclasses.replace(centre, calendar=CalendarRules()))
    out = engine.handle(KIOSK, "ticket.take", {"field": "A"}, at(2027, 2, 3, 16, 30))
    assert out.ok and engine.state.day == "2027-02-03"
    # 23:59:59 local is still Wednesday, even though it is already 16:59 UTC.
    late = engine.handle(KIOSK, "ticket.take", {"field": "A"}, at(2027, 2, 3, 23, 59, 59))
    assert late.reply["code"] == "closed_hours" and engine.state.day == "2027-02-03"
    assert "Ngoài giờ tiếp nhận" in late.reply["message_vi"]
    eve_utc = at(2027, 2, 4, 0, 0, 1).astimezone(ZoneUTC)
    out = engine.handle(KIOSK, "ticket.take", {"field": "A"}, eve_utc)
    assert not out.ok and out.reply["code"] == "closed_hours"
    assert out.reply["message_vi"] == ("Hôm nay trung tâm nghỉ (29 Tết). "
                                       "Mở cửa lại: Thứ Năm 11/02/2027 lúc 07:30")
    assert out.reply["details"]["next_open"] == "2027-02-11T07:30:00+07:00"
    assert engine.state.day == "2027-02-04"
    closed = next(e for e in out.events if e.type == "day.closed")
    assert closed.body == {"day": "2027-02-03", "expired": ["20270203-A001"]}


def test_the_simulation_skips_closed_days(centre: Centre) -> None:
    assert first_open_day(centre, date(2027, 2, 3)) == date(2027, 2, 11)
    assert len(sessions_on(centre, date(2027, 2, 20))) == 2
    assert sessions_on(centre, date(2027, 2, 5)) == []


def _sample() -> tuple[dict, dict]:  # type: ignore[type-arg]
    with (ROOT / "config" / "centre.toml").open("rb") as fh:
        c = tomllib.load(fh)
    with (ROOT / "config" / "fields.toml").open("rb") as fh:
        f = tomllib.load(fh)
    return c, f


@pytest.mark.parametrize(("days", "key", "vi"), [
    ([{"date": "31/02/2027", "kind": "off"}], "calendar.days[1].date", "không tồn tại"),
    ([{"date": "2027/02/03", "kind": "off"}], "calendar.days[1].date", "không đúng dạng"),
    ([{"date": "03/02/2027", "kind": "holiday"}], "calendar.days[1].kind",
     'loại ngày "holiday" không tồn tại'),
    ([{"date": "03/02/2027", "kind": "half"}], "calendar.days[1].hours", "cần giờ mở cửa"),
    ([{"date": "03/02/2027", "kind": "off", "hours": ["07:30-11:30"]}],
     "calendar.days[1].hours", "ngày nghỉ không có giờ"),
    ([{"date": "03/02/2027", "kind": "off"}, {"date": date(2027, 2, 3), "kind": "work"}],
     "calendar.days[2].date", "đã khai ở calendar.days[1]"),
    ([{"date": "03/02/2027", "kind": "work", "hours": ["13:30-11:30"]}],
     "calendar.days[1].hours[1]", "giờ bắt đầu phải trước"),
])
def test_calendar_mistakes_are_reported_in_words(days: list, key: str, vi: str) -> None:  # type: ignore[type-arg]
    c, f = _sample()
    c["calendar"] = {"public_holidays": True, "days": days}
    with pytest.raises(ConfigError) as err:
        parse_centre(c, source="centre.toml", fields_data=f, fields_source="fields.toml")
    assert err.value.key == key
    assert vi in err.value.problem_vi and err.value.problem_en


def test_calendar_survives_the_snapshot(centre: Centre) -> None:
    again = centre_from_dict(centre_to_dict(centre))
    assert again.calendar == centre.calendar
    assert again.calendar.days[0].sessions == (Session(time(7, 30), time(11, 30)),)
    c, f = _sample()
    c["calendar"]["days"][2]["date"] = date(2026, 12, 31)  # a TOML date literal works too
    assert parse_centre(c, source="c", fields_data=f).calendar == centre.calendar


def test_sample_calendar_file_is_where_the_docs_say(centre: Centre) -> None:
    assert Path(ROOT / "config" / "centre.toml").read_text("utf-8").count("[[calendar.days]]") == 3
    assert centre.calendar.public_holidays
    assert [d.kind for d in centre.calendar.days] == ["half", "off", "work"]
    assert timedelta(0) < next_opening(centre, at(2027, 2, 6)) - at(2027, 2, 6)  # type: ignore[operator]


def test_reports_count_working_days_by_the_calendar(centre: Centre) -> None:
    assert open_days(centre, "2025-11-01", "2025-11-30") == 25  # 5 Sundays closed
    # February 2027: 4 Sundays, the centre's 03/02 and Tết 04–10/02 (Sunday 07/02 counted once)
    assert open_days(centre, "2027-02-01", "2027-02-28") == 17
    totals = summary(centre, [], date_from="2027-02-01", date_to="2027-02-28")["tables"]["totals"]
    row = next(r for r in totals["rows"] if r["key"] == "open_days")
    assert row["value"] == 17 and row["indicator"] == "Số ngày làm việc theo lịch"
