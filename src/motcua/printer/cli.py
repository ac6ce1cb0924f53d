"""``motcua printer ...``: render a ticket to bytes, run a virtual printer, ask a status.

    motcua printer render --number A025 --field "Tư pháp – Hộ tịch" -o ticket.bin --png t.png
    motcua printer virtual --pty --out /tmp/tickets        (prints the pty path)
    motcua printer virtual --tcp 9100 --out /tmp/tickets
    motcua printer status --link tcp:127.0.0.1:9100
    motcua printer print --link serial:/dev/ttyUSB0?baud=19200&rtscts=1 --number A025 ...

:func:`main` takes the arguments after ``printer`` and returns the exit code.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from datetime import datetime
from pathlib import Path

from motcua.core.text import nfc
from motcua.printer.connections import PrinterLinkError, open_link
from motcua.printer.driver import TicketPrinter
from motcua.printer.profile import PROFILES
from motcua.printer.render import MODES, render
from motcua.printer.status import PrinterStatus
from motcua.printer.ticket import VN_TZ, TicketPrint, short_document
from motcua.printer.virtual import PtyServer, TcpServer, VirtualPrinter, VirtualState, picture_of

__all__ = ["build_parser", "main", "run_virtual"]

log = logging.getLogger(__name__)


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' không phải số nguyên / is not a whole number"
        ) from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} < 0: phải >= 0 / must be >= 0")
    return value


def _issued(text: str) -> datetime:
    try:
        return datetime.strptime(text, "%d/%m/%Y %H:%M").replace(tzinfo=VN_TZ)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}': cần dạng dd/mm/yyyy HH:MM / expected dd/mm/yyyy HH:MM"
        ) from None


def _ticket_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--number", required=True, help='số thứ tự / ticket number, e.g. "A025"')
    p.add_argument("--field", required=True, help="lĩnh vực / field name (Vietnamese)")
    p.add_argument("--procedure", help="thủ tục / procedure (optional)")
    p.add_argument("--ahead", type=_non_negative, default=0,
                   help="số người chờ trước / people ahead (default 0)")
    p.add_argument("--estimate", type=_non_negative, default=0,
                   help="phút chờ dự kiến / estimated wait in minutes (default 0)")
    p.add_argument("--no-estimate", choices=("beyond_closing", "no_counter_open"),
                   help="no wait figure, and why (the ticket says so instead of minutes)")
    p.add_argument("--closes-at", help='closing time "HH:MM" printed with beyond_closing')
    p.add_argument("--document", action="append", default=[],
                   help="giấy tờ cần mang / a required document (repeat; short form printed)")
    p.add_argument("--centre", default="Trung tâm Phục vụ hành chính công",
                   help="tên trung tâm / centre name for the header")
    p.add_argument("--place", default="", help="địa danh / place line under the header")
    p.add_argument("--priority", help="nhóm ưu tiên / priority group, if any")
    p.add_argument("--slogan", default="", help="khẩu hiệu / slogan line")
    p.add_argument("--footer", help="dòng cuối / closing line")
    p.add_argument("--ticket-id", help="nội dung mã QR / QR content (default: the number)")
    p.add_argument("--issued", type=_issued, help="dd/mm/yyyy HH:MM (default: now, Vietnam)")
    p.add_argument("--reprint", action="store_true", help='in lại / mark as "IN LẠI"')
    p.add_argument("--mode", choices=MODES, default="raster", help="default: raster")
    p.add_argument("--profile", choices=sorted(PROFILES), default="default",
                   help="default (80 mm, 576 dots), 58mm (384 dots), clone80")


def build_parser() -> argparse.ArgumentParser:
    """The ``motcua printer`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="motcua printer",
        description="In phiếu số thứ tự (ESC/POS) / print queue tickets (ESC/POS)",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("node", add_help=False,
                   help="in vé cấp tại máy lấy số / print the kiosk's tickets (motcua printer node --help)")
    p = sub.add_parser("render", help="tạo byte ESC/POS của một phiếu / render a ticket")
    _ticket_args(p)
    p.add_argument("-o", "--output", required=True, type=Path, help="file .bin to write")
    p.add_argument("--png", type=Path, help="also write a picture of the ticket")

    p = sub.add_parser("print", help="in một phiếu / print a ticket on a printer")
    _ticket_args(p)
    p.add_argument("--link", required=True,
                   help="serial:/dev/ttyUSB0?baud=9600&rtscts=1 | tcp:HOST[:PORT] | "
                        "usb:VID:PID | file:PATH | virtual:DIR")

    p = sub.add_parser("status", help="đọc trạng thái máy in / read printer status")
    p.add_argument("--link", required=True, help="as for print")
    p.add_argument("--timeout", type=float, default=0.3, help="seconds per query (0.3)")

    p = sub.add_parser("virtual", help="chạy máy in ảo / run a virtual printer")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--pty", action="store_true", help="serve on a pseudo-terminal")
    where.add_argument("--tcp", type=int, metavar="PORT", help="serve on 127.0.0.1:PORT")
    p.add_argument("--out", required=True, type=Path, help="directory for .bin/.png tickets")
    p.add_argument("--profile", choices=sorted(PROFILES), default="default")
    p.add_argument("--state", choices=[s.value for s in VirtualState], default="ok")
    return parser


def _ticket(args: argparse.Namespace) -> TicketPrint:
    extra = {"footer": args.footer} if args.footer is not None else {}
    return TicketPrint(
        centre_name=args.centre,
        place=args.place,
        number=args.number,
        field_vi=args.field,
        procedure_vi=args.procedure,
        priority_vi=args.priority,
        ahead=args.ahead,
        estimate_minutes=None if args.no_estimate else args.estimate,
        estimate_note=args.no_estimate,
        closes_at=args.closes_at,
        documents=tuple(short_document(d) for d in args.document),
        issued_at=args.issued or datetime.now(VN_TZ),
        ticket_id=args.ticket_id or nfc(args.number),
        slogan=args.slogan,
        reprint=args.reprint,
        **extra,
    )


def run_virtual(args: argparse.Namespace, stop: threading.Event) -> int:
    """Serve a virtual printer until ``stop`` is set; print where it listens."""
    printer = VirtualPrinter(out_dir=args.out, profile=args.profile, state=args.state)
    server: PtyServer | TcpServer
    try:
        server = PtyServer(printer) if args.pty else TcpServer(printer, port=args.tcp)
    except OSError as exc:
        print(f"Không mở được máy in ảo: {exc} / cannot start the virtual printer",
              file=sys.stderr)
        return 1
    where = server.path if isinstance(server, PtyServer) else f"tcp:{server.host}:{server.port}"
    print(f"Máy in ảo đang chạy / virtual printer listening: {where}", flush=True)
    print(f"Phiếu lưu ở / tickets saved in: {args.out}", flush=True)
    try:
        stop.wait()
    finally:
        server.close()
    print(f"Đã in {len(printer.tickets)} phiếu / printed {len(printer.tickets)} tickets")
    return 0


def main(argv: list[str]) -> int:
    """Entry point for ``motcua printer``; returns the process exit code."""
    if argv[:1] == ["node"]:  # the printer node has its own options (printer/node_cli.py)
        from motcua.printer.node_cli import main as node_main

        return node_main(argv[1:])
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed the error in words
        return int(exc.code or 0)
    try:
        if args.command == "render":
            data = render(_ticket(args), args.mode, args.profile)
            args.output.write_bytes(data)
            print(f"{args.output}: {len(data)} byte ({args.mode}, {args.profile})")
            if args.png:
                picture_of(data, args.profile).save(args.png, optimize=True)
                print(f"{args.png}: ảnh phiếu / ticket picture")
            return 0
        if args.command == "virtual":
            stop = threading.Event()
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, lambda *_: stop.set())
            return run_virtual(args, stop)
        link = open_link(args.link)
        with link:
            if args.command == "status":
                status = TicketPrinter(link, status_timeout=args.timeout).status()
                print(f"{status.value}: {status.vi} / {status.en}")
                return 0 if status.can_print or status is PrinterStatus.UNKNOWN else 1
            result = TicketPrinter(link, args.mode, args.profile).print_ticket(_ticket(args))
            if result.ok:
                print(f"Đã in / printed: {result.bytes_sent} byte, {result.seconds:.2f} s, "
                      f"{result.status.vi} / {result.status.en}")
                return 0
            print(f"{result.reason_vi} / {result.reason_en}", file=sys.stderr)
            return 1
    except (ValueError, PrinterLinkError) as exc:
        print(f"Lỗi / error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"Lỗi / error: {exc.strerror or exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
