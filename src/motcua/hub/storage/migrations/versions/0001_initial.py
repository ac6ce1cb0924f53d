"""Initial hub schema: meta, events (outbox), replies, sync_state, ticket_facts.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("meta", sa.Column("key", sa.String(64), primary_key=True),
                    sa.Column("value", sa.Text, nullable=False))
    op.create_table("events",
                    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
                    sa.Column("type", sa.String(64), nullable=False),
                    sa.Column("ts", sa.String(40), nullable=False),
                    sa.Column("day", sa.String(10), nullable=False),
                    sa.Column("body", sa.Text, nullable=False),
                    sqlite_autoincrement=True)
    op.create_index("ix_events_day", "events", ["day"])
    op.create_table("replies",
                    sa.Column("device", sa.String(64), nullable=False),
                    sa.Column("request_id", sa.String(64), nullable=False),
                    sa.Column("ok", sa.Boolean, nullable=False),
                    sa.Column("body", sa.Text, nullable=False),
                    sa.Column("created_at", sa.String(40), nullable=False),
                    sa.PrimaryKeyConstraint("device", "request_id"))
    op.create_index("ix_replies_created_at", "replies", ["created_at"])
    op.create_table("sync_state", sa.Column("upstream", sa.String(64), primary_key=True),
                    sa.Column("acked_seq", sa.Integer, nullable=False))
    op.create_table("ticket_facts",
                    sa.Column("ticket", sa.String(32), primary_key=True),
                    sa.Column("day", sa.String(10), nullable=False),
                    sa.Column("field", sa.String(8), nullable=False),
                    sa.Column("label", sa.String(16), nullable=False),
                    sa.Column("priority", sa.String(32)),
                    sa.Column("procedure", sa.String(16)),
                    sa.Column("status", sa.String(16), nullable=False),
                    sa.Column("counter", sa.Integer),
                    sa.Column("officer", sa.String(64)),
                    sa.Column("issued_at", sa.String(40), nullable=False),
                    sa.Column("first_called_at", sa.String(40)),
                    sa.Column("served_at", sa.String(40)),
                    sa.Column("finished_at", sa.String(40)),
                    sa.Column("wait_seconds", sa.Float),
                    sa.Column("service_seconds", sa.Float),
                    sa.Column("calls", sa.Integer, nullable=False),
                    sa.Column("transfers", sa.Integer, nullable=False),
                    sa.Column("estimate_minutes", sa.Integer),
                    sa.Column("rating", sa.Integer),
                    sa.Column("satisfied", sa.Boolean))
    op.create_index("ix_ticket_facts_day", "ticket_facts", ["day"])


def downgrade() -> None:
    for name in ("ticket_facts", "sync_state", "replies", "events", "meta"):
        op.drop_table(name)
