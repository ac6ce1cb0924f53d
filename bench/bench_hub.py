"""Hub benchmark: take-ticket and call-next latency/throughput against the physical floor.

Starts a real hub process (`motcua hub`) on a temporary SQLite database and, in the same
run and with the same client code (``HubClient``, one thread per client), a minimal
ZeroMQ ROUTER server doing **group commit**: it drains every waiting request, inserts
one row for each, makes ONE durable commit (WAL, synchronous=FULL, the hub's settings,
one writer) and only then replies to all of them. That is the physical best for
durable replies; the hub is reported as a ratio of it, at 1 and 20 clients, for
ticket.take and counter.call_next, with throughput and the hub's RSS.

Also measured: a bare ZeroMQ round trip; the counter-press -> board-event path (a
call_next until the ``ticket.called`` event reaches a subscriber) against that round
trip; take-ticket latency while a manager's year report runs (``report.summary`` over
250 days x 350 tickets, made by the hub's read worker) against without; the hub's RSS
right after the year report.

    .venv/bin/python bench/bench_hub.py [--requests 2000] [--days 250 --per-day 350]

Targets (20 clients): hub p50 <= 1.5x and p99 <= 3x the group-commit floor; take p99
during a year report <= 1.2x without; board-event p99 <= 20x a bare round trip.
"""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import zmq

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from motcua.link.client import HubClient  # noqa: E402
from tests.support.hubs import free_port  # noqa: E402

FIELDS = "ABCDEGHKLMN"


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(q / 100 * (len(s) - 1)))]


def report(name: str, lat: list[float], wall: float) -> dict[str, float]:
    r = {"p50_ms": pct(lat, 50) * 1e3, "p99_ms": pct(lat, 99) * 1e3,
         "per_s": len(lat) / wall if wall else 0.0}
    print(f"  {name:<38} p50 {r['p50_ms']:7.3f} ms   p99 {r['p99_ms']:7.3f} ms   "
          f"{r['per_s']:9.0f} /s   (n={len(lat)})")
    return r


def run_clients(n_clients: int, total: int, work) -> tuple[list[float], float]:  # type: ignore[no-untyped-def]
    lat: list[float] = []
    lock = threading.Lock()
    per = total // n_clients
    barrier = threading.Barrier(n_clients + 1)

    def body(i: int) -> None:
        mine: list[float] = []
        ctx = work(i)
        barrier.wait()
        for k in range(per):
            t0 = time.perf_counter()
            ctx(k)
            mine.append(time.perf_counter() - t0)
        with lock:
            lat.extend(mine)

    threads = [threading.Thread(target=body, args=(i,)) for i in range(n_clients)]
    for t in threads:
        t.start()
    barrier.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    return lat, time.perf_counter() - t0


def floor_server(port: int, db_path: str) -> int:
    """The group-commit floor: drain, insert each, one durable commit, reply to all."""
    from motcua.core import protocol

    db = sqlite3.connect(db_path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY AUTOINCREMENT, "
               "kind TEXT, body TEXT)")
    ctx = zmq.Context()
    router = ctx.socket(zmq.ROUTER)
    router.bind(f"tcp://127.0.0.1:{port}")
    n = 0
    while True:
        router.poll()
        batch = []
        while True:
            try:
                batch.append(router.recv_multipart(zmq.NOBLOCK))
            except zmq.Again:
                break
        db.execute("BEGIN")
        for frames in batch:
            db.execute("INSERT INTO t (kind, body) VALUES (?, ?)", (frames[2], frames[4]))
        db.execute("COMMIT")
        for frames in batch:
            n += 1
            body = {"ticket": {"id": f"t{n}", "label": f"A{n % 1000:03d}", "number": n}}
            router.send_multipart([frames[0], *protocol.encode_reply(True, frames[3], body)])


def floor_zmq(n: int, clients: int) -> tuple[list[float], float]:
    ctx = zmq.Context()
    router = ctx.socket(zmq.ROUTER)
    port = router.bind_to_random_port("tcp://127.0.0.1")
    stop = threading.Event()

    def echo() -> None:
        poller = zmq.Poller()
        poller.register(router, zmq.POLLIN)
        while not stop.is_set():
            if poller.poll(100):
                while True:
                    try:
                        router.send_multipart(router.recv_multipart(zmq.NOBLOCK))
                    except zmq.Again:
                        break

    th = threading.Thread(target=echo)
    th.start()
    socks: list[zmq.Socket] = []  # type: ignore[type-arg]

    def work(_i: int):  # type: ignore[no-untyped-def]
        s = ctx.socket(zmq.DEALER)
        s.connect(f"tcp://127.0.0.1:{port}")
        socks.append(s)
        msg = [b"MC1", b"ticket.take", b"0123456789abcdef", b'{"field":"A"}']

        def one(_k: int) -> None:
            s.send_multipart(msg)
            s.recv_multipart()
        return one

    out = run_clients(clients, n, work)
    stop.set()
    th.join()
    for s in socks:
        s.close(0)
    router.close(0)
    ctx.term()
    return out


