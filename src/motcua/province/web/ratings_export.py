"""The month's ratings of the whole province, as Decision 766 counts satisfaction.

One report dict (the shape :mod:`motcua.reports.exports` writes) with four tables —
per centre, per officer, per counter and per field (each officer, counter and field
within its centre) — giving ratings, satisfied ratings and the satisfaction rate
(satisfied ÷ rated, the rate of Decision 766's satisfaction group that motcua holds).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine, text

from motcua.core.criteria import ART_33_1, DEFAULT_REASONS
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
        tables += _detail_tables(conn, schema, first, last, names, sites)
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


def _detail_tables(conn: Connection, schema: str, first: date, last: date,
                   names: dict[str, str], sites: set[str] | None) -> list[dict[str, Any]]:
    """Answers to the Art. 33.1 criteria and the low-score reasons, per centre.

    Read from the stored ``rating.given`` events (the answers are not report facts).
    Free-text comments are not exported here: they may hold personal data.
    """
    where = "type = 'rating.given' AND day BETWEEN :a AND :b"
    crit = conn.execute(text(
        f"SELECT site, c.key AS criterion, c.value AS answer, count(*) AS n "
        f"FROM {schema}.events, jsonb_each_text(body -> 'criteria') AS c "
        f"WHERE {where} AND jsonb_typeof(body -> 'criteria') = 'object' "
        f"GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"), {"a": first, "b": last}).mappings().all()
    reasons = conn.execute(text(
        f"SELECT site, body ->> 'reason' AS reason, count(*) AS n FROM {schema}.events "
        f"WHERE {where} AND body ? 'reason' GROUP BY 1, 2 ORDER BY 1, 2"),
        {"a": first, "b": last}).mappings().all()
    reason_names = {c: vi for c, vi, _ in DEFAULT_REASONS}
    crit_rows = []
    for r in crit:
        if sites is not None and r["site"] not in sites:
            continue
        c = ART_33_1.get(r["criterion"])
        answer = next((vi for v, vi, _ in c.choices if str(v) == r["answer"]), r["answer"]) \
            if c else r["answer"]
        crit_rows.append({"site": r["site"], "site_name": names.get(r["site"], r["site"]),
                          "point": c.point if c else "", "criterion": c.vi if c else r["criterion"],
                          "answer": answer, "n": r["n"]})
    reason_rows = [{"site": r["site"], "site_name": names.get(r["site"], r["site"]),
                    "reason": reason_names.get(r["reason"], r["reason"]), "n": r["n"]}
                   for r in reasons if sites is None or r["site"] in sites]
    site_cols = [column("site", "Mã điểm", "Site"), column("site_name", "Trung tâm", "Centre")]
    return [
        make_table("criteria", "Tiêu chí Điều 33.1", "Art. 33.1 criteria", "tieu-chi-dieu-33",
                   [*site_cols, column("point", "Điểm", "Point"),
                    column("criterion", "Tiêu chí", "Criterion"),
                    column("answer", "Trả lời", "Answer"), column("n", "Số lượt", "Count", "int")],
                   crit_rows),
        make_table("low_reasons", "Lý do chưa hài lòng", "Reasons for low scores",
                   "ly-do-chua-hai-long",
                   [*site_cols, column("reason", "Lý do", "Reason"),
                    column("n", "Số lượt", "Count", "int")], reason_rows),
    ]
