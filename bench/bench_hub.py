"""Hub benchmark: take-ticket and call-next latency/throughput against floors.

Starts a real hub process (`motcua hub`) on a temporary SQLite database and measures,
for 1 and 20 concurrent clients: p50/p99 latency and throughput of ticket.take and
counter.call_next; in the same run the floors: a bare durable SQLite insert + commit
(WAL, synchronous=FULL) and a bare ZeroMQ DEALER->ROUTER round trip; and the hub's RSS.

    .venv/bin/python bench/bench_hub.py [--requests 2000]
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


def floor_sqlite(path: Path, n: int, clients: int) -> tuple[list[float], float]:
    db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT)")
    lock = threading.Lock()  # one writer, as in the hub

    def work(_i: int):  # type: ignore[no-untyped-def]
        def one(_k: int) -> None:
            with lock:
                db.execute("BEGIN")
                db.execute("INSERT INTO t (body) VALUES (?)", ('{"field":"A","number":1}',))
                db.execute("COMMIT")
        return one

    out = run_clients(clients, n, work)
    db.close()
    return out


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
    args = ap.parse_args()
    n = args.requests
    tmp = Path(tempfile.mkdtemp(prefix="motcua-bench-"))
    cfg = bench_config(tmp)
    results: dict[str, dict[str, float]] = {}
    print(f"motcua hub benchmark, {os.cpu_count()} cores, {n} requests per row")
    print("floors:")
    for c in (1, 20):
        results[f"sqlite{c}"] = report(f"durable SQLite insert+commit, {c} cl.",
                                       *floor_sqlite(tmp / f"floor{c}.sqlite", n, c))
        results[f"zmq{c}"] = report(f"bare ZeroMQ round trip, {c} clients", *floor_zmq(n, c))
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
        print("hub (ticket.take):")
        rss_start = rss_kb(hub.pid)
        for c in (1, 20):
            clients: list[HubClient] = []

            def take_work(i: int, clients: list[HubClient] = clients):  # type: ignore[no-untyped-def]
                cl = HubClient(endpoint, "kiosk-1", timeout=5.0)
                clients.append(cl)
                return lambda k: cl.request("ticket.take", {"field": FIELDS[(i + k) % 11]})

            results[f"take{c}"] = report(f"ticket.take, {c} clients", *run_clients(c, n, take_work))
            for cl in clients:
                cl.close()
        print("hub (counter.call_next, 6 counters):")
        for c in (1, 20):
            clients = []

            def call_work(i: int, clients: list[HubClient] = clients):  # type: ignore[no-untyped-def]
                k = i % 6 + 1
                cl = HubClient(endpoint, f"counter-{k}", timeout=5.0)
                clients.append(cl)
                return lambda _k: cl.request("counter.call_next", {})

            results[f"call{c}"] = report(f"counter.call_next, {c} clients",
                                         *run_clients(c, min(n, 1800), call_work))
            for cl in clients:
                cl.close()
        rss_end = rss_kb(hub.pid)
        print(f"hub RSS: {rss_start / 1024:.1f} MB after start-up, {rss_end / 1024:.1f} MB at the end")
        print("ratios at 20 clients (hub / floor of the same run):")
        for op in ("take", "call"):
            h = results[f"{op}20"]
            fl_p50 = results["sqlite20"]["p50_ms"] + results["zmq20"]["p50_ms"]
            fl_p99 = results["sqlite20"]["p99_ms"] + results["zmq20"]["p99_ms"]
            print(f"  {op}: p50 {h['p50_ms'] / fl_p50:.2f}x, p99 {h['p99_ms'] / fl_p99:.2f}x of "
                  f"(SQLite commit + ZeroMQ round trip) at 20 clients; throughput "
                  f"{h['per_s']:.0f}/s")
    finally:
        hub.terminate()
        hub.wait(10)
        log.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