def client_work(endpoint: str, op: str):  # type: ignore[no-untyped-def]
    """The same client code for the hub and the floor: one HubClient per thread."""
    def work(i: int):  # type: ignore[no-untyped-def]
        if op == "take":
            cl = HubClient(endpoint, "kiosk-1", timeout=10.0)
            return lambda k: cl.request("ticket.take", {"field": FIELDS[(i + k) % 11]})
        cl = HubClient(endpoint, f"counter-{i % 6 + 1}", timeout=10.0)
        return lambda _k: cl.request("counter.call_next", {})
    return work


def board_path(endpoint: str, event_port: int, n: int) -> tuple[list[float], float]:
    """A counter presses "call next"; time until a board's SUB has the event."""
    ctx = zmq.Context()
    sub = ctx.socket(zmq.SUB)
    sub.setsockopt(zmq.SUBSCRIBE, b"e.ticket.called")
    sub.connect(f"tcp://127.0.0.1:{event_port}")
    desk = HubClient(endpoint, "counter-1", timeout=10.0)
    kiosk = HubClient(endpoint, "kiosk-1", timeout=10.0)
    time.sleep(0.5)  # let the subscription reach the hub (a bench, not a test)
    lat: list[float] = []
    t_all = time.perf_counter()
    for k in range(n):
        kiosk.request("ticket.take", {"field": FIELDS[k % 11]})
        t0 = time.perf_counter()
        if desk.request("counter.call_next", {"counter": 1}).get("ticket") is None:
            continue  # nothing for this counter: no event to wait for
        if not sub.poll(5000):
            break
        sub.recv_multipart()
        lat.append(time.perf_counter() - t0)
    wall = time.perf_counter() - t_all
    desk.close()
    kiosk.close()
    sub.close(0)
    ctx.term()
    return lat, wall


def year_reports(endpoint: str, stop: threading.Event) -> threading.Thread:
    """A manager asking for the year report again and again until ``stop``."""
    def run() -> None:
        with HubClient(endpoint, "manager-1", timeout=120.0, retries=0) as m:
            while not stop.is_set():
                m.request("report.summary", {"date_from": "2024-01-01", "date_to": "2024-12-31"})
                th.made += 1  # type: ignore[attr-defined]
    th = threading.Thread(target=run)
    th.made = 0  # type: ignore[attr-defined]
    th.start()
    return th


def seed_year(db: Path, days: int, per_day: int) -> None:
    """A year of ticket facts in the hub's database, as the hub itself would store them."""
    from datetime import date, timedelta

    from sqlalchemy import insert

    from motcua.hub.storage.db import HubStore, sqlite_url
    from motcua.hub.storage.schema import ticket_facts

    store = HubStore(sqlite_url(db), site_id="bench")
    d, made = date(2024, 1, 1), 0
    rows = []
    while made < days:
        if d.weekday() < 5:
            made += 1
            for i in range(per_day):
                f = FIELDS[i % 11]
                rows.append({"ticket": f"{d.isoformat()}-{f}{i:03d}", "day": d.isoformat(),
                             "field": f, "label": f"{f}{i:03d}", "status": "done",
                             "counter": 1 + i % 6, "officer": f"cb0{1 + i % 6}",
                             "issued_at": f"{d.isoformat()}T{8 + i % 8:02d}:{i % 60:02d}:00+07:00",
                             "wait_seconds": 60.0 + i % 900, "service_seconds": 300.0 + i % 600,
                             "calls": 1, "transfers": 0, "rating": 1 + i % 4,
                             "satisfied": i % 4 != 0})
        d += timedelta(days=1)
    with store.engine.begin() as conn:
        conn.execute(insert(ticket_facts), rows)
    store.close()


