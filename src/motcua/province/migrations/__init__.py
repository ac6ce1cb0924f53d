"""Alembic migrations of the provincial schema (run by motcua.province.store.migrate)."""
