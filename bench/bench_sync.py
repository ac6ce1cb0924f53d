"""Benchmark of the upward sync: hub catch-up and provincial ingest, with a floor.

Run (PostgreSQL at 127.0.0.1:5432, database ``test``; a throw-away schema is used and
dropped)::

    .venv/bin/python bench/bench_sync.py
    .venv/bin/python bench/bench_sync.py --centres 200 --per-centre 1000 --workers 1,2,4

What it measures, all over loopback with CURVE on and in one run:

1. **floor**: plain multi-row ``INSERT ... VALUES (..),(..)`` of the same rows the
   200-centre test sends, 500 rows a statement, into an unpartitioned table with the
   same columns and primary key, one connection. Anything the province does on top
   (checking, cursor, partitions, daily counts, network) is measured against this.
2. **direct ingest**: ``Store.ingest`` of the same batches, one thread, no network.
3. **catch-up**: one busy centre's week offline (~15k events) sent by the real
   ``SyncClient`` (batch 500, window 4) once the province is back. Target: < 10 s.
4. **200 centres**: 200 CURVE DEALER sockets, each with its own key pair, site and
   stream id, driven by a few threads (``--drivers``, each polls its share of the
   sockets and keeps ``--window`` batches in flight per socket), all sending their
   backlog at once. Connections are warmed up (handshake + first event) before the
   clock starts. Target: >= 20,000 events/s.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

import zmq
from sqlalchemy import Engine, create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from motcua.hub.sync import SyncClient
from motcua.province.protocol import parse_batch
from motcua.province.server import ProvinceServer
from motcua.province.sim import MemoryOutbox, centre_day
from motcua.province.store import Store

START = date(2025, 7, 7)


def week_outbox(site: str, events: int) -> MemoryOutbox:
    """A busy centre's week: ~events spread over 7 business days."""
    box = MemoryOutbox(site)
    tickets = max(10, int(events / 7 / 3.7))
    for i in range(7):
        box.extend(centre_day(START + timedelta(days=i), tickets, seed=i))
    return box


def centre_outbox(i: int, events: int) -> MemoryOutbox:
    box = MemoryOutbox(f"79-xa-{i:03d}")
    day = START
    while box.last_seq() < events:
        box.extend(islice(centre_day(day, 350, seed=i), events - box.last_seq()))
        day += timedelta(days=1)
    return box


def payloads(box: MemoryOutbox, batch: int, upto: int | None = None) -> list[bytes]:
    out = []
    last = box.last_seq() if upto is None else upto
    seq = 0
    while seq < last:
        evs = box.read_after(seq, min(batch, last - seq))
        out.append(json.dumps({
            "site": box.site_id, "stream_id": box.stream_id, "first_seq": evs[0].seq,
            "last_seq": evs[-1].seq, "hub_now": "2025-07-14T08:00:00+07:00",
            "events": [e.to_wire() for e in evs]}, ensure_ascii=False).encode())
        seq = evs[-1].seq
    return out


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100 * len(values)))]


# --------------------------------------------------------------------------- floor
def raw_rates(engine: Engine, schema: str, boxes: list[MemoryOutbox]) -> tuple[float, float]:
    """Events/s of a plain multi-row INSERT and of a plain COPY, 500 rows a commit."""
    rows = [(b.stream_id, b.site_id, e.seq, e.day, e.ts, e.type,
             json.dumps(e.body, ensure_ascii=False)) for b in boxes for e in b.events()]
    rates = []
    for table in ("floor_insert", "floor_copy"):
        with engine.begin() as conn:
            conn.execute(text(f"""CREATE TABLE {schema}.{table} (stream_id uuid, site text,
                seq bigint, day date, ts timestamptz, type text, body jsonb,
                PRIMARY KEY (stream_id, seq, day))"""))
        raw = engine.raw_connection()
        t0 = time.perf_counter()
        try:
            cur = raw.cursor()
            for i in range(0, len(rows), 500):
                chunk = rows[i:i + 500]
                if table == "floor_insert":
                    values = ",".join(["(%s,%s,%s,%s,%s,%s,%s)"] * len(chunk))
                    cur.execute(f"INSERT INTO {schema}.{table} VALUES {values}",
                                [v for r in chunk for v in r])
                else:
                    with cur.copy(f"COPY {schema}.{table} FROM STDIN") as copy:
                        for r in chunk:
                            copy.write_row(r)
                raw.commit()
        finally:
            raw.close()
        rates.append(len(rows) / (time.perf_counter() - t0))
    return rates[0], rates[1]


# --------------------------------------------------------------------- 200 centres
@dataclass
class Centre:
    public: bytes
    secret: bytes
    batches: list[bytes]
    sent: int = 0
    acked: int = 0
    inflight: dict[bytes, float] = field(default_factory=dict)


