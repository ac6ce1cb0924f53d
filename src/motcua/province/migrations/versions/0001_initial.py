"""Initial provincial schema: streams, events (partitioned by month of the day), daily_counts.

``IF NOT EXISTS`` everywhere: a schema made before migrations existed (by the same DDL)
is adopted as revision 0001 without touching its data.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

from typing import Any

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade(schema: str = "province", **_kw: Any) -> None:
    s = schema
    op.execute(f"""CREATE TABLE IF NOT EXISTS {s}.streams (
        stream_id uuid PRIMARY KEY,
        site text NOT NULL,
        first_seen timestamptz NOT NULL DEFAULT now(),
        last_seq bigint NOT NULL DEFAULT 0,
        last_batch_at timestamptz,
        last_hub_now timestamptz)""")
    op.execute(f"CREATE INDEX IF NOT EXISTS streams_site ON {s}.streams (site)")
    # Partitioned by RANGE on the business day; the store makes one partition per month
    # on demand (events_YYYY_MM). The partition key must be part of the primary key.
    op.execute(f"""CREATE TABLE IF NOT EXISTS {s}.events (
        stream_id uuid NOT NULL,
        site text NOT NULL,
        seq bigint NOT NULL,
        day date NOT NULL,
        ts timestamptz NOT NULL,
        type text NOT NULL,
        body jsonb NOT NULL,
        PRIMARY KEY (stream_id, seq, day)) PARTITION BY RANGE (day)""")
    op.execute(f"CREATE INDEX IF NOT EXISTS events_site_day ON {s}.events (site, day)")
    op.execute(f"""CREATE TABLE IF NOT EXISTS {s}.daily_counts (
        site text NOT NULL,
        day date NOT NULL,
        type text NOT NULL,
        n bigint NOT NULL,
        PRIMARY KEY (site, day, type))""")


def downgrade(schema: str = "province", **_kw: Any) -> None:
    s = schema
    op.execute(f"DROP TABLE IF EXISTS {s}.daily_counts")
    op.execute(f"DROP TABLE IF EXISTS {s}.events CASCADE")  # with its month partitions
    op.execute(f"DROP TABLE IF EXISTS {s}.streams")
