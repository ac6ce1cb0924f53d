"""Benchmark of the reports: a year of one busy centre, a month of a province.

Run (PostgreSQL at 127.0.0.1:5432, database ``test``; a throw-away schema is used and
dropped)::

    .venv/bin/python bench/bench_reports.py
    .venv/bin/python bench/bench_reports.py --days 250 --per-day 350 --centres 150 \\
        --replay-centres 5 --repeat 5 --samples docs/images

What it measures, in one run:

1. **hub, a year**: ``--per-day`` synthetic tickets x ``--days`` weekdays written as
   ticket facts into a temporary SQLite hub database. Timed: reading the facts
   (``HubStore.facts``), ``motcua.reports.figures.summary`` on them, both together (what the
   ``report.summary`` query and ``motcua report`` do), and the exports (CSV, XLSX,
   charts). Floor: the raw ``sqlite3`` fetch of the same rows. Target: a year < 1 s.
2. **province, a month**: ``--centres`` centres x one month of weekdays and Saturdays
   of facts in ``province_facts`` (loaded by COPY). Timed: ``province_overview`` (all
   sites side by side, SQL) and ``site_summary`` of one site. Floor: a count(*) scan
   of the month.
3. **province, replay**: ``--replay-centres`` centres' month as real hub-shaped events,
   ingested by ``Store.ingest`` in batches of 500, then ``refresh_facts`` (events/s),
   and the cost of one refresh after one more batch. The replayed facts are checked
   against the generated ones.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from motcua.core.centre.load import load_centre
from motcua.core.centre.model import Centre
from motcua.hub.storage.db import HubStore, sqlite_url
from motcua.report_cli import read_hub_rows
from motcua.reports.exports import export
from motcua.reports.figures import REPORT_COLUMNS, summary, summary_rows

ROOT = Path(__file__).resolve().parents[1]
VN = ZoneInfo("Asia/Ho_Chi_Minh")
# Arrivals per hour of the opening sessions (relative): the morning peak is 8-10h.
PROFILE = [(7.5, 8.0, 0.6), (8.0, 9.0, 1.4), (9.0, 10.0, 1.5), (10.0, 11.0, 1.1),
           (11.0, 11.5, 0.5), (13.5, 14.0, 0.7), (14.0, 15.0, 1.2), (15.0, 16.0, 1.0),
           (16.0, 17.0, 0.6)]
FIELD_WEIGHTS = {"A": 30, "B": 28, "C": 12, "D": 5, "E": 6, "G": 4, "H": 5, "K": 2, "L": 2,
                 "M": 2, "N": 4}


# -- synthetic data ----------------------------------------------------------------------------
def working_days(start: date, n: int, saturdays: bool = False) -> list[date]:
    out, d = [], start
    while len(out) < n:
        if d.weekday() < 5 or (saturdays and d.weekday() == 5):
            out.append(d)
        d += timedelta(days=1)
    return out


def _issue_time(rng: random.Random, day: date, saturday: bool) -> datetime:
    spans = [p for p in PROFILE if not saturday or p[1] <= 11.5]
    a, b, _w = rng.choices(spans, weights=[(p[1] - p[0]) * p[2] for p in spans])[0]
    hours = rng.uniform(a, b)
    return datetime(day.year, day.month, day.day, tzinfo=VN) + timedelta(hours=hours)


def synthetic_day(centre: Centre, day: date, tickets: int, seed: Any) -> list[dict[str, Any]]:
    """One day of fact rows shaped like ``fact_row``'s, plausible for a busy ward."""
    rng = random.Random(f"{seed}:{day}")
    codes = [f.code for f in centre.fields]
    weights = [FIELD_WEIGHTS.get(c, 2) for c in codes]
    minutes = {f.code: f.service_minutes for f in centre.fields}
    officers = [o.id for o in centre.officers]
    # cb01..cb06 at counters 1..6; cb07 and cb08 stand in at counters 5 and 6 some days
    roster = {c.number: officers[(c.number - 1) % len(officers)] for c in centre.counters}
    if day.toordinal() % 3 == 0:
        roster[5] = officers[6 % len(officers)]
    if day.toordinal() % 4 == 0:
        roster[6] = officers[7 % len(officers)]
    # each officer has a steady share of good ratings (stable across runs, unlike hash())
    skill = {o: 0.55 + 0.4 * (sum(map(ord, o)) % 7) / 6 for o in officers}
    issued = sorted(_issue_time(rng, day, day.weekday() == 5) for _ in range(tickets))
    numbers: dict[str, int] = {}
    rows = []
    for t in issued:
        field = rng.choices(codes, weights=weights)[0]
        numbers[field] = numbers.get(field, 0) + 1
        label = f"{field}{numbers[field]:03d}"
        busy = {8: 1.6, 9: 1.8, 10: 1.3, 14: 1.3}.get(t.hour, 1.0)
        # longer procedures queue longer (fewer counters serve them)
        wait = rng.gammavariate(2.0, 150 * busy * (0.5 + minutes[field] / 12))
        counters = [c.number for c in centre.counters if field in c.fields]
        counter = rng.choice(counters)
        roll = rng.random()
        status = ("cancelled" if roll < 0.015 else "no_show" if roll < 0.055 else "done")
        transfers = 1 if status == "done" and rng.random() < 0.03 else 0
        called = None if status == "cancelled" else t + timedelta(seconds=round(wait))
        served = finished = None
        service = None
        if status == "done" and called is not None:
            served = called + timedelta(seconds=rng.randint(20, 90) + 120 * transfers)
            service = float(round(rng.lognormvariate(0, 0.45) * minutes[field] * 60))
            finished = served + timedelta(seconds=service)
        elif status == "no_show" and called is not None:
            finished = called + timedelta(seconds=rng.randint(60, 180))
        elif status == "cancelled":
            finished = t + timedelta(minutes=rng.randint(2, 40))
        officer = None if called is None else roster[counter]
        rating = satisfied = None
        if status == "done" and officer is not None and rng.random() < 0.7:
            good = rng.random() < skill[officer]
            rating = rng.choice((3, 4)) if good else rng.choice((1, 2, 2))
            satisfied = rating >= 3
        rows.append({
            "ticket": f"{day:%Y%m%d}-{label}", "day": day.isoformat(), "field": field,
            "label": label, "priority": "elderly" if rng.random() < 0.06 else None,
            "procedure": None, "status": status,
            "counter": None if called is None else counter, "officer": officer,
            "issued_at": t.isoformat(),
            "first_called_at": called.isoformat() if called else None,
            "served_at": served.isoformat() if served else None,
            "finished_at": finished.isoformat() if finished else None,
            "wait_seconds": (called - t).total_seconds() if called else None,
            "service_seconds": service, "calls": (1 + transfers) if called else 0,
            "transfers": transfers, "estimate_minutes": 10, "rating": rating,
            "satisfied": satisfied})
    return rows


