"""Ticket facts: the outcome an officer recorded and the dossier numbers.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ticket_facts") as batch:
        batch.add_column(sa.Column("outcome", sa.String(32)))
        batch.add_column(sa.Column("dossiers", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("ticket_facts") as batch:
        batch.drop_column("dossiers")
        batch.drop_column("outcome")
