"""Outcome tables: what happened at the counters, per outcome, field and officer.

Reads the ``outcome`` and ``dossiers`` of finished tickets' fact rows (what the officer
recorded in the finish dialog or with a keypad key; docs/counter.md) and makes tables in
the same shape as :mod:`motcua.reports.figures`, so the screen and the exports show them
like every other table.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from motcua.core.centre.model import Centre
from motcua.core.dossier import DEFAULT_OUTCOMES

__all__ = ["NOT_RECORDED", "outcome_names", "outcome_tables"]

NOT_RECORDED = ("Chưa ghi kết quả", "Not recorded")


def column(key: str, vi: str, en: str, kind: str = "text") -> dict[str, str]:
    # the table shape of reports/figures.py (which calls this module, so not imported)
    return {"key": key, "vi": vi, "en": en, "kind": kind}


def make_table(key: str, vi: str, en: str, file: str, columns: list[dict[str, str]],
               rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"key": key, "vi": vi, "en": en, "file": file, "columns": columns, "rows": rows}


def outcome_names(centre: Centre | None) -> dict[str, tuple[str, str]]:
    outcomes = centre.dossier.outcomes if centre is not None else DEFAULT_OUTCOMES
    return {o.code: (o.vi, o.en) for o in outcomes}


def _count_dossiers(value: Any) -> int:
    return len(str(value).split()) if value else 0


def outcome_tables(centre: Centre | None, facts: Iterable[Mapping[str, Any]],
                   officer_names: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """Three tables over served tickets: by outcome, by field × outcome, by officer × outcome."""
    names = outcome_names(centre)
    fields = {f.code: f.vi for f in centre.fields} if centre is not None else {}
    officers = dict(officer_names or {})
    if centre is not None:
        officers = {**{o.id: o.name for o in centre.officers if o.name}, **officers}
    tickets: Counter[tuple[str, str, str]] = Counter()
    dossiers: Counter[tuple[str, str, str]] = Counter()
    for r in facts:
        if r.get("status") != "done":
            continue
        key = (str(r.get("outcome") or ""), str(r.get("field") or ""),
               str(r.get("officer") or ""))
        tickets[key] += 1
        dossiers[key] += _count_dossiers(r.get("dossiers"))

    def label(code: str) -> str:
        return names.get(code, NOT_RECORDED if not code else (code, code))[0]

    def order(code: str) -> tuple[int, str]:
        known = list(names)
        return (known.index(code) if code in known else len(known) + (not code), code)

    def grouped(index: tuple[int, ...]) -> list[tuple[tuple[str, ...], int, int]]:
        t: Counter[tuple[str, ...]] = Counter()
        d: Counter[tuple[str, ...]] = Counter()
        for key, n in tickets.items():
            k = tuple(key[i] for i in index)
            t[k] += n
            d[k] += dossiers[key]
        return [(k, t[k], d[k]) for k in sorted(t, key=lambda k: (*k[1:], order(k[0])))]

    counts = [column("tickets", "Số lượt", "Tickets", "int"),
              column("dossiers", "Số hồ sơ", "Dossiers", "int")]
    by_outcome = make_table(
        "by_outcome", "Theo kết quả xử lý", "By outcome", "theo-ket-qua",
        [column("outcome", "Mã kết quả", "Outcome code"),
         column("outcome_name", "Kết quả xử lý", "Outcome"), *counts],
        [{"outcome": k[0] or "", "outcome_name": label(k[0]), "tickets": n, "dossiers": dn}
         for k, n, dn in sorted(grouped((0,)), key=lambda x: order(x[0][0]))])
    by_field = make_table(
        "outcome_by_field", "Kết quả xử lý theo lĩnh vực", "Outcomes by field",
        "ket-qua-theo-linh-vuc",
        [column("field", "Mã lĩnh vực", "Field code"), column("field_name", "Lĩnh vực", "Field"),
         column("outcome_name", "Kết quả xử lý", "Outcome"), *counts],
        [{"field": k[1], "field_name": fields.get(k[1], k[1]), "outcome_name": label(k[0]),
          "tickets": n, "dossiers": dn} for k, n, dn in grouped((0, 1))])
    by_officer = make_table(
        "outcome_by_officer", "Kết quả xử lý theo cán bộ", "Outcomes by officer",
        "ket-qua-theo-can-bo",
        [column("officer", "Mã cán bộ", "Officer id"), column("officer_name", "Cán bộ", "Officer"),
         column("outcome_name", "Kết quả xử lý", "Outcome"), *counts],
        [{"officer": k[1], "officer_name": officers.get(k[1], k[1]),
          "outcome_name": label(k[0]), "tickets": n, "dossiers": dn}
         for k, n, dn in grouped((0, 2))])
    return [by_outcome, by_field, by_officer]
