"""The provincial schema is made and changed by Alembic migrations, inside its own schema."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import Engine, inspect, text

from motcua.province.sim import MemoryOutbox, centre_day
from motcua.province.store import HEAD_REVISION, MIGRATIONS, Store, migrate
from tests.support.province import batch_of


@pytest.fixture
def schema(engine: Engine) -> Iterator[str]:
    name = f"t_mig_{uuid.uuid4().hex[:12]}"
    yield name
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {name} CASCADE"))


def _version(engine: Engine, schema: str) -> str | None:
    with engine.connect() as conn:
        return conn.execute(text(f"SELECT version_num FROM {schema}.alembic_version")).scalar()


def test_head_revision_is_the_newest_file() -> None:
    revisions = [re.match(r"(\d{4})_", p.name) for p in (MIGRATIONS / "versions").glob("*.py")]
    assert max(m.group(1) for m in revisions if m) == HEAD_REVISION


def test_migrate_makes_every_table_in_its_own_schema(engine: Engine, schema: str) -> None:
    migrate(engine, schema)
    migrate(engine, schema)  # idempotent: already at the head
    assert _version(engine, schema) == HEAD_REVISION
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names(schema=schema))
        public = set(inspect(conn).get_table_names(schema="public"))
    assert {"streams", "events", "daily_counts", "alembic_version"} <= tables
    assert not {"streams", "daily_counts"} & public  # nothing leaks into public


def test_a_schema_made_before_migrations_is_adopted_with_its_data(engine: Engine,
                                                                  schema: str) -> None:
    """The earlier code made the same tables with plain DDL and no version table."""
    store = Store(engine, schema)
    migrate(engine, schema)
    box = MemoryOutbox("79-phuong-ben-thanh")
    box.extend(centre_day(date(2025, 7, 1), 20))
    store.create_schema()
    store.ingest(batch_of(box, 1, box.last_seq()))
    with engine.begin() as conn:  # as the old code left it: tables, no alembic_version
        conn.execute(text(f"DROP TABLE {schema}.alembic_version"))
    Store(engine, schema).create_schema()
    assert _version(engine, schema) == HEAD_REVISION
    assert Store(engine, schema).count_events() == box.last_seq()


def test_downgrade_removes_the_tables_and_upgrade_brings_them_back(engine: Engine,
                                                                   schema: str) -> None:
    from alembic import command
    from alembic.config import Config

    migrate(engine, schema)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes.update(connection=conn, schema=schema)
        command.downgrade(cfg, "base")
    with engine.connect() as conn:
        assert set(inspect(conn).get_table_names(schema=schema)) == {"alembic_version"}
    migrate(engine, schema)
    assert _version(engine, schema) == HEAD_REVISION
