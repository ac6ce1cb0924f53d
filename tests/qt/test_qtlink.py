"""Qt programs collect cyclic garbage on the GUI thread only."""

from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QObject

from motcua.qt.link import collect_garbage_on_gui_thread


def test_garbage_is_collected_by_a_gui_thread_timer_not_by_any_thread(qtbot) -> None:  # type: ignore[no-untyped-def]
    owner = QObject()
    timer = collect_garbage_on_gui_thread(owner, interval_ms=50)
    try:
        assert not gc.isenabled()  # no automatic collection in whichever thread allocates
        assert timer.isActive() and timer.parent() is owner
        ran_in: list[str] = []
        gc.callbacks.append(lambda phase, _info: ran_in.append(threading.current_thread().name)
                            if phase == "start" else None)
        try:
            qtbot.waitUntil(lambda: bool(ran_in), timeout=2000)
        finally:
            gc.callbacks.pop()
        assert set(ran_in) == {threading.main_thread().name}
    finally:
        timer.stop()
