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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Long drills (``@pytest.mark.slow``) first: the workers start them at once and share
    the short tests out meanwhile, instead of one worker finishing a drill alone at the end."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(scope="session", autouse=True)
def _keep_pytest_logging() -> Iterator[None]:
    """Programs called in-process (``motcua.cli.main([...])``) leave logging as pytest set
    it (caplog, live logs); the real set-up is tested on programs in their own process."""
    from motcua import logs

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(logs, "setup_logging", lambda verbosity=0: None)
        yield


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

    What survives a test is then frozen (``gc.freeze``): the next collection looks only
    at objects made since, instead of walking every module, widget class and fixture of
    the session again (a full collection costs 0.1-0.4 s here; there are 700 tests).
    """
    import gc

    gc.disable()
    yield
    gc.collect()
    gc.freeze()


@pytest.fixture(scope="module")
def engine() -> Iterator[Any]:
    """The test PostgreSQL (127.0.0.1:5432, database ``test``) for the provincial server's
    tests; each test makes its own schema. Fails, never skips, when PostgreSQL is missing."""
    from sqlalchemy import create_engine, text

    from tests.support.province import PG_URL

    eng = create_engine(PG_URL, pool_size=6)
    with eng.connect() as conn:
        conn.execute(text("SELECT 1"))
    yield eng
    eng.dispose()
