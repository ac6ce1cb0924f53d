"""Ticket printing figures: bytes per ticket, wire time, render time, virtual print time.

Run:  .venv/bin/python bench/bench_printer.py [--renders 300] [--prints 40]

Prints, for each mode and profile:
- bytes per ticket: a typical ticket (procedure chosen, no checklist), one with the
  required-documents checklist of "Đăng ký khai sinh" (4 items), and the worst case
  (every optional line, the checklist, a reprint, a priority and the two-line "may not
  be served today" wait line);
- transfer time at 9600 / 19200 / 115200 baud (bytes x 10 bits / baud, 8N1);
- render time p50 / p99;
- time to print on the virtual printer (status before + bytes + status after + the
  twin interpreting and drawing the ticket), in-process and over a pty at 115200 baud.
Measured in the same run for comparison: one ``DLE EOT`` round trip on each link (the
floor of a print), and the naive full raster (a 576-dot bitmap of the whole ticket).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable

from motcua.printer.connections import PrinterLink, SerialLink
from motcua.printer.driver import TicketPrinter
from motcua.printer.render import MODES, render
from motcua.printer.status import query_status
from motcua.printer.ticket import TicketPrint, sample_ticket
from motcua.printer.virtual import PtyServer, VirtualLink, VirtualPrinter, picture_of

BAUDS = (9600, 19200, 115200)


def typical() -> TicketPrint:
    return sample_ticket(procedure_vi="Đăng ký khai sinh", slogan="")


CHECKLIST = ("Tờ khai đăng ký khai sinh", "Bản chính Giấy chứng sinh",
             "Văn bản ủy quyền có chứng thực", "Giấy tờ tùy thân có ảnh của người đi đăng ký")


def checklist() -> TicketPrint:
    return sample_ticket(procedure_vi="Đăng ký khai sinh", slogan="", documents=CHECKLIST)


def full() -> TicketPrint:
    return sample_ticket(priority_vi="Người cao tuổi", reprint=True, documents=CHECKLIST,
                         estimate_minutes=None, estimate_note="beyond_closing",
                         closes_at="17:00")


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return statistics.median(ordered), p99


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return percentiles(samples)


def full_raster_bytes() -> int:
    """Size of the naive way: the whole ticket picture as one 576-dot GS v 0 bitmap."""
    image = picture_of(render(typical(), "raster"))
    box = image.point(lambda v: 255 - v).getbbox()  # first to last row with ink
    rows = box[3] - box[1] if box else image.height
    return 8 + (image.width // 8) * rows


def print_times(link_factory: Callable[[VirtualPrinter], tuple[PrinterLink, Callable[[], None]]],
                mode: str, runs: int) -> tuple[float, float, float, float]:
    printer = VirtualPrinter()
    link, close = link_factory(printer)
    try:
        tp = TicketPrinter(link, mode)
        samples = []
        for i in range(runs):
            start = time.perf_counter()
            result = tp.print_ticket(typical())
            printer.wait_for_tickets(i + 1)
            samples.append(time.perf_counter() - start)
            assert result.ok, result.reason_en
        status = timed(lambda: query_status(link), runs)
    finally:
        close()
    return (*percentiles(samples), *status)


def in_process(printer: VirtualPrinter) -> tuple[PrinterLink, Callable[[], None]]:
    return VirtualLink(printer), lambda: None


def over_pty(printer: VirtualPrinter) -> tuple[PrinterLink, Callable[[], None]]:
    server = PtyServer(printer)
    link = SerialLink(server.path, 115200, rtscts=True)

    def close() -> None:
        link.close()
        server.close()

    return link, close


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--renders", type=int, default=300)
    parser.add_argument("--prints", type=int, default=40)
    args = parser.parse_args()

    print(f"python {sys.version.split()[0]}; renders={args.renders} prints={args.prints}")
    naive = full_raster_bytes()
    print(f"\nnaive: the same ticket as one full-width raster (576 dots) = {naive} bytes "
          f"({naive * 10 / 9600:.1f} s at 9600 baud)")
    print("\nbytes per ticket and time on the wire (8N1)")
    print(f"{'mode':8} {'profile':8} {'typical':>8} {'checklist':>9} {'worst':>7}"
          + "".join(f" {b:>9}" for b in BAUDS))
    for mode in MODES:
        for profile in ("default", "58mm"):
            size = len(render(typical(), mode, profile))
            size_list = len(render(checklist(), mode, profile))
            size_full = len(render(full(), mode, profile))
            wire = "".join(f" {size * 10 / b:8.2f}s" for b in BAUDS)
            print(f"{mode:8} {profile:8} {size:8d} {size_list:9d} {size_full:7d}{wire}")

    print("\nrender time (typical ticket)")
    for mode in MODES:
        ticket = typical()

        def one(mode: str = mode, ticket: TicketPrint = ticket) -> bytes:
            return render(ticket, mode)

        p50, p99 = timed(one, args.renders)
        print(f"{mode:8} p50 {p50 * 1000:7.2f} ms   p99 {p99 * 1000:7.2f} ms")

    print("\nprint on the virtual printer (status + bytes + status + twin draws the PNG)")
    for name, factory in (("in-process", in_process), ("pty 115200 RTS/CTS", over_pty)):
        for mode in MODES:
            p50, p99, s50, s99 = print_times(factory, mode, args.prints)
            print(f"{name:20} {mode:8} p50 {p50 * 1000:7.1f} ms  p99 {p99 * 1000:7.1f} ms"
                  f"   | floor: status query p50 {s50 * 1000:5.2f} ms p99 {s99 * 1000:5.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
