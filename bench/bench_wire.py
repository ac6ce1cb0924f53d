"""Wire decoding cost on the hub's hot path: typed models against the dict checks.

For the commands a busy centre sends most (ticket.take, counter.call_next,
counter.call_ticket, rating.submit, printer.printed) it times, per message:

* ``before``: json.loads + the hand-written dict check the hub used before the
  typed models (kept here, verbatim in spirit, as the floor);
* ``now``: what ``protocol.decode_command`` does today: json.loads refusing
  duplicate keys + NFC + ``msgspec.convert`` into the command's model;
* ``msgspec only``: msgspec.json.decode straight into the model (no duplicate-key
  check), to show what the duplicate check costs;
* ``round trip``: a bare ZeroMQ DEALER->ROUTER round trip in the same run, the
  floor every command pays anyway.

    .venv/bin/python bench/bench_wire.py [--n 20000]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

import msgspec
import zmq

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from motcua.core import protocol
from motcua.core.wire import REQUESTS

SAMPLES: list[tuple[str, bytes]] = [
    ("ticket.take", b'{"field":"A","priority":null}'),
    ("counter.call_next", b'{"counter":3}'),
    ("counter.call_ticket", '{"counter":3,"ticket":"A031","reason":"hẹn trước"}'.encode()),
    ("rating.submit", b'{"value":4}'),
    ("printer.printed", b'{"ticket":"20251124-A025","reprint":false}'),
]
_STR, _INT, _OPT = (str,), (int,), (str, type(None))
OLD_SCHEMAS: dict[str, dict[str, tuple[tuple[type, ...], bool]]] = {
    "ticket.take": {"field": (_STR, True), "procedure": (_OPT, False), "priority": (_OPT, False)},
    "counter.call_next": {"counter": (_INT, False)},
    "counter.call_ticket": {"counter": (_INT, False), "ticket": (_STR, True),
                            "reason": (_STR, True)},
    "rating.submit": {"counter": (_INT, False), "value": (_INT, True)},
    "printer.printed": {"ticket": (_STR, True), "reprint": ((bool,), False)},
}


def old_decode(kind: str, raw: bytes) -> dict[str, Any]:
    """The hub's command decoding before the typed models (frames, JSON, dict check)."""
    frames = [b"MC1", kind.encode(), b"r1", raw]
    if len(frames) != 4 or frames[0] != protocol.VERSION:
        raise ValueError("frames")
    kind = protocol._ascii(frames[1], "", "")
    protocol._ascii(frames[2], "", "")
    if len(raw) > protocol.MAX_BODY_BYTES:
        raise ValueError("too large")
    body = json.loads(raw.decode("utf-8"))
    if not isinstance(body, dict):
        raise ValueError("not an object")
    body = protocol.nfc_deep(body)
    schema = OLD_SCHEMAS[kind]
    for key in body:
        if key not in schema:
            raise ValueError(key)
    for key, (types, required) in schema.items():
        if key not in body:
            if required:
                raise ValueError(key)
            continue
        v = body[key]
        if (isinstance(v, bool) and bool not in types) or not isinstance(v, types):
            raise ValueError(key)
    return body


def new_decode(kind: str, raw: bytes) -> object:
    return protocol.decode_command([b"MC1", kind.encode(), b"r1", raw])


def msgspec_only(kind: str, raw: bytes) -> object:
    return msgspec.json.decode(raw, type=REQUESTS[kind])


def per_message_us(fn: Any, n: int) -> float:
    best = float("inf")
    for _ in range(5):  # best of 5: the machine is shared
        t0 = time.perf_counter()
        for i in range(n):
            kind, raw = SAMPLES[i % len(SAMPLES)]
            fn(kind, raw)
        best = min(best, (time.perf_counter() - t0) / n * 1e6)
    return best


def round_trip_us(n: int) -> float:
    ctx = zmq.Context()
    router, dealer = ctx.socket(zmq.ROUTER), ctx.socket(zmq.DEALER)
    port = router.bind_to_random_port("tcp://127.0.0.1")
    dealer.connect(f"tcp://127.0.0.1:{port}")
    lat = []
    for _ in range(n):
        t0 = time.perf_counter()
        dealer.send_multipart([b"MC1", b"ping", b"r", b"{}"])
        frames = router.recv_multipart()
        router.send_multipart([frames[0], b"MC1", b"OK", b"r", b"{}"])
        dealer.recv_multipart()
        lat.append(time.perf_counter() - t0)
    router.close(0)
    dealer.close(0)
    ctx.term()
    return sorted(lat)[len(lat) // 2] * 1e6


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20000)
    args = ap.parse_args()
    before = per_message_us(old_decode, args.n)
    now = per_message_us(new_decode, args.n)
    fast = per_message_us(msgspec_only, args.n)
    rtt = round_trip_us(min(args.n, 5000))
    print(f"decode per command, best of 5 x {args.n} (mix of {len(SAMPLES)} commands):")
    print(f"  before (json + dict check)        {before:6.2f} µs")
    print("  (all of decode_command: frames, JSON, body check, NFC)")
    print(f"  now (strict json + msgspec model) {now:6.2f} µs  ({now - before:+.2f} µs)")
    print(f"  msgspec.json.decode only          {fast:6.2f} µs")
    print(f"  floor: bare ZeroMQ round trip p50 {rtt:6.1f} µs")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  RSS {rss:.0f} MiB, pid {os.getpid()}")


if __name__ == "__main__":
    main()
