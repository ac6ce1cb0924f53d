"""``motcua kiosk``: the touch kiosk where citizens take a queue number.

    motcua kiosk [--hub HOST] [--command-port N] [--event-port N] [--keys DIR]
                 [--device kiosk-1] [--portrait | --landscape] [--windowed]
                 [--lang vi|en]

Full screen by default, laid out for the screen's shape unless ``--portrait`` or
``--landscape`` says otherwise. Pictures of every screen: ``motcua demo --screens kiosk``.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from motcua.qt.app import (
    client_parser,
    keys_error,
    load_keys,
    qt_application,
    run_until_stopped,
    show_window,
)

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    p = client_parser("motcua kiosk", "Máy lấy số thứ tự cảm ứng / touch queue kiosk")
    p.add_argument("--device", default="kiosk-1",
                   help="tên thiết bị / device id (kiosk-1); its printer is found in the centre")
    shape = p.add_mutually_exclusive_group()
    shape.add_argument("--portrait", dest="orientation", action="store_const",
                       const="portrait", help="màn hình dọc 1080×1920 / tall screen")
    shape.add_argument("--landscape", dest="orientation", action="store_const",
                       const="landscape", help="màn hình ngang 1920×1080 / wide screen")
    p.add_argument("--windowed", action="store_true",
                   help="chạy trong cửa sổ thay vì toàn màn hình / run in a window")
    p.add_argument("--lang", choices=("vi", "en"), default="vi",
                   help="ngôn ngữ mặc định / default language (vi)")
    p.add_argument("--citizen-secret", type=Path, default=None,
                   help="tệp bí mật của trung tâm để giới hạn số theo thẻ căn cước / the "
                        "centre's secret for the per-citizen cap (docs/privacy.md)")
    p.add_argument("--elderly-age", type=int, default=60,
                   help="tuổi được ưu tiên khi quét thẻ căn cước / priority age (60)")
    return p


def main(argv: list[str]) -> int:
    """Run the kiosk until the window closes or the process is interrupted."""
    args = build_parser().parse_args(argv)
    from PySide6.QtWidgets import QApplication

    from motcua.kiosk.window import KioskWindow
    from motcua.link.args import endpoints_from
    from motcua.qt.link import QtHubLink

    try:
        keys = load_keys(args.keys, args.device)
    except OSError as exc:
        return keys_error(args.keys, exc)
    app = qt_application("motcua-kiosk")
    orientation = args.orientation
    if orientation is None:
        screen = QApplication.primaryScreen()
        size = screen.size() if screen is not None else None
        orientation = "landscape" if size is not None and size.width() > size.height() \
            else "portrait"
    secret = None
    if args.citizen_secret is not None:
        try:
            secret = bytes.fromhex(args.citizen_secret.read_text("ascii").strip())
        except (OSError, ValueError) as exc:
            print(f"Không đọc được tệp bí mật {args.citizen_secret} / cannot read the citizen "
                  f"secret: {exc}", file=sys.stderr)
            return 2
    link = QtHubLink(endpoints_from(args), args.device, keys=keys)
    window = KioskWindow(link, orientation=orientation, lang=args.lang,
                         citizen_secret=secret, elderly_age=args.elderly_age)
    link.start()
    show_window(window, windowed=args.windowed)
    log.info("kiosk %s: hub %s", args.device, args.hub)
    return run_until_stopped(app, window, link)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
