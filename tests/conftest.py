"""Shared fixtures: the sample centre, a controllable clock, a real hub on 127.0.0.1."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
VN = ZoneInfo("Asia/Ho_Chi_Minh")


class FakeClock:
    """A clock the test moves by hand (Monday 24/11/2025 09:00 in Hồ Chí Minh City)."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2025, 11, 24, 9, 0, tzinfo=VN)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> datetime:
        self.now += timedelta(**kw)
        return self.now


@pytest.fixture(scope="session")
def centre():  # type: ignore[no-untyped-def]
    from motcua.centre import load_centre

    return load_centre(ROOT / "config" / "centre.toml")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@dataclass
class RunningHub:
    server: object
    store: object
    command: str
    events: str
    db_path: Path

    def client(self, device: str = "admin", **kw):  # type: ignore[no-untyped-def]
        from motcua.client import HubClient

        return HubClient(self.command, device, **kw)


@pytest.fixture
def hub(tmp_path: Path, centre, clock: FakeClock) -> Iterator[RunningHub]:  # type: ignore[no-untyped-def]
    from hub.server import HubOptions, HubServer
    from hub.storage.db import HubStore, sqlite_url

    db = tmp_path / "hub.sqlite"
    store = HubStore(sqlite_url(db), site_id=centre.id)
    server = HubServer(centre, store, HubOptions("tcp://127.0.0.1:*", "tcp://127.0.0.1:*"),
                       clock=clock)
    server.start()
    running = RunningHub(server, store, f"tcp://127.0.0.1:{server.command_port}",
                         f"tcp://127.0.0.1:{server.event_port}", db)
    yield running
    server.stop()
    store.close()
