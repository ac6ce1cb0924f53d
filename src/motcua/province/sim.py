"""Simulated centres for tests, benchmarks and demos of the upward sync.

:class:`MemoryOutbox` is an in-memory :class:`motcua.hub.sync.OutboxSource` (what the real hub
storage implements on its outbox table) and :func:`centre_day` produces a realistic
day of queue events for one centre, in Vietnamese.
"""

from __future__ import annotations

import random
import threading
import uuid
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from motcua.core.outbox import OutboxEvent

__all__ = ["MemoryOutbox", "centre_day", "days_from"]

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_FIELDS = ["Hộ tịch", "Chứng thực", "Đất đai", "Tư pháp", "Lao động - Thương binh và Xã hội"]


class MemoryOutbox:
    """A hub outbox held in memory: gap-free sequence, durable-enough acked mark.

    Thread-safe, because the test (the "hub") appends while the sync thread reads.
    """

    def __init__(self, site_id: str, stream_id: str | None = None) -> None:
        self.site_id = site_id
        self.stream_id = stream_id or str(uuid.uuid4())
        self._events: list[OutboxEvent] = []
        self._acked = 0
        self._lock = threading.Lock()
        self.ack_history: list[int] = []

    def append(self, type_: str, body: dict[str, Any], ts: datetime) -> OutboxEvent:
        """Write one event as the hub would (next sequence, business day from ``ts``)."""
        with self._lock:
            ev = OutboxEvent(len(self._events) + 1, type_, ts.isoformat(),
                             ts.astimezone(VN_TZ).date().isoformat(), body)
            self._events.append(ev)
            return ev

    def extend(self, items: Iterable[tuple[str, dict[str, Any], datetime]]) -> None:
        """Append many ``(type, body, ts)`` events."""
        for type_, body, ts in items:
            self.append(type_, body, ts)

    def read_after(self, seq: int, limit: int) -> list[OutboxEvent]:
        with self._lock:
            return self._events[max(seq, 0):max(seq, 0) + limit]

    def last_seq(self) -> int:
        with self._lock:
            return len(self._events)

    def acked_seq(self) -> int:
        with self._lock:
            return self._acked

    def set_acked_seq(self, seq: int) -> None:
        with self._lock:
            self._acked = seq
            self.ack_history.append(seq)

    def events(self) -> list[OutboxEvent]:
        """A copy of every event written."""
        with self._lock:
            return list(self._events)


def days_from(start: date, n: int) -> list[date]:
    """``n`` consecutive days from ``start``."""
    return [start + timedelta(days=i) for i in range(n)]


def centre_day(day: date, tickets: int, *, counters: int = 6,
               seed: int = 0) -> Iterator[tuple[str, dict[str, Any], datetime]]:
    """One business day of a centre: opening, tickets issued/called/served/rated, closing.

    About 3 events per ticket plus ratings for most of them; a busy ward (350 tickets)
    gives ~1,300 events a day.
    """
    rng = random.Random(f"{day}:{seed}")
    t = datetime(day.year, day.month, day.day, 7, 30, tzinfo=VN_TZ)
    # Bodies have the real hub's shape, so the province can replay them into report facts.
    yield "day.opened", {"day": day.isoformat()}, t
    for c in range(1, counters + 1):
        yield "counter.opened", {"counter": c, "officer": f"cb{c:02d}"}, t
    step = timedelta(seconds=max(1, int(8.5 * 3600 / max(tickets, 1))))
    for n in range(1, tickets + 1):
        t += step
        field = rng.randrange(len(_FIELDS))
        ticket = f"{day:%Y%m%d}-{n}"
        counter = rng.randint(1, counters)
        officer = f"cb{counter:02d}"
        yield "ticket.issued", {
            "ticket": ticket, "day": day.isoformat(), "field": _FIELDS[field],
            "number": 1000 * (field + 1) + n, "label": f"{field + 1}{n:03d}",
            "priority": "elderly" if rng.random() < 0.05 else None,
            "procedure": "Đăng ký khai sinh", "kiosk": "kiosk-1", "ahead": rng.randint(0, 12),
            "estimate_minutes": rng.randint(0, 40)}, t
        yield "ticket.called", {"ticket": ticket, "counter": counter, "officer": officer}, t
        if rng.random() < 0.05:
            yield "ticket.no_show", {"ticket": ticket, "counter": counter,
                                     "officer": officer}, t
            continue
        yield "ticket.done", {"ticket": ticket, "counter": counter, "officer": officer,
                              "service_seconds": rng.randint(60, 900),
                              "rating_until": (t + timedelta(seconds=30)).isoformat()}, t
        if rng.random() < 0.7:
            value = rng.choice([1, 2, 3])
            yield "rating.given", {"ticket": ticket, "counter": counter, "officer": officer,
                                   "field": _FIELDS[field], "value": value,
                                   "satisfied": value >= 2}, t
    for c in range(1, counters + 1):
        yield "counter.closed", {"counter": c, "officer": f"cb{c:02d}"}, t
    yield "day.closed", {"day": day.isoformat(), "expired": []}, t
