"""Helpers shared by the fault drills (``tests/drills/test_drills_*.py``, docs/fault-drills.md).

A drill breaks something on purpose and then checks, from the hub's own database, that
nothing a device was told has been lost. The checks here read the SQLite file directly
(the hub keeps running: WAL lets a reader in beside the writer) so they trust nothing the
hub says about itself.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import zmq

from motcua.core.state import DayState, Event, apply
from motcua.core.state_snapshot import state_to_dict

log = logging.getLogger(__name__)

FIELDS = "ABCDEGHKLMN"
"""The sample centre's field codes (config/fields.toml)."""


@dataclass
class StoredEvent:
    seq: int
    type: str
    ts: str
    day: str
    body: dict[str, Any]


@dataclass
class DatabaseCheck:
    """What the hub database holds, after the invariants passed."""

    events: list[StoredEvent]
    issued: dict[str, dict[str, Any]] = field(default_factory=dict)
    """ticket id -> its ``ticket.issued`` body."""
    facts: dict[str, dict[str, Any]] = field(default_factory=dict)
    """ticket id -> its ``ticket_facts`` row (what the manager's reports read)."""
    replies: set[tuple[str, str]] = field(default_factory=set)
    """(device, request id) of every stored reply."""

    def of_type(self, kind: str) -> list[StoredEvent]:
        return [e for e in self.events if e.type == kind]


def check_database(path: Path) -> DatabaseCheck:
    """Open the hub's SQLite file and assert the invariants no fault may break.

    * ``PRAGMA integrity_check`` is ``ok``;
    * the outbox sequence is exactly 1..N (no hole, no repeat);
    * ticket ids are unique; per business day and field the numbers are 1..n, each
      once (no number given twice, none skipped) and labels are unique per day;
    * every ticket has one fact row and every fact row belongs to an issued ticket.
    """
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        (integrity,) = db.execute("PRAGMA integrity_check").fetchone()
        assert integrity == "ok", f"SQLite integrity_check: {integrity}"
        rows = db.execute("SELECT seq, type, ts, day, body FROM events ORDER BY seq").fetchall()
        facts = {r[0]: dict(zip([d[0] for d in db.execute("SELECT * FROM ticket_facts LIMIT 0")
                                 .description], r, strict=True))
                 for r in db.execute("SELECT * FROM ticket_facts")}
        replies = {(d, r) for d, r in db.execute("SELECT device, request_id FROM replies")}
    finally:
        db.close()
    events = [StoredEvent(s, t, ts, d, json.loads(b)) for s, t, ts, d, b in rows]
    seqs = [e.seq for e in events]
    assert seqs == list(range(1, len(seqs) + 1)), "the outbox sequence has a hole or a repeat"
    check = DatabaseCheck(events, facts=facts, replies=replies)
    numbers: dict[tuple[str, str], list[int]] = defaultdict(list)
    labels: dict[str, list[str]] = defaultdict(list)
    for e in check.of_type("ticket.issued"):
        b = e.body
        assert b["ticket"] not in check.issued, f"ticket {b['ticket']} issued twice"
        check.issued[b["ticket"]] = b
        numbers[(b["day"], b["field"])].append(b["number"])
        labels[b["day"]].append(b["label"])
    for (day, code), got in numbers.items():
        assert sorted(got) == list(range(1, len(got) + 1)), \
            f"{day} field {code}: numbers {sorted(got)} have a gap or a repeat"
    for day, printed in labels.items():
        assert len(printed) == len(set(printed)), f"{day}: a label was printed twice"
    assert set(facts) == set(check.issued), "ticket facts and issued tickets disagree"
    return check


def replay_day(events: list[StoredEvent]) -> DayState:
    """The state of the newest business day, rebuilt from stored events the way the hub
    (and every device) rebuilds it."""
    start = max((i for i, e in enumerate(events) if e.type == "day.opened"), default=0)
    state = DayState()
    for e in events[start:]:
        apply(state, Event(e.type, datetime.fromisoformat(e.ts), e.body))
    return state


def same_state(a: DayState, b: DayState) -> bool:
    return state_to_dict(a) == state_to_dict(b)


def raw_dealer(endpoint: str, routing_id: bytes,
               context: zmq.Context[Any] | None = None) -> zmq.Socket[Any]:
    """A bare DEALER, as a hostile or broken device would use (no client library)."""
    ctx: zmq.Context[Any] = context or zmq.Context.instance()
    s: zmq.Socket[Any] = ctx.socket(zmq.DEALER)
    s.linger = 0
    s.setsockopt(zmq.ROUTING_ID, routing_id)
    s.connect(endpoint)
    return s


def latency_line(label: str, seconds: list[float]) -> str:
    """p50 / p99 / max in milliseconds, for the drill's printed figures."""
    if not seconds:
        return f"{label}: no samples"
    ms = sorted(s * 1000 for s in seconds)
    p99 = ms[min(len(ms) - 1, round(0.99 * (len(ms) - 1)))]
    return (f"{label}: n={len(ms)} p50 {statistics.median(ms):.1f} ms, p99 {p99:.1f} ms, "
            f"max {ms[-1]:.1f} ms")
