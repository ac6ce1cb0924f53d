"""Manager reports: waits, service times, outcomes and satisfaction from ticket facts.

:func:`summary` takes the flat per-ticket rows of :func:`motcua.core.facts.fact_row` (as
``HubStore.facts`` returns them, or as the province rebuilds them from events) and
returns ONE JSON-ready dict. The manager's screen and every export (CSV, XLSX, charts in
:mod:`motcua.reports.exports`) are drawn from that dict, so the numbers cannot disagree.

Conventions (also in docs/reports.md):

* Times are reported in **minutes, rounded to 0.1** (half away from zero, on the
  shortest decimal form of the float). Statistics are computed on exact seconds first.
* **Wait** = first call - issue; counted for every ticket that was called at least once.
  **Service** = finish - start of service; counted for served (``done``) tickets only.
* **Percentiles** use linear interpolation between closest ranks (Hyndman & Fan type 7):
  for sorted values x[0..n-1] the p-th percentile is at rank r = (n - 1) * p / 100 and
  equals x[floor r] + (r - floor r) * (x[floor r + 1] - x[floor r]). The median is the
  50th percentile. This is numpy's default, Excel's PERCENTILE.INC and PostgreSQL's
  ``percentile_cont``, so the province can compute the same figures in SQL.
* A ticket belongs to the field, counter and officer it ended with (a transfer moves it)
  and to the hour and day it was **issued** (arrival), in the centre's time zone.
* Shares are percentages of rated tickets, rounded to 0.1; ``None`` when nothing was rated.

The arithmetic (rounding, percentiles, grouping the rows) lives in :mod:`motcua.reports.stats`;
its public names are re-exported here, where callers import them from.
"""

from __future__ import annotations

import bisect
import logging
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from motcua.core.calendar import day_plan
from motcua.core.centre.model import Centre
from motcua.core.text import sort_key
from motcua.reports.stats import (
    REPORT_COLUMNS,
    _columns,
    _Group,
    _group_by,
    _mean,
    group_figures,
    minutes,
    percent,
    percentile,
    round1,
)

__all__ = [
    "GROUP_COLUMNS",
    "PERCENTILE_METHOD_EN",
    "PERCENTILE_METHOD_VI",
    "REPORT_COLUMNS",
    "WAIT_BANDS",
    "column",
    "figure_items",
    "group_figures",
    "make_table",
    "minutes",
    "percent",
    "percentile",
    "round1",
    "summary",
    "summary_rows",
    "totals_table",
]

log = logging.getLogger(__name__)

REPORT_VERSION = 1
PERCENTILE_METHOD_VI = ("Nội suy tuyến tính giữa hai hạng gần nhất (Hyndman–Fan loại 7, "
                        "như PERCENTILE.INC của Excel): hạng r = (n − 1) × p / 100")
PERCENTILE_METHOD_EN = ("Linear interpolation between closest ranks (Hyndman-Fan type 7, "
                        "Excel PERCENTILE.INC, PostgreSQL percentile_cont): rank r = (n-1)p/100")
WAIT_BANDS: tuple[int, ...] = (0, 5, 10, 15, 20, 30, 45, 60)
"""Lower bounds (minutes) of the wait bands; the last band is open-ended."""
DEFAULT_TZ = "Asia/Ho_Chi_Minh"
WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")


# -- table building -----------------------------------------------------------------------
def column(key: str, vi: str, en: str, kind: str = "text") -> dict[str, str]:
    return {"key": key, "vi": vi, "en": en, "kind": kind}


GROUP_COLUMNS = [
    column("tickets", "Số phiếu", "Tickets", "int"),
    column("served", "Đã phục vụ", "Served", "int"),
    column("no_show", "Vắng mặt", "No-show", "int"),
    column("transferred", "Đã chuyển", "Transferred", "int"),
    column("cancelled", "Đã hủy", "Cancelled", "int"),
    column("wait_mean", "Chờ TB (phút)", "Mean wait (min)", "minutes"),
    column("wait_median", "Chờ trung vị (phút)", "Median wait (min)", "minutes"),
    column("wait_p90", "Chờ P90 (phút)", "90th percentile wait (min)", "minutes"),
    column("wait_max", "Chờ lâu nhất (phút)", "Longest wait (min)", "minutes"),
    column("service_mean", "Phục vụ TB (phút)", "Mean service (min)", "minutes"),
    column("service_median", "Phục vụ trung vị (phút)", "Median service (min)", "minutes"),
    column("service_p90", "Phục vụ P90 (phút)", "90th percentile service (min)", "minutes"),
    column("service_max", "Phục vụ lâu nhất (phút)", "Longest service (min)", "minutes"),
    column("rated", "Lượt đánh giá", "Ratings", "int"),
    column("satisfied_pct", "Hài lòng (%)", "Satisfied (%)", "percent"),
]


