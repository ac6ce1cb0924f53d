"""The systemd watchdog: the hub's loop proves it is alive, or systemd restarts it.

Supervision is the last line, not the fix: ``Restart=always`` restarts a hub that died,
and ``WatchdogSec=`` restarts one that hangs (a loop stuck in a call that never
returns serves nobody, yet its process looks alive). The loop itself sends
``WATCHDOG=1`` (sd_notify) every half interval, so pings stop exactly when the loop
stops. Without systemd (no ``NOTIFY_SOCKET``) everything here does nothing.
"""

from __future__ import annotations

import logging
import os
import socket
import time

log = logging.getLogger(__name__)


class Watchdog:
    def __init__(self, socket_path: str | None, interval_s: float | None) -> None:
        self.socket_path = socket_path
        self.interval_s = interval_s
        """systemd's WatchdogSec; pings go out every half of it. None: no watchdog."""
        self._next = 0.0
        self._sock: socket.socket | None = None
        self.pings = 0

    @classmethod
    def from_env(cls) -> Watchdog:
        path = os.environ.get("NOTIFY_SOCKET") or None
        usec = os.environ.get("WATCHDOG_USEC")
        pid = os.environ.get("WATCHDOG_PID")
        interval = None
        if usec and usec.isdigit() and (pid is None or pid == str(os.getpid())):
            interval = int(usec) / 1_000_000
        return cls(path, interval)

    def notify(self, state: str) -> bool:
        """Send one sd_notify message; False when not under systemd or it failed."""
        if not self.socket_path:
            return False
        address = self.socket_path
        if address.startswith("@"):  # Linux abstract namespace
            address = "\0" + address[1:]
        try:
            if self._sock is None:
                self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
            self._sock.sendto(state.encode("ascii"), address)
            return True
        except OSError as exc:
            log.warning("sd_notify %s failed: %s", state.split("=")[0], exc)
            return False

    def ready(self) -> None:
        self.notify("READY=1")

    def stopping(self) -> None:
        self.notify("STOPPING=1")

    def ping(self) -> None:
        """Called on every turn of the hub loop; sends at most every half interval."""
        if self.interval_s is None:
            return
        now = time.monotonic()
        if now >= self._next:
            self._next = now + self.interval_s / 2
            if self.notify("WATCHDOG=1"):
                self.pings += 1

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None
