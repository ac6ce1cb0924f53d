"""Screenshots of the counter app in its main states, for docs/counter.md.

    motcua demo --screens counter --out docs/images

Starts a private hub (temporary database, random ports, a clock fixed at Monday
24/11/2025 09:20 in Hồ Chí Minh City), plays a morning at counter 1 and saves
``counter-signed-out.png``, ``counter-serving.png``, ``counter-waiting-list.png``,
``counter-transfer.png`` and ``counter-lost-connection.png``.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtWidgets import QApplication, QWidget

from motcua.core.centre.load import load_centre
from motcua.counter.style import load_fonts
from motcua.counter.window import CounterWindow
from motcua.hub.server import HubOptions, HubServer
from motcua.hub.storage.db import HubStore, sqlite_url
from motcua.link.client import Endpoints, HubClient
from motcua.paths import SAMPLE_CONFIG
from motcua.qt.link import QtHubLink

log = logging.getLogger(__name__)

CONFIG = SAMPLE_CONFIG
VN = ZoneInfo("Asia/Ho_Chi_Minh")


class _Clock:
    def __init__(self) -> None:
        self.now = datetime(2025, 11, 24, 8, 0, tzinfo=VN)

    def __call__(self) -> datetime:
        return self.now

    def at(self, hh: int, mm: int) -> None:
        self.now = self.now.replace(hour=hh, minute=mm)


def _wait(app: QApplication, ready: Callable[[], bool], what: str, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > deadline:
            raise TimeoutError(f"screenshots: timed out waiting for {what}")
        app.processEvents()
        time.sleep(0.01)
    for _ in range(5):  # let the 30 ms render timer and the waiting list land
        app.processEvents()
        time.sleep(0.04)
    app.processEvents()


def _save(widget: QWidget, path: Path) -> None:
    widget.grab().save(str(path))
    log.info("saved %s", path)


def take_screenshots(out: Path) -> list[Path]:
    """Play the morning and save the screenshots into ``out``; return their paths."""
    app = QApplication.instance() or QApplication(["counter-screenshots"])
    assert isinstance(app, QApplication)
    load_fonts()
    out.mkdir(parents=True, exist_ok=True)
    centre = load_centre(CONFIG)
    clock = _Clock()
    tmp = Path(tempfile.mkdtemp(prefix="motcua-counter-shots-"))
    store = HubStore(sqlite_url(tmp / "hub.sqlite"), site_id=centre.id)
    hub = HubServer(centre, store, HubOptions("tcp://127.0.0.1:*", "tcp://127.0.0.1:*"),
                    clock=clock)
    hub.start()
    command = f"tcp://127.0.0.1:{hub.command_port}"
    kiosk = HubClient(command, "kiosk-1", timeout=3.0)
    desk = HubClient(command, "counter-1", timeout=3.0)
    link = QtHubLink(Endpoints(command, f"tcp://127.0.0.1:{hub.event_port}"), "counter-1")
    link.follower.lost_after = 1.5
    saved: list[Path] = []
    try:
        # The morning before 09:20: four services at counter 1 with officer cb01 (who then
        # signed out for a break), and a queue for fields A and B.
        morning = [(7, 35, "A", None, "A.1"), (7, 41, "B", None, None),
                   (7, 52, "A", None, "A.2"), (8, 3, "B", None, None)]
        for hh, mm, code, prio, proc in morning:
            clock.at(hh, mm)
            kiosk.request("ticket.take", {"field": code, **({"procedure": proc} if proc else {}),
                                          **({"priority": prio} if prio else {})})
        clock.at(7, 45)
        desk.request("counter.open", {"officer": "cb01"})
        for minute in (8, 18, 29, 41):
            clock.at(8, minute)
            desk.request("counter.call_next", {})
            desk.request("counter.start", {})
        clock.at(8, 52)
        desk.request("counter.finish", {})
        desk.request("counter.close", {})
        queue = [(8, 44, "A", None, "A.1"), (8, 51, "B", None, None),
                 (8, 58, "A", "elderly", "A.3"), (9, 2, "A", None, "A.2"),
                 (9, 6, "B", None, None), (9, 11, "A", "disability", None),
                 (9, 15, "A", None, "A.1")]
        for hh, mm, code, prio, proc in queue:
            clock.at(hh, mm)
            kiosk.request("ticket.take", {"field": code, **({"procedure": proc} if proc else {}),
                                          **({"priority": prio} if prio else {})})
        clock.at(9, 20)

        window = CounterWindow(link, 1, on_top=False)
        window.resize(440, 800)
        link.start()
        window.show()
        _wait(app, lambda: bool(window.connected and window.officer_names and window.panel),
              "the hub")
        box = window.signin.officer_box
        box.setCurrentIndex(box.findData("cb01"))
        saved.append(out / "counter-signed-out.png")
        _save(window, saved[-1])

        window.sign_in()
        _wait(app, lambda: window.signed_in and len(window.waiting) == 7, "sign-in")
        saved.append(out / "counter-waiting-list.png")
        _save(window, saved[-1])

        window.trigger("call_next")
        _wait(app, lambda: window._busy is None and window.panel is not None
              and window.panel.current is not None, "call next")
        clock.now += timedelta(minutes=1)
        window.trigger("start")
        _wait(app, lambda: window._busy is None and window.panel is not None
              and window.panel.current is not None
              and window.panel.current.status == "serving", "start")
        saved.append(out / "counter-serving.png")
        _save(window, saved[-1])

        dialog = window.open_transfer_dialog()
        assert dialog is not None
        dialog.choose_counter(6)
        _wait(app, lambda: dialog.isVisible(), "the transfer dialog")
        saved.append(out / "counter-transfer.png")
        _save(dialog, saved[-1])
        dialog.reject()

        hub.stop()
        _wait(app, lambda: "Mất kết nối" in window.banner_text, "the lost hub", 15)
        saved.append(out / "counter-lost-connection.png")
        _save(window, saved[-1])
        window.close()
    finally:
        link.stop()
        kiosk.close()
        desk.close()
        hub.stop()
        store.close()
    return saved
