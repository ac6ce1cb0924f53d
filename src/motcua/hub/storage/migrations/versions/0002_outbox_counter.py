"""A stored outbox counter: sequence numbers are never handed out twice.

The next number used to be max(seq)+1, so deleting the newest rows (a manual repair,
a partial restore) would give a number the province already holds to a new event.
The counter only ever grows; it starts at the highest number ever used (the largest
of the outbox, SQLite's AUTOINCREMENT record and what the province acknowledged).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("counters", sa.Column("name", sa.String(64), primary_key=True),
                    sa.Column("value", sa.BigInteger, nullable=False))
    conn = op.get_bind()
    used = [conn.execute(sa.text("SELECT max(seq) FROM events")).scalar() or 0,
            conn.execute(sa.text("SELECT max(acked_seq) FROM sync_state")).scalar() or 0]
    if conn.dialect.name == "sqlite":
        used.append(conn.execute(sa.text(
            "SELECT max(seq) FROM sqlite_sequence WHERE name = 'events'")).scalar() or 0)
    conn.execute(sa.text("INSERT INTO counters (name, value) VALUES ('outbox_seq', :v)"),
                 {"v": max(int(v) for v in used)})


def downgrade() -> None:
    op.drop_table("counters")
