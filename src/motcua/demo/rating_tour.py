"""Screenshots of the rating tablet (docs/images/rating-*.png), from a real hub in-process.

    motcua demo --screens rating --out docs/images

Starts a hub on random local ports with a temporary database and the sample centre,
serves one ticket at counter 1 and photographs the tablet: idle (serving), asking
(countdown), thank-you, and "Mất kết nối" after the hub stops.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtWidgets import QApplication

from motcua.link.client import Endpoints
from motcua.paths import SAMPLE_CONFIG
from motcua.qt.link import QtHubLink
from motcua.rating.drill import ServiceDrill
from motcua.rating.tablet import Phase, RatingTablet

__all__ = ["take_screenshots"]

log = logging.getLogger(__name__)
CONFIG = SAMPLE_CONFIG


def _wait(app: QApplication, done: Callable[[], bool], what: str, seconds: float = 8.0) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        app.processEvents()
        time.sleep(0.01)
    app.processEvents()


def take_screenshots(out: Path, size: tuple[int, int] = (1280, 800)) -> list[Path]:
    """Write rating-idle/asking/thanks/offline.png into ``out``; returns the paths."""
    from motcua.core.centre.load import load_centre
    from motcua.hub.server import HubOptions, HubServer
    from motcua.hub.storage.db import HubStore, sqlite_url

    app = QApplication.instance() or QApplication(["rating-screenshots"])
    assert isinstance(app, QApplication)
    out.mkdir(parents=True, exist_ok=True)
    centre = load_centre(CONFIG)
    monday = datetime(2025, 11, 24, 9, 5, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="motcua-shots-") as tmp:
        store = HubStore(sqlite_url(Path(tmp) / "hub.sqlite"), site_id=centre.id)
        server = HubServer(centre, store, HubOptions("tcp://127.0.0.1:*", "tcp://127.0.0.1:*"),
                           clock=lambda: monday)
        server.start()
        command = f"tcp://127.0.0.1:{server.command_port}"
        link = QtHubLink(Endpoints(command, f"tcp://127.0.0.1:{server.event_port}"),
                         "rating-1")
        mono = [500.0]
        tablet = RatingTablet(link, 1, monotonic=lambda: mono[0])
        tablet.resize(*size)
        tablet.show()
        link.start()
        drill = ServiceDrill(command, 1)
        stopped = False
        try:
            drill.open()
            for _ in range(7):
                drill.take("A")
            for _ in range(5):  # A001..A005: each call finishes the one before
                drill.call_next()
            _wait(app, lambda: tablet.phase is Phase.ASKING, "asking")
            tablet.press_level(tablet.buttons()[0].level.value)
            _wait(app, lambda: tablet.phase is Phase.THANKS, "thanks")
            mono[0] += 10
            _wait(app, lambda: tablet.phase is Phase.IDLE and tablet.idle_ticket.text() != "",
                  "idle")
            serving = tablet.idle_ticket.text()
            written.append(_grab(app, tablet, out / "rating-idle.png"))
            drill.finish()
            _wait(app, lambda: tablet.phase is Phase.ASKING
                  and serving in tablet.ask_ticket.text(), "asking")
            mono[0] += 8  # a citizen who has been looking for 8 seconds
            tablet.refresh()
            written.append(_grab(app, tablet, out / "rating-asking.png"))
            tablet.press_level(tablet.buttons()[1].level.value)
            _wait(app, lambda: tablet.phase is Phase.THANKS, "thanks")
            written.append(_grab(app, tablet, out / "rating-thanks.png"))
            drill.close()
            server.stop()
            stopped = True
            _wait(app, lambda: tablet.phase is Phase.OFFLINE, "offline")
            written.append(_grab(app, tablet, out / "rating-offline.png"))
        finally:
            drill.close()
            link.stop()
            if not stopped:
                server.stop()
            tablet.close()
            store.close()
    return written


def _grab(app: QApplication, tablet: RatingTablet, path: Path) -> Path:
    app.processEvents()
    if not tablet.grab().save(str(path)):
        raise OSError(f"không lưu được ảnh {path} / cannot save {path}")
    print(f"{path}")
    return path