def make_table(key: str, vi: str, en: str, file: str, columns: list[dict[str, str]],
           rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"key": key, "vi": vi, "en": en, "file": file, "columns": columns, "rows": rows}


def _hour_label(h: int) -> str:
    return f"{h:02d}:00–{h + 1:02d}:00"


def _vn_date(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y}"


@dataclass
class _Names:
    fields: dict[str, str]
    field_order: dict[str, int]
    counters: dict[int, str]
    officers: dict[str, str]

    def field_key(self, code: str) -> tuple[int, tuple[str, str, str]]:
        return (self.field_order.get(code, len(self.field_order)), sort_key(code))


def _names(centre: Centre | None, officer_names: Mapping[str, str] | None) -> _Names:
    officers = {o.id: o.name for o in centre.officers} if centre else {}
    officers.update(officer_names or {})
    if centre is None:
        return _Names({}, {}, {}, officers)
    return _Names({f.code: f.vi for f in centre.fields},
                  {f.code: i for i, f in enumerate(centre.fields)},
                  {c.number: c.vi for c in centre.counters}, officers)


def _rating_scale(centre: Centre | None, seen: Iterable[int]) -> list[dict[str, Any]]:
    scale = [{"value": lv.value, "vi": lv.vi, "en": lv.en, "colour": lv.colour,
              "satisfied": lv.satisfied} for lv in (centre.rating_scale if centre else ())]
    known = {lv["value"] for lv in scale}
    for v in sorted(set(seen) - known, reverse=True):
        scale.append({"value": v, "vi": f"Mức {v}", "en": f"Level {v}", "colour": "",
                      "satisfied": None})
    return scale


def summary(centre: Centre | None, facts: Iterable[Mapping[str, Any]], *,
            officer_names: Mapping[str, str] | None = None, date_from: str | None = None,
            date_to: str | None = None) -> dict[str, Any]:
    """All report figures for ``facts`` (fact rows of one centre) as one JSON-ready dict.

    ``centre`` gives names (fields, counters, officers), the rating scale and the time
    zone; without it codes and ids are shown. ``officer_names`` overrides officer names.
    ``date_from``/``date_to`` (ISO days) only label the period; filter the facts first.
    """
    rows = ([r.get(c) for c in REPORT_COLUMNS] for r in facts)
    return summary_rows(centre, rows, officer_names=officer_names, date_from=date_from,
                        date_to=date_to)


