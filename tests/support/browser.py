"""A real web server and a real browser for the web screens' tests.

- :class:`LiveServer` runs any ASGI app under uvicorn on 127.0.0.1 (a free port) in a
  thread; ``with LiveServer(app) as server: server.url``.
- The ``browser`` fixture (session scope: one Chromium for the whole run) drives
  Debian's ``/usr/bin/chromium`` through Playwright's sync API; ``page`` gives each test
  a fresh context (own cookies) at 1366×768, ``phone_page`` one at 390×844.

Use it from a conftest: ``pytest_plugins = ["tests.support.browser"]`` or import the
fixtures. Chromium comes from ``apt-get install chromium`` (scripts/setup); Playwright's
own browser download is never used.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

import pytest
import uvicorn

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage"]
LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
DOCS_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"


class _Server(uvicorn.Server):
    """uvicorn that tells the starting thread when it listens (or failed to)."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            await super().startup(sockets)
        finally:
            self.ready.set()

    def install_signal_handlers(self) -> None:  # a thread must not take the signals
        pass


class LiveServer:
    """An ASGI app served by uvicorn on 127.0.0.1 in a background thread."""

    def __init__(self, app: Any, startup_timeout: float = 20.0) -> None:
        self.app = app
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self.port = int(self._sock.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, log_level="warning", lifespan="on",
                                timeout_graceful_shutdown=1)
        self._server = _Server(config)
        self._thread = threading.Thread(target=self._run, name="live-server", daemon=True)
        self._startup_timeout = startup_timeout

    def _run(self) -> None:
        asyncio.run(self._server.serve(sockets=[self._sock]))

    def start(self) -> LiveServer:
        self._thread.start()
        if not self._server.ready.wait(self._startup_timeout) or not self._server.started:
            raise RuntimeError("web server did not start")
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(10)
        self._sock.close()

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, t: type[BaseException] | None, v: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def _context(browser: Any, viewport: dict[str, int]) -> Any:
    return browser.new_context(viewport=viewport, locale="vi-VN",
                               timezone_id="Asia/Ho_Chi_Minh", accept_downloads=True)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser tab (own cookies) at 1366×768."""
    ctx = _context(browser, LAPTOP)
    p = ctx.new_page()
    p.set_default_timeout(10_000)
    yield p
    ctx.close()


@pytest.fixture
def phone_page(browser: Any) -> Iterator[Any]:
    """A fresh browser tab at a phone's 390×844."""
    ctx = _context(browser, PHONE)
    p = ctx.new_page()
    p.set_default_timeout(10_000)
    yield p
    ctx.close()
