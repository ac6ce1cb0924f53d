"""``motcua display``: the hall board, or one counter's board with ``--counter N``.

    motcua display [--hub HOST] [--device display-hall] [--counter N] [--windowed]
                   [--voice | --no-voice] [--screenshot PATH] [--size 1920x1080]

The hall board speaks calls by default; a counter board only with ``--voice``.
``--screenshot PATH`` connects, waits for the first picture (or for "Mất kết nối"),
saves a PNG and exits (it needs no screen: it uses Qt's offscreen platform).
Ctrl+Q quits, F11 toggles full screen.
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

WINDOWED_SIZE = (1280, 720)
SCREENSHOT_WAIT_S = 6.0


def build_parser() -> argparse.ArgumentParser:
    p = qtapp.client_parser(
        "motcua display", "Bảng hiển thị số thứ tự / number boards (hall board, counter board)")
    p.add_argument("--device", default="display-hall",
                   help="tên thiết bị / device id (display-hall)")
    p.add_argument("--counter", type=int, default=None,
                   help="bảng của một quầy / board of counter N (default: hall board)")
    p.add_argument("--windowed", action="store_true",
                   help="chạy trong cửa sổ / run in a window instead of full screen")
    voice = p.add_mutually_exclusive_group()
    voice.add_argument("--voice", dest="voice", action="store_true", default=None,
                       help="đọc số (mặc định ở bảng sảnh) / speak calls (hall default)")
    voice.add_argument("--no-voice", dest="voice", action="store_false",
                       help="không đọc số / no voice")
    p.add_argument("--screenshot", type=Path, default=None,
                   help="lưu ảnh PNG rồi thoát / save a PNG and exit")
    p.add_argument("--size", default=None,
                   help="kích thước cửa sổ hoặc ảnh / window or screenshot size, e.g. 1920x1080")
    return p


def parse_size(text: str) -> tuple[int, int]:
    """"1920x1080" -> (1920, 1080); a clear error otherwise."""
    return qtapp.parse_size(text, example="1920x1080", minimum=(160, 90))


def main(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.counter is not None and args.counter < 1:
        parser.error("--counter phải ≥ 1 / --counter must be 1 or more")
    try:
        size = parse_size(args.size) if args.size else None
    except ValueError as exc:
        parser.error(str(exc))
    if args.screenshot is not None and "QT_QPA_PLATFORM" not in os.environ:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # a screenshot needs no screen

    from motcua.display.counter_board import CounterBoard
    from motcua.display.hall import HallBoard
    from motcua.display.voice_bridge import CentreSpeaker
    from motcua.qt.link import QtHubLink

    try:
        keys = qtapp.load_keys(args.keys, args.device)
    except OSError as exc:
        return qtapp.keys_error(args.keys, exc)
    app = qtapp.qt_application()
    hall = args.counter is None
    voice_on = hall if args.voice is None else bool(args.voice)
    speaker = CentreSpeaker() if voice_on else None
    link = QtHubLink(endpoints_from(args), args.device, keys=keys)
    board: Any
    if hall:
        board = HallBoard(link, announcer=speaker)
    else:
        board = CounterBoard(link, args.counter, announcer=speaker)
    link.start()
    log.info("%s board for %s as %s (voice %s)", "hall" if hall else f"counter {args.counter}",
             args.hub, args.device, "on" if voice_on else "off")
    try:
        if args.screenshot is not None:
            return take_screenshot(app, board, args.screenshot, size or (1920, 1080))
        return _run(app, board, windowed=args.windowed, size=size)
    finally:
        board.detach()
        link.stop()
        if speaker is not None:
            speaker.close()


def _run(app: Any, board: Any, *, windowed: bool, size: tuple[int, int] | None) -> int:
    from PySide6.QtCore import Qt

    if not windowed:
        board.setCursor(Qt.CursorShape.BlankCursor)  # nobody uses a mouse on a hall board
    qtapp.show_window(board, windowed=windowed, size=size, windowed_size=WINDOWED_SIZE)
    return qtapp.run_until_stopped(app, board)


def take_screenshot(app: Any, board: Any, path: Path, size: tuple[int, int],
                    wait: float = SCREENSHOT_WAIT_S) -> int:
    """Wait for the first picture (or the lost-connection overlay), save a PNG."""
    board.resize(*size)
    return qtapp.save_screenshot(
        app, board, path, wait=wait,
        ready=lambda: bool(board.connected or board.overlay not in (None, "connecting")))
