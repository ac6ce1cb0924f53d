"""The month's ratings of the whole province, as Decision 766 counts satisfaction.

One report dict (the shape :mod:`motcua.reports.exports` writes) with four tables —
per centre, per officer, per counter and per field (each officer, counter and field
within its centre) — giving ratings, satisfied ratings and the satisfaction rate
(satisfied ÷ rated, the rate of Decision 766's satisfaction group that motcua holds).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, text

from motcua.province.reports import create_fact_tables, month_range
from motcua.reports.figures import column, make_table

__all__ = ["ratings_report"]

_COUNTS = [column("served", "Lượt phục vụ", "Served", "int"),
           column("rated", "Lượt đánh giá", "Ratings", "int"),
           column("satisfied", "Lượt hài lòng", "Satisfied", "int"),
           column("rate_pct", "Tỷ lệ hài lòng QĐ 766 (%)", "Decision 766 satisfaction rate (%)",
                  "percent")]
_GROUPS = {
    "by_centre": ("Theo trung tâm", "By centre", "danh-gia-theo-trung-tam", []),
    "by_officer": ("Theo cán bộ", "By officer", "danh-gia-theo-can-bo",
                   [("officer", "Mã cán bộ", "Officer id")]),
    "by_counter": ("Theo quầy", "By counter", "danh-gia-theo-quay",
                   [("counter", "Quầy", "Counter")]),
    "by_field": ("Theo lĩnh vực", "By field", "danh-gia-theo-linh-vuc",
                 [("field", "Lĩnh vực", "Field")]),
}


def ratings_report(engine: Engine, schema: str, month: str, names: dict[str, str],
                   sites: set[str] | None = None) -> dict[str, Any]:
    """Ratings of ``month`` per centre, officer, counter and field (``sites``: only these)."""
    create_fact_tables(engine, schema)
    first, last = month_range(month)
    tables = []
    with engine.connect() as conn:
        for key, (vi, en, file, extra) in _GROUPS.items():
            keys = ["site", *(c for c, _, _ in extra)]
            rows = conn.execute(text(
                f"SELECT {', '.join(keys)}, count(*) FILTER (WHERE status = 'done') AS served, "
                f"count(rating) AS rated, "
                f"count(*) FILTER (WHERE rating IS NOT NULL AND satisfied) AS satisfied "
                f"FROM {schema}.province_facts WHERE day BETWEEN :a AND :b "
                f"GROUP BY {', '.join(keys)} ORDER BY {', '.join(keys)}"),
                {"a": first, "b": last}).mappings().all()
            out = []
            for r in rows:
                if sites is not None and r["site"] not in sites:
                    continue
                if extra and r[extra[0][0]] is None:
                    continue  # tickets never called have no officer/counter
                d = dict(r)
                d["site_name"] = names.get(r["site"], r["site"])
                d["rate_pct"] = round(100.0 * r["satisfied"] / r["rated"], 1) \
                    if r["rated"] else None
                out.append(d)
            cols = [column("site", "Mã điểm", "Site"), column("site_name", "Trung tâm", "Centre"),
                    *(column(c, v, e, "int" if c == "counter" else "text") for c, v, e in extra),
                    *_COUNTS]
            tables.append(make_table(key, vi, en, file, cols, out))
    return {
        "kind": "motcua.province-ratings", "version": 1,
        "centre": {"id": "", "name_vi": "Toàn tỉnh – đánh giá hài lòng", "place_vi": ""},
        "period": {"from": first.isoformat(), "to": last.isoformat(),
                   "from_vn": first.strftime("%d/%m/%Y"), "to_vn": last.strftime("%d/%m/%Y"),
                   "days": (last - first).days + 1},
        "method": {"percentile_vi": "", "percentile_en": "",
                   "unit_vi": "tỷ lệ hài lòng = lượt hài lòng ÷ lượt đánh giá (QĐ 766/QĐ-TTg)",
                   "unit_en": "satisfaction rate = satisfied ÷ ratings (Decision 766)"},
        "rating_scale": [],
        "tables": {t["key"]: t for t in tables},
    }