def summary_rows(centre: Centre | None, rows: Iterable[Sequence[Any]], *,
                 officer_names: Mapping[str, str] | None = None, date_from: str | None = None,
                 date_to: str | None = None) -> dict[str, Any]:
    """:func:`summary` for rows given as sequences in :data:`REPORT_COLUMNS` order.

    The fast path for big periods: a reader can select just these columns as tuples.
    """
    rows = list(rows)
    tz = ZoneInfo(centre.timezone if centre else DEFAULT_TZ)
    names = _names(centre, officer_names)
    scale_sat = {lv.value: lv.satisfied for lv in (centre.rating_scale if centre else ())}
    cols = _columns(rows, tz, scale_sat)

    total = _group_by([0] * len(cols.days), cols).get(0, _Group())
    # "2025-11 cb01": a string key hashes once (tuples hash again at every lookup)
    months = [None if o is None else f"{d[:7]} {o}" for d, o in zip(cols.days, cols.officers,
                                                                      strict=True)]
    by = {"field": _group_by(cols.fields, cols), "counter": _group_by(cols.counters, cols),
          "officer": _group_by(cols.officers, cols), "hour": _group_by(cols.hours, cols),
          "day": _group_by(cols.days, cols), "month": _group_by(months, cols)}
    bands: dict[str, list[int]] = {}
    for (code, band), n in Counter(zip(map(cols.fields.__getitem__, cols.wait_rows.tolist()),
                                       map(_band, cols.wait_values.tolist()),
                                       strict=True)).items():
        bands.setdefault(code, [0] * len(WAIT_BANDS))[band] += n

    scale = _rating_scale(centre, total.ratings)
    values = [int(lv["value"]) for lv in scale]
    days = sorted(by["day"])
    period_from = date_from or (days[0] if days else None)
    period_to = date_to or (days[-1] if days else None)
    fields = sorted(by["field"], key=names.field_key)
    officers = sorted(by["officer"], key=sort_key)
    counters = sorted(by["counter"])

    tables = [
        _totals_table(total, by["hour"], len(days),
                      open_days(centre, date_from, date_to) if centre else None),
        _group_table("by_field", "Theo lĩnh vực", "By field", "theo-linh-vuc",
                     [column("field", "Mã lĩnh vực", "Field code"),
                      column("field_name", "Lĩnh vực", "Field")],
                     [({"field": k, "field_name": names.fields.get(k, k)}, by["field"][k])
                      for k in fields]),
        _group_table("by_counter", "Theo quầy", "By counter", "theo-quay",
                     [column("counter", "Quầy số", "Counter", "int"),
                      column("counter_name", "Tên quầy", "Counter name")],
                     [({"counter": k, "counter_name": names.counters.get(k, f"Quầy số {k}")},
                       by["counter"][k]) for k in counters]),
        _group_table("by_officer", "Theo cán bộ", "By officer", "theo-can-bo",
                     [column("officer", "Mã cán bộ", "Officer id"),
                      column("officer_name", "Cán bộ", "Officer")],
                     [({"officer": k, "officer_name": names.officers.get(k, k)},
                       by["officer"][k]) for k in officers]),
        _group_table("by_hour", "Theo giờ lấy số", "By hour of issue",
                     "theo-gio",
                     [column("hour", "Khung giờ", "Hour"),
                      column("per_day", "Số phiếu TB/ngày", "Tickets per day (mean)", "number")],
                     [({"hour": _hour_label(h), "per_day": round1(g.tickets / max(1, len(days)))},
                       g) for h, g in sorted(by["hour"].items())]),
        _group_table("by_day", "Theo ngày", "By day", "theo-ngay",
                     [column("day", "Ngày", "Day", "date"), column("weekday", "Thứ", "Weekday")],
                     [({"day": _vn_date(d), "weekday":
                        WEEKDAYS_VI[date.fromisoformat(d).weekday()]}, by["day"][d])
                      for d in days]),
        _bands_table(bands, fields, names),
        _ratings_table(total, scale),
        _satisfaction_table("satisfaction_by_officer", "Hài lòng theo cán bộ",
                            "Satisfaction by officer", "hai-long-theo-can-bo",
                            column("officer", "Mã cán bộ", "Officer id"),
                            column("officer_name", "Cán bộ", "Officer"), scale,
                            [(k, names.officers.get(k, k), by["officer"][k]) for k in officers]),
        _satisfaction_table("satisfaction_by_counter", "Hài lòng theo quầy",
                            "Satisfaction by counter", "hai-long-theo-quay",
                            column("counter", "Quầy số", "Counter", "int"),
                            column("counter_name", "Tên quầy", "Counter name"), scale,
                            [(k, names.counters.get(k, f"Quầy số {k}"), by["counter"][k])
                             for k in counters]),
        _satisfaction_table("satisfaction_by_field", "Hài lòng theo lĩnh vực",
                            "Satisfaction by field", "hai-long-theo-linh-vuc",
                            column("field", "Mã lĩnh vực", "Field code"),
                            column("field_name", "Lĩnh vực", "Field"), scale,
                            [(k, names.fields.get(k, k), by["field"][k]) for k in fields]),
        _monthly_table(by["month"], names, values, scale),
    ]
    return {
        "kind": "motcua.report", "version": REPORT_VERSION,
        "centre": {"id": centre.id if centre else "", "name_vi": centre.name_vi if centre else "",
                   "place_vi": centre.place_vi if centre else ""},
        "period": {"from": period_from, "to": period_to,
                   "from_vn": _vn_date(period_from) if period_from else "",
                   "to_vn": _vn_date(period_to) if period_to else "", "days": len(days)},
        "method": {"percentile_vi": PERCENTILE_METHOD_VI, "percentile_en": PERCENTILE_METHOD_EN,
                   "unit_vi": "phút, làm tròn 0,1", "unit_en": "minutes, rounded to 0.1"},
        "rating_scale": scale,
        "tables": {t["key"]: t for t in tables + _outcomes(centre, rows, officer_names)},
    }


def _outcomes(centre: Centre | None, rows: list[Sequence[Any]],
              officer_names: Mapping[str, str] | None) -> list[dict[str, Any]]:
    """The outcome tables (reports/outcomes.py) from the rows' outcome columns."""
    from motcua.reports.outcomes import outcome_tables  # it builds on this module

    facts = ({"status": r[5], "field": r[2], "officer": r[4], "outcome": r[11],
              "dossiers": r[12]} for r in rows if len(r) > 12)
    return outcome_tables(centre, facts, officer_names)


