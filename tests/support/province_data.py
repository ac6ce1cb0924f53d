"""Province data for the web screen's tests: simulated centres synced into a schema.

``ProvinceData`` owns a throw-away schema on the test PostgreSQL and fills it through
the same :meth:`motcua.province.store.Store.ingest` the sync server calls for each batch,
then folds the events into report facts with :func:`refresh_facts`.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, text

from motcua.province.protocol import parse_batch
from motcua.province.reports import create_fact_tables, refresh_facts
from motcua.province.sim import MemoryOutbox, centre_day
from motcua.province.store import Store

PG_URL = os.environ.get("MOTCUA_TEST_PG_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")
VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2025, 11, 24, 10, 0, tzinfo=VN)
"""The tests' "now": Monday 24/11/2025 10:00 in Hồ Chí Minh City."""
BEN_THANH = "79-phuong-ben-thanh"
BINH_CHANH = "79-xa-binh-chanh"


class ProvinceData:
    def __init__(self, engine: Engine, prefix: str = "t_web") -> None:
        self.engine = engine
        self.schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
        self.store = Store(engine, self.schema)
        self.store.create_schema()
        create_fact_tables(engine, self.schema)
        self.boxes: dict[str, MemoryOutbox] = {}

    def drop(self) -> None:
        self.store.drop_schema()

    def box(self, site: str) -> MemoryOutbox:
        if site not in self.boxes:
            self.boxes[site] = MemoryOutbox(site)
        return self.boxes[site]

    def add(self, site: str, events: Iterable[tuple[str, dict[str, Any], datetime]]) -> None:
        self.box(site).extend(events)

    def sync(self, site: str, refresh: bool = True) -> int:
        """Send every not-yet-stored event of ``site`` as the hub's sync would."""
        box = self.box(site)
        info = self.store.stream(box.stream_id)
        done = info.last_seq if info else 0
        sent = 0
        while True:
            events = [e.to_wire() for e in box.read_after(done, 2000)]
            if not events:
                break
            payload = {"site": site, "stream_id": box.stream_id, "first_seq": done + 1,
                       "last_seq": done + len(events), "hub_now": NOW.isoformat(),
                       "events": events}
            result = self.store.ingest(parse_batch(json.dumps(payload,
                                                              ensure_ascii=False).encode()))
            assert result.kind == "ACK", result
            done += len(events)
            sent += len(events)
        if refresh:
            refresh_facts(self.engine, self.schema)
        return sent

    def set_last_sync(self, site: str, when: datetime) -> None:
        with self.engine.begin() as conn:
            conn.execute(text(f"UPDATE {self.schema}.streams SET last_batch_at = :w "
                              "WHERE site = :s"), {"w": when, "s": site})


def morning(day: date, tickets: int, until: datetime, seed: int = 0,
            ) -> list[tuple[str, dict[str, Any], datetime]]:
    """A simulated day cut at ``until`` (the day still open)."""
    return [e for e in centre_day(day, tickets, seed=seed) if e[2] <= until
            and e[0] not in ("day.closed", "counter.closed")]


def waiting(day: date, n: int, first: int, at: datetime, field: str = "Hộ tịch",
            ) -> list[tuple[str, dict[str, Any], datetime]]:
    """``n`` tickets issued at ``at`` and not called yet."""
    return [("ticket.issued", {
        "ticket": f"{day:%Y%m%d}-w{first + i}", "day": day.isoformat(), "field": field,
        "number": 9000 + first + i, "label": f"W{first + i:03d}", "priority": None,
        "procedure": "Chứng thực bản sao", "kiosk": "kiosk-1", "ahead": i,
        "estimate_minutes": 10}, at + timedelta(seconds=i)) for i in range(n)]


def with_dossier(day: date, at: datetime, number: str = "000.00.21.H56-251124-0001",
                 ) -> list[tuple[str, dict[str, Any], datetime]]:
    """One ticket served at counter 1 whose officer recorded a received dossier."""
    t = f"{day:%Y%m%d}-d1"
    return [
        ("ticket.issued", {"ticket": t, "day": day.isoformat(), "field": "Hộ tịch",
                           "number": 8001, "label": "D001", "priority": None,
                           "procedure": "Đăng ký khai sinh", "kiosk": "kiosk-1", "ahead": 0,
                           "estimate_minutes": 5}, at),
        ("ticket.called", {"ticket": t, "counter": 1, "officer": "cb01"},
         at + timedelta(minutes=4)),
        ("ticket.done", {"ticket": t, "counter": 1, "officer": "cb01", "service_seconds": 300,
                         "rating_until": (at + timedelta(minutes=10)).isoformat(),
                         "outcome": "received", "dossiers": [number],
                         "outcome_reason": ""}, at + timedelta(minutes=9)),
        ("rating.given", {"ticket": t, "counter": 1, "officer": "cb01", "field": "Hộ tịch",
                          "value": 1, "satisfied": False, "dossiers": [number],
                          "criteria": {"attitude": 1, "returns": 2}, "reason": "papers",
                          "comment": "Nguyễn Văn A, 0903 123 456"}, at + timedelta(minutes=9)),
    ]


def seed_two_centres(data: ProvinceData) -> None:
    """Bến Thành: 3 earlier days of November, this morning and 4 waiting since 09:30;
    Bình Chánh: 2 earlier days, last synced 2 hours before NOW (offline)."""
    today = NOW.date()
    for d in (3, 4, 5):
        data.add(BEN_THANH, centre_day(date(2025, 11, d), 30, seed=d))
    data.add(BEN_THANH, morning(today, 40, NOW))
    data.add(BEN_THANH, waiting(today, 4, 1, NOW - timedelta(minutes=30)))
    data.add(BEN_THANH, with_dossier(today, NOW - timedelta(minutes=20)))
    for d in (6, 7):
        data.add(BINH_CHANH, centre_day(date(2025, 11, d), 20, seed=10 + d))
    data.sync(BEN_THANH, refresh=False)
    data.sync(BINH_CHANH)
    data.set_last_sync(BEN_THANH, NOW - timedelta(seconds=30))
    data.set_last_sync(BINH_CHANH, NOW - timedelta(hours=2))
