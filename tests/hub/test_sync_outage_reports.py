"""A centre works three days while the province is down; then everything goes up once and
the province's report equals the hub's, figure for figure.

Real hub (in-process, controlled clock) driven by the simulated day over the real
protocol, real SyncClient with CURVE, real ProvinceServer on PostgreSQL 127.0.0.1:5432
(database ``test``, a throw-away schema; fails, never skips, without the server).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path

import zmq
from sqlalchemy import create_engine, text

from motcua.hub.storage.db import sqlite_url
from motcua.hub.sync import SyncClient
from motcua.link.client import Endpoints
from motcua.province.reports import refresh_facts, site_summary
from motcua.province.server import ProvinceServer
from motcua.reports.figures import summary
from motcua.simulate.day import run_day
from tests.support.clock import VN, FakeClock
from tests.support.hubs import free_port, start_hub
from tests.support.province import PG_URL
from tests.support.wait import wait_until


def test_three_days_offline_then_exactly_once_and_reports_agree(tmp_path: Path, centre) -> None:  # type: ignore[no-untyped-def]
    clock = FakeClock(datetime(2025, 11, 24, 7, 0, tzinfo=VN))
    server, store = start_hub(centre, sqlite_url(tmp_path / "hub.sqlite"), clock)
    endpoints = Endpoints(f"tcp://127.0.0.1:{server.command_port}",
                          f"tcp://127.0.0.1:{server.event_port}")
    spub, ssec = zmq.curve_keypair()
    hpub, hsec = zmq.curve_keypair()
    port = free_port()
    sync = SyncClient(store, f"tcp://127.0.0.1:{port}", server_public_key=spub,
                      client_secret_key=hsec, client_public_key=hpub, timeout_s=1.0,
                      max_backoff_s=0.5, reconnect_max_s=0.5)
    sync.start()  # the province is down: the hub must keep working regardless
    engine = create_engine(PG_URL)
    schema = f"t_outage_{uuid.uuid4().hex[:10]}"
    province = None
    try:
        for day in (24, 25, 26):  # Monday to Wednesday, 60 citizens a day
            clock.now = datetime(2025, 11, day, 7, 0, tzinfo=VN)
            report = run_day(endpoints, centre, speed=0, tickets=60, seed=day, clock=clock)
            assert report.issued == 60
        clock.now = datetime(2025, 11, 27, 7, 0, tzinfo=VN)  # Thursday: the day rolls over
        wait_until(lambda: store.read_after(store.last_seq() - 1, 1)[0].type == "day.opened",
                   "the hub rolled over to Thursday")
        last = store.last_seq()
        assert last > 1000 and sync.status()["acked_seq"] == 0
        wait_until(lambda: sync.status()["backlog"] == last,  # reported, not hidden
                   "the backlog reported")

        province = ProvinceServer(None, f"tcp://127.0.0.1:{port}", engine=engine, schema=schema,
                                  secret_key=ssec, public_key=spub,
                                  allowed_sites={hpub: centre.id}, refresh_every_s=None)
        province.start()
        assert sync.wait_synced(60), sync.status()
        with engine.connect() as conn:
            rows = conn.execute(text(
                f"SELECT seq, type FROM {schema}.events WHERE stream_id = CAST(:s AS uuid) "
                "ORDER BY seq"), {"s": store.stream_id}).all()
        hub_events = store.read_after(0, 10**9)
        assert [r.seq for r in rows] == list(range(1, last + 1))  # exactly once, no hole
        assert [r.type for r in rows] == [e.type for e in hub_events]

        refresh_facts(engine, schema)
        hub_report = summary(centre, store.facts("2025-11-01", "2025-11-30"),
                             date_from="2025-11-01", date_to="2025-11-30")
        prov_report = site_summary(engine, schema, centre.id, "2025-11", centre)
        assert prov_report == hub_report
        totals = {r["key"]: r["value"] for r in hub_report["tables"]["totals"]["rows"]}
        assert totals["issued"] == 180 and totals["served"] > 100
    finally:
        sync.stop()
        if province is not None:
            province.stop()
            province.store.drop_schema()
        engine.dispose()
        server.stop()
        store.close()
