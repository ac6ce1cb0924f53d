"""Bookings travel down to the centre's hub over the CURVE sync link, after a cursor,
exactly once, cancellations included."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
import zmq
from sqlalchemy import Engine, create_engine, text

from motcua.core.booking import Booking
from motcua.hub.bookings import HubBookings
from motcua.hub.storage.db import HubStore, sqlite_url
from motcua.hub.sync import SyncClient
from motcua.province.booking.store import BookingStore
from motcua.province.server import ProvinceServer
from motcua.province.sim import MemoryOutbox
from tests.support.province import FAST, PG_URL
from tests.support.wait import wait_until

SITE = "79-phuong-ben-thanh"
NOW = datetime(2025, 11, 24, 3, 0, tzinfo=UTC)


@pytest.fixture
def province() -> Iterator[tuple[Engine, str, ProvinceServer, tuple[bytes, bytes, bytes]]]:
    engine = create_engine(PG_URL)
    schema = f"t_bksync_{uuid.uuid4().hex[:10]}"
    server_public, server_secret = zmq.curve_keypair()
    hub_public, hub_secret = zmq.curve_keypair()
    srv = ProvinceServer(None, "tcp://127.0.0.1:*", engine=engine, schema=schema,
                         secret_key=server_secret, public_key=server_public,
                         allowed_sites={hub_public: SITE}, refresh_every_s=None)
    srv.start()
    BookingStore(engine, schema).create_tables()
    yield engine, schema, srv, (server_public, hub_public, hub_secret)
    srv.stop()
    with engine.begin() as c:
        c.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


def book(store: BookingStore, code: str, site: str = SITE) -> None:
    b = Booking(code, site, "A", date(2025, 11, 25), time(9, 0), 15)
    assert store.insert(b, "phone-hash", None, NOW, per_slot=9, per_person=9) is None


def test_bookings_and_cancellations_arrive_once_in_order(province, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    engine, schema, srv, (server_public, hub_public, hub_secret) = province
    store = BookingStore(engine, schema)
    book(store, "AAAA1111")
    book(store, "BBBB2222")
    book(store, "CCCC3333", site="79-xa-khac")  # another centre's: never sent here
    hub_db = HubStore(sqlite_url(tmp_path / "hub.sqlite"), site_id=SITE)
    sink = HubBookings(hub_db.engine, None)
    client = SyncClient(MemoryOutbox(SITE), srv.endpoint, server_public_key=server_public,
                        client_secret_key=hub_secret, client_public_key=hub_public,
                        bookings=sink, site=SITE, bookings_every_s=0.05, **FAST)
    client.start()
    try:
        last = max(r.seq for r in store.since(SITE, 0))
        wait_until(lambda: sink.cursor() == last, "the two bookings at the hub")
        assert sink.resolve("aaaa-1111", SITE).code == "AAAA1111"
        store.cancel("AAAA1111", NOW)
        wait_until(lambda: sink.cursor() > last, "the cancellation at the hub")
        with pytest.raises(Exception) as e:
            sink.resolve("AAAA1111", SITE)
        assert getattr(e.value, "code", "") == "cancelled"
        with hub_db.engine.connect() as c:
            codes = sorted(r[0] for r in c.execute(text("SELECT code FROM bookings")))
        assert codes == ["AAAA1111", "BBBB2222"]
    finally:
        client.stop()
        hub_db.close()
