"""Drill 6: the link to the province is cut for three days, then comes back.

A real hub (in-process, FakeClock) works Saturday 29/11, Sunday 30/11 and Monday
01/12/2025 through the protocol: tickets, calls, finishes, no-shows, ratings, a printer
running out of paper. Its ``motcua.hub.sync.SyncClient`` (reading the hub's own SQLite outbox,
``HubStore`` as ``OutboxSource``) has nowhere to send: the provincial server is started
only after the third day, on real PostgreSQL with CURVE. Then every event arrives exactly
once, in order, equal to the hub's outbox; the province's daily counts and its report
rows (replayed from the events) agree with the hub's own.
(tests/test_sync_client.py and tests/test_province_server.py cover the same rules with a
scripted province and an in-memory outbox.)
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

import zmq
from sqlalchemy import create_engine, text

from motcua.hub.storage.db import sqlite_url
from motcua.hub.sync import SyncClient
from motcua.link.client import HubClient, HubError
from motcua.province.reports import refresh_facts, site_facts
from motcua.province.server import ProvinceServer
from tests.support.clock import VN, FakeClock
from tests.support.drills import FIELDS, check_database
from tests.support.hubs import free_port, start_hub, stop_hub
from tests.support.province import FAST, PG_URL
from tests.support.wait import wait_until

DAYS = [date(2025, 11, 29), date(2025, 11, 30), date(2025, 12, 1)]  # crosses a month


def _work_one_day(clients: dict[str, HubClient], clock: FakeClock, day: date, n: int) -> None:
    """A short day at the centre, every step through the protocol."""
    clock.now = datetime(day.year, day.month, day.day, 7, 30, tzinfo=VN)
    for c in (1, 2, 3):
        clients[f"counter-{c}"].request("counter.open", {"officer": f"cb0{c}"})
    if day.day == 30:  # Sunday: the printer runs out of paper for a while
        clients["printer-1"].request("device.status", {"status": "paper_out"})
        clients["printer-1"].request("device.status", {"status": "ok"})
    for i in range(n):
        clock.advance(minutes=2)
        clients["kiosk-1"].request("ticket.take", {"field": FIELDS[i % 4]})  # A B C D
    for round_ in range(n):
        clock.advance(minutes=3)
        for c in (1, 2, 3):
            desk = clients[f"counter-{c}"]
            if desk.request("counter.call_next", {})["ticket"] is None:
                continue
            clock.advance(minutes=1)
            if (round_ + c) % 5 == 0:
                desk.request("counter.no_show", {})
                continue
            desk.request("counter.finish", {})
            try:
                clients[f"rating-{c}"].request("rating.submit", {"value": 4 - (round_ % 3)})
            except HubError as exc:
                assert exc.code == "no_rating_window"
    for c in (1, 2, 3):
        clients[f"counter-{c}"].request("counter.close", {})


def test_three_days_offline_then_every_event_once_in_order(tmp_path: Path, centre: Any) -> None:
    clock = FakeClock(datetime(2025, 11, 29, 7, 0, tzinfo=VN))
    db = tmp_path / "hub.sqlite"
    server, store = start_hub(centre, sqlite_url(db), clock, open_all_hours=True)
    endpoint = f"tcp://127.0.0.1:{server.command_port}"
    devices = ["kiosk-1", "printer-1", *(f"counter-{c}" for c in (1, 2, 3)),
               *(f"rating-{c}" for c in (1, 2, 3))]
    clients = {d: HubClient(endpoint, d, timeout=3.0) for d in devices}
    server_public, server_secret = zmq.curve_keypair()
    hub_public, hub_secret = zmq.curve_keypair()
    port = free_port()
    sync = SyncClient(store, f"tcp://127.0.0.1:{port}", server_public_key=server_public,
                      client_secret_key=hub_secret, client_public_key=hub_public, **FAST)
    sync.start()
    engine = create_engine(PG_URL, pool_size=6)
    schema = f"t_drill_{uuid.uuid4().hex[:12]}"
    province: ProvinceServer | None = None
    try:
        for i, day in enumerate(DAYS):
            _work_one_day(clients, clock, day, 12 + 4 * i)
        wait_until(lambda: sync.status()["last_seq"] == store.last_seq(), "backlog seen", 10)
        offline = sync.status()
        assert offline["acked_seq"] == 0 and not offline["connected"]
        assert offline["backlog"] == store.last_seq()

        province = ProvinceServer(None, f"tcp://127.0.0.1:{port}", engine=engine, schema=schema,
                                  secret_key=server_secret, public_key=server_public,
                                  allowed_sites={hub_public: centre.id})
        province.start()
        assert sync.wait_synced(60), sync.status()
        assert store.acked_seq() == store.last_seq()

        hub_events = store.read_after(0, 10**9)
        with engine.connect() as conn:
            rows = conn.execute(text(
                f"SELECT seq, type, ts, day, body FROM {schema}.events "
                "WHERE stream_id = CAST(:s AS uuid) ORDER BY seq"), {"s": store.stream_id}).all()
        assert [r.seq for r in rows] == [e.seq for e in hub_events] == \
            list(range(1, store.last_seq() + 1))
        for r, e in zip(rows, hub_events, strict=True):
            assert (r.type, r.day.isoformat()) == (e.type, e.day)
            assert r.ts == datetime.fromisoformat(e.ts)
            body = r.body if isinstance(r.body, dict) else json.loads(r.body)
            assert body == e.body, f"event {e.seq} differs upstream"
        assert {r.day for r in rows} == set(DAYS)
        assert len(province.store.partitions()) >= 2  # November and December

        # The province's figures are the hub's figures.
        issued = Counter(e.day for e in hub_events if e.type == "ticket.issued")
        for day in DAYS:
            counts = province.store.daily_counts(centre.id, day)
            assert counts.get("ticket.issued") == issued[day.isoformat()]
        refresh_facts(engine, schema, site=centre.id)
        upstream = {r["ticket"]: r for r in site_facts(engine, schema, centre.id)}
        local = {r["ticket"]: r for r in store.facts()}
        assert set(upstream) == set(local)
        for tid, row in local.items():
            for col in ("status", "field", "counter", "officer", "wait_seconds",
                        "service_seconds", "rating", "satisfied"):
                assert upstream[tid][col] == row[col], f"{tid} {col} differs at the province"
        check_database(db)
        print(f"\nprovince drill: {store.last_seq()} events over {len(DAYS)} days offline, "
              f"synced with {sync.status()['batches_sent']} batches, "
              f"{sync.status()['resends']} resends")
    finally:
        sync.stop()
        for c in clients.values():
            c.close()
        stop_hub(server, store)
        if province is not None:
            province.stop()
            province.store.drop_schema()
        engine.dispose()
