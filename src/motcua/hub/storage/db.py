"""The hub's database: one writer (the hub loop), durable commits, the outbox.

SQLite is the embedded default, opened in WAL mode with ``synchronous=FULL`` so a
commit is on disk before the hub replies (kill -9 and power loss keep every
acknowledged ticket). Another SQLAlchemy URL (e.g. PostgreSQL) works the same way.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Engine,
    bindparam,
    create_engine,
    event,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.pool import NullPool

from motcua.core.outbox import OutboxEvent
from motcua.core.state import Event
from motcua.hub.storage.schema import (
    counters,
    events,
    meta,
    replies,
    sync_state,
    ticket_facts,
)

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).with_name("migrations")


@dataclass(frozen=True)
class StoredReply:
    ok: bool
    body: dict[str, Any]
    created_at: str = ""
    """When it was stored (ISO, hub time): replies older than the window are pruned."""


def sqlite_url(path: str | Path) -> str:
    return f"sqlite:///{Path(path).resolve()}"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        # NullPool-free default pool keeps one connection per thread; the pragmas run
        # on each new connection.
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, poolclass=NullPool if "+psycopg" not in url else None)


HEAD_REVISION = "0003"
"""The newest migration in migrations/versions (a test checks they agree)."""


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (idempotent).

    Alembic is imported only when the database is not already at the head: it costs
    ~15 MB of memory that a running hub does not need.
    """
    with engine.connect() as conn:
        if inspect(conn).has_table("alembic_version"):
            current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            if current == HEAD_REVISION:
                return
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


