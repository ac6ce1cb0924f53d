"""Shared fixtures: the sample centre, a controllable clock, a real hub on 127.0.0.1."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# One Chromium for the whole run (web screens): fixtures browser, page, phone_page.
pytest_plugins = ["tests.support.browser"]

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
    from motcua.core.centre.load import load_centre

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
    clients: list = dataclasses.field(default_factory=list)  # type: ignore[type-arg]

    def client(self, device: str = "admin", **kw):  # type: ignore[no-untyped-def]
        """A HubClient for ``device``; closed by the fixture at the end of the test."""
        from motcua.link.client import HubClient

        c = HubClient(self.command, device, **kw)
        self.clients.append(c)
        return c


@pytest.fixture
def hub(tmp_path: Path, centre, clock: FakeClock) -> Iterator[RunningHub]:  # type: ignore[no-untyped-def]
    from motcua.hub.server import HubOptions, HubServer
    from motcua.hub.storage.db import HubStore, sqlite_url

    db = tmp_path / "hub.sqlite"
    store = HubStore(sqlite_url(db), site_id=centre.id)
    server = HubServer(centre, store, HubOptions("tcp://127.0.0.1:*", "tcp://127.0.0.1:*"),
                       clock=clock)
    server.start()
    running = RunningHub(server, store, f"tcp://127.0.0.1:{server.command_port}",
                         f"tcp://127.0.0.1:{server.event_port}", db)
    yield running
    for c in running.clients:
        c.close()
    server.stop()
    store.close()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_hub(centre, db_url: str, clock, command_port: int = 0, event_port: int = 0,  # type: ignore[no-untyped-def]
              **options):
    """A real hub on 127.0.0.1 (explicit ports let a test restart it in place)."""
    from motcua.hub.server import HubOptions, HubServer
    from motcua.hub.storage.db import HubStore

    store = HubStore(db_url, site_id=centre.id)
    cmd = f"tcp://127.0.0.1:{command_port or '*'}"
    ev = f"tcp://127.0.0.1:{event_port or '*'}"
    server = HubServer(centre, store, HubOptions(cmd, ev, **options), clock=clock)
    server.start()
    return server, store


@pytest.fixture(autouse=True)
def _garbage_on_the_main_thread():  # type: ignore[no-untyped-def]
    """Collect cyclic garbage here, on the main (GUI) thread, never in a worker thread.

    Widgets of earlier tests that become garbage must not be destroyed by a collection
    that happens to run in a link thread: Qt crashes when objects die off their thread.
    The programs do the same with motcua.qt.link.collect_garbage_on_gui_thread.
    """
    import gc

    gc.disable()
    yield
    gc.collect()