def _band(wait_seconds: float) -> int:
    return bisect.bisect_right(WAIT_BANDS, wait_seconds / 60.0) - 1


def band_labels() -> list[tuple[str, str]]:
    """(Vietnamese, English) label of every wait band."""
    out = []
    for i, lo in enumerate(WAIT_BANDS):
        if i + 1 < len(WAIT_BANDS):
            hi = WAIT_BANDS[i + 1]
            out.append((f"{lo}–{hi} phút", f"{lo}-{hi} min"))
        else:
            out.append((f"Từ {lo} phút", f"{lo}+ min"))
    return out


def _group_table(key: str, vi: str, en: str, file: str, head: list[dict[str, str]],
                 groups: list[tuple[dict[str, Any], _Group]]) -> dict[str, Any]:
    rows = [{**ident, **g.figures()} for ident, g in groups]
    return make_table(key, vi, en, file, head + GROUP_COLUMNS, rows)


def figure_items(raw: Mapping[str, Any]) -> list[tuple[str, str, str, Any, str]]:
    """The standard indicator lines (key, vi, en, value, unit) of a totals table."""
    fig = group_figures(raw)
    items: list[tuple[str, str, str, Any, str]] = [
        ("issued", "Số phiếu đã cấp", "Tickets issued", fig["tickets"], "phiếu"),
        ("served", "Đã phục vụ xong", "Served", fig["served"], "phiếu"),
        ("no_show", "Vắng mặt khi gọi", "No-show", fig["no_show"], "phiếu"),
        ("transferred", "Đã chuyển lĩnh vực/quầy", "Transferred", fig["transferred"], "phiếu"),
        ("cancelled", "Đã hủy", "Cancelled", fig["cancelled"], "phiếu"),
        ("unfinished", "Chưa kết thúc", "Not finished yet", int(raw["unfinished"]), "phiếu"),
    ]
    for c in GROUP_COLUMNS[5:13]:
        items.append((c["key"], c["vi"].replace(" (phút)", ""), c["en"].replace(" (min)", ""),
                      fig[c["key"]], "phút"))
    items += [
        ("rated", "Lượt đánh giá", "Ratings", fig["rated"], "lượt"),
        ("satisfied", "Lượt hài lòng", "Satisfied ratings", int(raw["satisfied"]), "lượt"),
        ("satisfied_pct", "Tỷ lệ hài lòng", "Share satisfied", fig["satisfied_pct"], "%"),
    ]
    return items


def totals_table(items: Iterable[tuple[str, str, str, Any, str]]) -> dict[str, Any]:
    """A key/value table of indicators, one line each (the "Tổng hợp" sheet)."""
    rows = [{"indicator": vi, "value": value, "unit": unit, "indicator_en": en, "key": key}
            for key, vi, en, value, unit in items]
    cols = [column("indicator", "Chỉ tiêu", "Indicator"),
            column("value", "Giá trị", "Value", "any"), column("unit", "Đơn vị", "Unit"),
            column("indicator_en", "Indicator (English)", "Indicator"), column("key", "Mã", "Key")]
    return make_table("totals", "Tổng hợp", "Totals", "tong-hop", cols, rows)


def open_days(centre: Centre, first: str | None, last: str | None) -> int | None:
    """Working days from ``first`` to ``last`` (ISO) by the centre's calendar (Tết, days off
    and make-up days applied), or None without an explicit period (a period taken from the
    data would count only from the first to the last day with tickets)."""
    if not first or not last:
        return None
    day, end = date.fromisoformat(first), date.fromisoformat(last)
    count = 0
    while day <= end:
        count += day_plan(centre, day).open
        day += timedelta(days=1)
    return count


def _totals_table(t: _Group, hours: Mapping[int, _Group], days: int,
                  working: int | None) -> dict[str, Any]:
    peak = max(sorted(hours), key=lambda h: hours[h].tickets) if hours else None
    calendar = ([("open_days", "Số ngày làm việc theo lịch", "Working days by the calendar",
                  working, "ngày")] if working is not None else [])
    return totals_table([
        ("days", "Số ngày có phiếu", "Days with tickets", days, "ngày"),
        *calendar,
        *figure_items(t.raw()),
        ("busiest_hour", "Giờ đông nhất", "Busiest hour",
         _hour_label(peak) if peak is not None else "", ""),
        ("busiest_hour_tickets", "Số phiếu trong giờ đông nhất", "Tickets in the busiest hour",
         hours[peak].tickets if peak is not None else 0, "phiếu"),
    ])


