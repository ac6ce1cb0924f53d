"""A month of a busy centre through one hub: does its memory stay flat?

A real HubServer on a temporary SQLite database with a clock the bench moves: 30 working
days of ``--per-day`` tickets (each taken, called, finished and rated, so ~4 stored
replies per ticket), the day changing at midnight as in a centre, the replies pruned on
the hub's own schedule (forced once a day here, since the bench's days pass in seconds).
Prints, per week, the process's RSS (hub and bench client share the process, so this is
an upper bound for the hub) and the stored replies in memory and on disk.

    .venv/bin/python bench/bench_hub_month.py [--days 30 --per-day 350]

Target: RSS <= 80 MB over the month, stored replies bounded by the two-day window.
"""

from __future__ import annotations

import argparse
import gc
import sqlite3
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from motcua.core.centre.load import load_centre  # noqa: E402
from motcua.hub.server import HubOptions, HubServer  # noqa: E402
from motcua.hub.storage.db import HubStore, sqlite_url  # noqa: E402
from motcua.link.client import HubClient, HubError  # noqa: E402

FIELDS = "ABCDEGHKLMN"


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--per-day", type=int, default=350)
    args = ap.parse_args()
    centre = load_centre(ROOT / "config" / "centre.toml")
    now = [datetime(2025, 11, 3, 7, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))]
    tmp = Path(tempfile.mkdtemp(prefix="motcua-month-"))
    store = HubStore(sqlite_url(tmp / "hub.sqlite"), site_id=centre.id)
    server = HubServer(centre, store, HubOptions("tcp://127.0.0.1:*", "tcp://127.0.0.1:*",
                                                 open_all_hours=True), clock=lambda: now[0])
    server.start()
    ep = f"tcp://127.0.0.1:{server.command_port}"
    kiosk = HubClient(ep, "kiosk-1", timeout=10.0)
    desks = {k: HubClient(ep, f"counter-{k}", timeout=10.0) for k in range(1, 7)}
    ratings = {k: HubClient(ep, f"rating-{k}", timeout=10.0) for k in range(1, 7)}
    print(f"start: RSS {rss_mb():.1f} MB")
    day = 0
    try:
        while day < args.days:
            if now[0].weekday() < 5:
                day += 1
                for k, desk in desks.items():
                    desk.request("counter.open", {"officer": f"cb0{k}"})
                for i in range(args.per_day):
                    try:
                        kiosk.request("ticket.take", {"field": FIELDS[i % 11]})
                    except HubError:
                        continue  # a field's daily cap
                    k = 1 + i % 6
                    called = desks[k].request("counter.call_next", {})
                    if called.get("ticket") is not None:
                        desks[k].request("counter.finish", {})
                        try:
                            ratings[k].request("rating.submit", {"value": 1 + i % 4})
                        except HubError:
                            pass
                server.prune()  # the hub does this every 10 minutes of its own
                if day % 5 == 0:
                    gc.collect()
                    db = sqlite3.connect(tmp / "hub.sqlite")
                    on_disk = db.execute("SELECT count(*) FROM replies").fetchone()[0]
                    db.close()
                    print(f"day {day:>2}: RSS {rss_mb():5.1f} MB; stored replies in memory "
                          f"{len(server._replies):,}, on disk {on_disk:,}")
            now[0] = (now[0] + timedelta(days=1)).replace(hour=7, minute=30)
    finally:
        for c in (kiosk, *desks.values(), *ratings.values()):
            c.close()
        server.stop()
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