def facts_to_events(day: date, rows: list[dict[str, Any]]) -> list[tuple[str, str, dict[str, Any]]]:
    """The hub events (type, ts, body) that produce exactly these fact rows when replayed."""
    out: list[tuple[str, int, int, str, dict[str, Any]]] = []
    opened = datetime(day.year, day.month, day.day, 7, 0, tzinfo=VN).isoformat()
    out.append((opened, 0, 0, "day.opened", {"day": day.isoformat(), "service_seconds": {},
                                             "devices": {}}))
    for i, r in enumerate(rows, start=1):
        base = {"ticket": r["ticket"], "label": r["label"], "field": r["field"]}
        ev = [(r["issued_at"], "ticket.issued", {
            **base, "day": r["day"], "number": int(r["label"][1:]), "priority": r["priority"],
            "procedure": None, "kiosk": "kiosk-1", "ahead": 0, "estimate_minutes": 10})]
        at = {**base, "counter": r["counter"], "officer": r["officer"]}
        if r["first_called_at"]:
            ev.append((r["first_called_at"], "ticket.called", {**at, "priority": r["priority"]}))
        if r["status"] == "done":
            if r["transfers"]:
                ev.append((r["first_called_at"], "ticket.transferred",
                           {**at, "to_field": None, "to_counter": r["counter"]}))
                ev.append((r["first_called_at"], "ticket.called", {**at}))
            ev.append((r["served_at"], "ticket.serving", at))
            until = datetime.fromisoformat(r["finished_at"]) + timedelta(seconds=30)
            ev.append((r["finished_at"], "ticket.done", {
                **at, "service_seconds": r["service_seconds"], "rating_until": until.isoformat()}))
            if r["rating"] is not None:
                ev.append((r["finished_at"], "rating.given", {
                    **at, "value": r["rating"], "satisfied": r["satisfied"]}))
        elif r["status"] == "no_show":
            ev.append((r["finished_at"], "ticket.no_show", at))
        else:
            ev.append((r["finished_at"], "ticket.cancelled", {**base, "reason": "bỏ về"}))
        out += [(ts, i, step, kind, body) for step, (ts, kind, body) in enumerate(ev)]
    out.sort(key=lambda e: (datetime.fromisoformat(e[0]), e[1], e[2]))
    return [(kind, ts, body) for ts, _i, _s, kind, body in out]


