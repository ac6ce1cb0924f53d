"""The provincial event store (PostgreSQL through SQLAlchemy 2 + psycopg 3).

Tables, all inside one PostgreSQL schema (``province`` by default; tests use a
throw-away one), made and changed by Alembic migrations (``province/migrations``, run by
:func:`migrate` when the server starts):

``streams``
    One row per hub database (``stream_id``), with its ``site`` and ``last_seq``, the
    cursor: every event 1..last_seq of the stream is stored, none beyond it. The
    cursor decides what a batch adds, under a row lock, so concurrent or repeated
    batches of one stream can never store an event twice or skip one.
``events``
    ``stream_id, site, seq, day, ts, type, body`` partitioned by RANGE on the business
    ``day``, one partition per month (``events_YYYY_MM``, made on demand). Primary key
    (stream_id, seq, day): the partition key must be part of it, and the cursor already
    makes (stream_id, seq) unique.
``daily_counts``
    ``(site, day, type) -> n``, kept up to date in the ingest transaction so the
    provincial overview never scans events.

A reinstalled hub has a new stream id, so it is a new stream of the same site: its
sequence restarts at 1 without touching the old stream's rows.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Connection, Engine, inspect, text

from motcua.province.protocol import Batch

__all__ = ["HEAD_REVISION", "IngestResult", "Store", "StreamInfo", "create_schema", "migrate"]

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
HEAD_REVISION = "0001"
"""The newest revision in province/migrations/versions (a test checks they agree)."""

_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What the province answers to one batch."""

    kind: Literal["ACK", "GAP", "REFUSED"]
    ack_seq: int = 0  # ACK: the stream's cursor after the batch
    resume_from: int = 0  # GAP: the first sequence the province needs
    inserted: int = 0
    new_stream: bool = False
    code: str = ""
    reason: str = ""

    def body(self, stream_id: str) -> dict[str, Any]:
        """The JSON body of the reply frame."""
        if self.kind == "ACK":
            return {"ack_seq": self.ack_seq, "stream_id": stream_id}
        if self.kind == "GAP":
            return {"resume_from": self.resume_from, "stream_id": stream_id}
        return {"code": self.code, "reason": self.reason, "stream_id": stream_id}


@dataclass(frozen=True, slots=True)
class StreamInfo:
    """One row of ``streams``."""

    stream_id: str
    site: str
    last_seq: int
    first_seen: Any
    last_batch_at: Any


def migrate(engine: Engine, schema: str = "province") -> None:
    """Bring ``schema`` to the newest Alembic revision (province/migrations; idempotent).

    The schema itself is made first, and ``alembic_version`` lives inside it. A
    transaction-scoped advisory lock keeps two servers starting at once from racing.
    Alembic is imported only when the schema is not already at the head.
    """
    if not _SCHEMA_NAME.match(schema):
        raise ValueError(f"invalid schema name {schema!r} (use a-z, 0-9, _)")
    with engine.connect() as conn:
        if inspect(conn).has_table("alembic_version", schema=schema):
            current = conn.execute(text(f"SELECT version_num FROM {schema}.alembic_version"))
            if current.scalar() == HEAD_REVISION:
                return
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"),
                     {"k": f"motcua-province:{schema}"})
        conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {schema}"))
        cfg.attributes["connection"] = conn
        cfg.attributes["schema"] = schema
        command.upgrade(cfg, "head")
        log.info("province schema %s at revision %s", schema, HEAD_REVISION)


def create_schema(engine: Engine, schema: str = "province") -> Store:
    """Create the schema and its tables if missing (idempotent); return a Store."""
    store = Store(engine, schema)
    store.create_schema()
    return store


