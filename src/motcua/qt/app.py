"""Start-up and shutdown shared by motcua's Qt programs (kiosk, boards, counter, rating, live).

Every program parses the hub's address, reads its device keys, makes (or reuses) the
``QApplication`` with the GUI-thread garbage collector, shows its window and then runs
Qt's loop until the window closes or the process gets SIGINT / SIGTERM. The pieces here do
that once, the same way everywhere::

    app = qt_application("motcua-kiosk")
    link = QtHubLink(endpoints_from(args), device, keys=keys)
    window = KioskWindow(link)
    link.start()
    show_window(window, windowed=args.windowed)
    return run_until_stopped(app, window, link)

PySide6 is imported inside the functions: the headless keypad and button-box bridges use
the argument and key helpers on machines where a screen (and Qt) may be missing.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from motcua.link.args import add_hub_address

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication, QWidget

    from motcua.link.client import ClientKeys
    from motcua.qt.link import QtHubLink

__all__ = [
    "WAKE_MS",
    "client_parser",
    "keys_error",
    "load_keys",
    "parse_size",
    "qt_application",
    "run_until_stopped",
    "save_screenshot",
    "show_window",
    "signals_call",
]

log = logging.getLogger(__name__)

WAKE_MS = 250
"""How often Qt's loop is woken so Python can run its signal handlers (Ctrl+C latency)."""


# -- arguments and keys ----------------------------------------------------------------------
def client_parser(prog: str, description: str | None, *, counter_device: str | None = None,
                  raw_description: bool = False) -> argparse.ArgumentParser:
    """A parser with the hub's address and keys (``--hub``, ports, ``--keys``).

    ``counter_device="rating"`` also adds the required ``--counter N`` and a ``--device``
    whose default is ``rating-N`` (the program fills it in once N is known).
    """
    p = argparse.ArgumentParser(
        prog=prog, description=description,
        formatter_class=(argparse.RawDescriptionHelpFormatter if raw_description
                         else argparse.HelpFormatter))
    add_hub_address(p)
    if counter_device is not None:
        p.add_argument("--counter", type=int, required=True, help="số quầy / counter number")
        p.add_argument("--device", default=None,
                       help=f"tên thiết bị / device id (mặc định / default {counter_device}-N)")
    return p


def load_keys(keys_dir: Path | str | None, device: str) -> ClientKeys | None:
    """The device's CURVE keys from ``keys_dir`` (None without a folder); raises OSError."""
    if keys_dir is None:
        return None
    from motcua.link.client import ClientKeys

    return ClientKeys.from_dir(Path(keys_dir), device)


def keys_error(keys_dir: Path | str | None, exc: OSError) -> int:
    """Say that the keys could not be read (Vietnamese / English); the exit status, 2."""
    print(f"Không đọc được khoá / cannot read keys in {keys_dir}: {exc}", file=sys.stderr)
    return 2


def parse_size(text: str, *, example: str, minimum: tuple[int, int] = (160, 90),
               name_minimum: bool = False) -> tuple[int, int]:
    """"1920x1080" -> (1920, 1080); ValueError with a clear bilingual message otherwise.

    ``name_minimum`` puts the smallest size in the out-of-range message too.
    """
    try:
        w, h = (int(part) for part in text.lower().replace("×", "x").split("x"))
    except ValueError:
        raise ValueError(f"Kích thước không hợp lệ {text!r} (ví dụ {example}) / "
                         f"invalid size {text!r} (e.g. {example})") from None
    min_w, min_h = minimum
    if not (min_w <= w <= 16384 and min_h <= h <= 16384):
        if name_minimum:
            least = f"{min_w}x{min_h}"
            raise ValueError(f"Kích thước ngoài khoảng (tối thiểu {least}) / size out of range "
                             f"(at least {least}): {text!r}")
        raise ValueError(f"Kích thước ngoài khoảng / size out of range: {text!r}")
    return w, h


# -- the application and its loop ------------------------------------------------------------
def qt_application(name: str | None = None) -> QApplication:
    """The process's QApplication (made once, reused after), collecting garbage on its thread.

    ``name`` is the application's argv[0]; None uses this process's own.
    """
    from PySide6.QtWidgets import QApplication

    from motcua.qt.link import collect_garbage_on_gui_thread
    from motcua.qt.messages import route_qt_messages

    route_qt_messages()
    if name is None:
        name = sys.argv[0] if sys.argv else "motcua"
    _remember_early_stop()
    app = QApplication.instance() or QApplication([name])
    assert isinstance(app, QApplication)
    collect_garbage_on_gui_thread(app)  # the timer is kept alive by its parent, the app
    return app


