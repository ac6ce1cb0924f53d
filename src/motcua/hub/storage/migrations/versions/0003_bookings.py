"""Bookings synced down from the provincial server, the cursor they were pulled with, and
the day's per-citizen marks (keyed hashes of ID numbers, never in events).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bookings",
        sa.Column("code", sa.String(16), primary_key=True),
        sa.Column("field", sa.String(16), nullable=False),
        sa.Column("procedure", sa.String(64), nullable=True),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("start", sa.String(5), nullable=False),
        sa.Column("minutes", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
    )
    op.create_index("bookings_day", "bookings", ["day"])
    op.execute("INSERT INTO counters (name, value) VALUES ('booking_cursor', 0)")
    op.create_table(
        "citizen_marks",
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("field", sa.String(16), nullable=False),
        sa.Column("citizen", sa.String(64), nullable=False),
        sa.Column("ticket", sa.String(32), primary_key=True),
    )
    op.create_index("citizen_marks_day", "citizen_marks", ["day", "field", "citizen"])


def downgrade() -> None:
    op.drop_index("citizen_marks_day", "citizen_marks")
    op.drop_table("citizen_marks")
    op.drop_index("bookings_day", "bookings")
    op.drop_table("bookings")
    op.execute("DELETE FROM counters WHERE name = 'booking_cursor'")
