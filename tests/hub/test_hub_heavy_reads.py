"""Heavy reads run outside the hub's request loop (a worker process, read-only)."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from typing import Any

from sqlalchemy import insert

from motcua.hub.storage.schema import ticket_facts


def _a_long_history(store: Any, days: int, per_day: int) -> int:
    rows = []
    start = date(2025, 1, 6)
    for d in range(days):
        day = (start + timedelta(days=d)).isoformat()
        for i in range(per_day):
            rows.append({"ticket": f"{day}-A{i:03d}", "day": day, "field": "A",
                         "label": f"A{i:03d}", "status": "done", "counter": 1 + i % 5,
                         "officer": "cb01", "issued_at": f"{day}T08:{i % 60:02d}:00+07:00",
                         "wait_seconds": 300.0 + i, "service_seconds": 600.0, "calls": 1,
                         "transfers": 0, "rating": 1 + i % 4, "satisfied": i % 4 != 0})
    with store.engine.begin() as conn:
        conn.execute(insert(ticket_facts), rows)
    return len(rows)


def test_a_long_report_runs_while_tickets_are_taken(hub: Any) -> None:
    total = _a_long_history(hub.store, 120, 300)
    manager = hub.client("manager-1", timeout=120.0, retries=0)
    kiosk = hub.client("kiosk-1", timeout=30.0, retries=0)
    answer: dict[str, Any] = {}

    def report() -> None:
        answer.update(manager.request("report.summary", {"date_from": "2025-01-01",
                                                         "date_to": "2025-10-31"}))

    worker = threading.Thread(target=report)
    worker.start()
    taken = 0
    while worker.is_alive() and taken < 2000:  # the hub keeps answering meanwhile
        kiosk.request("ticket.take", {"field": "ABCDEGHKLMN"[taken % 11]})
        taken += 1
    worker.join(120)
    totals = {r["key"]: r["value"] for r in answer["tables"]["totals"]["rows"]}
    assert totals["issued"] == total
    assert taken > 0
    assert hub.server.heavy.started == 1  # made by the read worker, not the hub process


def test_a_report_still_comes_when_the_worker_died_in_between(hub: Any) -> None:
    manager = hub.client("manager-1", timeout=60.0, retries=0)
    first = manager.request("report.summary", {})
    proc = hub.server.heavy._proc
    proc.kill()
    proc.wait()
    assert manager.request("report.summary", {}) == first
    assert hub.server.heavy.started == 2