class HubStore:
    """Everything the hub keeps on disk. Thread-safe for one writer plus readers."""

    def __init__(self, url: str, *, site_id: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        migrate(self.engine)
        self._lock = threading.Lock()
        with self.engine.begin() as conn:
            rows = {r.key: r.value for r in conn.execute(select(meta.c.key, meta.c.value))}
            if "stream_id" not in rows:
                rows["stream_id"] = str(uuid.uuid4())
                rows["created_at"] = datetime.now().astimezone().isoformat()
                conn.execute(insert(meta), [{"key": "stream_id", "value": rows["stream_id"]},
                                            {"key": "created_at", "value": rows["created_at"]}])
                log.info("new hub database %s, stream %s", url, rows["stream_id"])
            if rows.get("site_id") != site_id:
                if "site_id" in rows:
                    log.warning("site id changed from %s to %s", rows["site_id"], site_id)
                    conn.execute(update(meta).where(meta.c.key == "site_id").values(value=site_id))
                else:
                    conn.execute(insert(meta).values(key="site_id", value=site_id))
        self.stream_id: str = rows["stream_id"]
        self.restored_from: str | None = rows.get("restored_from")
        """Set by ``motcua-backup restore``; the hub acts on it once, then clears it."""
        self.site_id = site_id
        self._last_seq = self._read_last_seq()
        # The one write path keeps its own connection and a prepared upsert, so a
        # command costs one transaction, not a pool checkout and a statement compile.
        self._writer = self.engine.connect()
        self._facts_upsert = self._upsert_facts()
        self._counter_update = (update(counters).where(counters.c.name == "outbox_seq")
                                .values(value=bindparam("last")))

    def clear_restored(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(meta.delete().where(meta.c.key == "restored_from"))
        self.restored_from = None

    def close(self) -> None:
        self._writer.close()
        self.engine.dispose()

    # -- outbox ---------------------------------------------------------------------
    def _read_last_seq(self) -> int:
        """The highest outbox number ever handed out: the stored counter, or more if the
        outbox or the province's acknowledgement say so (never less: no reuse)."""
        with self.engine.connect() as conn:
            stored = conn.execute(select(counters.c.value)
                                  .where(counters.c.name == "outbox_seq")).scalar()
            top = conn.execute(select(func.max(events.c.seq))).scalar()
            acked = conn.execute(select(func.max(sync_state.c.acked_seq))).scalar()
        return max(int(stored or 0), int(top or 0), int(acked or 0))

    def last_seq(self) -> int:
        return self._last_seq

    def day_events(self) -> list[tuple[int, Event]]:
        """The current business day's events (from the newest ``day.opened``)."""
        with self.engine.connect() as conn:
            start = conn.execute(select(func.max(events.c.seq))
                                 .where(events.c.type == "day.opened")).scalar()
            if start is None:
                return []
            rows = conn.execute(select(events.c.seq, events.c.type, events.c.ts, events.c.body)
                                .where(events.c.seq >= start).order_by(events.c.seq)).all()
        return [(r.seq, Event(r.type, datetime.fromisoformat(r.ts), json.loads(r.body)))
                for r in rows]

    def read_after(self, seq: int, limit: int) -> list[OutboxEvent]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(events).where(events.c.seq > seq)
                                .order_by(events.c.seq).limit(limit)).all()
        return [OutboxEvent(r.seq, r.type, r.ts, r.day, json.loads(r.body)) for r in rows]

    def events_between(self, first: int, last: int) -> list[OutboxEvent]:
        return [e for e in self.read_after(first - 1, last - first + 1) if e.seq <= last]

    def acked_seq(self, upstream: str = "province") -> int:
        with self.engine.connect() as conn:
            value = conn.execute(select(sync_state.c.acked_seq)
                                 .where(sync_state.c.upstream == upstream)).scalar()
        return int(value or 0)

    def set_acked_seq(self, seq: int, upstream: str = "province") -> None:
        with self.engine.begin() as conn:
            done = conn.execute(update(sync_state).where(sync_state.c.upstream == upstream)
                                .values(acked_seq=seq)).rowcount
            if not done:
                conn.execute(insert(sync_state).values(upstream=upstream, acked_seq=seq))

    # -- replies --------------------------------------------------------------------
    def get_reply(self, device: str, request_id: str) -> StoredReply | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(replies.c.ok, replies.c.body).where(
                replies.c.device == device, replies.c.request_id == request_id)).first()
        return None if row is None else StoredReply(bool(row.ok), json.loads(row.body))

    def recent_replies(self, since_iso: str) -> dict[tuple[str, str], StoredReply]:
        """Replies stored since ``since_iso``, for answering retries from memory."""
        q = select(replies).where(replies.c.created_at >= since_iso)
        with self.engine.connect() as conn:
            return {(r.device, r.request_id): StoredReply(bool(r.ok), json.loads(r.body),
                                                          r.created_at)
                    for r in conn.execute(q.order_by(replies.c.created_at))}

    @staticmethod
    def _expire_statement(tickets: list[str]) -> Any:
        """Tickets still open when their day closed are recorded as cancelled."""
        return (update(ticket_facts)
                .where(ticket_facts.c.ticket.in_(tickets),
                       ticket_facts.c.status.notin_(["done", "no_show", "cancelled"]))
                .values(status="cancelled"))

    def probe(self) -> None:
        """Prove the database takes a durable write (raises when it does not).

        Some 4 KiB are written and deleted in one transaction: the pages still go to
        the journal, so a full disk fails here; a connection that went read-only is
        replaced first, so a re-mounted disk is picked up without a restart.
        """
        from motcua.hub.health import FULL, classify

        with self._lock:
            try:
                self._try_probe()
            except Exception as exc:
                if classify(exc) == FULL:
                    raise  # a new connection would not find more room
                self._writer.invalidate()
                self._writer.close()
                self.engine.dispose()
                self._writer = self.engine.connect()
                self._try_probe()

    def _try_probe(self) -> None:
        conn = self._writer
        with conn.begin():
            conn.execute(insert(meta).values(key="probe", value="x" * 4096))
            conn.execute(meta.delete().where(meta.c.key == "probe"))

    def prune_replies(self, before_iso: str) -> int:
        with self.engine.begin() as conn:
            return int(conn.execute(replies.delete().where(replies.c.created_at < before_iso))
                       .rowcount)

    # -- the one write path ---------------------------------------------------------
    def commit(self, new_events: Sequence[tuple[Event, str]],
               new_replies: Iterable[tuple[str, str, bool, dict[str, Any]]],
               facts: Iterable[dict[str, Any]], expired: Iterable[str] = (),
               *, created_at: str | None = None) -> list[int]:
        """Store events (numbered here), replies and ticket facts in ONE transaction.

        ``expired``: tickets a ``day.closed`` event among ``new_events`` left open; their
        report rows become cancelled in the same transaction.

        Returns the sequence numbers given to ``new_events``. Nothing is visible (and
        the caller must not reply) unless this returns.
        """
        with self._lock:
            first = self._last_seq + 1
            seqs = list(range(first, first + len(new_events)))
            now = created_at or datetime.now().astimezone().isoformat()
            event_rows = [{"seq": s, "type": e.type, "ts": e.ts.isoformat(), "day": day,
                           "body": json.dumps(e.body, ensure_ascii=False)}
                          for s, (e, day) in zip(seqs, new_events, strict=True)]
            reply_rows = [{"device": d, "request_id": r, "ok": ok,
                           "body": json.dumps(b, ensure_ascii=False), "created_at": now}
                          for d, r, ok, b in new_replies]
            fact_rows = list(facts)
            conn = self._writer
            with conn.begin():
                if event_rows:
                    conn.execute(insert(events), event_rows)
                    conn.execute(self._counter_update, {"last": seqs[-1]})
                if reply_rows:
                    conn.execute(insert(replies), reply_rows)
                if fact_rows:
                    conn.execute(self._facts_upsert, fact_rows)
                gone = list(expired)
                if gone:
                    conn.execute(self._expire_statement(gone))
            self._last_seq = first + len(new_events) - 1
            return seqs

    def _upsert_facts(self) -> Any:
        dialect = self.engine.dialect.name
        ins: Any = (sqlite.insert(ticket_facts) if dialect == "sqlite"
                    else postgresql.insert(ticket_facts))
        cols = {c.name: ins.excluded[c.name] for c in ticket_facts.c if c.name != "ticket"}
        return ins.on_conflict_do_update(index_elements=["ticket"], set_=cols)

    def fact_tuples(self, columns: Sequence[str], day_from: str | None = None,
                    day_to: str | None = None) -> list[Sequence[Any]]:
        """Only ``columns`` of the ticket facts, as tuples: the fast read for reports."""
        return read_fact_tuples(self.engine, columns, day_from, day_to)

    def facts(self, day_from: str | None = None, day_to: str | None = None) -> list[dict[str, Any]]:
        q = select(ticket_facts)
        if day_from:
            q = q.where(ticket_facts.c.day >= day_from)
        if day_to:
            q = q.where(ticket_facts.c.day <= day_to)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q.order_by(ticket_facts.c.issued_at))]


def read_fact_tuples(engine: Engine, columns: Sequence[str], day_from: str | None = None,
                     day_to: str | None = None) -> list[Sequence[Any]]:
    """Only ``columns`` of the ticket facts, as tuples (also on a read-only engine: the
    hub's read worker uses it, see motcua.hub.read_worker)."""
    q = select(*(ticket_facts.c[name] for name in columns))
    if day_from:
        q = q.where(ticket_facts.c.day >= day_from)
    if day_to:
        q = q.where(ticket_facts.c.day <= day_to)
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(q)]
