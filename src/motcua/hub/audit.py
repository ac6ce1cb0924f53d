"""The key audit log: who was enrolled, revoked or refused, with which key, and when.

One JSON object per line in ``DATA/keys/audit.log`` (mode 0600). Two processes write it:
``motcua keys`` (enrolments, revocations) and the running hub (refused keys, refused
roles). Each entry is one ``write`` of one line on a file opened with ``O_APPEND``, so
lines from both never interleave. ``motcua keys log`` prints it.

Refusals are throttled per (what, key): a revoked device that keeps reconnecting, or a
stolen PC sending thousands of commands a second, must not fill the disk. The first
refusal is written at once; further ones within ``THROTTLE_S`` are counted and the count
goes into the next entry for that key (``repeats``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from zmq.utils import z85

log = logging.getLogger(__name__)
AUDIT_FILE = "audit.log"
THROTTLE_S = 60.0

ENROLLED = "enrolled"
REVOKED = "revoked"
REPLACED = "replaced"
REFUSED_KEY = "refused_key"
REFUSED_ROLE = "refused_role"
REFUSED_ROUTING_ID = "refused_routing_id"

WORDS = {
    ENROLLED: ("cấp quyền", "enrolled"),
    REVOKED: ("thu hồi", "revoked"),
    REPLACED: ("thay khoá", "key replaced"),
    REFUSED_KEY: ("từ chối khoá", "key refused"),
    REFUSED_ROLE: ("từ chối vai trò", "role refused"),
    REFUSED_ROUTING_ID: ("mạo danh", "claimed another name"),
}


def fingerprint(z85_key: str) -> str:
    """A short, stable name for a public key: the first 16 hex digits of its SHA-256.

    Public keys are not secret; the fingerprint only keeps log lines short. It is the
    same string ``motcua keys list`` shows.
    """
    try:
        raw = z85.decode(z85_key.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raw = z85_key.encode("utf-8", "replace")
    return hashlib.sha256(raw).hexdigest()[:16]


@dataclass(frozen=True)
class AuditEntry:
    time: str
    event: str
    device: str
    key: str
    """Fingerprint of the public key (see ``fingerprint``), "" when none applies."""
    role: str = ""
    detail: str = ""
    repeats: int = 0
    """How many more times the same refusal happened since the previous entry."""


class AuditLog:
    """Appends entries to the audit file; safe to share between threads."""

    def __init__(self, path: Path, *, throttle_s: float = THROTTLE_S) -> None:
        self.path = path
        self.throttle_s = throttle_s
        self._lock = threading.Lock()
        self._last: dict[tuple[str, str], float] = {}
        self._suppressed: dict[tuple[str, str], tuple[AuditEntry, int]] = {}
        """Refusals held back: the latest one per slot and how many there were."""

    def record(self, event: str, device: str, key_fp: str, *, role: str = "",
               detail: str = "") -> None:
        """Write one entry now (enrolments and revocations are never throttled)."""
        self._write(AuditEntry(_now(), event, device, key_fp, role, detail))

    def refusal(self, event: str, device: str, key_fp: str, *, role: str = "",
                detail: str = "") -> None:
        """Write a refusal, at most once per ``throttle_s`` per (event, key)."""
        slot = (event, key_fp or device)
        t = time.monotonic()
        entry = AuditEntry(_now(), event, device, key_fp, role, detail)
        with self._lock:
            last = self._last.get(slot)
            if last is not None and t - last < self.throttle_s:
                _held, count = self._suppressed.get(slot, (entry, 0))
                self._suppressed[slot] = (entry, count + 1)
                return
            self._last[slot] = t
            _held, repeats = self._suppressed.pop(slot, (entry, 0))
        self._write(AuditEntry(entry.time, event, device, key_fp, role, detail, repeats))

    def flush(self) -> None:
        """Write the count of refusals held back longer than ``throttle_s`` (the hub
        calls this on its tick), so a burst that stopped is still on record."""
        t = time.monotonic()
        due: list[AuditEntry] = []
        with self._lock:
            for slot, (entry, count) in list(self._suppressed.items()):
                if t - self._last.get(slot, 0.0) >= self.throttle_s:
                    del self._suppressed[slot]
                    self._last[slot] = t
                    due.append(AuditEntry(entry.time, entry.event, entry.device, entry.key,
                                          entry.role, entry.detail, count - 1))
        for entry in due:  # the latest refusal, and how many came before it unwritten
            self._write(entry)

    def _write(self, entry: AuditEntry) -> None:
        line = json.dumps(entry.__dict__, ensure_ascii=False) + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line.encode("utf-8"))
            finally:
                os.close(fd)
        except OSError as exc:  # a full disk must not stop the hub from refusing
            log.error("audit log %s not written (%s): %s", self.path, exc, line.strip())
        # Refusals are news in the hub's journal; enrolments the tool already printed.
        log.log(logging.INFO if entry.event.startswith("refused") else logging.DEBUG,
                "audit: %s %s key %s %s", entry.event, entry.device, entry.key, entry.detail)


def read_entries(path: Path) -> Iterator[AuditEntry]:
    """Every readable entry, oldest first; a damaged line is skipped, not fatal."""
    if not path.exists():
        return
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            try:
                raw: dict[str, Any] = json.loads(line)
                yield AuditEntry(str(raw["time"]), str(raw["event"]), str(raw["device"]),
                                 str(raw.get("key", "")), str(raw.get("role", "")),
                                 str(raw.get("detail", "")), int(raw.get("repeats", 0)))
            except (ValueError, KeyError, TypeError):
                continue


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")
