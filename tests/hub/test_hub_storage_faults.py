"""A full or read-only disk: a specific refusal in words, an alert, recovery by itself.

The disk is made full with SQLite's ``max_page_count`` on the hub's own connection
(the file may not grow), and read-only with a small tmpfs re-mounted read-only. While
the fault lasts, state-changing requests are refused with ``storage_full`` /
``storage_unavailable`` (never a generic ``internal``), ``ping``, snapshots and
heartbeats carry it; when space returns the hub recovers without a restart, and the
outbox and ticket numbers go on without a gap or a repeat.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from motcua.hub.health import FULL, UNAVAILABLE, classify
from motcua.hub.storage.db import sqlite_url
from motcua.link.client import Endpoints, EventFollower, HubError
from tests.support.drills import check_database
from tests.support.hubs import start_hub, stop_hub
from tests.support.wait import wait_until


def _pragma(store: Any, sql: str) -> Any:
    with store._lock:  # the hub's one writing connection, between two of its commits
        result = store._writer.exec_driver_sql(sql)
        value = result.scalar() if result.returns_rows else None
        store._writer.commit()
        return value


def _fill_disk(store: Any) -> None:
    pages = _pragma(store, "PRAGMA page_count")
    _pragma(store, f"PRAGMA max_page_count = {pages}")


def _free_disk(store: Any) -> None:
    _pragma(store, "PRAGMA max_page_count = 1073741823")


def test_a_full_disk_refuses_in_words_alerts_and_recovers_without_restart(hub: Any) -> None:
    kiosk = hub.client("kiosk-1", retries=0)
    first = kiosk.request("ticket.take", {"field": "A"})["ticket"]
    board = EventFollower(Endpoints(hub.command, hub.events), "display-hall")
    alerts: list[str] = []
    board.on_health = lambda view: alerts.append(str(view.health["storage"]))
    board.start()
    try:
        wait_until(lambda: board.view is not None, "board snapshot", timeout=10)
        _fill_disk(hub.store)
        # Each take writes a fact row and a reply: the file must grow, and may not.
        refusal = None
        for _ in range(50):
            try:
                kiosk.request("ticket.take", {"field": "A"})
            except HubError as exc:
                refusal = exc
                break
        assert refusal is not None and refusal.code == "storage_full"
        assert "tạm ngừng cấp số" in refusal.vi and "not issued" in refusal.en
        health = kiosk.request("ping")["health"]
        assert health["storage"] == "full" and health["code"] == "storage_full"
        wait_until(lambda: alerts[-1:] == ["full"], "the board hears of the full disk", timeout=10)
        assert board.view is not None and board.view.storage_fault
        assert hub.client("manager-1").request("snapshot", {})["health"]["storage"] == "full"

        _free_disk(hub.store)  # space returns: no restart, the hub finds out by itself
        wait_until(lambda: kiosk.request("ping")["health"]["storage"] == "ok", "recovery",
                   timeout=10)
        wait_until(lambda: alerts[-1:] == ["ok"], "the board hears of the recovery", timeout=10)
        after = kiosk.request("ticket.take", {"field": "A"})["ticket"]
    finally:
        board.stop()
    check = check_database(hub.db_path)  # gap-free outbox, numbers 1..n, nothing reused
    issued = sorted(t["number"] for t in check.issued.values() if t["field"] == "A")
    assert issued == list(range(1, len(issued) + 1))
    assert first["number"] == 1 and after["number"] == issued[-1]


def test_storage_errors_are_classified() -> None:
    import sqlite3

    full = sqlite3.OperationalError("database or disk is full")
    assert classify(full) == FULL
    assert classify(sqlite3.OperationalError("attempt to write a readonly database")) \
        == UNAVAILABLE
    assert classify(OSError(28, "No space left on device")) == FULL
    assert classify(ValueError("a bug")) is None


@pytest.fixture
def small_disk(tmp_path: Path) -> Any:
    """A real 1 MiB file system (tmpfs): the disk really fills up."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)],
                          capture_output=True)
    assert done.returncode == 0, f"this drill needs root to mount a tmpfs: {done.stderr!r}"
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_a_really_full_file_system_then_space_again(
        small_disk: Path, centre: Any, clock: Any) -> None:
    server, store = start_hub(centre, sqlite_url(small_disk / "hub.sqlite"), clock,
                              open_all_hours=True)
    from motcua.link.client import HubClient

    kiosk = HubClient(f"tcp://127.0.0.1:{server.command_port}", "kiosk-1", retries=0)
    ballast = small_disk / "ballast"
    try:
        kiosk.request("ticket.take", {"field": "A"})
        with ballast.open("wb") as f:  # someone's file takes every last byte
            try:
                while True:
                    f.write(b"\0" * 65536)
                    f.flush()
            except OSError:
                pass
        codes = set()
        for _ in range(200):
            try:
                kiosk.request("ticket.take", {"field": "A"})
            except HubError as exc:
                codes.add(exc.code)
                break
        assert codes == {"storage_full"}, codes
        ballast.unlink()
        wait_until(lambda: kiosk.request("ping")["health"]["storage"] == "ok", "recovery",
                   timeout=10)
        kiosk.request("ticket.take", {"field": "A"})
    finally:
        kiosk.close()
        stop_hub(server, store)
    check = check_database(small_disk / "hub.sqlite")
    numbers = sorted(t["number"] for t in check.issued.values())
    assert numbers == list(range(1, len(numbers) + 1))


def test_a_database_that_turns_read_only_is_reported_and_recovers(hub: Any) -> None:
    """The writer is switched to read-only (``query_only``), as after a file-system error;
    the hub replaces its connection when it probes, and recovers."""
    kiosk = hub.client("kiosk-1", retries=0)
    kiosk.request("ticket.take", {"field": "A"})
    _pragma(hub.store, "PRAGMA query_only = ON")
    with pytest.raises(HubError) as refused:
        kiosk.request("ticket.take", {"field": "A"})
    assert refused.value.code == "storage_unavailable"
    assert "tạm ngừng cấp số" in refused.value.vi
    wait_until(lambda: kiosk.request("ping")["health"]["storage"] == "ok", "recovery", timeout=10)
    assert kiosk.request("ticket.take", {"field": "A"})["ticket"]["number"] == 2
    check = check_database(hub.db_path)
    assert sorted(t["number"] for t in check.issued.values()) == [1, 2]