def show_window(window: QWidget, *, windowed: bool, size: tuple[int, int] | None = None,
                windowed_size: tuple[int, int] | None = None) -> None:
    """Full screen (at ``size`` if given), or a window of ``size`` or ``windowed_size``."""
    if windowed:
        chosen = size or windowed_size
        if chosen is not None:
            window.resize(*chosen)
        window.show()
    else:
        if size:
            window.resize(*size)
        window.showFullScreen()


@contextlib.contextmanager
def signals_call(handler: Callable[[], Any]) -> Iterator[None]:
    """Run ``handler`` on SIGINT / SIGTERM while inside; the old handlers come back after."""
    old = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    for s in old:
        signal.signal(s, lambda *_: handler())
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


STOP_GRACE_S = 10.0
"""How long a clean shutdown may take after SIGTERM before the program exits anyway."""


def _exit_if_stuck(grace: float = STOP_GRACE_S) -> None:
    """A stopped program must stop: if the clean shutdown has not ended ``grace`` seconds
    after the signal, log every thread's stack (so the cause can be found) and exit 0 —
    the stop was what was asked. (Seen rarely: the GUI thread held in a garbage
    collection while a link thread shut down.)"""
    def watch() -> None:
        time.sleep(grace)  # a deadline, not a wait for something: the process normally ends
        import faulthandler
        import os

        log.error("shutdown did not finish within %.0f s; exiting (thread stacks on stderr)",
                  grace)
        faulthandler.dump_traceback(all_threads=True)
        os._exit(0)

    threading.Thread(target=watch, name="stop-deadline", daemon=True).start()


_early_stop: list[int] = []
"""Signals that arrived while the program was still starting (before its loop ran)."""


def _remember_early_stop() -> None:
    """From the making of the application on, SIGINT / SIGTERM are not lost: a service
    manager may stop a program that is still building its window (it then exits 0 at
    once instead of dying half-started)."""
    if threading.current_thread() is not threading.main_thread():
        return
    for s in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(s) in (signal.SIG_DFL, signal.default_int_handler):
            signal.signal(s, lambda signum, _frame: _early_stop.append(signum))


def run_until_stopped(app: QApplication, window: QWidget, *links: QtHubLink,
                      on_stop: Callable[[], Any] | None = None) -> int:
    """Run Qt's loop until ``window`` closes or SIGINT / SIGTERM; then stop; the exit code.

    On a signal the window is closed and Qt quits once, from inside its loop. (``app.quit()``
    would also close the window, whose "last window closed" posts a second quit that lands
    after exec() returned and breaks every later event loop in this process.) Afterwards
    ``on_stop`` runs (letting go of the links, devices, voices) and then the links stop,
    even if the loop raised.
    """
    from PySide6.QtCore import QTimer

    # Qt's loop runs Python signal handlers only when something wakes it up.
    wake = QTimer()
    wake.timeout.connect(lambda: None)
    wake.start(WAKE_MS)
    def stop() -> None:
        _exit_if_stuck()
        window.close()

    try:
        with signals_call(stop):
            if _early_stop:
                _exit_if_stuck()  # asked to stop while starting: close as soon as the loop runs
                QTimer.singleShot(0, window.close)
            return int(app.exec())
    finally:
        wake.stop()
        if on_stop is not None:
            on_stop()
        for link in links:
            link.stop()


def save_screenshot(app: QApplication, widget: QWidget, path: Path, *,
                    ready: Callable[[], bool], wait: float, settle_rounds: int = 5,
                    before_grab: Callable[[], Any] | None = None,
                    saved: str = "Đã lưu ảnh / saved") -> int:
    """Let Qt work until ``ready()`` (or ``wait`` seconds), then save ``widget`` as a PNG.

    ``settle_rounds`` more turns of the loop let the last queued pictures arrive and paint;
    ``before_grab`` runs just before the picture is taken. Returns the exit status.
    """
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        app.processEvents()
        if ready():
            break
        time.sleep(0.02)
    for _ in range(settle_rounds):
        app.processEvents()
        time.sleep(0.02)
    if before_grab is not None:
        before_grab()
        app.processEvents()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not widget.grab().save(str(path)):
        print(f"Không lưu được ảnh / could not save {path}", file=sys.stderr)
        return 1
    print(f"{saved} {path}")
    return 0
