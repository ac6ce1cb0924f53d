"""Pictures of the live view for the docs, from a simulated busy day on a real hub.

    motcua demo --screens live --out docs/images

Writes ``live-morning.png`` (09:40, morning peak, printer out of paper),
``live-afternoon.png`` (15:20) and ``live-lost.png`` (the hub stopped: "Mất kết nối").
Each picture comes from a private hub on 127.0.0.1 whose clock the simulation moves
(:class:`motcua.simulate.day.ControlledClock`), seen by the real window over the real protocol.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

log = logging.getLogger(__name__)
SIZE = (1600, 900)


def _wait(app: Any, done: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents()
        if done():
            return True
        time.sleep(0.02)
    return False


def picture(out: Path, name: str, stop_at: tuple[int, int], *, paper_out: bool = False,
            lose_hub: bool = False) -> Path:
    """Play the sample centre's busy day up to ``stop_at`` (hour, minute) and save the
    live view as ``out/name``; ``lose_hub`` stops the hub first (lost-connection banner)."""
    from PySide6.QtWidgets import QApplication

    from motcua.core.centre.load import load_centre
    from motcua.hub.server import HubOptions, HubServer
    from motcua.hub.storage.db import HubStore, sqlite_url
    from motcua.link.client import Endpoints, HubClient
    from motcua.manager.window import LiveWindow
    from motcua.paths import SAMPLE_CONFIG as DEFAULT_CONFIG
    from motcua.qt.link import QtHubLink
    from motcua.simulate.day import ControlledClock, DaySimulation

    centre = load_centre(DEFAULT_CONFIG)
    tz = ZoneInfo(centre.timezone)
    app = QApplication.instance() or QApplication(["motcua-live-screenshots"])
    clock = ControlledClock(datetime(2025, 11, 24, 6, 0, tzinfo=tz))
    with tempfile.TemporaryDirectory(prefix="motcua-live-") as tmp:
        store = HubStore(sqlite_url(Path(tmp) / "hub.sqlite"), site_id=centre.id)
        server = HubServer(centre, store, HubOptions("tcp://127.0.0.1:*", "tcp://127.0.0.1:*"),
                           clock=clock)
        server.start()
        ends = Endpoints(f"tcp://127.0.0.1:{server.command_port}",
                         f"tcp://127.0.0.1:{server.event_port}")
        stopped = False
        link = QtHubLink(ends, "manager-1")
        link.follower.lost_after = 2.0
        window = LiveWindow(link)
        try:
            sim = DaySimulation(ends, centre, speed=0, tickets=350, seed=1, clock=clock)
            sim.run(until=datetime(2025, 11, 24, *stop_at, tzinfo=tz))
            if paper_out:
                with HubClient(ends.command, "printer-1") as printer:
                    printer.request("device.status", {
                        "status": "paper_out", "detail_vi": "Hết giấy in vé",
                        "detail_en": "Ticket printer out of paper"})
            window.resize(*SIZE)
            window.show()
            link.start()
            _wait(app, lambda: bool(window.connected and window.officer_names), 10.0)
            if lose_hub:
                server.stop()
                stopped = True
                _wait(app, lambda: window.banner_state == "lost", 10.0)
            _wait(app, lambda: False, 0.5)  # the queued picture and one clock tick
            window.refresh()
            app.processEvents()
            path = out / name
            path.parent.mkdir(parents=True, exist_ok=True)
            window.grab().save(str(path))
            return path
        finally:
            window.detach()
            link.stop()
            window.close()
            _dispose(app, window, link)
            if not stopped:
                server.stop()
            store.close()


_kept: list[Any] = []


def _dispose(app: Any, *objects: Any) -> None:
    """Delete Qt objects through the event loop, never from Python's garbage collector
    while queued signals may still name them."""
    from PySide6.QtCore import QEvent

    for obj in objects:
        obj.deleteLater()
        _kept.append(obj)  # Python must not delete them directly (cycle collection)
    app.processEvents()
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    app.processEvents()
