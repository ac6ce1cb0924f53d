"""Tables of a hub database (SQLAlchemy Core). Alembic migrations create them.

* ``meta``: the stream id (a UUID made with the database) and the site id.
* ``events``: the outbox. ``seq`` is gap-free and never reused (AUTOINCREMENT on
  SQLite, so even a deleted top row's number is not handed out again).
* ``replies``: the stored reply of every state-changing request, so a retried
  request id gets the first answer, also after a restart.
* ``sync_state``: the sequence the province has acknowledged.
* ``ticket_facts``: one row per ticket, the projection reports read.
* ``bookings``: the centre's bookings pulled from the province (``counters.booking_cursor``).
* ``counters``: ``outbox_seq``, the highest outbox number ever handed out; it only
  grows, in the same transaction as the events, so no number is ever given twice even
  when rows are deleted (migration 0002).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

metadata = MetaData()

meta = Table(
    "meta", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

events = Table(
    "events", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("type", String(64), nullable=False),
    Column("ts", String(40), nullable=False),
    Column("day", String(10), nullable=False, index=True),
    Column("body", Text, nullable=False),
    sqlite_autoincrement=True,
)

replies = Table(
    "replies", metadata,
    Column("device", String(64), nullable=False),
    Column("request_id", String(64), nullable=False),
    Column("ok", Boolean, nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", String(40), nullable=False, index=True),
    PrimaryKeyConstraint("device", "request_id"),
)

sync_state = Table(
    "sync_state", metadata,
    Column("upstream", String(64), primary_key=True),
    Column("acked_seq", Integer, nullable=False),
)

ticket_facts = Table(
    "ticket_facts", metadata,
    Column("ticket", String(32), primary_key=True),
    Column("day", String(10), nullable=False, index=True),
    Column("field", String(8), nullable=False),
    Column("label", String(16), nullable=False),
    Column("priority", String(32)),
    Column("procedure", String(16)),
    Column("status", String(16), nullable=False),
    Column("counter", Integer),
    Column("officer", String(64)),
    Column("issued_at", String(40), nullable=False),
    Column("first_called_at", String(40)),
    Column("served_at", String(40)),
    Column("finished_at", String(40)),
    Column("wait_seconds", Float),
    Column("service_seconds", Float),
    Column("calls", Integer, nullable=False, default=0),
    Column("transfers", Integer, nullable=False, default=0),
    Column("estimate_minutes", Integer),
    Column("rating", Integer),
    Column("satisfied", Boolean),
)

counters = Table(
    "counters", metadata,
    Column("name", String(64), primary_key=True),
    Column("value", BigInteger, nullable=False),
)

bookings = Table(
    "bookings", metadata,
    Column("code", String(16), primary_key=True),
    Column("field", String(16), nullable=False),
    Column("procedure", String(64)),
    Column("day", String(10), nullable=False, index=True),
    Column("start", String(5), nullable=False),
    Column("minutes", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("seq", BigInteger, nullable=False),
)
"""Bookings of this centre synced down from the province (migration 0003); the pull's
cursor is ``counters.booking_cursor``."""

citizen_marks = Table(
    "citizen_marks", metadata,
    Column("day", String(10), nullable=False),
    Column("field", String(16), nullable=False),
    Column("citizen", String(64), nullable=False),
    Column("ticket", String(32), primary_key=True),
)
"""Which ticket of the day went to which citizen key (an HMAC of the ID number under the
centre's secret), for the per-citizen cap; kept out of events so it never leaves the hub,
and deleted once the day is over (migration 0003)."""