def drive(ctx: zmq.Context[zmq.Socket[bytes]], endpoint: str, server_key: bytes,
          centres: list[Centre], window: int, ready: threading.Barrier,
          go: threading.Event, rtts: list[float], errors: list[str]) -> None:
    socks: dict[zmq.Socket[bytes], Centre] = {}
    poller = zmq.Poller()
    for c in centres:
        s = ctx.socket(zmq.DEALER)
        s.linger = 0
        s.curve_serverkey, s.curve_secretkey, s.curve_publickey = server_key, c.secret, c.public
        s.connect(endpoint)
        socks[s] = c
        poller.register(s, zmq.POLLIN)

    def send(s: zmq.Socket[bytes], c: Centre) -> None:
        while c.sent < len(c.batches) and len(c.inflight) < window:
            bid = str(c.sent).encode()
            c.inflight[bid] = time.perf_counter()
            s.send_multipart([b"MCS1", b"BATCH", bid, c.batches[c.sent]])
            c.sent += 1

    def pump(until_done: int) -> None:
        done = sum(c.acked == len(c.batches) for c in socks.values())
        while done < until_done and not errors:
            for s, _ in poller.poll(10_000) or [(None, 0)]:
                if s is None:
                    errors.append("no reply for 10 s")
                    return
                _, kind, bid, body = s.recv_multipart()
                c = socks[s]
                rtts.append(time.perf_counter() - c.inflight.pop(bid))
                if kind != b"ACK":
                    errors.append(f"{kind.decode()} {body[:200]!r}")
                    return
                c.acked += 1
                if c.acked == len(c.batches):
                    done += 1
                else:
                    send(s, c)

    # Warm-up: handshake and first batch (one event: creates stream and partition).
    for s, c in socks.items():
        c.inflight[b"w"] = time.perf_counter()
        s.send_multipart([b"MCS1", b"BATCH", b"w", c.batches[0]])
        c.sent = 1
    pending = len(socks)
    while pending and not errors:
        ready_socks = poller.poll(10_000)
        if not ready_socks:
            errors.append("no reply to warm-up for 10 s")
        for s, _ in ready_socks:
            _, kind, bid, body = s.recv_multipart()
            socks[s].inflight.pop(bid)
            socks[s].acked = 1
            pending -= 1
            if kind != b"ACK":
                errors.append(f"warm-up {kind.decode()} {body[:200]!r}")
    ready.wait()
    go.wait()
    for s, c in socks.items():
        send(s, c)
    pump(len(socks))
    for s in socks:
        s.close(0)


def many_centres(engine: Engine, schema: str, boxes: list[MemoryOutbox], batch: int,
                 window: int, drivers: int, workers: int) -> dict[str, Any]:
    server_pub, server_sec = zmq.curve_keypair()
    pairs = [zmq.curve_keypair() for _ in boxes]
    srv = ProvinceServer(None, "tcp://127.0.0.1:*", engine=engine, schema=schema,
                         refresh_every_s=None,  # ingest alone; report facts measured apart
                         secret_key=server_sec, public_key=server_pub, workers=workers,
                         allowed_sites={p[0]: b.site_id for p, b in zip(pairs, boxes,
                                                                    strict=True)})
    srv.start()
    ctx: zmq.Context[zmq.Socket[bytes]] = zmq.Context()
    centres = []
    for (pub, sec), box in zip(pairs, boxes, strict=True):
        first = payloads(box, 1, upto=1)
        rest: list[bytes] = []
        evs = box.events()[1:]
        for i in range(0, len(evs), batch):
            chunk = evs[i:i + batch]
            rest.append(json.dumps({
                "site": box.site_id, "stream_id": box.stream_id, "first_seq": chunk[0].seq,
                "last_seq": chunk[-1].seq, "hub_now": "2025-07-14T08:00:00+07:00",
                "events": [e.to_wire() for e in chunk]}, ensure_ascii=False).encode())
        centres.append(Centre(pub, sec, first + rest))
    timed_events = sum(b.last_seq() - 1 for b in boxes)
    ready = threading.Barrier(drivers + 1)
    go = threading.Event()
    rtts: list[float] = []
    errors: list[str] = []
    share = [centres[i::drivers] for i in range(drivers)]
    per_thread_rtts: list[list[float]] = [[] for _ in range(drivers)]
    threads = [threading.Thread(target=drive, args=(ctx, srv.endpoint, server_pub, share[i],
                                                    window, ready, go, per_thread_rtts[i],
                                                    errors)) for i in range(drivers)]
    for t in threads:
        t.start()
    ready.wait()
    before = srv.stats()["events_inserted"]
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    go.set()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    inserted = srv.stats()["events_inserted"] - before
    srv.stop()
    ctx.term()
    for r in per_thread_rtts:
        rtts.extend(r)
    stored = srv.store.count_events()
    return {"events": timed_events, "inserted": inserted, "stored": stored,
            "elapsed": elapsed, "rate": inserted / elapsed, "cpu": cpu,
            "rtt_p50": pct(rtts, 50), "rtt_p99": pct(rtts, 99), "errors": errors}


