"""Stored replies are kept for the idempotency window (two days) and then pruned."""

from __future__ import annotations

import sqlite3
from typing import Any

from tests.support.wait import wait_until


def _stored(hub: Any) -> int:
    db = sqlite3.connect(f"file:{hub.db_path}?mode=ro", uri=True)
    try:
        return int(db.execute("SELECT count(*) FROM replies").fetchone()[0])
    finally:
        db.close()


def test_a_retry_inside_the_window_gets_its_first_answer_and_old_replies_go(
        hub: Any, clock: Any) -> None:
    kiosk = hub.client("kiosk-1")
    first = kiosk.request("ticket.take", {"field": "B"}, request_id="tap-1")
    clock.advance(hours=20)  # still inside the window: the first answer, nothing new
    assert kiosk.request("ticket.take", {"field": "B"}, request_id="tap-1") == first
    assert _stored(hub) == 1
    clock.advance(days=2, hours=1)  # outside the window
    hub.server._next_prune = 0.0  # the schedule's next run, now rather than in 10 minutes
    wait_until(lambda: _stored(hub) == 0, "old replies pruned", timeout=10)
    assert ("kiosk-1", "tap-1") not in hub.server._replies


def test_a_month_of_replies_stays_bounded(hub: Any, clock: Any) -> None:
    """30 days of a busy kiosk: the table and the map hold about two days' worth."""
    kiosk = hub.client("admin")
    for day in range(30):
        for i in range(20):
            kiosk.request("device.status", {"status": "ok"}, request_id=f"d{day}-{i}")
        clock.advance(days=1)
        hub.server.prune()
    assert _stored(hub) <= 3 * 20
    assert len(hub.server._replies) <= 3 * 20
