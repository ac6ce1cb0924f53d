"""Province reports: facts rebuilt from a real hub's events equal the hub's own facts.

The PostgreSQL tests use 127.0.0.1:5432, database ``test``, each in a throw-away schema.
They FAIL (never skip) when PostgreSQL is not there.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine

from motcua.province.protocol import parse_batch
from motcua.province.reports import (
    FACT_COLUMNS,
    FactBuilder,
    facts_from_events,
    province_overview,
    refresh_facts,
    site_facts,
    site_summary,
    upsert_facts,
)
from motcua.province.store import Store, create_schema
from motcua.report_cli import main as report_main
from motcua.reports.figures import summary
from motcua.reports.outcomes import outcome_tables
from tests.support.hubs import ROOT
from tests.support.province import PG_URL
from tests.support.report_facts import FACTS, fact, keyed


def drive_a_day(hub: Any, clock: Any) -> None:
    """A small but varied day: served and rated, no-show, transfer, hold, cancel, expiry."""
    kiosk, c1, c2 = hub.client("kiosk-1"), hub.client("counter-1"), hub.client("counter-2")
    r1, r2, manager = hub.client("rating-1"), hub.client("rating-2"), hub.client("manager-1")
    for field in ("A", "A", "B", "C", "A", "C"):
        kiosk.request("ticket.take", {"field": field})
        clock.advance(minutes=1)
    kiosk.request("ticket.take", {"field": "A", "priority": "elderly"})
    c1.request("counter.open", {"officer": "cb01"})
    c2.request("counter.open", {"officer": "cb02"})
    clock.advance(minutes=4)
    c1.request("counter.call_next", {})           # kiosk-1 takes, counter-1 calls (cb01)
    clock.advance(seconds=40)
    c1.request("counter.start", {})
    clock.advance(minutes=7)
    c1.request("counter.finish", {})               # ... finishes
    clock.advance(seconds=10)
    r1.request("rating.submit", {"value": 4})      # ... and rating-1 rates it
    c1.request("counter.call_next", {})
    clock.advance(minutes=2)
    c1.request("counter.no_show", {})
    c1.request("counter.call_next", {})
    clock.advance(minutes=3)
    c1.request("counter.transfer", {"to_field": "C"})
    c2.request("counter.call_next", {})
    clock.advance(minutes=6)
    c2.request("counter.hold", {})
    held = next(t for t in hub.server.engine.state.tickets.values() if t.status == "held")
    c2.request("counter.call_next", {})
    clock.advance(minutes=9)
    c2.request("counter.finish", {})
    clock.advance(seconds=5)
    r2.request("rating.submit", {"value": 2})
    c2.request("counter.unhold", {"ticket": held.id})
    clock.advance(minutes=4)
    c2.request("counter.finish", {})
    waiting = [t for t in hub.server.engine.state.tickets.values() if t.status == "waiting"]
    manager.request("ticket.cancel", {"ticket": waiting[0].id})
    # the next morning: the first ticket rolls the day over, expiring what was left
    clock.advance(days=1)
    kiosk.request("ticket.take", {"field": "B"})
    c1.request("counter.open", {"officer": "cb01"})
    c1.request("counter.call_next", {})
    clock.advance(minutes=5)
    c1.request("counter.finish", {})
    r1.request("rating.submit", {"value": 3})


def by_ticket(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["ticket"]: {k: r[k] for k in FACT_COLUMNS} for r in rows}


def test_replayed_events_give_the_hubs_facts(hub, clock) -> None:  # type: ignore[no-untyped-def]
    drive_a_day(hub, clock)
    hub_facts = by_ticket(hub.store.facts())
    statuses = sorted(f["status"] for f in hub_facts.values())
    assert {"done", "no_show", "cancelled"} <= set(statuses) and len(hub_facts) == 8
    assert any(f["transfers"] for f in hub_facts.values())
    assert sum(1 for f in hub_facts.values() if f["rating"] is not None) == 3
    events = hub.store.read_after(0, 10**6)
    assert by_ticket(facts_from_events(events)) == hub_facts


def test_replay_skips_what_it_cannot_apply_and_goes_on() -> None:
    b = FactBuilder()
    b.feed(1, "day.opened", "2025-11-24T07:00:00+07:00", {})          # no "day": skipped
    b.feed(2, "ticket.called", "2025-11-24T07:01:00+07:00", {"ticket": "nope", "counter": 1})
    b.feed(3, "ticket.issued", "2025-11-24T07:02:00+07:00", {
        "ticket": "20251124-A001", "day": "2025-11-24", "field": "A", "number": 1,
        "label": "A001"})
    assert b.skipped == 2 and b.seq == 3
    (row,) = b.take()
    assert row["ticket"] == "20251124-A001" and row["issued_at"] == "2025-11-24T07:02:00+07:00"


# -- PostgreSQL ---------------------------------------------------------------------------------
@pytest.fixture
def store(engine: Engine) -> Iterator[Store]:
    s = create_schema(engine, f"t_rep_{uuid.uuid4().hex[:12]}")
    yield s
    s.drop_schema()


def ingest(store: Store, hub: Any, first: int, last: int) -> None:
    events = [{"seq": e.seq, "type": e.type, "ts": e.ts, "day": e.day, "body": e.body}
              for e in hub.store.events_between(first, last)]
    payload = {"site": hub.store.site_id, "stream_id": hub.store.stream_id, "first_seq": first,
               "last_seq": last, "hub_now": events[-1]["ts"], "events": events}
    r = store.ingest(parse_batch(json.dumps(payload, ensure_ascii=False).encode()))
    assert r.kind == "ACK" and r.ack_seq == last


def test_province_facts_equal_the_hubs_after_ingest(hub, clock, store: Store,  # type: ignore[no-untyped-def]
                                                    centre) -> None:
    drive_a_day(hub, clock)
    last = hub.store.last_seq()
    ingest(store, hub, 1, last)
    r = refresh_facts(store.engine, store.schema)
    assert (r.streams, r.events, r.skipped) == (1, last, 0)
    got = site_facts(store.engine, store.schema, centre.id)
    assert by_ticket(got) == by_ticket(hub.store.facts())
    again = refresh_facts(store.engine, store.schema)
    assert (again.streams, again.events) == (0, 0)  # nothing new: nothing replayed
    # the same figures as the hub's report for the month
    expected = summary(centre, hub.store.facts(), date_from="2025-11-01",
                       date_to="2025-11-30")["tables"]
    expected |= {t["key"]: t for t in outcome_tables(centre, hub.store.facts())}
    assert site_summary(store.engine, store.schema, centre.id, "2025-11", centre)["tables"] == \
        expected


def test_refresh_after_every_batch_gives_the_same_facts(hub, clock, store: Store,  # type: ignore[no-untyped-def]
                                                        centre) -> None:
    drive_a_day(hub, clock)
    last = hub.store.last_seq()
    cuts = [1, 5, 17, 18, 30, last // 2, last - 3, last]
    first = 1
    for cut in sorted(set(cuts)):
        if cut < first:
            continue
        ingest(store, hub, first, cut)
        refresh_facts(store.engine, store.schema, page=7)  # small pages: state across pages
        first = cut + 1
    assert by_ticket(site_facts(store.engine, store.schema, centre.id)) == \
        by_ticket(hub.store.facts())


def test_overview_matches_each_sites_own_report(store: Store, centre) -> None:  # type: ignore[no-untyped-def]
    other = [fact("B001", "B", "14:00", 1500, 420, "done", 4, "cb04", 0, 4, True),
             fact("B002", "B", "14:20", 2400, None, "no_show", 4, "cb04", 0, None, None)]
    upsert_facts(store.engine, store.schema, str(uuid.uuid4()), "site-a", FACTS)
    upsert_facts(store.engine, store.schema, str(uuid.uuid4()), "site-b", other)
    view = province_overview(store.engine, store.schema, "2025-11", centre)
    sites = keyed(view, "by_site", "site")
    for site in ("site-a", "site-b"):
        own = {r["key"]: r["value"]
               for r in site_summary(store.engine, store.schema, site, "2025-11",
                                     centre)["tables"]["totals"]["rows"]}
        line = sites[site]
        assert line["tickets"] == own["issued"]
        for k in ("served", "no_show", "transferred", "cancelled", "wait_mean", "wait_median",
                  "wait_p90", "wait_max", "service_mean", "service_median", "service_p90",
                  "service_max", "rated", "satisfied_pct"):
            assert line[k] == own[k], (site, k)
    # by hand, the fixture site: as in tests/test_reports.py (PostgreSQL percentile_cont)
    a = sites["site-a"]
    assert (a["wait_mean"], a["wait_median"], a["wait_p90"], a["wait_max"]) == \
        (7.9, 6.0, 16.0, 20.0)
    t = {r["key"]: r["value"] for r in view["tables"]["totals"]["rows"]}
    assert (t["sites"], t["issued"], t["served"], t["no_show"]) == (2, 12, 8, 3)
    assert t["satisfied_pct"] == 75.0  # 6 of 8 rated
    fields = keyed(view, "by_field", "field")
    assert fields["B"]["field_name"] == "Chứng thực" and fields["B"]["tickets"] == 2
    # other months are empty
    empty = province_overview(store.engine, store.schema, "2025-10")
    assert empty["tables"]["by_site"]["rows"] == []


def test_cli_province_site_and_overview(hub, clock, store: Store, centre,  # type: ignore[no-untyped-def]
                                        tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    drive_a_day(hub, clock)
    ingest(store, hub, 1, hub.store.last_seq())
    out = tmp_path / "site"
    assert report_main(["--province", PG_URL, "--schema", store.schema, "--site", centre.id,
                        "--month", "2025-11", "--config", str(ROOT / "config" / "centre.toml"),
                        "--out", str(out), "--xlsx", "--charts"]) == 0
    assert "1 luồng/streams" in capsys.readouterr().out
    wb = load_workbook(out / "bao-cao.xlsx")
    names = {r[1] for r in wb["Theo cán bộ"].iter_rows(min_row=2, values_only=True)}
    assert names == {"Nguyễn Thị Thu Hà", "Trần Văn Hùng"}
    assert len(list(out.glob("*.png"))) == 3
    overview = tmp_path / "province"
    assert report_main(["--province", PG_URL, "--schema", store.schema, "--month", "2025-11",
                        "--out", str(overview), "--csv"]) == 0
    assert sorted(p.name for p in overview.iterdir()) == \
        ["theo-diem.csv", "theo-linh-vuc.csv", "tong-hop.csv"]
    assert centre.id in (overview / "theo-diem.csv").read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("argv, words", [
    (["--province", "sqlite:///x.db", "--month", "2025-11"], "postgresql+psycopg"),
    (["--province", PG_URL], "--month"),
    (["--province", PG_URL, "--month", "2025-13"], "YYYY-MM"),
])
def test_cli_province_bad_input(argv: list[str], words: str,
                                capsys: pytest.CaptureFixture[str]) -> None:
    assert report_main(argv) == 2
    assert words in capsys.readouterr().err
