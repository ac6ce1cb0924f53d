"""Keep the screen current: notice new batches, fold them into the facts, tell browsers.

:class:`LiveFeed` is one thread per web process. Every ``interval`` seconds it reads the
streams' cursors (one tiny query). When a centre has synced since the last look it
refreshes ``province_facts`` (the same incremental, lock-safe refresh the sync server
runs) and publishes a ``tick`` on the broker; every open page then re-renders its own
fragment. A tick is also sent every ``idle_tick`` seconds so that "last sync 3 min ago"
and the offline highlight move on even when nothing arrives.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from sqlalchemy import Engine, text

from motcua.province.reports import refresh_facts
from motcua.web.sse import EventBroker

__all__ = ["TOPIC", "LiveFeed"]

log = logging.getLogger(__name__)
TOPIC = "province"


class LiveFeed:
    """Background poller publishing ``tick`` events when the province data changed."""

    def __init__(self, engine: Engine, schema: str, broker: EventBroker, *,
                 interval: float = 1.0, idle_tick: float = 30.0, refresh: bool = True) -> None:
        self.engine = engine
        self.schema = schema
        self.broker = broker
        self.interval = interval
        self.idle_tick = idle_tick
        self.refresh = refresh
        self.version = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last: Any = None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="province-web-live",
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None

    def _cursor(self) -> Any:
        with self.engine.connect() as conn:
            return tuple(conn.execute(text(
                f"SELECT coalesce(sum(last_seq), 0), count(*), max(last_batch_at) "
                f"FROM {self.schema}.streams")).one())

    def check(self) -> bool:
        """One look: refresh and publish when the streams moved; True if they did."""
        cursor = self._cursor()
        if cursor == self._last:
            return False
        if self.refresh:
            refresh_facts(self.engine, self.schema)
        self._last = cursor
        self.version += 1
        self.broker.publish(TOPIC, "tick", {"version": self.version})
        return True

    def _run(self) -> None:
        last_tick = time.monotonic()
        while not self._stop.wait(self.interval):
            try:
                if self.check():
                    last_tick = time.monotonic()
                elif time.monotonic() - last_tick >= self.idle_tick:
                    self.version += 1
                    self.broker.publish(TOPIC, "tick", {"version": self.version})
                    last_tick = time.monotonic()
            except Exception:  # the screen must survive a database hiccup
                log.exception("live update failed; will retry")
