"""The PostgreSQL the province tests use, and upward-sync settings fast enough for tests."""

from __future__ import annotations

import os
from typing import Any

PG_URL = os.environ.get("MOTCUA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
"""Real PostgreSQL at 127.0.0.1:5432, database ``test``; each test uses its own schema."""

FAST: dict[str, Any] = {"batch_size": 200, "window": 4, "timeout_s": 1.0, "idle_poll_s": 0.05,
                        "max_backoff_s": 0.3, "reconnect_max_s": 0.3}
"""SyncClient settings: small batches, short time-outs and back-offs."""
