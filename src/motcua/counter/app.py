"""``motcua counter``: the officer's counter app, or just the keypad bridge (headless).

    motcua counter --counter 3                       window (always on top) for counter 3
    motcua counter --counter 3 --keypad /dev/ttyUSB0 window + physical caller keypad
    motcua counter --counter 3 --headless --keypad /dev/ttyUSB0   keypad only, no screen
    motcua counter --hub 192.168.1.10 --keys keys/ --counter 3 --windowed

The same actions from a terminal: ``motcua call N`` and ``motcua act N <action>``.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from typing import Any

from motcua.counter.keypad_bridge import KeypadBridge, ThreadedSender
from motcua.link.args import endpoints_from
from motcua.qt import app as qtapp

log = logging.getLogger(__name__)

STATUS_RETRY_S = 5.0
"""Headless: how often a keypad status the hub did not receive is sent again."""


def build_parser() -> argparse.ArgumentParser:
    p = qtapp.client_parser("motcua counter", __doc__, counter_device="counter",
                            raw_description=True)
    p.add_argument("--keypad", default=None,
                   help="cổng bàn phím gọi số / caller keypad port, e.g. /dev/ttyUSB0")
    p.add_argument("--keypad-baud", type=int, default=9600, help="tốc độ / baud rate (9600)")
    p.add_argument("--windowed", action="store_true",
                   help="cửa sổ thường, không luôn nằm trên / ordinary window, not on top")
    p.add_argument("--headless", action="store_true",
                   help="không có màn hình, chỉ bàn phím / keypad only, no window")
    return p


def main(argv: list[str]) -> int:
    """Entry point of ``motcua counter``; returns the process exit code."""
    args = build_parser().parse_args(argv)
    if not 1 <= args.counter <= 99:
        print(f"Số quầy phải từ 1 đến 99 / counter must be 1..99 (got {args.counter})",
              file=sys.stderr)
        return 2
    if args.headless and not args.keypad:
        print("--headless cần --keypad CỔNG / --headless needs --keypad PORT", file=sys.stderr)
        return 2
    device = args.device or f"counter-{args.counter}"
    try:
        keys = qtapp.load_keys(args.keys, device)
    except OSError as exc:
        print(f"Không đọc được khoá thiết bị / cannot read the device keys: {exc}",
              file=sys.stderr)
        return 2
    if args.headless:
        return run_headless(args, device, keys)
    return run_window(args, device, keys)


def run_headless(args: argparse.Namespace, device: str, keys: Any,
                 stop: threading.Event | None = None) -> int:
    """Keypad presses -> hub commands until SIGINT/SIGTERM (or ``stop`` is set)."""
    stop = stop or threading.Event()
    endpoints = endpoints_from(args)
    sender = ThreadedSender(endpoints.command, device, keys=keys)
    bridge = KeypadBridge(sender, args.counter, args.keypad, baudrate=args.keypad_baud)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    bridge.start()
    print(f"motcua counter (không màn hình / headless): bàn phím {args.keypad} -> máy chủ "
          f"{endpoints.command} với tên / as {device}. Ctrl+C để dừng / to stop.", flush=True)
    while not stop.wait(STATUS_RETRY_S):
        bridge.report_status()
    bridge.close()
    sender.close()
    return 0


def run_window(args: argparse.Namespace, device: str, keys: Any) -> int:
    """The counter window (with the keypad when ``--keypad`` is given)."""
    from motcua.counter.style import load_fonts
    from motcua.counter.window import CounterWindow
    from motcua.qt.link import QtHubLink

    app = qtapp.qt_application("motcua-counter")
    load_fonts()
    link = QtHubLink(endpoints_from(args), device, keys=keys)
    window = CounterWindow(link, args.counter, on_top=not args.windowed)
    link.start()
    if args.keypad:
        window.use_keypad(args.keypad, baudrate=args.keypad_baud)
    if not args.windowed:
        place_in_corner(window)
    window.show()
    return qtapp.run_until_stopped(app, window, link, on_stop=window.stop_keypad)


def place_in_corner(window: Any) -> None:
    """Put the compact window at the right edge of the screen, out of the officer's way."""
    screen = window.screen()
    if screen is None:
        return
    area = screen.availableGeometry()
    window.move(area.right() - window.width() - 8, area.top() + 8)
