"""The hub's read-only answers: ping, snapshot, a counter's waiting list, a printer's
pending tickets (no event, no stored reply). Part of HubServer (a mixin), kept apart so
the loop and its commits read on their own."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from motcua.core import protocol
from motcua.core.centre.load import centre_to_dict
from motcua.core.centre.model import Centre
from motcua.core.state import FINAL_STATES
from motcua.core.state_snapshot import state_to_dict
from motcua.hub.domain import policy
from motcua.hub.domain.engine import Actor, Engine, counter_view, ticket_public
from motcua.hub.domain.errors import Refusal
from motcua.hub.health import StorageHealth
from motcua.hub.officers import photo_reply
from motcua.hub.storage.db import HubStore


class Queries:
    """Answers to the query commands, from the hub's in-memory state."""

    centre: Centre
    store: HubStore
    engine: Engine
    health: StorageHealth
    offline_after_s: float
    _presence: dict[str, float]
    _centre_dicts: dict[str, dict[str, Any]]
    _snapshot_cache: dict[str, tuple[tuple[int, str | None], bytes]]
    options: Any  # HubOptions (server.py imports this module)

    def now(self) -> datetime:
        raise NotImplementedError

    def _query(self, actor: Actor, cmd: protocol.Command, now: datetime) -> dict[str, Any]:
        if cmd.type == "ping":
            return {"hub_now": now.isoformat(), "seq": self.store.last_seq(),
                    "stream_id": self.store.stream_id, "device": actor.device, "role": actor.role,
                    "health": self.health.to_dict()}
        if cmd.type == "snapshot":
            return self.snapshot(actor, staff=bool(cmd.body.get("staff")))
        if cmd.type == "ticket.estimate":
            return self.engine.estimate(actor, cmd.body, now)
        if cmd.type == "officer.photo":
            if actor.role not in ("display", "counter", "manager", "admin"):
                raise _forbidden(actor, cmd.type)
            return photo_reply(self.centre, self.options.config_dir, cmd.body,
                               seated_only=actor.role == "display", state=self.engine.state)
        if cmd.type == "counter.waiting":
            if actor.role not in ("counter", "manager", "admin"):
                raise _forbidden(actor, cmd.type)
            c = self.engine.counter_for(actor, cmd.body)
            limit = int(cmd.body.get("limit", 50))
            order = policy.ordered_waiting(self.centre, self.engine.state, c, limit)
            return {"counter": counter_view(self.engine, c.number), "waiting": [
                {"ticket": ticket_public(ch.ticket, now), "reason_vi": ch.reason_vi,
                 "reason_en": ch.reason_en} for ch in order]}
        if cmd.type == "printer.pending":
            if actor.role not in ("printer", "admin"):
                raise _forbidden(actor, cmd.type)
            kiosk = actor.kiosk
            pending = [ticket_public(t) for t in self.engine.state.tickets.values()
                       if t.kiosk == kiosk and not t.printed and t.status not in FINAL_STATES]
            return {"tickets": pending}
        raise _forbidden(actor, cmd.type)

    def snapshot(self, actor: Actor, *, staff: bool = False) -> dict[str, Any]:
        names = _names(actor, staff)
        s = self.engine.state
        t = time.monotonic()
        online = sorted(d for d, seen in self._presence.items() if t - seen < self.offline_after_s)
        return {
            "stream_id": self.store.stream_id, "seq": self.store.last_seq(),
            "hub_now": self.now().isoformat(),
            "centre": self._centre_dict(names),
            "state": state_to_dict(s),
            "waiting": {f.code: s.waiting_count(f.code) for f in self.centre.fields},
            "online": online, "health": self.health.to_dict(), "you": {"device": actor.device, "role": actor.role,
                                      "counter": actor.counter, "kiosk": actor.kiosk},
        }

    def snapshot_bytes(self, actor: Actor, *, staff: bool = False) -> bytes:
        """:meth:`snapshot` as its JSON reply body, the heavy part encoded once per seq.

        The centre and the day's state are the same for every device until the next
        event; a display that asks for thousands of snapshots, or twenty boards coming
        back after a restart, must cost one encoding, not one each.
        """
        names = _names(actor, staff)
        key = (self.store.last_seq(), self.engine.state.day)
        cached = self._snapshot_cache.get(names)
        if cached is None or cached[0] != key:
            heavy = protocol.dumps({"centre": self._centre_dict(names),
                                    "state": state_to_dict(self.engine.state)})
            cached = self._snapshot_cache[names] = (key, heavy)
        s = self.engine.state
        t = time.monotonic()
        online = sorted(d for d, seen in self._presence.items() if t - seen < self.offline_after_s)
        light = protocol.dumps({
            "stream_id": self.store.stream_id, "seq": self.store.last_seq(),
            "hub_now": self.now().isoformat(),
            "waiting": {f.code: s.waiting_count(f.code) for f in self.centre.fields},
            "online": online, "health": self.health.to_dict(),
            "you": {"device": actor.device, "role": actor.role, "counter": actor.counter,
                    "kiosk": actor.kiosk}})
        return light[:-1] + b"," + cached[1][1:]

    def _centre_dict(self, names: str) -> dict[str, Any]:
        """The centre as snapshots carry it; it never changes while the hub runs.
        ``names``: officers by ``ids`` only, with ``titles`` (boards) or as ``staff``."""
        cached = self._centre_dicts.get(names)
        if cached is None:
            cached = self._centre_dicts[names] = centre_to_dict(
                self.centre, include_staff=names == "staff",
                include_titles=names == "titles")
        return cached


def _names(actor: Actor, staff: bool) -> str:
    """How officers appear in this device's snapshot: as ``staff`` (counters, the manager),
    by name and title on boards (Decree 118/2025 Art. 9.8), else by id only."""
    if staff and actor.role in ("counter", "manager", "admin"):
        return "staff"
    return "titles" if actor.role in ("display", "admin") else "ids"



def _request_id(frames: list[bytes]) -> str:
    if len(frames) >= 3 and 0 < len(frames[2]) <= protocol.MAX_ID_BYTES:
        try:
            text = frames[2].decode("ascii")
            if text.isprintable():
                return text
        except UnicodeDecodeError:
            pass
    return "-"


def _unauthorised() -> dict[str, Any]:
    return {"code": "not_authorised", "message_vi": "Thiết bị chưa được cấp quyền",
            "message_en": "Device not authorised", "details": {}}


def _internal() -> dict[str, Any]:
    return {"code": "internal", "message_vi": "Lỗi nội bộ của máy chủ, xin thử lại",
            "message_en": "Internal hub error, please retry", "details": {}}


def _forbidden(actor: Actor, kind: str) -> Refusal:
    return Refusal("forbidden", f"Thiết bị {actor.device} không được phép: {kind}",
                   f"Device {actor.device} may not send {kind}")
