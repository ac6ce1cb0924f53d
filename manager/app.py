"""``motcua live``: the centre manager's live view of the queue.

    motcua live [--hub HOST] [--device manager-1] [--windowed] [--screenshot PATH]
                [--size 1600x900]

Full screen by default (a wall monitor in the manager's office); ``--windowed`` for a
desktop window. ``--screenshot PATH`` connects, waits for the first picture (or for
"Mất kết nối"), saves a PNG and exits; it needs no screen. Ctrl+Q quits, F11 toggles
full screen.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from motcua.cli import add_hub_address, endpoints_from

log = logging.getLogger(__name__)

WINDOWED_SIZE = (1440, 860)
SCREENSHOT_WAIT_S = 6.0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="motcua live",
        description="Màn hình theo dõi trực tiếp của lãnh đạo trung tâm / manager's live view")
    add_hub_address(p)
    p.add_argument("--device", default="manager-1", help="tên thiết bị / device id (manager-1)")
    p.add_argument("--windowed", action="store_true",
                   help="chạy trong cửa sổ / run in a window instead of full screen")
    p.add_argument("--screenshot", type=Path, default=None,
                   help="lưu ảnh PNG rồi thoát / save a PNG and exit")
    p.add_argument("--size", default=None, help="kích thước / window or picture size, "
                   "e.g. 1600x900")
    return p


def parse_size(text: str) -> tuple[int, int]:
    """"1600x900" -> (1600, 900); a clear error otherwise."""
    try:
        w, h = (int(part) for part in text.lower().replace("×", "x").split("x"))
    except ValueError:
        raise ValueError(f"Kích thước không hợp lệ {text!r} (ví dụ 1600x900) / "
                         f"invalid size {text!r} (e.g. 1600x900)") from None
    if not (640 <= w <= 16384 and 400 <= h <= 16384):
        raise ValueError(f"Kích thước ngoài khoảng (tối thiểu 640x400) / size out of range "
                         f"(at least 640x400): {text!r}")
    return w, h


def main(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        size = parse_size(args.size) if args.size else None
    except ValueError as exc:
        parser.error(str(exc))
    if args.screenshot is not None and "QT_QPA_PLATFORM" not in os.environ:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"

    from PySide6.QtWidgets import QApplication

    from manager.window import LiveWindow
    from motcua.client import ClientKeys
    from motcua.qtlink import QtHubLink

    keys = None
    if args.keys:
        try:
            keys = ClientKeys.from_dir(args.keys, args.device)
        except OSError as exc:
            print(f"Không đọc được khoá / cannot read keys in {args.keys}: {exc}", file=sys.stderr)
            return 2
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "motcua"])
    from motcua.qtlink import collect_garbage_on_gui_thread

    gc_timer = collect_garbage_on_gui_thread(app)  # noqa: F841  (kept alive by its parent)
    link = QtHubLink(endpoints_from(args), args.device, keys=keys)
    window = LiveWindow(link)
    link.start()
    log.info("live view of %s as %s", args.hub, args.device)
    try:
        if args.screenshot is not None:
            return take_screenshot(app, window, args.screenshot, size or (1600, 900))
        return _run(app, window, windowed=args.windowed, size=size)
    finally:
        window.detach()
        link.stop()


def _run(app: Any, window: Any, *, windowed: bool, size: tuple[int, int] | None) -> int:
    from PySide6.QtCore import QTimer

    if windowed:
        window.resize(*(size or WINDOWED_SIZE))
        window.show()
    else:
        if size:
            window.resize(*size)
        window.showFullScreen()
    signal.signal(signal.SIGINT, lambda *_: app.quit())
    signal.signal(signal.SIGTERM, lambda *_: app.quit())
    wake = QTimer()  # lets Python run the signal handlers while Qt sleeps
    wake.start(250)
    wake.timeout.connect(lambda: None)
    result: int = app.exec()
    return result


def take_screenshot(app: Any, window: Any, path: Path, size: tuple[int, int],
                    wait: float = SCREENSHOT_WAIT_S) -> int:
    """Wait for the first picture with names (or the lost banner), save a PNG."""
    window.resize(*size)
    window.show()
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        app.processEvents()
        if window.banner_state == "lost" or (
                window.connected and window.model is not None and window.officer_names):
            break
        time.sleep(0.02)
    for _ in range(15):  # let the queued picture arrive and paint
        app.processEvents()
        time.sleep(0.02)
    window.refresh()
    app.processEvents()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(path)):
        print(f"Không lưu được ảnh / could not save {path}", file=sys.stderr)
        return 1
    print(f"Đã lưu / saved {path}")
    return 0
