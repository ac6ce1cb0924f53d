"""Tap to ticket printed: from the kiosk's ticket.take to the virtual printer's cut.

A real hub (in-process, temporary SQLite, open all hours), the real printer node following
it, and the virtual printer (which draws each ticket's PNG as a real printer would print
it, so its time is included) in raster mode. The floor of the same run: rendering and
printing the same ticket directly on the virtual printer, with no hub in between.

    .venv/bin/python bench/bench_tap_to_print.py [--tickets 60] [--mode raster]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from motcua.core.centre.load import load_centre  # noqa: E402
from motcua.hub.storage.db import sqlite_url  # noqa: E402
from motcua.link.client import Endpoints, HubClient  # noqa: E402
from motcua.printer.driver import TicketPrinter  # noqa: E402
from motcua.printer.node import PrinterNode  # noqa: E402
from motcua.printer.ticket import sample_ticket  # noqa: E402
from motcua.printer.virtual import VirtualLink, VirtualPrinter  # noqa: E402
from tests.support.hubs import start_hub  # noqa: E402


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(q / 100 * (len(s) - 1)))] * 1000


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tickets", type=int, default=60)
    ap.add_argument("--mode", default="raster", choices=["raster", "tcvn3", "cp1258"])
    args = ap.parse_args()
    centre = load_centre(ROOT / "config" / "centre.toml")
    tmp = Path(tempfile.mkdtemp(prefix="motcua-print-"))
    server, store = start_hub(centre, sqlite_url(tmp / "hub.sqlite"),
                              lambda: datetime.now(UTC), open_all_hours=True)
    eps = Endpoints(f"tcp://127.0.0.1:{server.command_port}",
                    f"tcp://127.0.0.1:{server.event_port}")
    printer = VirtualPrinter(out_dir=tmp / "tickets", profile="default")
    node = PrinterNode(eps, "printer-1", printer=TicketPrinter(VirtualLink(printer), args.mode))
    node.start()
    kiosk = HubClient(eps.command, "kiosk-1")
    lat: list[float] = []
    try:
        while node.kiosk is None:
            time.sleep(0.01)
        for i in range(args.tickets):
            before = len(printer.tickets)
            t0 = time.perf_counter()
            kiosk.request("ticket.take", {"field": "ABCDEGHKLMN"[i % 11], "procedure": None})
            printer.wait_for_tickets(before + 1, timeout=10)
            lat.append(time.perf_counter() - t0)
        floor_printer = VirtualPrinter(out_dir=tmp / "floor", profile="default")
        direct = TicketPrinter(VirtualLink(floor_printer), args.mode)
        floor: list[float] = []
        for _ in range(args.tickets):
            t0 = time.perf_counter()
            direct.print_ticket(sample_ticket())
            floor.append(time.perf_counter() - t0)
        print(f"tap -> ticket printed ({args.mode}, virtual printer, picture drawn): "
              f"p50 {pct(lat, 50):.1f} ms, p99 {pct(lat, 99):.1f} ms (n={len(lat)})")
        print(f"floor, printing the same kind of ticket directly:          "
              f"p50 {pct(floor, 50):.1f} ms, p99 {pct(floor, 99):.1f} ms")
        print(f"what the hub and the node add: p50 {pct(lat, 50) - pct(floor, 50):.1f} ms")
    finally:
        kiosk.close()
        node.stop()
        server.stop()
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
