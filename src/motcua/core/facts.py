"""One flat row per ticket: what reports need, computed the same way everywhere.

The hub writes these rows as tickets change; the provincial server computes the
same rows from the same events, so figures agree between the two.
"""

from __future__ import annotations

from typing import Any

from motcua.core.state import Ticket


def fact_row(t: Ticket) -> dict[str, Any]:
    wait = None
    if t.first_called_at is not None:
        wait = (t.first_called_at - t.issued_at).total_seconds()
    service = None
    if t.finished_at is not None and t.served_at is not None and t.status == "done":
        service = (t.finished_at - t.served_at).total_seconds()
    return {
        "ticket": t.id, "day": t.day, "field": t.field, "label": t.label,
        "priority": t.priority, "procedure": t.procedure, "status": t.status,
        "counter": t.counter, "officer": t.officer, "issued_at": t.issued_at.isoformat(),
        "first_called_at": t.first_called_at.isoformat() if t.first_called_at else None,
        "served_at": t.served_at.isoformat() if t.served_at else None,
        "finished_at": t.finished_at.isoformat() if t.finished_at else None,
        "wait_seconds": wait, "service_seconds": service, "calls": t.calls,
        "transfers": t.transfers, "estimate_minutes": t.estimate_minutes,
        "rating": t.rating, "satisfied": t.satisfied,
        # dossier numbers have no spaces (core.dossier.clean_number), so one text column
        # holds them in SQLite and PostgreSQL alike
        "outcome": t.outcome, "dossiers": " ".join(t.dossiers) or None,
    }
