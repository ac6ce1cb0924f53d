"""The hub's upkeep: storage faults and their recovery, pruning old replies, silent
printers. Part of HubServer (a mixin); see motcua.hub.health for the fault policy."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from motcua.core.calendar import local
from motcua.core.centre.model import Centre
from motcua.hub import health
from motcua.hub.domain.engine import Actor, Engine
from motcua.hub.queries import _internal
from motcua.hub.storage.db import HubStore, StoredReply

log = logging.getLogger(__name__)


class Upkeep:
    centre: Centre
    store: HubStore
    engine: Engine
    health: health.StorageHealth
    clock: Callable[[], datetime]
    reply_window: timedelta
    offline_after_s: float
    _presence: dict[str, float]
    _replies: dict[tuple[str, str], StoredReply]
    _stale: bool
    _hb_now: bool

    def now(self) -> datetime:
        raise NotImplementedError

    def _load(self) -> None:
        raise NotImplementedError

    def _reload(self) -> None:
        """Back to what the database holds; if even reading fails, stay marked stale and
        refuse until a later turn can read (never serve from a state that was not stored)."""
        try:
            self._load()
        except Exception as exc:
            self._stale = True
            self._storage_failed(exc)

    def _storage_failed(self, exc: BaseException) -> dict[str, Any]:
        """Record a storage fault (if it is one) and return the refusal for the batch."""
        kind = health.classify(exc)
        if kind is None:
            return _internal()
        if self.health.fail(kind, str(exc).splitlines()[0][:200], self.now().isoformat()):
            self._hb_now = True  # devices learn of it at once, not at the next heartbeat
        return self.health.refusal()

    def _probe_storage(self) -> None:
        """A small real write: ends a storage fault as soon as the disk takes writes
        again, and finds a full or read-only disk at start."""
        try:
            self.store.probe()
        except Exception as exc:
            self._storage_failed(exc)
            return
        if self.health.recover():
            self._hb_now = True
        if self._stale:
            self._reload()

    def prune(self, keep: timedelta | None = None) -> int:
        """Forget stored replies older than the idempotency window (database and memory).

        A retry of a request older than the window is treated as a new request; devices
        retry within seconds, and the window (REPLY_WINDOW) covers the business day and
        the next one, so a device that was off overnight still gets its first answer.
        """
        cutoff = (local(self.centre, self.clock()) - (keep or self.reply_window)).isoformat()
        gone = self.store.prune_replies(cutoff)
        self._replies = {k: v for k, v in self._replies.items() if v.created_at >= cutoff}
        if gone:
            log.info("pruned %d stored replies older than %s", gone, cutoff)
        return gone

    def _silent_printers(self) -> list[Actor]:
        """Printers that were heard from and then fell silent while the hub thinks them fine.

        A printer node pings every few seconds; if its process dies, nobody else would
        tell the kiosk that numbers can no longer be printed.
        """
        t = time.monotonic()
        out: list[Actor] = []
        for d in self.centre.devices:
            seen = self._presence.get(d.id)
            status = self.engine.state.devices.get(d.id, {}).get("status")
            if (d.role == "printer" and seen is not None and t - seen > self.offline_after_s
                    and status not in (None, "offline")):
                out.append(Actor(d.id, "printer", d.counter, d.kiosk))
        return out