def _bands_table(bands: Mapping[str, list[int]], fields: list[str],
                 names: _Names) -> dict[str, Any]:
    labels = band_labels()
    cols = [column("field", "Mã lĩnh vực", "Field code"), column("field_name", "Lĩnh vực", "Field")]
    cols += [column(f"b{lo}", vi, en, "int") for lo, (vi, en) in zip(WAIT_BANDS, labels, strict=True)]
    cols.append(column("called", "Số được gọi", "Called", "int"))
    rows = []
    everything = [0] * len(WAIT_BANDS)
    for code in fields:
        counts = bands.get(code, [0] * len(WAIT_BANDS))
        everything = [a + b for a, b in zip(everything, counts, strict=True)]
        rows.append(_band_row(code, names.fields.get(code, code), counts))
    if rows:
        rows.append(_band_row("*", "Tất cả lĩnh vực", everything))
    return make_table("wait_bands", "Phân bố thời gian chờ", "Wait distribution", "phan-bo-cho",
                  cols, rows)


def _band_row(code: str, name: str, counts: list[int]) -> dict[str, Any]:
    row: dict[str, Any] = {"field": code, "field_name": name}
    row.update({f"b{lo}": n for lo, n in zip(WAIT_BANDS, counts, strict=True)})
    row["called"] = sum(counts)
    return row


def _ratings_table(t: _Group, scale: list[dict[str, Any]]) -> dict[str, Any]:
    rated = t.rated
    rows = [{"value": lv["value"], "label": lv["vi"],
             "counts_as": {True: "hài lòng", False: "không hài lòng"}.get(lv["satisfied"], ""),
             "count": t.ratings.get(lv["value"], 0),
             "pct": percent(t.ratings.get(lv["value"], 0), rated)} for lv in scale]
    cols = [column("value", "Mức", "Value", "int"), column("label", "Mức đánh giá", "Level"),
            column("counts_as", "Tính là", "Counts as"), column("count", "Số lượt", "Count", "int"),
            column("pct", "Tỷ lệ (%)", "Share (%)", "percent")]
    return make_table("ratings", "Mức độ hài lòng", "Satisfaction distribution", "muc-hai-long",
                  cols, rows)


def _rating_columns(scale: list[dict[str, Any]]) -> list[dict[str, str]]:
    cols = [column(f"r{lv['value']}", str(lv["vi"]), str(lv["en"]), "int") for lv in scale]
    return [*cols, column("rated", "Lượt đánh giá", "Ratings", "int"),
            column("satisfied", "Lượt hài lòng", "Satisfied", "int"),
            column("satisfied_pct", "Hài lòng (%)", "Satisfied (%)", "percent")]


def _satisfaction_table(key: str, vi: str, en: str, file: str, id_col: dict[str, str],
                        name_col: dict[str, str], scale: list[dict[str, Any]],
                        groups: list[tuple[Any, str, _Group]]) -> dict[str, Any]:
    values = [int(lv["value"]) for lv in scale]
    rows = [{id_col["key"]: k, name_col["key"]: name, **g.rating_figures(values)}
            for k, name, g in groups]
    return make_table(key, vi, en, file, [id_col, name_col, *_rating_columns(scale)], rows)


def _monthly_table(months: Mapping[str, _Group], names: _Names,
                   values: list[int], scale: list[dict[str, Any]]) -> dict[str, Any]:
    rows = []
    for key in sorted(months, key=lambda k: (k[:7], sort_key(k[8:]))):
        g, month, officer = months[key], key[:7], key[8:]
        services = g.services  # already in order
        rows.append({"month": f"{month[5:7]}/{month[:4]}", "officer": officer,
                     "officer_name": names.officers.get(officer, officer),
                     "tickets": g.tickets, "served": g.served, "no_show": g.no_show,
                     "service_mean": minutes(_mean(services)),
                     "service_median": minutes(percentile(services, 50)),
                     **g.rating_figures(values)})
    cols = [column("month", "Tháng", "Month", "month"), column("officer", "Mã cán bộ", "Officer id"),
            column("officer_name", "Cán bộ", "Officer"),
            column("tickets", "Số phiếu", "Tickets", "int"),
            column("served", "Đã phục vụ", "Served", "int"),
            column("no_show", "Vắng mặt", "No-show", "int"),
            column("service_mean", "Phục vụ TB (phút)", "Mean service (min)", "minutes"),
            column("service_median", "Phục vụ trung vị (phút)", "Median service (min)", "minutes"),
            *_rating_columns(scale)]
    return make_table("officer_monthly", "Cán bộ theo tháng", "Officers by month",
                  "can-bo-theo-thang", cols, rows)
