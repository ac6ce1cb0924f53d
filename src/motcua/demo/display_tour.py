"""Make the documentation pictures of the boards with a real hub on this machine.

    motcua demo --screens display --out docs/images

Starts a hub (temporary SQLite database, clock set to Monday 24/11/2025 09:41),
plays a morning (six counters, forty-odd tickets), then saves

* ``display-hall.png``: hall board 1920×1080 just after a live call (flashing);
* ``display-counter.png``: counter 3's board, 1280×720;
* ``display-disconnected.png``: the hall board after the hub stopped.

Also prints how long a cold-started board took to show the right picture.
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from motcua.paths import CHECKOUT_DIR

ROOT = CHECKOUT_DIR
VN = ZoneInfo("Asia/Ho_Chi_Minh")


class _Clock:
    def __init__(self) -> None:
        self.now = datetime(2025, 11, 24, 9, 41, 0, tzinfo=VN)

    def __call__(self) -> datetime:
        return self.now

    def tick(self, seconds: float = 20) -> None:
        self.now += timedelta(seconds=seconds)


def _morning(hub_cmd: str, clock: _Clock) -> None:
    from motcua.link.client import HubClient

    def client(name: str) -> HubClient:
        return HubClient(hub_cmd, name, timeout=3.0)

    kiosk = client("kiosk-1")
    desks = {n: client(f"counter-{n}") for n in range(1, 7)}
    for n, desk in desks.items():
        desk.request("counter.open", {"officer": f"cb0{n}"})
    plan = "AACABCDAEACGBHCAKEDACLBMACEAGDCHAB"
    for i, code in enumerate(plan):
        body: dict[str, Any] = {"field": code}
        if i in (7, 19):
            body["priority"] = "elderly"
        kiosk.request("ticket.take", body)
        clock.tick(25)
    for round_ in range(3):
        for desk in desks.values():
            clock.tick(40)
            r = desk.request("counter.call_next", {})
            if r.get("ticket") is None:
                continue
            desk.request("counter.start", {})
            if round_ < 2:
                clock.tick(180)
                desk.request("counter.finish", {})
    desks[5].request("counter.finish", {})
    desks[5].request("counter.pause", {})
    clock.tick(30)
    desks[2].request("counter.finish", {})
    desks[2].request("counter.call_next", {})
    clock.tick(20)
    desks[3].request("counter.recall", {})


def _wait(app: Any, until: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents()
        if until():
            return True
        time.sleep(0.01)
    return False


def run(out: Path) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from motcua.core.centre.load import load_centre
    from motcua.display.counter_board import CounterBoard
    from motcua.display.hall import HallBoard
    from motcua.hub.server import HubOptions, HubServer
    from motcua.hub.storage.db import HubStore, sqlite_url
    from motcua.link.client import Endpoints, HubClient
    from motcua.qt.link import QtHubLink

    app = QApplication.instance() or QApplication([])
    centre = load_centre(ROOT / "config" / "centre.toml")
    clock = _Clock()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        store = HubStore(sqlite_url(Path(tmp) / "hub.sqlite"), site_id=centre.id)
        server = HubServer(centre, store, HubOptions("tcp://127.0.0.1:*", "tcp://127.0.0.1:*",
                                                     open_all_hours=True), clock=clock)
        server.start()
        ends = Endpoints(f"tcp://127.0.0.1:{server.command_port}",
                         f"tcp://127.0.0.1:{server.event_port}")
        _morning(ends.command, clock)
        link = QtHubLink(ends, "display-hall")
        hall = HallBoard(link)
        hall.resize(1920, 1080)
        started = time.monotonic()
        link.start()
        want = server.store.last_seq()
        ok = _wait(app, lambda: hall.connected and hall.model is not None
                   and hall.model.seq >= want, 10)
        print(f"cold start to a correct board: {time.monotonic() - started:.2f} s "
              f"(seq {want}, ok={ok})")
        desk = HubClient(ends.command, "counter-1")
        desk.request("counter.finish", {})
        clock.tick(15)
        sent = time.monotonic()
        called = desk.request("counter.call_next", {})["ticket"]["label"]
        _wait(app, lambda: hall.model is not None and hall.model.newest is not None
              and hall.model.newest.label == called and hall.flashing, 5)
        print(f"live call {called} on the board after {time.monotonic() - sent:.3f} s")
        _save(hall, out / "display-hall.png")
        board = CounterBoard(link, 3)
        board.resize(1280, 720)
        _wait(app, lambda: board.model is not None, 3)
        _save(board, out / "display-counter.png")
        server.stop()
        _wait(app, lambda: hall.overlay == "lost", 10)
        _save(hall, out / "display-disconnected.png")
        for b in (hall, board):
            b.detach()
        link.stop()
        store.close()
    return 0


def _save(widget: Any, path: Path) -> None:
    if not widget.grab().save(str(path)):
        raise OSError(f"could not save {path}")
    print(f"saved {path}")
