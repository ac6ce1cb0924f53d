"""Benchmark: one full busy day (350 tickets) through the real hub at maximum speed.

Run::

    .venv/bin/python bench/bench_simulate.py
    .venv/bin/python bench/bench_simulate.py --tickets 350 --seeds 1,2,3,4,5 --json out.json

What it measures, in one run, against an in-process hub on 127.0.0.1 with a temporary
SQLite database (WAL, synchronous=FULL) whose clock the simulation moves:

1. **floors**: ``ping`` round trips (a query: no commit) and ``device.status`` with an
   unchanged status (a command: its reply is stored and committed, no event), one client.
   Nothing the simulated day does can be faster than these.
2. **the day**: every device's command timed (p50/p99 per command type), wall time,
   commands per second, RSS, and the wait-estimate error figures; repeated per seed.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from motcua.core.centre.load import load_centre  # noqa: E402
from motcua.core.centre.model import Centre  # noqa: E402
from motcua.hub.server import HubOptions, HubServer  # noqa: E402
from motcua.hub.storage.db import HubStore, sqlite_url  # noqa: E402
from motcua.link.client import Endpoints, HubClient  # noqa: E402
from motcua.simulate.day import ControlledClock, DaySimulation  # noqa: E402
from motcua.simulate.model import SimReport, percentile  # noqa: E402


class TimedDay(DaySimulation):
    """The simulated day with every command's round trip timed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.latency: dict[str, list[float]] = defaultdict(list)

    def send(self, device: str, kind: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        t = time.perf_counter()
        try:
            return super().send(device, kind, body)
        finally:
            self.latency[kind].append((time.perf_counter() - t) * 1000.0)


def _ms(values: list[float]) -> str:
    return f"p50 {percentile(values, 50):6.2f} ms  p99 {percentile(values, 99):6.2f} ms"


def _hub(centre: Centre, tmp: Path, name: str) -> tuple[HubServer, HubStore, ControlledClock]:
    tz = ZoneInfo(centre.timezone)
    clock = ControlledClock(datetime(2025, 11, 24, 6, 0, tzinfo=tz))
    store = HubStore(sqlite_url(tmp / f"{name}.sqlite"), site_id=centre.id)
    server = HubServer(centre, store, HubOptions("tcp://127.0.0.1:*", "tcp://127.0.0.1:*"),
                       clock=clock)
    server.start()
    return server, store, clock


def floors(centre: Centre, tmp: Path, n: int) -> dict[str, Any]:
    server, store, _clock = _hub(centre, tmp, "floor")
    out: dict[str, Any] = {}
    try:
        with HubClient(f"tcp://127.0.0.1:{server.command_port}", "kiosk-1") as c:
            for kind, body, count in (("ping", {}, n), ("device.status", {"status": "ok"}, n // 4)):
                c.request(kind, body)  # connect and warm up
                times = []
                began = time.perf_counter()
                for _ in range(count):
                    t = time.perf_counter()
                    c.request(kind, body)
                    times.append((time.perf_counter() - t) * 1000.0)
                total = time.perf_counter() - began
                out[kind] = {"n": count, "p50_ms": percentile(times, 50),
                             "p99_ms": percentile(times, 99), "per_s": count / total}
                print(f"floor {kind:<14} {count:>5} × {_ms(times)}  {count / total:7.0f}/s")
    finally:
        server.stop()
        store.close()
    return out


def one_day(centre: Centre, tmp: Path, tickets: int, seed: int,
            show_table: bool) -> tuple[SimReport, dict[str, list[float]]]:
    server, store, clock = _hub(centre, tmp, f"day{seed}")
    try:
        ends = Endpoints(f"tcp://127.0.0.1:{server.command_port}",
                         f"tcp://127.0.0.1:{server.event_port}")
        day = TimedDay(ends, centre, speed=0, tickets=tickets, seed=seed, clock=clock)
        report = day.run()
        facts = store.facts()
    finally:
        server.stop()
        store.close()
    assert len(facts) == report.issued, "the hub stored every ticket issued"
    if show_table:
        print(report.table())
        print()
        for kind, values in sorted(day.latency.items()):
            print(f"  {kind:<20} {len(values):>5} × {_ms(values)}")
        print()
    return report, day.latency


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tickets", type=int, default=350)
    p.add_argument("--seeds", default="1,2,3", help="comma-separated seeds (first one printed)")
    p.add_argument("--floor", type=int, default=2000, help="round trips for the floor")
    p.add_argument("--json", type=Path, default=None)
    args = p.parse_args(argv)
    from motcua.logs import setup_logging

    setup_logging()
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    centre = load_centre(ROOT / "config" / "centre.toml")
    results: dict[str, Any] = {"tickets": args.tickets, "days": []}
    with tempfile.TemporaryDirectory(prefix="bench-sim-") as tmp_name:
        tmp = Path(tmp_name)
        results["floor"] = floors(centre, tmp, args.floor)
        print()
        print(f"{'seed':>4} {'wall s':>7} {'cmds':>6} {'cmds/s':>7} {'served':>6} "
              f"{'wait':>6} {'p90':>6} {'MAE':>6} {'bias':>6} {'p90|e|':>7} {'±5':>5} {'±10':>5}")
        rows = []
        for i, seed in enumerate(seeds):
            report, latency = one_day(centre, tmp, args.tickets, seed, show_table=(i == 0))
            e = report.estimates
            rows.append(report)
            print(f"{seed:>4} {report.wall_seconds:>7.2f} {report.commands:>6} "
                  f"{report.commands_per_second:>7.0f} {report.served:>6} "
                  f"{report.mean_wait:>6.1f} {report.p90_wait:>6.1f} {e.mae:>6.1f} "
                  f"{e.bias:>6.1f} {e.p90_abs:>7.1f} {100 * e.within_5:>4.0f}% "
                  f"{100 * e.within_10:>4.0f}%")
            day = report.to_dict()
            day["latency_ms"] = {k: {"n": len(v), "p50": percentile(v, 50),
                                     "p99": percentile(v, 99)} for k, v in latency.items()}
            results["days"].append(day)
    if len(rows) > 1:
        def spread(values: list[float]) -> str:
            return f"{statistics.mean(values):.1f} (min {min(values):.1f}, max {max(values):.1f})"
        print(f"over {len(rows)} seeds: MAE {spread([r.estimates.mae for r in rows])} min, "
              f"bias {spread([r.estimates.bias for r in rows])} min, "
              f"wall {spread([r.wall_seconds for r in rows])} s")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    results["max_rss_mb"] = rss
    print(f"max RSS {rss:.0f} MB (hub, simulation and clients in one process)")
    if args.json is not None:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
