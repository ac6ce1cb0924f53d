"""The hub's own health: is its disk taking writes?

When a commit fails because the disk is full or cannot be written (read-only after a
file-system error, a pulled USB disk), the hub refuses state-changing requests with a
specific code in words (``storage_full`` / ``storage_unavailable``) instead of a
generic ``internal`` error, says so in every heartbeat, snapshot and ``ping`` so the
kiosk, the boards and the manager's live view can show it, and tries a small write on
every tick; the first one that succeeds ends the fault (no restart). Nothing is lost:
a refused request was never acknowledged, and a failed transaction leaves nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

OK = "ok"
FULL = "full"
UNAVAILABLE = "unavailable"

_WORDS = {
    FULL: ("storage_full",
           "Ổ đĩa của máy chủ đã đầy: tạm ngừng cấp số, xin báo cán bộ quản lý",
           "The hub's disk is full: tickets are temporarily not issued; tell the manager"),
    UNAVAILABLE: ("storage_unavailable",
                  "Máy chủ không ghi được dữ liệu: tạm ngừng cấp số, xin báo cán bộ quản lý",
                  "The hub cannot write its data: tickets are temporarily not issued; "
                  "tell the manager"),
}


def classify(exc: BaseException) -> str | None:
    """FULL / UNAVAILABLE for a storage failure, None for anything else (a bug)."""
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        name = str(getattr(cur, "sqlite_errorname", ""))
        text = str(cur).lower()
        sqlstate = str(getattr(cur, "sqlstate", "") or getattr(cur, "pgcode", "") or "")
        if name == "SQLITE_FULL" or "disk is full" in text or sqlstate == "53100":
            return FULL
        if isinstance(cur, OSError) and cur.errno == 28:  # ENOSPC
            return FULL
        if (name.startswith(("SQLITE_READONLY", "SQLITE_IOERR", "SQLITE_CANTOPEN"))
                or "readonly database" in text or "disk i/o error" in text
                or "unable to open database" in text
                or (isinstance(cur, OSError) and cur.errno in (5, 13, 30))):
            return UNAVAILABLE
        cur = getattr(cur, "orig", None) or cur.__cause__ or cur.__context__
    return None


@dataclass
class StorageHealth:
    state: str = OK
    since: str | None = None
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.state == OK

    def fail(self, state: str, detail: str, now_iso: str) -> bool:
        """Record a fault; True when it is new (worth an alert and a log line)."""
        new = self.state != state
        if new:
            log.error("storage %s: %s (state-changing requests are refused until it "
                      "recovers)", state, detail)
            self.state, self.since, self.detail = state, now_iso, detail
        return new

    def recover(self) -> bool:
        if self.state == OK:
            return False
        log.warning("storage recovered after the %s fault since %s", self.state, self.since)
        self.state, self.since, self.detail = OK, None, ""
        return True

    def refusal(self) -> dict[str, Any]:
        code, vi, en = _WORDS.get(self.state, _WORDS[UNAVAILABLE])
        return {"code": code, "message_vi": vi, "message_en": en,
                "details": {"since": self.since}}

    def to_dict(self) -> dict[str, Any]:
        """What heartbeats, snapshots and ``ping`` carry (``{"storage": "ok"}`` when well)."""
        if self.ok:
            return {"storage": OK}
        code, vi, en = _WORDS[self.state]
        return {"storage": self.state, "code": code, "since": self.since,
                "message_vi": vi, "message_en": en}
