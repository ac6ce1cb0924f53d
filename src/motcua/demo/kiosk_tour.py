"""Pictures of every kiosk screen in both orientations (docs, demo, acceptance).

    motcua demo --screens kiosk --out docs/images

:func:`take_screenshots` starts a private hub (temporary database, random ports) and the
real kiosk window on its link, waits for the hub's snapshot and saves every screen. Walks the window through home, procedures, documents, confirm, result, lookup and
the two fault states with :meth:`KioskWindow.preview_state`, grabbing each with
``QWidget.grab()``. Nothing is sent to the hub: the result screen shows the number
the next ticket of the field *would* get, built from the current view.
"""

from __future__ import annotations

import logging
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication

from motcua.core.calendar import local
from motcua.core.centre.load import load_centre
from motcua.core.centre.model import Field
from motcua.hub.domain.estimate import estimate_wait_minutes
from motcua.hub.server import HubOptions, HubServer
from motcua.hub.storage.db import HubStore, sqlite_url
from motcua.kiosk.model import Flow, ahead_for
from motcua.kiosk.theme import Orientation
from motcua.kiosk.window import KioskWindow
from motcua.link.client import Endpoints
from motcua.paths import SAMPLE_CONFIG
from motcua.qt.link import QtHubLink

log = logging.getLogger(__name__)

SCREENS = ("home", "procedures", "documents", "confirm", "result", "lookup",
           "disconnected", "printer-fault")
ORIENTATIONS: tuple[Orientation, ...] = ("portrait", "landscape")


def _settle() -> None:
    # Layout requests are posted events: run them so the grab shows the final layout.
    for _ in range(3):
        QApplication.sendPostedEvents()
        QApplication.processEvents()


def _sample_result(window: KioskWindow, field: Field) -> dict[str, Any]:
    """What ``ticket.take`` would answer for ``field`` now (for the picture only)."""
    view = window.ctx.view
    assert view is not None
    number = view.state.last_number.get(field.code, 0) + 1
    ahead = ahead_for(view, field.code, None)
    return {"ticket": {"id": "preview", "label": f"{field.prefix}{number:03d}",
                       "ahead": ahead, "priority": None,
                       "estimate_minutes": estimate_wait_minutes(
                           view.centre, view.state, field.code, None,
                           local(view.centre, datetime.now(UTC)))},
            "field_vi": field.vi, "field_en": field.en}


def _grab(window: KioskWindow, out_dir: Path, screen: str, orientation: str) -> Path:
    _settle()
    path = out_dir / f"kiosk-{screen}-{orientation}.png"
    if not window.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    return path


def save_screenshots(window: KioskWindow, out_dir: Path) -> list[Path]:
    """Save ``kiosk-<screen>-<portrait|landscape>.png`` for every screen; return the paths.

    Needs the hub's snapshot (``window.ctx.view``). The window is put back as it was
    (orientation, language, state) and returns to its home screen.
    """
    centre = window.ctx.centre
    if centre is None:
        raise RuntimeError("no snapshot from the hub yet: nothing to show")
    out_dir.mkdir(parents=True, exist_ok=True)
    field = next((f for f in centre.fields if f.procedures), centre.fields[0])
    was_full = window.isFullScreen()
    old_orientation, old_forced = window.orientation, dict(window._forced)
    if was_full:
        window.showNormal()
    window.show()
    paths: list[Path] = []
    try:
        for orientation in ORIENTATIONS:
            window.set_orientation(orientation)
            window.resize(*((1080, 1920) if orientation == "portrait" else (1920, 1080)))
            window.preview_state(online=True, printer="ok")
            window.go_home()
            paths.append(_grab(window, out_dir, "home", orientation))
            window.choose_field(field.code)
            paths.append(_grab(window, out_dir, "procedures", orientation))
            if field.procedures:
                window.choose_procedure(field.procedures[0].id)
                paths.append(_grab(window, out_dir, "documents", orientation))
            window.show_screen("confirm")
            paths.append(_grab(window, out_dir, "confirm", orientation))
            window.ctx.flow = Flow(field=field.code, result=_sample_result(window, field))
            window.show_screen("result")
            paths.append(_grab(window, out_dir, "result", orientation))
            window.open_lookup()
            window.lookup.search.setText("khai sinh")
            paths.append(_grab(window, out_dir, "lookup", orientation))
            window.go_home()
            window.preview_state(online=False)
            paths.append(_grab(window, out_dir, "disconnected", orientation))
            window.preview_state(online=True, printer="paper_out")
            paths.append(_grab(window, out_dir, "printer-fault", orientation))
    finally:
        window.preview_state(**old_forced)
        window.set_orientation(old_orientation)
        window.go_home()
        if was_full:
            window.showFullScreen()
    log.info("saved %d kiosk screenshots in %s", len(paths), out_dir)
    return paths


def take_screenshots(out: Path, *, seconds: float = 20.0) -> list[Path]:
    """Start a private hub and the kiosk window (device kiosk-1) on it, wait for the hub's
    snapshot and save every screen into ``out`` (:func:`save_screenshots`)."""
    app = QApplication.instance() or QApplication(["motcua-kiosk-screens"])
    centre = load_centre(SAMPLE_CONFIG)
    with tempfile.TemporaryDirectory(prefix="motcua-kiosk-shots-") as tmp:
        store = HubStore(sqlite_url(Path(tmp) / "hub.sqlite"), site_id=centre.id)
        hub = HubServer(centre, store, HubOptions("tcp://127.0.0.1:*", "tcp://127.0.0.1:*",
                                                  open_all_hours=True))
        hub.start()
        link = QtHubLink(Endpoints(f"tcp://127.0.0.1:{hub.command_port}",
                                   f"tcp://127.0.0.1:{hub.event_port}"), "kiosk-1")
        window = KioskWindow(link, orientation="portrait")
        try:
            link.start()
            window.show()
            deadline = time.monotonic() + seconds
            while window.ctx.view is None:  # the snapshot arrives as a queued signal
                if time.monotonic() > deadline:
                    raise TimeoutError("kiosk screens: no snapshot from the private hub")
                app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
            return save_screenshots(window, out)
        finally:
            link.stop()
            window.close()
            window.deleteLater()
            hub.stop()
            store.close()