class Store:
    """Ingest batches into one PostgreSQL schema; thread-safe (one connection per call)."""

    def __init__(self, engine: Engine, schema: str = "province") -> None:
        if not _SCHEMA_NAME.match(schema):
            raise ValueError(f"invalid schema name {schema!r} (use a-z, 0-9, _)")
        self.engine = engine
        self.schema = schema
        self._partitions: set[tuple[int, int]] = set()
        self._partitions_lock = threading.Lock()

    # ------------------------------------------------------------------ schema
    def t(self, name: str) -> str:
        """Qualified table name, e.g. ``province.events`` (for report queries)."""
        return f"{self.schema}.{name}"

    def create_schema(self) -> None:
        """Create the schema if missing and bring its tables to the newest migration
        (:func:`migrate`; idempotent, safe when two servers start at once)."""
        migrate(self.engine, self.schema)
        self._load_partitions()

    def drop_schema(self) -> None:
        """Drop the whole schema with its data (tests, benchmarks)."""
        with self.engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE"))
        with self._partitions_lock:
            self._partitions.clear()

    def _load_partitions(self) -> None:
        with self.engine.connect() as conn:
            names = conn.execute(text(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "WHERE i.inhparent = CAST(:parent AS regclass)"), {"parent": self.t("events")})
            found = set()
            for (name,) in names:
                m = re.fullmatch(r"events_(\d{4})_(\d{2})", name)
                if m:
                    found.add((int(m[1]), int(m[2])))
        with self._partitions_lock:
            self._partitions |= found

    def partitions(self) -> list[str]:
        """Names of the monthly partitions, oldest first."""
        self._load_partitions()
        with self._partitions_lock:
            return [f"events_{y:04d}_{m:02d}" for y, m in sorted(self._partitions)]

    def ensure_partitions(self, days: set[date]) -> None:
        """Create the monthly partitions these days fall in (each in its own transaction)."""
        months = {(d.year, d.month) for d in days}
        with self._partitions_lock:
            missing = sorted(months - self._partitions)
        for y, m in missing:
            start = date(y, m, 1)
            end = date(y + 1, 1, 1) if m == 12 else date(y, m + 1, 1)
            with self.engine.begin() as conn:
                conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"),
                             {"k": f"motcua-province:{self.schema}:partitions"})
                conn.execute(text(
                    f"CREATE TABLE IF NOT EXISTS {self.schema}.events_{y:04d}_{m:02d} "
                    f"PARTITION OF {self.schema}.events "
                    f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"))
            log.info("created partition %s.events_%04d_%02d", self.schema, y, m)
            with self._partitions_lock:
                self._partitions.add((y, m))

    # ------------------------------------------------------------------ ingest
    def ingest(self, batch: Batch) -> IngestResult:
        """Store a checked batch in one transaction and say what to answer.

        The stream's cursor row is locked first. A batch starting beyond cursor + 1 is
        a GAP (nothing stored); events at or below the cursor are replays (nothing
        stored); the rest is copied in, the daily counts bumped and the cursor moved
        to ``last_seq``, all committed together.
        """
        self.ensure_partitions({e.day for e in batch.events})
        with self.engine.begin() as conn:
            lock = text(f"SELECT site, last_seq FROM {self.schema}.streams "
                        "WHERE stream_id = CAST(:sid AS uuid) FOR UPDATE")
            row = conn.execute(lock, {"sid": batch.stream_id}).one_or_none()
            new_stream = False
            if row is None:  # first batch of this hub database: record the stream
                new_stream = conn.execute(text(
                    f"INSERT INTO {self.schema}.streams (stream_id, site) "
                    "VALUES (CAST(:sid AS uuid), :site) ON CONFLICT (stream_id) DO NOTHING"),
                    {"sid": batch.stream_id, "site": batch.site}).rowcount == 1
                row = conn.execute(lock, {"sid": batch.stream_id}).one()
            site, cursor = row
            if site != batch.site:
                return IngestResult(
                    "REFUSED", code="stream_site_mismatch",
                    reason=f"luồng {batch.stream_id} thuộc điểm {site}, không phải "
                           f"{batch.site} / stream belongs to site {site!r}, not "
                           f"{batch.site!r}")
            if batch.first_seq > cursor + 1:
                return IngestResult("GAP", resume_from=cursor + 1, new_stream=new_stream)
            fresh = batch.events[max(0, cursor + 1 - batch.first_seq):]
            if fresh:
                self._copy_events(conn, batch, fresh)
                self._bump_daily_counts(conn, batch.site, fresh)
                conn.execute(text(
                    f"UPDATE {self.schema}.streams SET last_seq = :last, last_batch_at = now(),"
                    " last_hub_now = CAST(:hub_now AS timestamptz)"
                    " WHERE stream_id = CAST(:sid AS uuid)"),
                    {"last": batch.last_seq, "hub_now": batch.hub_now, "sid": batch.stream_id})
            return IngestResult("ACK", ack_seq=max(cursor, batch.last_seq),
                                inserted=len(fresh), new_stream=new_stream)

    def _copy_events(self, conn: Connection, batch: Batch, rows: list[Any]) -> None:
        # COPY is the fastest way in; rows above the cursor cannot exist yet, so no
        # ON CONFLICT is needed (a conflict would mean a broken cursor and must fail).
        raw = conn.connection.driver_connection
        assert raw is not None
        with raw.cursor() as cur, cur.copy(
            f"COPY {self.schema}.events (stream_id, site, seq, day, ts, type, body) "
            "FROM STDIN"
        ) as copy:
            sid, site = batch.stream_id, batch.site
            for e in rows:
                copy.write_row((sid, site, e.seq, e.day, e.ts, e.type, e.body))

    def _bump_daily_counts(self, conn: Connection, site: str, rows: list[Any]) -> None:
        counts = Counter((e.day, e.type) for e in rows)
        keys = sorted(counts)  # same lock order in every transaction: no deadlocks
        conn.execute(text(
            f"INSERT INTO {self.schema}.daily_counts AS d (site, day, type, n) "
            "SELECT :site, u.day, u.type, u.n FROM unnest(CAST(:days AS date[]), "
            "CAST(:types AS text[]), CAST(:ns AS bigint[])) AS u(day, type, n) "
            "ON CONFLICT (site, day, type) DO UPDATE SET n = d.n + EXCLUDED.n"),
            {"site": site, "days": [k[0] for k in keys], "types": [k[1] for k in keys],
             "ns": [counts[k] for k in keys]})

    # ------------------------------------------------------------------ queries
    def stream(self, stream_id: str) -> StreamInfo | None:
        """The cursor row of one stream, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(text(
                f"SELECT stream_id::text, site, last_seq, first_seen, last_batch_at "
                f"FROM {self.schema}.streams WHERE stream_id = CAST(:sid AS uuid)"),
                {"sid": stream_id}).one_or_none()
        return StreamInfo(*row) if row else None

    def streams(self, site: str | None = None) -> list[StreamInfo]:
        """All streams (of one site), oldest first."""
        where = "WHERE site = :site" if site is not None else ""
        with self.engine.connect() as conn:
            rows = conn.execute(text(
                f"SELECT stream_id::text, site, last_seq, first_seen, last_batch_at "
                f"FROM {self.schema}.streams {where} ORDER BY first_seen, stream_id"),
                {"site": site}).all()
        return [StreamInfo(*r) for r in rows]

    def seqs(self, stream_id: str) -> list[int]:
        """Every stored sequence of a stream, in order (with duplicates, if any)."""
        with self.engine.connect() as conn:
            return list(conn.execute(text(
                f"SELECT seq FROM {self.schema}.events WHERE stream_id = CAST(:sid AS uuid) "
                "ORDER BY seq"), {"sid": stream_id}).scalars())

    def count_events(self, stream_id: str | None = None) -> int:
        """Number of stored events (of one stream)."""
        where = "WHERE stream_id = CAST(:sid AS uuid)" if stream_id else ""
        with self.engine.connect() as conn:
            return int(conn.execute(text(
                f"SELECT count(*) FROM {self.schema}.events {where}"),
                {"sid": stream_id}).scalar_one())

    def daily_counts(self, site: str, day: date) -> dict[str, int]:
        """Event counts by type for one site and business day."""
        with self.engine.connect() as conn:
            rows = conn.execute(text(
                f"SELECT type, n FROM {self.schema}.daily_counts "
                "WHERE site = :site AND day = :day"), {"site": site, "day": day}).all()
        return {t: int(n) for t, n in rows}
