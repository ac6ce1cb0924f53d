"""``motcua printer node``: run the printer node of one kiosk printer.

    motcua printer node --link serial:/dev/ttyUSB0?baud=19200&rtscts=1
    motcua printer node --hub 192.168.1.10 --device printer-1 --link tcp:192.168.1.50:9100
    motcua printer node --link virtual:/tmp/tickets        (demo: .bin + .png per ticket)

:func:`main` takes the arguments after ``node`` and returns the exit code; it runs until
SIGINT/SIGTERM (or until ``stop`` is set, for tests and the demo).
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
import time
from pathlib import Path

from motcua.core.cccd import load_or_create_secret
from motcua.link.args import add_hub_address, endpoints_from
from motcua.link.client import ClientKeys
from motcua.printer.connections import PrinterLink, PrinterLinkError, open_link
from motcua.printer.driver import TicketPrinter
from motcua.printer.node import PrinterNode, TicketPage
from motcua.printer.profile import PROFILES
from motcua.printer.render import MODES
from motcua.printer.virtual import VirtualLink, VirtualPrinter

__all__ = ["ReopeningLink", "build_parser", "main"]

log = logging.getLogger(__name__)

REOPEN_AFTER_S = 2.0
"""After a link failure, wait this long before opening the device again."""


class ReopeningLink(PrinterLink):
    """A link that opens its device again after a failure (USB-serial cable re-plugged,
    printer switched on after the node started).

    A device node that vanished stays dead in pyserial; closing it and opening the same
    spec again is what brings the printer back without restarting the node. While the
    device cannot be opened every call raises :class:`PrinterLinkError`, which the status
    query reads as "offline".
    """

    def __init__(self, spec: str) -> None:
        self.spec = spec
        self.description = spec
        self.first_error = ""
        """Why the device could not be opened at start ("" when it opened)."""
        self._link: PrinterLink | None = None
        self._next_try = 0.0
        try:
            self._open()  # a spec that makes no sense raises ValueError here
        except PrinterLinkError as exc:
            self.first_error = str(exc)

    def _open(self) -> PrinterLink:
        if self._link is not None:
            return self._link
        if time.monotonic() < self._next_try:
            raise PrinterLinkError(f"Máy in {self.spec} chưa mở lại được / not reopened yet")
        try:
            link = open_link(self.spec)
        except PrinterLinkError as exc:
            self._next_try = time.monotonic() + REOPEN_AFTER_S
            log.warning("cannot open %s: %s", self.spec, exc)
            raise
        self._link, self.description, self.can_read = link, link.description, link.can_read
        log.info("printer link open: %s", link.description)
        return link

    def _failed(self) -> None:
        if self._link is not None:
            try:
                self._link.close()
            except Exception:  # closing a device that vanished may fail any way it likes
                log.debug("closing %s failed", self.spec, exc_info=True)
            self._link = None
            self._next_try = time.monotonic() + REOPEN_AFTER_S

    def _lost(self, exc: Exception) -> PrinterLinkError:
        """Close the dead device; every failure becomes a PrinterLinkError (offline).

        Not only OSError: pyserial's ``reset_input_buffer`` on a vanished adapter raises
        ``termios.error``, which is not one.
        """
        self._failed()
        if isinstance(exc, PrinterLinkError):
            return exc
        return PrinterLinkError(f"Mất kết nối máy in {self.spec}: {exc} / printer link lost")

    def write(self, data: bytes) -> None:
        link = self._open()
        try:
            link.write(data)
        except Exception as exc:
            raise self._lost(exc) from exc

    def read(self, size: int = 1, timeout: float = 0.3) -> bytes:
        link = self._open()
        try:
            return link.read(size, timeout)
        except Exception as exc:
            raise self._lost(exc) from exc

    def discard_input(self) -> None:
        link = self._open()
        try:
            link.discard_input()
        except Exception as exc:
            raise self._lost(exc) from exc

    def close(self) -> None:
        self._failed()


def build_parser() -> argparse.ArgumentParser:
    """The ``motcua printer node`` argument parser."""
    p = argparse.ArgumentParser(
        prog="motcua printer node",
        description="In phiếu số thứ tự của một ki-ốt và báo trạng thái máy in cho máy chủ / "
                    "print a kiosk's tickets and report the printer's status to the hub")
    add_hub_address(p)
    p.add_argument("--device", default="printer-1", help="tên máy in / device name (printer-1)")
    p.add_argument("--link", required=True,
                   help="serial:/dev/ttyUSB0?baud=19200&rtscts=1 | tcp:HOST[:9100] | "
                        "usb:VID:PID | file:/dev/usb/lp0 | virtual:DIR")
    p.add_argument("--mode", choices=MODES, default="raster", help="default: raster")
    p.add_argument("--profile", choices=sorted(PROFILES), default="default",
                   help="default (80 mm), 58mm, clone80")
    p.add_argument("--page-url", default=None,
                   help="địa chỉ trang vé của trung tâm, in vào mã QR / the citizen service's "
                        "address for the ticket QR, e.g. http://192.168.1.10:8090")
    p.add_argument("--page-secret", type=Path, default=None,
                   help="tệp bí mật trang vé, như của motcua citizen / the page secret file")
    p.add_argument("--poll", type=float, default=2.0,
                   help="giây giữa hai lần đọc trạng thái / seconds between status queries (2)")
    return p


def _link(spec: str, profile: str) -> tuple[PrinterLink, VirtualPrinter | None]:
    kind, _, rest = spec.partition(":")
    if kind == "virtual":
        if not rest:
            raise ValueError("virtual: cần thư mục / needs a folder, e.g. virtual:/tmp/tickets")
        printer = VirtualPrinter(out_dir=Path(rest), profile=profile)
        return VirtualLink(printer), printer
    if kind == "tcp":  # NetworkLink reconnects by itself; a wrong spec still fails here
        return open_link(spec), None
    return ReopeningLink(spec), None


def main(argv: list[str], stop: threading.Event | None = None) -> int:
    """Run the node until SIGINT/SIGTERM or ``stop``; 0 on a clean stop, 2 on bad input."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already said why, in words
        return int(exc.code or 0)
    if args.poll <= 0:
        print("Lỗi / error: --poll phải > 0 / must be > 0", file=sys.stderr)
        return 2
    try:
        keys = ClientKeys.from_dir(args.keys, args.device) if args.keys else None
    except OSError as exc:
        print(f"Lỗi / error: không đọc được khoá / cannot read keys: {exc}", file=sys.stderr)
        return 2
    try:
        link, virtual = _link(args.link, args.profile)
    except (ValueError, OSError) as exc:
        print(f"Lỗi / error: {exc}", file=sys.stderr)
        return 2
    if isinstance(link, ReopeningLink) and link.first_error:
        # The printer is not there yet (switched off, cable out): run and report
        # "offline"; the link opens by itself once the printer appears.
        print(f"Chưa mở được máy in, sẽ thử lại / printer not reachable yet, retrying: "
              f"{link.first_error}", file=sys.stderr)
    page = None
    if args.page_url:
        if args.page_secret is None:
            print("--page-url cần --page-secret / --page-url needs --page-secret",
                  file=sys.stderr)
            return 2
        try:
            page = TicketPage(args.page_url, load_or_create_secret(args.page_secret))
        except (OSError, ValueError) as exc:
            print(f"Không đọc được {args.page_secret} / cannot read the page secret: {exc}",
                  file=sys.stderr)
            return 2
    endpoints = endpoints_from(args)
    node = PrinterNode(endpoints, args.device,
                       printer=TicketPrinter(link, args.mode, args.profile), keys=keys,
                       poll_status_s=args.poll, on_note=lambda text: print(text, flush=True),
                       page=page)
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
    print(f"Máy in {args.device}: {link.description}, chế độ/mode {args.mode}, "
          f"khổ/profile {args.profile}; máy chủ/hub {endpoints.command}", flush=True)
    if virtual is not None and virtual.out_dir is not None:
        print(f"Máy in ảo: phiếu lưu ở / virtual printer: tickets saved in "
              f"{virtual.out_dir.resolve()}", flush=True)
    node.start()
    try:
        stop.wait()
    finally:
        node.stop()
        link.close()
    print(f"Đã in {node.prints} phiếu ({node.reprints} in lại) / printed {node.prints} "
          f"tickets ({node.reprints} reprints)", flush=True)
    return 0


if __name__ == "__main__":
    from motcua.logs import setup_logging

    setup_logging()
    sys.exit(main(sys.argv[1:]))
