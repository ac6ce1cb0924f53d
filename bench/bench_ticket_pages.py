"""2,000 open ticket pages (SSE) on one centre while the hub serves a busy hour.

    .venv/bin/python bench/bench_ticket_pages.py [--pages 2000] [--takes 600]

Starts a real hub and a real citizen service (``motcua citizen``) as processes on
127.0.0.1, issues one ticket per page, opens that many server-sent-event streams to the
ticket pages, then measures ``ticket.take`` latency (a busy hour compressed: kiosk takes
paced at --rate per second while counters call) twice in the same run: with no page open
(the floor: the same hub, the same client code) and with every page open. Prints p50/p99
of both and their ratio, the pages' updates received, and the citizen service's RSS and
CPU time. Everything stays on loopback; the run is bounded by its counts.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from bench_hub import bench_config

from motcua.core.ticket_page import page_token
from motcua.link.client import HubClient

ROOT = Path(__file__).resolve().parent.parent
SECRET = b"bench page secret, 32 bytes long"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def proc_figures(pid: int) -> tuple[float, float]:
    """(RSS in MB, CPU seconds) of a process, from /proc."""
    rss = 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1]) / 1024
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return rss, cpu


def pct(values: list[float], q: float) -> float:
    v = sorted(values)
    return v[min(len(v) - 1, round(q * (len(v) - 1)))]


def busy_hour(endpoint: str, takes: int, rate: float) -> list[float]:
    """Kiosk takes paced at ``rate``/s, the six counters in turn calling after every third
    take (each call moves every page of its field); returns the take latencies."""
    lat: list[float] = []
    desks = [HubClient(endpoint, f"counter-{k}", timeout=5.0) for k in range(1, 7)]
    with HubClient(endpoint, "kiosk-1", timeout=5.0) as kiosk:
        start = time.perf_counter()
        for i in range(takes):
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)  # pacing a load generator, not waiting for a result
            t0 = time.perf_counter()
            kiosk.request("ticket.take", {"field": "ABCDEGHKLMN"[i % 11]})
            lat.append(time.perf_counter() - t0)
            if i % 3 == 2:
                k = (i // 3) % 6
                desks[k].request("counter.call_next", {"counter": k + 1})
    for desk in desks:
        desk.close()
    return lat


async def hold_pages(base: str, tokens: list[str], ready: threading.Event,
                     stop: threading.Event, counts: list[int]) -> None:
    limits = httpx.Limits(max_connections=len(tokens) + 10)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=None) as client:
        opened = 0

        async def one(i: int, token: str) -> None:
            nonlocal opened
            async with client.stream("GET", f"/t/{token}/stream") as r:
                async for line in r.aiter_lines():
                    if line.startswith("event: ready"):
                        opened += 1
                        if opened == len(tokens):
                            ready.set()
                    elif line.startswith("event: patch"):
                        counts[i] += 1
                    if stop.is_set():
                        return

        tasks = [asyncio.create_task(one(i, t)) for i, t in enumerate(tokens)]
        while not stop.is_set():
            await asyncio.sleep(0.2)
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=2000)
    ap.add_argument("--takes", type=int, default=600)
    ap.add_argument("--rate", type=float, default=20.0, help="takes per second")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="motcua-pages-"))
    (tmp / "page.secret").write_text(SECRET.hex())
    cp, ep, wp = free_port(), free_port(), free_port()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    hub = subprocess.Popen([sys.executable, "-m", "motcua.cli", "hub", "--data", str(tmp),
                            "--config", str(bench_config(tmp)), "--open-all-hours", "--command-port", str(cp), "--event-port",
                            str(ep)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    web = subprocess.Popen([sys.executable, "-m", "motcua.cli", "citizen", "--command-port",
                            str(cp), "--event-port", str(ep), "--bind", "127.0.0.1", "--port",
                            str(wp), "--page-secret", str(tmp / "page.secret")], cwd=ROOT,
                           env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"tcp://127.0.0.1:{cp}"
    base = f"http://127.0.0.1:{wp}"
    try:
        with HubClient(endpoint, "admin", retries=20, timeout=1.0) as admin:
            admin.request("ping")
            for k in range(1, 7):
                admin.request("counter.open", {"counter": k, "officer": f"cb0{k}"})
            day = admin.request("snapshot")["state"]["day"]
        with HubClient(endpoint, "kiosk-1", timeout=5.0) as kiosk:
            fields = "ABCDEGHKLMN"  # every field; each cap is 999 here
            ids = [kiosk.request("ticket.take", {"field": fields[i % 11]})["ticket"]["id"]
                   for i in range(args.pages)]
        tokens = [page_token(SECRET, day, i) for i in ids]
        for _ in range(200):  # the service must know the last ticket before pages open
            try:
                if httpx.get(f"{base}/t/{tokens[-1]}", timeout=1.0).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.1)  # start-up of another process: nothing to wait on but the port
        print(f"motcua ticket pages benchmark, {os.cpu_count()} cores; {args.pages} pages, "
              f"{args.takes} takes at {args.rate:.0f}/s with a counter calling")
        floor = busy_hour(endpoint, args.takes, args.rate)
        rss0, cpu0 = proc_figures(web.pid)
        ready, stop = threading.Event(), threading.Event()
        counts = [0] * len(tokens)
        holder = threading.Thread(target=lambda: asyncio.run(
            hold_pages(base, tokens, ready, stop, counts)), daemon=True)
        holder.start()
        if not ready.wait(120):
            print("pages did not all open within 120 s")
            return 1
        rss1, cpu1 = proc_figures(web.pid)
        loaded = busy_hour(endpoint, args.takes, args.rate)
        rss2, cpu2 = proc_figures(web.pid)
        stop.set()
        holder.join(30)
        for name, lat in (("no page open (floor)", floor), (f"{args.pages} pages open", loaded)):
            ms = [x * 1000 for x in lat]
            print(f"  ticket.take, {name}: p50 {statistics.median(ms):.2f} ms, "
                  f"p99 {pct(ms, 0.99):.2f} ms")
        r50 = statistics.median(loaded) / statistics.median(floor)
        r99 = pct(loaded, 0.99) / pct(floor, 0.99)
        print(f"  ratio with pages open: p50 {r50:.2f}x, p99 {r99:.2f}x")
        print(f"  page updates received: {sum(counts)} ({min(counts)}–{max(counts)} per page)")
        print(f"  citizen service: RSS {rss0:.0f} MB idle, {rss1:.0f} MB with pages open, "
              f"{rss2:.0f} MB after the hour; CPU {cpu1 - cpu0:.1f} s to open the pages, "
              f"{cpu2 - cpu1:.1f} s during the hour")
    finally:
        for p in (web, hub):
            p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:  # open streams can hold a graceful stop
                p.kill()
                p.wait(10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
