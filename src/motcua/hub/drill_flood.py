"""``motcua drill flood``: hostile devices against a real hub, with figures.

Three misbehaving devices, one after the other, while two well-behaved ones (a kiosk
taking tickets and a counter calling them) keep measuring their round trips:

* ``flood``: one device sending requests as fast as it can (reading replies as they
  come), so the per-device limits refuse the excess as ``busy``;
* ``big``: frames of 10 MB (over the hub's 256 KiB maximum message size: ZeroMQ drops
  them with the connection);
* ``fuzz``: random frames — wrong frame counts, bad JSON, non-UTF-8, wrong types,
  unknown commands, odd request ids.

The hub must stay alive and keep the others' p99 within 2x of their baseline. Used by
the tests (small counts) and by hand for the long run::

    motcua drill flood --frames 1000000
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import zmq

from motcua.core import protocol

FIELDS = "ABCDEGHKLMN"
TYPES = [t.encode() for t in protocol.REQUESTS] + [b"nope", b"ticket.takee", b"", b"\xff\xfe"]


@dataclass
class Tally:
    sent: int = 0
    answered: int = 0
    codes: dict[str, int] = field(default_factory=dict)

    def add(self, frames: list[bytes]) -> None:
        self.answered += 1
        try:
            ok, _rid, body = protocol.decode_reply(frames)
            code = "ok" if ok else str(body.get("code"))
        except protocol.ProtocolError:
            code = "malformed reply"
        self.codes[code] = self.codes.get(code, 0) + 1


def fuzz_frames(rng: random.Random) -> list[bytes]:
    """One hostile message (after the routing id)."""
    pick = rng.random()
    rid = rng.choice([b"f%d" % rng.randrange(10**6), b"", b"\x00\xff", b"x" * 80])
    if pick < 0.15:  # wrong frame counts
        return [rng.randbytes(rng.randrange(0, 16)) for _ in range(rng.choice([1, 2, 3, 5, 9]))]
    if pick < 0.3:  # non-UTF-8 or not JSON
        return [protocol.VERSION, rng.choice(TYPES), rid,
                rng.choice([b"\xff\xfe{", b"{", b"[]", b"null", b"{\"a\":", rng.randbytes(20)])]
    if pick < 0.4:  # wrong version
        return [rng.choice([b"MC2", b"", b"mc1"]), b"ping", rid, b"{}"]
    body: dict[str, Any] = {}
    for key in rng.sample(["field", "counter", "ticket", "officer", "value", "status",
                           "staff", "limit", "procedure", "zzz"], rng.randrange(0, 4)):
        body[key] = rng.choice([None, True, -1, 2**70, 1.5, "A", "Đ", "", [], {}, "A" * 300])
    return [protocol.VERSION, rng.choice(TYPES), rid, json.dumps(body).encode()]


def _dealer(ctx: zmq.Context[Any], endpoint: str, name: bytes) -> zmq.Socket[Any]:
    s: zmq.Socket[Any] = ctx.socket(zmq.DEALER)
    s.linger = 0
    s.setsockopt(zmq.ROUTING_ID, name)
    s.setsockopt(zmq.SNDHWM, 10_000)
    s.connect(endpoint)
    return s


def blast(ctx: zmq.Context[Any], endpoint: str, name: bytes, count: int,
          make: Any, *, window: int = 2000, drain_s: float = 5.0) -> Tally:
    """Send ``count`` messages as fast as the socket takes them, reading what comes back;
    at most ``window`` unanswered at once (so a reply is never lost to our own limits)."""
    s = _dealer(ctx, endpoint, name)
    tally = Tally()
    try:
        while tally.sent < count:
            while tally.sent < count and tally.sent - tally.answered < window:
                try:
                    s.send_multipart(make(tally.sent), zmq.NOBLOCK)
                except zmq.Again:
                    break
                tally.sent += 1
            while s.poll(0 if tally.sent - tally.answered < window else 1000):
                tally.add(s.recv_multipart())
                if tally.sent - tally.answered < window // 2:
                    break
        deadline = time.monotonic() + drain_s
        while tally.answered < tally.sent and time.monotonic() < deadline:
            if s.poll(200):
                tally.add(s.recv_multipart())
    finally:
        s.close()
    return tally


def blast_kind(ctx: zmq.Context[Any], endpoint: str, kind: str, count: int,
               seed: int) -> Tally:
    """One of the drill's misbehaving devices (see the module docstring)."""
    if kind == "flood":
        return blast(ctx, endpoint, b"kiosk-1#flood", count, flood_message)
    if kind == "big":
        return blast(ctx, endpoint, b"kiosk-1#big", count,
                     lambda i: [protocol.VERSION, b"ping", b"b%d" % i, b"x" * 10_000_000],
                     window=5, drain_s=2.0)
    rng = random.Random(seed)
    # A pool of distinct hostile messages, sent round and round: making each one fresh
    # would measure this generator, not the hub. From a known device, so they reach
    # the parser.
    pool = [fuzz_frames(rng) for _ in range(min(count, 20_000))]
    return blast(ctx, endpoint, b"counter-2#fuzz", count, lambda i: pool[i % len(pool)])


def _blast_main(endpoint: str, kind: str, count: int, seed: int, out: Any) -> None:
    ctx: zmq.Context[Any] = zmq.Context()
    try:
        tally = blast_kind(ctx, endpoint, kind, count, seed)
        out.put((tally.sent, tally.answered, tally.codes))
    finally:
        ctx.term()