def bench_config(tmp: Path) -> Path:
    """The sample centre with every daily cap at its maximum (999) for long runs."""
    src = (ROOT / "config" / "fields.toml").read_text("utf-8")
    (tmp / "fields.toml").write_text(re.sub(r"daily_cap = \d+", "daily_cap = 999", src), "utf-8")
    (tmp / "centre.toml").write_text((ROOT / "config" / "centre.toml").read_text("utf-8"), "utf-8")
    return tmp / "centre.toml"


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--days", type=int, default=250)
    ap.add_argument("--per-day", type=int, default=350)
    ap.add_argument("--floor-server", nargs=2, metavar=("PORT", "DB"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.floor_server:
        return floor_server(int(args.floor_server[0]), args.floor_server[1])
    n = args.requests
    tmp = Path(tempfile.mkdtemp(prefix="motcua-bench-"))
    cfg = bench_config(tmp)
    results: dict[str, dict[str, float]] = {}
    print(f"motcua hub benchmark, {os.cpu_count()} cores, {n} requests per row")
    print("floors:")
    for c in (1, 20):
        results[f"zmq{c}"] = report(f"bare ZeroMQ round trip, {c} clients", *floor_zmq(n, c))
    fport = free_port()
    floor = subprocess.Popen([sys.executable, __file__, "--floor-server", str(fport),
                              str(tmp / "floor.sqlite")], cwd=ROOT)
    try:
        fend = f"tcp://127.0.0.1:{fport}"
        with HubClient(fend, "admin", retries=20, timeout=1.0) as probe:
            probe.request("ping")
        for op in ("take", "call"):
            for c in (1, 20):
                results[f"floor-{op}{c}"] = report(
                    f"group-commit floor, {op}, {c} cl.", *run_clients(c, n, client_work(fend, op)))
    finally:
        floor.terminate()
        floor.wait(10)
    seed_year(tmp / "hub.sqlite", args.days, args.per_day)
    cp, ep = free_port(), free_port()
    log = (tmp / "hub.log").open("wb")
    hub = subprocess.Popen([sys.executable, "-m", "motcua.cli", "hub", "--data", str(tmp),
                            "--config", str(cfg), "--open-all-hours", "--command-port", str(cp),
                            "--event-port", str(ep)], stdout=log, stderr=subprocess.STDOUT,
                           cwd=ROOT)
    try:
        endpoint = f"tcp://127.0.0.1:{cp}"
        with HubClient(endpoint, "admin", retries=20, timeout=1.0) as admin:
            admin.request("ping")
            for k in range(1, 7):
                admin.request("counter.open", {"counter": k, "officer": f"cb0{k}"})
        rss_start = rss_kb(hub.pid)
        for op in ("take", "call"):
            for c in (1, 20):
                results[f"{op}{c}"] = report(f"hub {op}, {c} clients",
                                             *run_clients(c, n, client_work(endpoint, op)))
        results["board"] = report("counter press -> board event", *board_path(endpoint, ep, 500))
        rss_end = rss_kb(hub.pid)
        print(f"hub RSS: {rss_start / 1024:.1f} MB after start-up, {rss_end / 1024:.1f} MB "
              "after the runs")
        print("take-ticket, 20 clients, while a manager's year report runs:")
        quiet = run_clients(20, n, client_work(endpoint, "take"))
        results["quiet"] = report("without a report", *quiet)
        stop = threading.Event()
        reports = year_reports(endpoint, stop)
        try:
            results["loud"] = report("during year reports", *run_clients(20, n, client_work(
                endpoint, "take")))
        finally:
            stop.set()
            reports.join(300)
        print(f"  year reports made meanwhile: {reports.made}; hub RSS right after: "  # type: ignore[attr-defined]
              f"{rss_kb(hub.pid) / 1024:.1f} MB")
        print("ratios (hub / floor of the same run):")
        for op in ("take", "call"):
            for c in (1, 20):
                h, f = results[f"{op}{c}"], results[f"floor-{op}{c}"]
                print(f"  {op}, {c:>2} clients: p50 {h['p50_ms'] / f['p50_ms']:.2f}x, p99 "
                      f"{h['p99_ms'] / f['p99_ms']:.2f}x of group commit; throughput "
                      f"{h['per_s']:.0f}/s vs {f['per_s']:.0f}/s")
        q, lo = results["quiet"], results["loud"]
        print(f"  take during a year report: p50 {lo['p50_ms'] / q['p50_ms']:.2f}x, "
              f"p99 {lo['p99_ms'] / q['p99_ms']:.2f}x of without")
        b, z = results["board"], results["zmq1"]
        print(f"  board event: p50 {b['p50_ms'] / z['p50_ms']:.1f}x, p99 "
              f"{b['p99_ms'] / z['p99_ms']:.1f}x of a bare ZeroMQ round trip")
    finally:
        hub.terminate()
        hub.wait(10)
        log.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
