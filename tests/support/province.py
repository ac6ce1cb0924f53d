"""The PostgreSQL the province tests use, and upward-sync settings fast enough for tests."""

from __future__ import annotations

import os
from typing import Any

PG_URL = os.environ.get("MOTCUA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
"""Real PostgreSQL at 127.0.0.1:5432, database ``test``; each test uses its own schema."""

FAST: dict[str, Any] = {"batch_size": 200, "window": 4, "timeout_s": 1.0, "idle_poll_s": 0.05,
                        "max_backoff_s": 0.3, "reconnect_max_s": 0.3}
"""SyncClient settings: small batches, short time-outs and back-offs."""


def batch_of(box: Any, first: int, last: int, site: str | None = None) -> Any:
    """Events ``first..last`` of a :class:`~motcua.province.sim.MemoryOutbox` as the
    province receives them (a parsed :class:`~motcua.province.protocol.Batch`)."""
    import json

    from motcua.province.protocol import parse_batch

    events = [e.to_wire() for e in box.read_after(first - 1, last - first + 1)]
    payload = {"site": site or box.site_id, "stream_id": box.stream_id, "first_seq": first,
               "last_seq": last, "hub_now": "2025-07-01T17:00:00+07:00", "events": events}
    return parse_batch(json.dumps(payload, ensure_ascii=False).encode())
