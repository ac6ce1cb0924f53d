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
from pathlib import Path
from typing import Any

from motcua.link.args import endpoints_from
from motcua.qt import app as qtapp

log = logging.getLogger(__name__)

WINDOWED_SIZE = (1440, 860)
SCREENSHOT_WAIT_S = 6.0


def build_parser() -> argparse.ArgumentParser:
    p = qtapp.client_parser(
        "motcua live", "Màn hình theo dõi trực tiếp của lãnh đạo trung tâm / manager's live view")
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
    return qtapp.parse_size(text, example="1600x900", minimum=(640, 400), name_minimum=True)


def main(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        size = parse_size(args.size) if args.size else None
    except ValueError as exc:
        parser.error(str(exc))
    if args.screenshot is not None and "QT_QPA_PLATFORM" not in os.environ:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"

    from motcua.manager.window import LiveWindow
    from motcua.qt.link import QtHubLink

    try:
        keys = qtapp.load_keys(args.keys, args.device)
    except OSError as exc:
        return qtapp.keys_error(args.keys, exc)
    app = qtapp.qt_application()
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
    qtapp.show_window(window, windowed=windowed, size=size, windowed_size=WINDOWED_SIZE)
    return qtapp.run_until_stopped(app, window)


def take_screenshot(app: Any, window: Any, path: Path, size: tuple[int, int],
                    wait: float = SCREENSHOT_WAIT_S) -> int:
    """Wait for the first picture with names (or the lost banner), save a PNG."""
    window.resize(*size)
    window.show()

    def ready() -> bool:
        return bool(window.banner_state == "lost" or (
            window.connected and window.model is not None and window.officer_names))

    return qtapp.save_screenshot(app, window, path, ready=ready, wait=wait, settle_rounds=15,
                                 before_grab=window.refresh, saved="Đã lưu / saved")
