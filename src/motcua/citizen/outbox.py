"""The notifier's own durable store: who asked to be told, and every message to send.

SQLite in WAL mode with ``synchronous=FULL`` (like the hub): a subscription the kiosk was
told "OK" about, and a message decided from an event, survive kill -9. Exactly once per
ticket and kind is a UNIQUE constraint, not a hope: deciding the same message twice (after
a restart that replays the day's events) inserts nothing.

Phone numbers are personal data (Decree 13/2023): they are kept only for the business day
they were given on; :meth:`NotifyStore.forget_before` erases them from both tables.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    delete,
    event,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

log = logging.getLogger(__name__)

meta = MetaData()
subscriptions = Table(
    "subscriptions", meta,
    Column("ticket", String, primary_key=True),
    Column("day", String, nullable=False),
    Column("label", String, nullable=False),
    Column("phone", String, nullable=False),
    Column("near", Integer, nullable=False),
)
messages = Table(
    "messages", meta,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ticket", String, nullable=False),
    Column("kind", String, nullable=False),
    Column("day", String, nullable=False),
    Column("phone", String, nullable=True),
    Column("text", Text, nullable=False),
    Column("status", String, nullable=False, default="pending"),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_try", Float, nullable=False, default=0.0),
    Column("last_error", Text, nullable=True),
    UniqueConstraint("ticket", "kind", name="one_message_per_ticket_and_kind"),
    sqlite_autoincrement=True,
)


@dataclass(frozen=True)
class Message:
    id: int
    ticket: str
    kind: str
    day: str
    phone: str
    text: str
    attempts: int

    @property
    def key(self) -> str:
        """The idempotency key the gateway sees: a resend after a crash is the same message."""
        return f"motcua-{self.day}-{self.ticket}-{self.kind}"


def _pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()


class NotifyStore:
    """Subscriptions and the message outbox (one writer: the notifier)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.engine = create_engine(f"sqlite:///{path.resolve()}",
                                    connect_args={"check_same_thread": False})
        event.listen(self.engine, "connect", _pragmas)
        meta.create_all(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    # -- subscriptions --------------------------------------------------------------
    def subscribe(self, ticket: str, day: str, label: str, phone: str, near: int) -> None:
        """Remember (or update) who to tell about ``ticket``."""
        with self.engine.begin() as c:
            c.execute(delete(subscriptions).where(subscriptions.c.ticket == ticket))
            c.execute(insert(subscriptions).values(ticket=ticket, day=day, label=label,
                                                   phone=phone, near=near))

    def subscriptions(self, day: str) -> list[dict[str, Any]]:
        with self.engine.connect() as c:
            rows = c.execute(select(subscriptions).where(subscriptions.c.day == day))
            return [dict(r._mapping) for r in rows]

    # -- messages -------------------------------------------------------------------
    def decide(self, ticket: str, kind: str, day: str, phone: str, text: str) -> bool:
        """Queue a message; False when this ticket already has one of this kind."""
        try:
            with self.engine.begin() as c:
                c.execute(insert(messages).values(ticket=ticket, kind=kind, day=day,
                                                  phone=phone, text=text, status="pending",
                                                  attempts=0, next_try=0.0))
        except IntegrityError:
            return False
        return True

    def kinds_decided(self, day: str) -> set[tuple[str, str]]:
        with self.engine.connect() as c:
            rows = c.execute(select(messages.c.ticket, messages.c.kind)
                             .where(messages.c.day == day))
            return {(r.ticket, r.kind) for r in rows}

    def due(self, now: float | None = None, limit: int = 20) -> list[Message]:
        """The pending messages to send now, in the order they were decided.

        Strictly first in, first out: while the oldest pending message waits for its retry,
        nothing after it is due, so a citizen never gets "called" before "near" and the
        gateway sees messages in the order the queue moved.
        """
        now = time.time() if now is None else now
        with self.engine.connect() as c:
            rows = c.execute(select(messages).where(messages.c.status == "pending",
                                                    messages.c.phone.is_not(None))
                             .order_by(messages.c.id).limit(limit)).all()
        out: list[Message] = []
        for r in rows:
            if r.next_try > now:
                break
            out.append(Message(r.id, r.ticket, r.kind, r.day, r.phone, r.text, r.attempts))
        return out

    def next_due_in(self, now: float | None = None) -> float | None:
        """Seconds until the oldest pending message is due (None when nothing is pending)."""
        now = time.time() if now is None else now
        with self.engine.connect() as c:
            first = c.execute(select(messages.c.next_try).where(messages.c.status == "pending")
                              .order_by(messages.c.id).limit(1)).scalar()
        return None if first is None else max(0.0, float(first) - now)

    def mark(self, message_id: int, status: str, error: str | None = None) -> None:
        with self.engine.begin() as c:
            c.execute(update(messages).where(messages.c.id == message_id)
                      .values(status=status, last_error=error))

    def retry_later(self, message_id: int, attempts: int, delay: float, error: str) -> None:
        with self.engine.begin() as c:
            c.execute(update(messages).where(messages.c.id == message_id)
                      .values(attempts=attempts, next_try=time.time() + delay,
                              last_error=error))

    def statuses(self) -> list[dict[str, Any]]:
        """Every message (for tests and ``motcua citizen status``), phone left out."""
        with self.engine.connect() as c:
            rows = c.execute(select(messages.c.id, messages.c.ticket, messages.c.kind,
                                    messages.c.day, messages.c.status, messages.c.attempts)
                             .order_by(messages.c.id))
            return [dict(r._mapping) for r in rows]

    def forget_before(self, day: str) -> int:
        """Erase phone numbers of earlier days (subscriptions gone, messages kept without
        a number); pending messages of those days will never be sent. Returns rows erased."""
        with self.engine.begin() as c:
            n = c.execute(delete(subscriptions).where(subscriptions.c.day < day)).rowcount
            n += c.execute(update(messages).where(messages.c.day < day,
                                                  messages.c.phone.is_not(None))
                           .values(phone=None, status="expired_unsent")
                           .where(messages.c.status == "pending")).rowcount
            n += c.execute(update(messages).where(messages.c.day < day,
                                                  messages.c.phone.is_not(None))
                           .values(phone=None)).rowcount
        return n