def blast_in_process(endpoint: str, kind: str, count: int, seed: int) -> Tally:
    """The misbehaving device runs in a process of its own, as it would on its own
    machine: in ours it would take the GIL from the well-behaved devices we measure."""
    import multiprocessing

    mp = multiprocessing.get_context("spawn")
    results = mp.Queue()
    proc = mp.Process(target=_blast_main, args=(endpoint, kind, count, seed, results))
    proc.start()
    sent, answered, codes = results.get()
    proc.join()
    return Tally(sent, answered, codes)


def flood_message(i: int) -> list[bytes]:
    if i % 5 == 4:
        return protocol.encode_command("ticket.take", f"t{i}", {"field": FIELDS[i % 11]})
    return protocol.encode_command("ping", f"p{i}", {})


class Sampler:
    """Two well-behaved devices measuring their round trips on a thread of their own."""

    def __init__(self, endpoint: str) -> None:
        from motcua.link.client import HubClient

        self.kiosk = HubClient(endpoint, "kiosk-1", timeout=30.0, retries=0)
        self.desk = HubClient(endpoint, "counter-1", timeout=30.0, retries=0)
        self.desk.request("counter.open", {"officer": "cb01"})
        self.samples: list[float] = []
        self._n = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def one(self) -> float:
        from motcua.link.client import HubError

        self._n += 1
        t = time.perf_counter()
        try:  # a refusal (a field's daily cap reached) is an answer like any other
            if self._n % 2:
                self.desk.request("counter.call_next", {})
            else:
                self.kiosk.request("ticket.take", {"field": FIELDS[self._n // 2 % 11]})
        except HubError:
            pass
        return time.perf_counter() - t

    def baseline(self, n: int) -> list[float]:
        return [self.one() for _ in range(n)]

    def start(self) -> None:
        self.samples = []
        self._stop.clear()

        def run() -> None:
            while not self._stop.is_set():
                self.samples.append(self.one())

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()

    def stop(self) -> list[float]:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(60)
        return self.samples

    def close(self) -> None:
        self.kiosk.close()
        self.desk.close()


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def line(label: str, values: list[float]) -> str:
    return (f"{label:<28} n={len(values):>6}  p50 {pct(values, 0.5) * 1000:7.2f} ms  "
            f"p99 {pct(values, 0.99) * 1000:7.2f} ms")


def rss_mb(pid: int) -> float:
    for row in Path(f"/proc/{pid}/status").read_text().splitlines():
        if row.startswith("VmRSS:"):
            return int(row.split()[1]) / 1024
    return float("nan")


def run(endpoint: str, frames: int, requests: int, big: int, seed: int,
        pid: int | None = None) -> bool:
    ctx: zmq.Context[Any] = zmq.Context()
    sampler = Sampler(endpoint)
    try:
        base = sampler.baseline(200)
        print(line("others, baseline", base))
        alive = True
        for label, kind, count in [("flood (as fast as it can)", "flood", requests),
                                   ("10 MB frames", "big", big),
                                   ("fuzzed frames", "fuzz", frames)]:
            sampler.start()
            t0 = time.perf_counter()
            tally = blast_in_process(endpoint, kind, count, seed)
            elapsed = time.perf_counter() - t0
            during = sampler.stop()
            codes = ", ".join(f"{k} {v}" for k, v in sorted(tally.codes.items()))
            print(f"{label}: {tally.sent:,} sent in {elapsed:.1f} s, {tally.answered:,} answered"
                  f" ({codes})")
            ratio = pct(during, 0.99) / pct(base, 0.99)
            print("  " + line("others, during", during) + f"  p99 x{ratio:.2f} of baseline")
            if pid is not None:
                print(f"  hub RSS {rss_mb(pid):.0f} MB")
            alive = alive and sampler.kiosk.request("ping")["role"] == "kiosk"
        print("hub alive and serving: " + ("yes" if alive else "NO"))
        return alive
    finally:
        sampler.close()
        ctx.term()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="motcua drill flood", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--frames", type=int, default=100_000, help="fuzzed frames (100000)")
    p.add_argument("--requests", type=int, default=100_000, help="flood requests (100000)")
    p.add_argument("--big", type=int, default=20, help="10 MB frames (20)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--hub", default=None,
                   help="tcp://host:port of a running hub (default: start one on a temp folder)")
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["flood"]:  # `motcua drill flood ...`
        argv = argv[1:]
    args = p.parse_args(argv)
    if args.hub:
        return 0 if run(args.hub, args.frames, args.requests, args.big, args.seed) else 1
    from motcua.paths import SAMPLE_CONFIG

    with tempfile.TemporaryDirectory() as data:
        import socket

        ports = []
        for _ in range(2):
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                ports.append(s.getsockname()[1])
        log = Path(data) / "hub.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "motcua.cli", "hub", "--data", data, "--open-all-hours",
                 "--command-port", str(ports[0]), "--event-port", str(ports[1]),
                 "--config", str(SAMPLE_CONFIG)], stdout=out, stderr=subprocess.STDOUT)
        try:
            while "motcua hub:" not in log.read_text("utf-8", "replace"):
                if proc.poll() is not None:
                    print(log.read_text("utf-8", "replace"), file=sys.stderr)
                    return 1
                time.sleep(0.1)
            ok = run(f"tcp://127.0.0.1:{ports[0]}", args.frames, args.requests, args.big,
                     args.seed, proc.pid)
            ok = ok and proc.poll() is None
        finally:
            proc.terminate()
            proc.wait(30)
        lines = log.read_text("utf-8", "replace").splitlines()
        print(f"hub process exit code {proc.returncode}; {len(lines)} log lines")
        return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
