"""``motcua rating``: the rating device of one counter (tablet, button box, or both).

    motcua rating --counter 1                          tablet, full screen
    motcua rating --counter 1 --windowed --voice       tablet in a window, spoken prompt
    motcua rating --counter 1 --box /dev/ttyUSB1       tablet + serial button box
    motcua rating --counter 1 --box /dev/ttyUSB1 --headless   button box only, no screen

The device is known to the hub as ``rating-N`` (``--device`` to change it); the hub only
lets it rate counter N's last finished service, once, within the rating window.
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
from typing import Any

from motcua.link.args import endpoints_from
from motcua.qt import app as qtapp

__all__ = ["build_parser", "main"]

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    p = qtapp.client_parser("motcua rating", __doc__, counter_device="rating",
                            raw_description=True)
    p.add_argument("--box", default=None,
                   help="cổng nối tiếp của hộp đánh giá / serial port of the button box")
    p.add_argument("--baud", type=int, default=9600, help="tốc độ cổng / baud rate (9600)")
    p.add_argument("--box-protocol", choices=("mc", "simple"), default="mc",
                   help="mc = khung MC (mặc định); simple = một byte mỗi lần bấm")
    p.add_argument("--headless", action="store_true",
                   help="không màn hình, chỉ hộp đánh giá / no screen, button box only")
    p.add_argument("--windowed", action="store_true",
                   help="cửa sổ thay vì toàn màn hình / window instead of full screen")
    p.add_argument("--voice", action="store_true",
                   help="đọc lời mời đánh giá / speak the rating prompt")
    p.add_argument("--voice-clips", default=None,
                   help="thư mục bộ âm thanh / voice clip folder")
    p.add_argument("--seconds", type=float, default=0,
                   help="dừng sau N giây / stop after N seconds (0 = run)")
    p.add_argument("-v", "--verbose", action="store_true", help="log chi tiết / debug logs")
    return p


def _error(vi: str, en: str) -> int:
    print(f"Lỗi / error: {vi} / {en}", file=sys.stderr)
    return 2


def main(argv: list[str]) -> int:
    """Run the rating device; returns the exit status (2 for bad input)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help or a usage error: argparse already said why
        return exc.code if isinstance(exc.code, int) else 2
    if args.verbose:  # logging itself is set up by ``motcua`` (motcua.logs)
        logging.getLogger("motcua").setLevel(logging.DEBUG)
    if not 1 <= args.counter <= 99:
        return _error(f"số quầy phải từ 1 đến 99 (nhận {args.counter})",
                      f"the counter must be 1..99 (got {args.counter})")
    if args.headless and not args.box:
        return _error("chế độ không màn hình cần --box (cổng của hộp đánh giá)",
                      "--headless needs --box (the button box's serial port)")
    if args.baud <= 0:
        return _error("tốc độ cổng phải lớn hơn 0", "the baud rate must be positive")
    device = args.device or f"rating-{args.counter}"
    try:
        keys = qtapp.load_keys(args.keys, device)
    except OSError as exc:
        return _error(f"không đọc được khoá thiết bị ({exc})", f"cannot read device keys ({exc})")
    if args.headless:
        return _run_headless(args, device, keys)
    return _run_tablet(args, device, keys)


def _run_headless(args: argparse.Namespace, device: str, keys: Any) -> int:
    from motcua.rating.box_bridge import BoxBridge

    stop = threading.Event()
    bridge = BoxBridge(args.box, args.counter, endpoints_from(args), device, keys=keys,
                       baudrate=args.baud, protocol=args.box_protocol)
    with qtapp.signals_call(stop.set), bridge:
        print(f"Hộp đánh giá quầy {args.counter} ({args.box}) đang chạy như {device}; "
              f"Ctrl+C để dừng / rating box bridge running", flush=True)
        stop.wait(args.seconds or None)
    print(f"Thống kê / stats: {bridge.stats}", flush=True)
    return 0


def _run_tablet(args: argparse.Namespace, device: str, keys: Any) -> int:
    from PySide6.QtCore import QTimer

    from motcua.qt.link import QtHubLink
    from motcua.rating.qt_box import QtRatingBox, connect_box
    from motcua.rating.tablet import RatingTablet

    app = qtapp.qt_application("motcua-rating")
    link = QtHubLink(endpoints_from(args), device, keys=keys)
    prompt = None
    if args.voice:
        from motcua.rating.voice_prompt import VoicePrompt

        prompt = VoicePrompt(args.voice_clips)
    tablet = RatingTablet(link, args.counter, prompt=prompt.ask if prompt else None)
    box = None
    if args.box:
        box = QtRatingBox(args.box, args.counter, baudrate=args.baud,
                          protocol=args.box_protocol)
        connect_box(box, tablet)
    # --seconds stops by closing the window, as Ctrl+C does (see qtapp.run_until_stopped).
    if args.seconds:
        QTimer.singleShot(int(args.seconds * 1000), tablet.close)
    link.start()
    if box is not None:
        box.start()
    qtapp.show_window(tablet, windowed=args.windowed, windowed_size=(1280, 800))

    def let_go() -> None:
        if box is not None:
            box.close()
        if prompt is not None:
            prompt.close()

    return qtapp.run_until_stopped(app, tablet, link, on_stop=let_go)
