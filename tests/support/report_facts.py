"""One morning at a centre as ticket fact rows, every figure worked out by hand
(the report tests check the manager's and the province's reports against it)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

VN = ZoneInfo("Asia/Ho_Chi_Minh")

# One morning at a centre, 10 tickets. Times in seconds; every figure below is worked
# out by hand from this table.
# label, field, issued, wait, service, status, counter, officer, transfers, rating, satisfied
ROWS: list[tuple[Any, ...]] = [
    ("A001", "A", "08:00", 300, 600, "done", 1, "cb01", 0, 4, True),
    ("A002", "A", "08:10", 600, 300, "done", 1, "cb01", 0, 3, True),
    ("A003", "A", "08:20", 900, 900, "done", 1, "cb01", 0, 1, False),
    ("A004", "A", "08:30", 1200, None, "no_show", 1, "cb01", 0, None, None),
    ("A005", "A", "09:05", 60, 240, "done", 2, "cb02", 1, 2, False),
    ("A006", "A", "09:40", None, None, "cancelled", None, None, 0, None, None),
    ("C001", "C", "08:05", 180, 1200, "done", 2, "cb02", 0, 4, True),
    ("C002", "C", "08:50", 420, 600, "done", 2, "cb02", 0, 3, True),
    ("C003", "C", "09:15", 360, 1800, "done", 2, "cb02", 1, 4, True),
    ("C004", "C", "09:30", 240, None, "no_show", 3, "cb03", 0, None, None),
]


def fact(label: str, field: str, hhmm: str, wait: int | None, service: int | None,
         status: str, counter: int | None, officer: str | None, transfers: int,
         rating: int | None, satisfied: bool | None, day: str = "2025-11-24") -> dict[str, Any]:
    """A fact row shaped exactly like motcua.core.facts.fact_row's."""
    h, m = (int(x) for x in hhmm.split(":"))
    issued = datetime.combine(date.fromisoformat(day), datetime.min.time(), VN).replace(
        hour=h, minute=m)
    called = None if wait is None else issued + timedelta(seconds=wait)
    finished = None
    if status == "done" and called is not None and service is not None:
        finished = called + timedelta(seconds=service)
    elif status == "no_show" and called is not None:
        finished = called + timedelta(seconds=30)
    return {"ticket": f"{day.replace('-', '')}-{label}", "day": day, "field": field,
            "label": label, "priority": None, "procedure": None, "status": status,
            "counter": counter, "officer": officer, "issued_at": issued.isoformat(),
            "first_called_at": iso(called), "served_at": iso(called) if status == "done" else None,
            "finished_at": iso(finished),
            "wait_seconds": None if wait is None else float(wait),
            "service_seconds": None if service is None else float(service),
            "calls": 0 if called is None else 1, "transfers": transfers, "estimate_minutes": 5,
            "rating": rating, "satisfied": satisfied}


def iso(t: datetime | None) -> str | None:
    return None if t is None else t.isoformat()


FACTS = [fact(*r) for r in ROWS]


def table(report: dict[str, Any], key: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = report["tables"][key]["rows"]
    return rows


def keyed(report: dict[str, Any], key: str, by: str) -> dict[Any, dict[str, Any]]:
    return {r[by]: r for r in table(report, key)}
