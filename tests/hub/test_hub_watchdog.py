"""The systemd watchdog: pings come from the hub's loop, and stop when the loop hangs."""

from __future__ import annotations

import socket
import threading
from pathlib import Path
from typing import Any

import pytest

from motcua.hub.storage.db import sqlite_url
from tests.support.hubs import start_hub, stop_hub


def _next_ping(sock: socket.socket, timeout: float) -> bytes | None:
    sock.settimeout(timeout)
    try:
        while True:
            msg = sock.recv(256)
            if msg == b"WATCHDOG=1":
                return msg
    except (TimeoutError, BlockingIOError):
        return None


def test_a_hung_hub_stops_pinging_and_a_live_one_pings(
        tmp_path: Path, centre: Any, clock: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    notify = tmp_path / "notify.sock"
    systemd = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    systemd.bind(str(notify))
    monkeypatch.setenv("NOTIFY_SOCKET", str(notify))
    monkeypatch.setenv("WATCHDOG_USEC", "200000")  # WatchdogSec=0.2s: pings every 0.1 s
    monkeypatch.delenv("WATCHDOG_PID", raising=False)
    server, store = start_hub(centre, sqlite_url(tmp_path / "hub.sqlite"), clock)
    release = threading.Event()
    hung = threading.Event()
    try:
        assert _next_ping(systemd, 5.0) == b"WATCHDOG=1"
        real_tick = server._tick

        def stuck_tick(pub: Any) -> None:  # a call that never returns, inside the loop
            hung.set()
            release.wait(30)
            real_tick(pub)

        server._tick = stuck_tick
        assert hung.wait(10)
        while _next_ping(systemd, 0) is not None:  # pings sent before it hung
            pass
        # Ten watchdog intervals without a ping: systemd would have restarted it.
        assert _next_ping(systemd, 2.0) is None
        server._tick = real_tick
        release.set()
        assert _next_ping(systemd, 5.0) == b"WATCHDOG=1"  # the loop is back
    finally:
        release.set()
        stop_hub(server, store)
        systemd.close()


def test_without_systemd_the_watchdog_does_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    from motcua.hub.watchdog import Watchdog

    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    monkeypatch.delenv("WATCHDOG_USEC", raising=False)
    dog = Watchdog.from_env()
    dog.ping()
    assert not dog.notify("READY=1") and dog.pings == 0
