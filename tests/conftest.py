"""Shared fixtures: the sample centre, a controllable clock, a real hub on 127.0.0.1.

The helpers behind them live in :mod:`tests.support` (tests import from there, never
from one another).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.clock import FakeClock
from tests.support.hubs import ROOT, RunningHub, start_hub

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# One Chromium for the whole run (web screens): fixtures browser, page, phone_page.
pytest_plugins = ["tests.support.browser"]


@pytest.fixture(scope="session")
def centre() -> Any:
    from motcua.core.centre.load import load_centre

    return load_centre(ROOT / "config" / "centre.toml")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def hub(tmp_path: Path, centre: Any, clock: FakeClock) -> Iterator[RunningHub]:
    """A real hub on random local ports with a temporary SQLite database."""
    from motcua.hub.storage.db import sqlite_url

    db = tmp_path / "hub.sqlite"
    running = start_hub(centre, sqlite_url(db), clock, db_path=db)
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def _garbage_on_the_main_thread() -> Iterator[None]:
    """Collect cyclic garbage here, on the main (GUI) thread, never in a worker thread.

    Widgets of earlier tests that become garbage must not be destroyed by a collection
    that happens to run in a link thread: Qt crashes when objects die off their thread.
    The programs do the same with motcua.qt.link.collect_garbage_on_gui_thread.
    """
    import gc

    gc.disable()
    yield
    gc.collect()
