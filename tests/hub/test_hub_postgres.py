"""The hub on another database: a SQLAlchemy URL picks PostgreSQL instead of SQLite.

Real PostgreSQL at 127.0.0.1:5432 (database ``test``), in a throw-away schema; the test
fails rather than skips when the server is absent.
"""

from __future__ import annotations

import uuid

from sqlalchemy import create_engine, text

from motcua.link.client import HubClient
from tests.support.hubs import free_port, start_hub
from tests.support.province import PG_URL as PG


def test_the_hub_runs_on_postgresql_and_keeps_its_promises(centre, clock) -> None:  # type: ignore[no-untyped-def]
    schema = f"t_hub_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = f"{PG}?options=-csearch_path%3D{schema}"
    cp, ep = free_port(), free_port()
    try:
        server, store = start_hub(centre, url, clock, cp, ep)
        with HubClient(f"tcp://127.0.0.1:{cp}", "kiosk-1", retries=5) as kiosk:
            first = kiosk.request("ticket.take", {"field": "A"}, request_id="pg-1")
            kiosk.request("ticket.take", {"field": "A"})
        stream = store.stream_id
        server.stop()
        store.close()
        server, store = start_hub(centre, url, clock, cp, ep)  # migrations are idempotent
        try:
            assert store.stream_id == stream
            with HubClient(f"tcp://127.0.0.1:{cp}", "kiosk-1", retries=5) as kiosk:
                assert kiosk.request("ticket.take", {"field": "A"}, request_id="pg-1") == first
                assert kiosk.request("ticket.take", {"field": "A"})["ticket"]["label"] == "A003"
            with admin.connect() as conn:
                seqs = [r[0] for r in conn.execute(text(
                    f"SELECT seq FROM {schema}.events ORDER BY seq"))]
                facts = conn.execute(text(f"SELECT count(*) FROM {schema}.ticket_facts")).scalar()
            assert seqs == list(range(1, len(seqs) + 1)) and facts == 3
        finally:
            server.stop()
            store.close()
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
