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
import signal
import sys
import time
from pathlib import Path
from typing import Any

from motcua.cli import add_hub_address, endpoints_from

log = logging.getLogger(__name__)

WINDOWED_SIZE = (1280, 720)
SCREENSHOT_WAIT_S = 6.0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="motcua display",
        description="Bảng hiển thị số thứ tự / number boards (hall board, counter board)")
    add_hub_address(p)
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
    try:
        w, h = (int(part) for part in text.lower().replace("×", "x").split("x"))
    except ValueError:
        raise ValueError(f"Kích thước không hợp lệ {text!r} (ví dụ 1920x1080) / "
                         f"invalid size {text!r} (e.g. 1920x1080)") from None
    if not (160 <= w <= 16384 and 90 <= h <= 16384):
        raise ValueError(f"Kích thước ngoài khoảng / size out of range: {text!r}")
    return w, h


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

    from PySide6.QtWidgets import QApplication

    from display.counter_board import CounterBoard
    from display.hall import HallBoard
    from display.voice_bridge import CentreSpeaker
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
    from PySide6.QtCore import Qt, QTimer

    if windowed:
        board.resize(*(size or WINDOWED_SIZE))
        board.show()
    else:
        if size:
            board.resize(*size)
        board.setCursor(Qt.CursorShape.BlankCursor)  # nobody uses a mouse on a hall board
        board.showFullScreen()
    signal.signal(signal.SIGINT, lambda *_: app.quit())
    signal.signal(signal.SIGTERM, lambda *_: app.quit())
    wake = QTimer()  # lets Python run the signal handlers while Qt sleeps
    wake.start(250)
    wake.timeout.connect(lambda: None)
    result: int = app.exec()
    return result


def take_screenshot(app: Any, board: Any, path: Path, size: tuple[int, int],
                    wait: float = SCREENSHOT_WAIT_S) -> int:
    """Wait for the first picture (or the lost-connection overlay), save a PNG."""
    board.resize(*size)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        app.processEvents()
        if board.connected or (board.overlay not in (None, "connecting")):
            break
        time.sleep(0.02)
    for _ in range(5):  # let the last queued model arrive and paint
        app.processEvents()
        time.sleep(0.02)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not board.grab().save(str(path)):
        print(f"Không lưu được ảnh / could not save {path}", file=sys.stderr)
        return 1
    print(f"Đã lưu ảnh / saved {path}")
    return 0
