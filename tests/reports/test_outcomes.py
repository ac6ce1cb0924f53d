"""Outcome tables: per outcome, per field and per officer, with dossier counts."""

from __future__ import annotations

from typing import Any

from motcua.reports.outcomes import outcome_tables


def row(outcome: str | None, field: str, officer: str, dossiers: str | None = None,
        status: str = "done") -> dict[str, Any]:
    return {"status": status, "field": field, "officer": officer, "outcome": outcome,
            "dossiers": dossiers}


def test_outcome_tables_count_tickets_and_dossiers(centre: Any) -> None:
    facts = [row("received", "A", "cb01", "H56-251124-0001 H56-251124-0002"),
             row("received", "A", "cb02", "H56-251124-0003"),
             row("guidance", "C", "cb01"), row(None, "C", "cb01"),
             row("received", "A", "cb01", status="no_show")]
    by_outcome, by_field, by_officer = outcome_tables(centre, facts)
    assert [(r["outcome_name"], r["tickets"], r["dossiers"]) for r in by_outcome["rows"]] == [
        ("Tiếp nhận hồ sơ", 2, 3), ("Chỉ hướng dẫn", 1, 0), ("Chưa ghi kết quả", 1, 0)]
    assert [(r["field"], r["outcome_name"], r["tickets"]) for r in by_field["rows"]] == [
        ("A", "Tiếp nhận hồ sơ", 2), ("C", "Chỉ hướng dẫn", 1), ("C", "Chưa ghi kết quả", 1)]
    first = by_officer["rows"][0]
    assert (first["officer"], first["outcome_name"], first["dossiers"]) == (
        "cb01", "Tiếp nhận hồ sơ", 2)
    assert by_field["rows"][0]["field_name"] == centre.field_by_code("A").vi
