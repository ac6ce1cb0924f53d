"""Provincial store against the real PostgreSQL (127.0.0.1:5432, database ``test``).

Each test gets its own throw-away schema, dropped afterwards. If PostgreSQL is not
there these tests fail: they are the proof that nothing is stored twice or skipped.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import date, datetime

import pytest
from sqlalchemy import Engine, text

from motcua.province.sim import MemoryOutbox, centre_day
from motcua.province.store import Store, create_schema
from tests.support.province import batch_of


@pytest.fixture
def store(engine: Engine) -> Iterator[Store]:
    s = create_schema(engine, f"t_store_{uuid.uuid4().hex[:12]}")
    yield s
    s.drop_schema()


@pytest.fixture
def outbox() -> MemoryOutbox:
    box = MemoryOutbox("79-phuong-ben-thanh")
    box.extend(centre_day(date(2025, 7, 1), 80))
    return box


batch = batch_of


def test_schema_creation_is_idempotent(store: Store) -> None:
    store.create_schema()
    store.create_schema()
    assert store.partitions() == []


def test_batch_is_stored_and_cursor_advances(store: Store, outbox: MemoryOutbox) -> None:
    r = store.ingest(batch(outbox, 1, 100))
    assert (r.kind, r.ack_seq, r.inserted, r.new_stream) == ("ACK", 100, 100, True)
    info = store.stream(outbox.stream_id)
    assert info is not None and info.last_seq == 100 and info.site == outbox.site_id
    assert store.seqs(outbox.stream_id) == list(range(1, 101))


def test_replay_inserts_nothing(store: Store, outbox: MemoryOutbox) -> None:
    store.ingest(batch(outbox, 1, 100))
    counts = store.daily_counts(outbox.site_id, date(2025, 7, 1))
    for first, last in [(1, 100), (1, 50), (40, 60), (100, 100)]:
        r = store.ingest(batch(outbox, first, last))
        assert (r.kind, r.ack_seq, r.inserted) == ("ACK", 100, 0)
    assert store.seqs(outbox.stream_id) == list(range(1, 101))
    assert store.daily_counts(outbox.site_id, date(2025, 7, 1)) == counts  # not re-counted


def test_overlapping_batch_after_lost_ack_stores_only_the_new_part(
        store: Store, outbox: MemoryOutbox) -> None:
    store.ingest(batch(outbox, 1, 100))
    r = store.ingest(batch(outbox, 51, 180))
    assert (r.kind, r.ack_seq, r.inserted) == ("ACK", 180, 80)
    assert store.seqs(outbox.stream_id) == list(range(1, 181))


def test_skipped_range_is_a_gap_and_stores_nothing(store: Store, outbox: MemoryOutbox) -> None:
    store.ingest(batch(outbox, 1, 100))
    r = store.ingest(batch(outbox, 151, 200))
    assert (r.kind, r.resume_from) == ("GAP", 101)
    assert store.count_events(outbox.stream_id) == 100
    info = store.stream(outbox.stream_id)
    assert info is not None and info.last_seq == 100
    assert store.ingest(batch(outbox, 101, 150)).ack_seq == 150
    assert store.ingest(batch(outbox, 151, 200)).ack_seq == 200
    assert store.seqs(outbox.stream_id) == list(range(1, 201))


def test_first_batch_of_a_stream_must_start_at_one(store: Store, outbox: MemoryOutbox) -> None:
    r = store.ingest(batch(outbox, 11, 20))
    assert (r.kind, r.resume_from) == ("GAP", 1)
    assert store.count_events() == 0


def test_new_stream_for_same_site_is_kept_apart(store: Store, outbox: MemoryOutbox) -> None:
    store.ingest(batch(outbox, 1, 120))
    reinstalled = MemoryOutbox(outbox.site_id)  # new hub database: new stream, seq from 1
    reinstalled.extend(centre_day(date(2025, 7, 2), 20))
    r = store.ingest(batch(reinstalled, 1, 30))
    assert (r.kind, r.ack_seq, r.inserted, r.new_stream) == ("ACK", 30, 30, True)
    assert [s.stream_id for s in store.streams(outbox.site_id)] == \
        [outbox.stream_id, reinstalled.stream_id]
    assert store.seqs(outbox.stream_id) == list(range(1, 121))
    assert store.seqs(reinstalled.stream_id) == list(range(1, 31))


def test_stream_of_one_site_cannot_be_continued_by_another(
        store: Store, outbox: MemoryOutbox) -> None:
    store.ingest(batch(outbox, 1, 10))
    r = store.ingest(batch(outbox, 11, 20, site="79-xa-khac"))
    assert (r.kind, r.code) == ("REFUSED", "stream_site_mismatch")
    assert store.count_events() == 10


def test_days_in_two_months_land_in_two_partitions(store: Store) -> None:
    box = MemoryOutbox("79-xa-tan-nhut")
    box.extend(centre_day(date(2025, 6, 30), 5))
    box.extend(centre_day(date(2025, 7, 1), 5))
    r = store.ingest(batch(box, 1, box.last_seq()))
    assert r.kind == "ACK"
    assert store.partitions() == ["events_2025_06", "events_2025_07"]
    with store.engine.connect() as conn:
        rows = conn.execute(text(
            f"SELECT tableoid::regclass::text, min(day), max(day), count(*) "
            f"FROM {store.t('events')} GROUP BY 1 ORDER BY 1")).all()
    assert [(name.split(".")[-1], lo, hi) for name, lo, hi, _ in rows] == [
        ("events_2025_06", date(2025, 6, 30), date(2025, 6, 30)),
        ("events_2025_07", date(2025, 7, 1), date(2025, 7, 1))]
    assert sum(n for *_, n in rows) == box.last_seq()


def test_daily_counts_follow_the_events(store: Store, outbox: MemoryOutbox) -> None:
    store.ingest(batch(outbox, 1, outbox.last_seq()))
    expected: dict[str, int] = {}
    for e in outbox.events():
        expected[e.type] = expected.get(e.type, 0) + 1
    assert store.daily_counts(outbox.site_id, date(2025, 7, 1)) == expected
    assert expected["ticket.issued"] == 80


def test_concurrent_duplicates_are_stored_once(store: Store, outbox: MemoryOutbox) -> None:
    b = batch(outbox, 1, outbox.last_seq())
    results = []
    threads = [threading.Thread(target=lambda: results.append(store.ingest(b)))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.inserted for r in results) == [0, 0, 0, outbox.last_seq()]
    assert store.seqs(outbox.stream_id) == list(range(1, outbox.last_seq() + 1))


def test_vietnamese_bodies_round_trip_in_nfc(store: Store) -> None:
    box = MemoryOutbox("79-xa-phu-my")
    decomposed = "Đăng ky\u0301 khai sinh"  # NFD acute accent on y
    box.append("ticket.issued", {"procedure": decomposed, "field": "Hộ tịch"},
               ts=datetime.fromisoformat("2025-07-01T08:00:00+07:00"))
    store.ingest(batch(box, 1, 1))
    with store.engine.connect() as conn:
        body = conn.execute(text(f"SELECT body FROM {store.t('events')}")).scalar_one()
    assert body["procedure"] == "Đăng ký khai sinh" and body["field"] == "Hộ tịch"
