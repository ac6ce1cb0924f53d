"""The hub database: migrations, durability settings, the outbox and the stream id."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from sqlalchemy import text

from motcua.core.state import Event
from motcua.hub.storage.db import HubStore, sqlite_url
from tests.support.clock import VN


def test_schema_pragmas_and_stream_id_survive_reopen(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = sqlite_url(tmp_path / "hub.sqlite")
    store = HubStore(url, site_id="79-26734")
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0003"
    stream = store.stream_id
    store.close()
    again = HubStore(url, site_id="79-26734")
    assert again.stream_id == stream  # migrations are idempotent; the stream id is kept
    again.close()
    other = HubStore(sqlite_url(tmp_path / "other.sqlite"), site_id="79-26734")
    assert other.stream_id != stream  # a new database is a new stream
    other.close()


def test_outbox_is_gap_free_and_never_reuses_a_sequence(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "hub.sqlite"
    store = HubStore(sqlite_url(path), site_id="x")
    now = datetime(2025, 11, 24, 9, 0, tzinfo=VN)
    seqs = store.commit([(Event("day.opened", now, {"day": "2025-11-24"}), "2025-11-24"),
                         (Event("counter.opened", now, {"counter": 1, "officer": "cb01"}),
                          "2025-11-24")], [], [])
    assert seqs == [1, 2]
    store.close()
    # Even if someone deletes the newest row, AUTOINCREMENT never hands its number out again.
    db = sqlite3.connect(path)
    db.execute("DELETE FROM events WHERE seq = 2")
    db.commit()
    db.execute("INSERT INTO events (type, ts, day, body) VALUES ('x', 't', 'd', '{}')")
    assert db.execute("SELECT max(seq) FROM events").fetchone()[0] == 3
    db.close()


def test_the_hub_never_reuses_the_number_of_a_deleted_top_row(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Deleting the newest outbox rows (a manual repair) must not make the hub hand the
    same numbers out again: the province already holds them (docs/sync.md)."""
    path = tmp_path / "hub.sqlite"
    store = HubStore(sqlite_url(path), site_id="x")
    now = datetime(2025, 11, 24, 9, 0, tzinfo=VN)
    ev = (Event("counter.opened", now, {"counter": 1, "officer": "cb01"}), "2025-11-24")
    assert store.commit([ev, ev, ev], [], []) == [1, 2, 3]
    store.close()
    db = sqlite3.connect(path)
    db.execute("DELETE FROM events WHERE seq >= 2")
    db.execute("DELETE FROM sqlite_sequence")  # even SQLite's own record gone
    db.commit()
    db.close()
    again = HubStore(sqlite_url(path), site_id="x")
    assert again.last_seq() == 3
    assert again.commit([ev], [], []) == [4]
    again.close()


def test_migrating_an_old_database_starts_the_counter_above_every_used_number(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from alembic import command
    from alembic.config import Config

    from motcua.hub.storage.db import MIGRATIONS, make_engine

    path = tmp_path / "old.sqlite"
    engine = make_engine(sqlite_url(path))
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        for seq in (1, 2, 3):
            conn.execute(text("INSERT INTO events (seq, type, ts, day, body) "
                              "VALUES (:s, 'x', 't', 'd', '{}')"), {"s": seq})
        conn.execute(text("DELETE FROM events WHERE seq = 3"))
    engine.dispose()
    store = HubStore(sqlite_url(path), site_id="x")  # migrates to the head
    now = datetime(2025, 11, 24, 9, 0, tzinfo=VN)
    ev = (Event("counter.opened", now, {"counter": 1, "officer": "cb01"}), "2025-11-24")
    assert store.commit([ev], [], []) == [4]
    store.close()


def test_commit_is_all_or_nothing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = HubStore(sqlite_url(tmp_path / "hub.sqlite"), site_id="x")
    now = datetime(2025, 11, 24, 9, 0, tzinfo=VN)
    ev = (Event("day.opened", now, {"day": "2025-11-24"}), "2025-11-24")
    store.commit([ev], [("kiosk-1", "r1", True, {"a": 1})], [])
    try:  # the same request id again violates the replies key: nothing of it may stay
        store.commit([ev], [("kiosk-1", "r1", True, {"a": 2})], [])
    except Exception:
        pass
    else:
        raise AssertionError("duplicate reply was accepted")
    assert store.last_seq() == 1
    assert [e.seq for e in store.read_after(0, 10)] == [1]
    assert store.get_reply("kiosk-1", "r1").body == {"a": 1}  # type: ignore[union-attr]
    store.close()


def test_head_revision_constant_matches_the_migrations() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from motcua.hub.storage.db import HEAD_REVISION, MIGRATIONS

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(cfg).get_current_head() == HEAD_REVISION
