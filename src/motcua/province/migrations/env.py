"""Alembic environment for the provincial schema (run by motcua.province.store.migrate).

Every revision works inside one PostgreSQL schema, named by the caller
(``config.attributes["schema"]``), and Alembic's ``alembic_version`` table lives in that
schema too, so several provinces (or test runs) share one database without meeting.
"""

from __future__ import annotations

from alembic import context

config = context.config
connection = config.attributes["connection"]
schema = config.attributes["schema"]
context.configure(connection=connection, version_table_schema=schema,
                  transactional_ddl=True)
with context.begin_transaction():
    context.run_migrations(schema=schema)