# -------------------------------------------------------------------------- catch-up
def catch_up(engine: Engine, schema: str, events: int, workers: int) -> dict[str, Any]:
    server_pub, server_sec = zmq.curve_keypair()
    hub_pub, hub_sec = zmq.curve_keypair()
    box = week_outbox("79-phuong-ben-thanh", events)
    srv = ProvinceServer(None, "tcp://127.0.0.1:*", engine=engine, schema=schema,
                         refresh_every_s=None,  # ingest alone; report facts measured apart
                         secret_key=server_sec, public_key=server_pub, workers=workers,
                         allowed_sites={hub_pub: box.site_id})
    srv.start()
    try:
        client = SyncClient(box, srv.endpoint, server_public_key=server_pub,
                            client_secret_key=hub_sec, client_public_key=hub_pub,
                            idle_poll_s=0.01)
        t0 = time.perf_counter()
        client.start()
        ok = client.wait_synced(120)
        elapsed = time.perf_counter() - t0
        st = client.status()
        client.stop()
        exact = srv.store.seqs(box.stream_id) == list(range(1, box.last_seq() + 1))
    finally:
        srv.stop()
    return {"events": box.last_seq(), "elapsed": elapsed, "ok": ok and exact,
            "bytes": st["bytes_sent"], "batches": st["batches_sent"],
            "resends": st["resends"]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    ap.add_argument("--events", type=int, default=15_000, help="catch-up backlog")
    ap.add_argument("--centres", type=int, default=200)
    ap.add_argument("--per-centre", type=int, default=1000)
    ap.add_argument("--batch", type=int, default=500, help="batch size, 200-centre test")
    ap.add_argument("--window", type=int, default=4)
    ap.add_argument("--drivers", type=int, default=2)
    ap.add_argument("--workers", default="4", help="server workers, e.g. 1,2,4")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    workers = [int(w) for w in args.workers.split(",")]
    engine = create_engine(args.db, pool_size=max(workers) + 4)
    schema = f"bench_sync_{uuid.uuid4().hex[:8]}"
    store = Store(engine, schema)
    try:
        store.create_schema()
        boxes = [centre_outbox(i, args.per_centre) for i in range(args.centres)]
        n_rows = sum(b.last_seq() for b in boxes)
        floor, copy_rate = raw_rates(engine, schema, boxes)
        print(f"floor: plain multi-row INSERT, {n_rows} rows, 500/statement+commit: "
              f"{floor:,.0f} events/s; plain COPY, 500/commit: {copy_rate:,.0f} events/s")

        direct = Store(engine, schema + "_d")
        direct.create_schema()
        batches = [parse_batch(p) for b in boxes for p in payloads(b, args.batch)]
        t0 = time.perf_counter()
        for b in batches:
            direct.ingest(b)
        rate = n_rows / (time.perf_counter() - t0)
        direct.drop_schema()
        print(f"direct Store.ingest, 1 thread, batch {args.batch}: {rate:,.0f} events/s "
              f"({rate / floor:.2f}x floor)")

        runs = []
        for i in range(args.repeat):
            r = catch_up(engine, f"{schema}_c{i}", args.events, workers[-1])
            Store(engine, f"{schema}_c{i}").drop_schema()
            runs.append(r)
        times = [r["elapsed"] for r in runs]
        r = runs[0]
        print(f"catch-up, CURVE, batch 500 window 4, {r['events']} events: "
              f"median {statistics.median(times):.2f} s, max {max(times):.2f} s "
              f"({r['events'] / statistics.median(times):,.0f} events/s); "
              f"{r['bytes'] / r['events']:.0f} JSON bytes/event, {r['batches']} batches, "
              f"{r['resends']} resends, exact={all(x['ok'] for x in runs)}  [target < 10 s]")

        for w in workers:
            sch = f"{schema}_m{w}"
            m = many_centres(engine, sch, boxes, args.batch, args.window, args.drivers, w)
            Store(engine, sch).drop_schema()
            print(f"{args.centres} centres x {args.per_centre} events, CURVE, batch "
                  f"{args.batch}, window {args.window}, {args.drivers} driver threads, "
                  f"{w} server workers: {m['rate']:,.0f} events/s "
                  f"({m['rate'] / floor:.2f}x floor), {m['elapsed']:.2f} s, batch RTT p50 "
                  f"{m['rtt_p50'] * 1000:.1f} ms p99 {m['rtt_p99'] * 1000:.1f} ms, "
                  f"process CPU {m['cpu']:.1f} s, stored {m['stored']}/{n_rows}"
                  f"{', ERRORS ' + str(m['errors'][:3]) if m['errors'] else ''}"
                  "  [target >= 20,000/s]")
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS of the bench process (server + clients + data): {rss:.0f} MB")
    finally:
        store.drop_schema()
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