# -- timing -------------------------------------------------------------------------------------
def timed(fn: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return times, result


def show(name: str, times: list[float], extra: str = "") -> dict[str, Any]:
    p50 = statistics.median(times)
    print(f"  {name:<44} p50 {p50 * 1000:8.1f} ms   min {min(times) * 1000:8.1f} ms"
          f"   max {max(times) * 1000:8.1f} ms {extra}", flush=True)
    return {"name": name, "p50_ms": round(p50 * 1000, 1), "min_ms": round(min(times) * 1000, 1),
            "max_ms": round(max(times) * 1000, 1)}


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- 1. the hub's year --------------------------------------------------------------------------
def bench_hub(centre: Centre, args: argparse.Namespace, tmp: Path) -> list[dict[str, Any]]:
    days = working_days(date(2025, 1, 2), args.days)
    print(f"\n[hub] {args.days} days x {args.per_day} tickets, SQLite at {tmp}", flush=True)
    store = HubStore(sqlite_url(tmp / "hub.sqlite"), site_id=centre.id)
    t = time.perf_counter()
    batch: list[dict[str, Any]] = []
    for d in days:
        batch += synthetic_day(centre, d, args.per_day, "hub")
        if len(batch) >= 20_000:
            store.commit([], [], batch)
            batch = []
    store.commit([], [], batch)
    n = len(store.facts())
    print(f"  wrote {n} ticket facts in {time.perf_counter() - t:.1f} s "
          f"({(tmp / 'hub.sqlite').stat().st_size / 1e6:.1f} MB)", flush=True)
    first, last = days[0].isoformat(), days[-1].isoformat()
    out = []

    db = str(tmp / "hub.sqlite")
    select = f"SELECT {', '.join(REPORT_COLUMNS)} FROM ticket_facts WHERE day BETWEEN ? AND ?"

    def raw() -> int:
        con = sqlite3.connect(db)
        rows = con.execute(select, (first, last)).fetchall()
        con.close()
        return len(rows)

    times, _ = timed(raw, args.repeat)
    out.append(show("floor: raw sqlite3 fetch, report columns", times))
    times, rows = timed(lambda: read_hub_rows(db, first, last), args.repeat)
    out.append(show("read_hub_rows (a year)", times, f"{len(rows)} rows"))
    times, report = timed(lambda: summary_rows(centre, rows), args.repeat)
    out.append(show("summary_rows() on them", times))
    times, report = timed(lambda: summary_rows(centre, read_hub_rows(db, first, last)),
                          args.repeat)
    out.append(show("YEAR: read + summary (motcua report)", times))
    times, facts = timed(lambda: store.facts(first, last), args.repeat)
    out.append(show("HubStore.facts (a year, dict rows)", times))
    times, same = timed(lambda: summary(centre, facts), args.repeat)
    out.append(show("summary() on dict rows", times))
    assert same == report, "the two paths disagree"
    times, _ = timed(lambda: summary(centre, store.facts(first, last)), max(1, args.repeat // 2))
    out.append(show("HubStore.facts + summary (hub query today)", times))
    size = len(json.dumps(report, ensure_ascii=False).encode())
    print(f"  report dict: {size / 1024:.0f} kB as JSON; "
          f"{len(report['tables']['by_day']['rows'])} days", flush=True)
    month = [d.isoformat() for d in days if d.month == 11]
    if month:
        times, _ = timed(lambda: summary_rows(centre, read_hub_rows(db, month[0], month[-1])),
                         args.repeat)
        out.append(show("MONTH: read + summary", times))
    for label, kw in (("export CSV (year)", {"xlsx": False, "charts": False}),
                      ("export XLSX (year)", {"csv_files": False, "charts": False}),
                      ("export 3 charts (year)", {"csv_files": False, "xlsx": False})):
        times, _ = timed(lambda kw=kw: export(report, tmp / "out", **kw), max(1, args.repeat // 2))
        out.append(show(label, times))
    if args.samples:
        month_report = summary(centre, store.facts("2025-11-01", "2025-11-30"))
        paths = export(month_report, tmp / "samples", csv_files=False, xlsx=False)
        for p in paths:
            target = Path(args.samples) / f"report-{p.stem.removeprefix('bieu-do-')}.png"
            target.write_bytes(p.read_bytes())
            print(f"  sample chart (11/2025): {target}", flush=True)
    store.close()
    return out


# -- 2./3. the province -------------------------------------------------------------------------
def bench_province(centre: Centre, args: argparse.Namespace) -> list[dict[str, Any]]:
    from sqlalchemy import create_engine, text

    from motcua.province.protocol import parse_batch
    from motcua.province.reports import (
        province_overview,
        refresh_facts,
        site_facts,
        site_summary,
        upsert_facts,
    )
    from motcua.province.store import create_schema

    engine = create_engine(args.pg)
    store = create_schema(engine, f"bench_reports_{uuid.uuid4().hex[:8]}")
    schema = store.schema
    days = [d for d in working_days(date(2025, 11, 1), 40, saturdays=True) if d.month == 11]
    out: list[dict[str, Any]] = []
    try:
        print(f"\n[province] {args.centres} centres x {len(days)} days x {args.per_day} "
              f"tickets, schema {schema}", flush=True)
        t = time.perf_counter()
        total = 0
        for c in range(args.centres):
            rows = [r for d in days for r in synthetic_day(centre, d, args.per_day, c)]
            total += upsert_facts(engine, schema, str(uuid.uuid4()), f"site-{c:03d}", rows)
        print(f"  loaded {total} ticket facts in {time.perf_counter() - t:.1f} s", flush=True)
        with engine.connect() as conn:
            conn.execute(text(f"ANALYZE {schema}.province_facts"))

        def scan() -> int:
            with engine.connect() as conn:
                return int(conn.execute(text(
                    f"SELECT count(*) FROM {schema}.province_facts WHERE day BETWEEN "
                    "'2025-11-01' AND '2025-11-30'")).scalar_one())

        times, _ = timed(scan, args.repeat)
        out.append(show("floor: count(*) of the month", times))
        times, view = timed(lambda: province_overview(engine, schema, "2025-11", centre),
                            args.repeat)
        out.append(show(f"province_overview ({args.centres} sites, SQL)", times))
        times, _ = timed(lambda: site_summary(engine, schema, "site-007", "2025-11", centre),
                         args.repeat)
        out.append(show("site_summary (one site, a month)", times))
        times, _ = timed(lambda: export(view, Path(tempfile.mkdtemp()), charts=False),
                         max(1, args.repeat // 2))
        out.append(show("export overview CSV + XLSX", times))

        # 3. replay: real events through Store.ingest, then refresh_facts
        events_total, expected = 0, {}
        t = time.perf_counter()
        for c in range(args.replay_centres):
            sid, site = str(uuid.uuid4()), f"replay-{c:02d}"
            seq, pending = 0, []
            for d in days:
                rows = synthetic_day(centre, d, args.per_day, f"r{c}")
                expected.update({(site, r["ticket"]): r for r in rows})
                for kind, ts, body in facts_to_events(d, rows):
                    seq += 1
                    pending.append({"seq": seq, "type": kind, "ts": ts, "day": d.isoformat(),
                                    "body": body})
            for i in range(0, len(pending), 500):
                part = pending[i:i + 500]
                payload = {"site": site, "stream_id": sid, "first_seq": part[0]["seq"],
                           "last_seq": part[-1]["seq"], "hub_now": part[-1]["ts"],
                           "events": part}
                store.ingest(parse_batch(json.dumps(payload, ensure_ascii=False).encode()))
            events_total += len(pending)
        ingest_s = time.perf_counter() - t
        print(f"  ingested {events_total} events of {args.replay_centres} centres in "
              f"{ingest_s:.1f} s ({events_total / ingest_s:,.0f} events/s)", flush=True)
        t = time.perf_counter()
        r = refresh_facts(engine, schema)
        replay_s = time.perf_counter() - t
        print(f"  refresh_facts: {r.events} events -> {r.facts} ticket rows in {replay_s:.1f} s "
              f"({r.events / replay_s:,.0f} events/s), skipped {r.skipped}", flush=True)
        out.append({"name": "refresh_facts (replay)", "events": r.events,
                    "seconds": round(replay_s, 2), "events_per_s": round(r.events / replay_s)})
        bad = 0
        for c in range(args.replay_centres):
            site = f"replay-{c:02d}"
            for row in site_facts(engine, schema, site):
                bad += row != expected[(site, row["ticket"])]
        print(f"  replayed facts differing from the generated ones: {bad}", flush=True)
        # one more batch on a new day, then the incremental refresh
        d = date(2025, 12, 1)
        rows = synthetic_day(centre, d, args.per_day, "extra")
        evs = facts_to_events(d, rows)
        info = store.streams("replay-00")[0]
        part = [{"seq": info.last_seq + i + 1, "type": k, "ts": ts, "day": d.isoformat(),
                 "body": b} for i, (k, ts, b) in enumerate(evs[:1000])]
        for i in range(0, 1000, 500):
            chunk = part[i:i + 500]
            payload = {"site": "replay-00", "stream_id": info.stream_id,
                       "first_seq": chunk[0]["seq"], "last_seq": chunk[-1]["seq"],
                       "hub_now": chunk[-1]["ts"], "events": chunk}
            store.ingest(parse_batch(json.dumps(payload, ensure_ascii=False).encode()))
            t = time.perf_counter()
            refresh_facts(engine, schema)
            out.append(show(f"refresh after one 500-event batch ({i // 500 + 1})",
                            [time.perf_counter() - t]))
    finally:
        store.drop_schema()
        engine.dispose()
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--days", type=int, default=250)
    p.add_argument("--per-day", type=int, default=350)
    p.add_argument("--centres", type=int, default=150)
    p.add_argument("--replay-centres", type=int, default=5)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    p.add_argument("--samples", default=None, help="copy November's charts here (docs/images)")
    p.add_argument("--skip-province", action="store_true")
    args = p.parse_args()
    centre = load_centre(ROOT / "config" / "centre.toml")
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["hub"] = bench_hub(centre, args, Path(tmp))
    print(f"  max RSS so far {rss_mb():.0f} MB", flush=True)
    if not args.skip_province:
        results["province"] = bench_province(centre, args)
        print(f"  max RSS {rss_mb():.0f} MB", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
