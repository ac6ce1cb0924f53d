"""The simulated day: its pure figures, and a shortened busy day through a real hub."""

from __future__ import annotations

import json
import math
import random
from collections import Counter
from datetime import date, datetime, time
from pathlib import Path

import pytest

from motcua.hub.storage.db import sqlite_url
from motcua.link.client import Endpoints
from motcua.simulate.cli import main
from motcua.simulate.day import ControlledClock, SimulationStopped, run_day
from motcua.simulate.model import (
    EstimateErrors,
    SimReport,
    TicketRecord,
    estimate_errors,
    percentile,
    plan_arrivals,
    rating_value,
    service_minutes,
    sessions_on,
    summarise,
)
from tests.support.clock import VN, FakeClock
from tests.support.hubs import start_hub

MONDAY = date(2025, 11, 24)


# -- pure figures ------------------------------------------------------------------------------

def test_estimate_errors_of_a_hand_made_case() -> None:
    # (estimate, actual): errors -2, 0, -8, +12; |errors| 2, 0, 8, 12
    e = estimate_errors([(10, 12), (5, 5), (0, 8), (30, 18)])
    assert e.n == 4
    assert e.mae == pytest.approx(5.5)
    assert e.bias == pytest.approx(0.5)
    # sorted |errors| 0 2 8 12; rank (4-1)*0.9 = 2.7 -> 8 + 0.7*(12-8)
    assert e.p90_abs == pytest.approx(10.8)
    assert e.within_5 == pytest.approx(0.5)
    assert e.within_10 == pytest.approx(0.75)
    empty = estimate_errors([])
    assert empty.n == 0 and math.isnan(empty.mae)


def test_percentile_interpolates_between_ranks() -> None:
    assert percentile([3.0], 90) == 3.0
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 50) == 3.0
    assert percentile([5.0, 1.0, 3.0], 100) == 5.0
    assert percentile(list(range(11)), 90) == pytest.approx(9.0)
    assert math.isnan(percentile([], 90))


def test_summary_uses_the_field_taken_and_skips_uncalled_tickets() -> None:
    records = [TicketRecord("1", "A001", "A", None, 10.0, wait=12.0),
               TicketRecord("2", "A002", "A", None, 5.0, wait=None),  # cancelled unseen
               TicketRecord("3", "C001", "C", None, 0.0, wait=8.0)]
    records[0].field = "B"  # transferred later: still counts for A
    report = SimReport("controlled", 0, 1, "2025-11-24")
    summarise(report, records, ["A", "B", "C"])
    assert report.estimates == estimate_errors([(10.0, 12.0), (0.0, 8.0)])
    assert report.mean_wait == pytest.approx(10.0)
    assert [f.code for f in report.by_field] == ["A", "C"]
    assert report.by_field[0].issued == 2 and report.by_field[0].errors.n == 1
    table = report.table()
    assert "MAE" in table and "24/11/2025" in table
    assert json.dumps(report.to_dict())  # NaN-free JSON


def test_arrivals_follow_the_busy_ward(centre) -> None:  # type: ignore[no-untyped-def]
    arrivals = plan_arrivals(centre, MONDAY, 3000, random.Random(7))
    assert len(arrivals) == 3000
    assert arrivals == sorted(arrivals, key=lambda a: a.at)
    sessions = sessions_on(centre, MONDAY)
    assert all(any(s <= a.at < e for s, e in sessions) for a in arrivals)
    hours = Counter(a.at.hour for a in arrivals)
    # morning peak 08:00-10:00 is the busiest part of the day; the afternoon is smaller
    assert hours[8] + hours[9] > 0.4 * len(arrivals)
    assert max(hours, key=lambda h: hours[h]) in (8, 9)
    assert hours[14] > hours[16] and hours[14] < hours[9]
    fields = Counter(a.field for a in arrivals)
    assert [code for code, _n in fields.most_common(3)] == ["C", "A", "E"]
    share = sum(1 for a in arrivals if a.priority) / len(arrivals)
    assert 0.06 < share < 0.10
    assert plan_arrivals(centre, MONDAY, 0, random.Random(1)) == []
    with pytest.raises(ValueError, match="không mở cửa"):
        plan_arrivals(centre, date(2025, 11, 30), 5, random.Random(1))  # a Sunday


def test_service_times_and_ratings_have_the_asked_shape(centre) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(3)
    times = [service_minutes(12.0, rng) for _ in range(20000)]
    assert sum(times) / len(times) == pytest.approx(12.0, rel=0.03)
    assert min(times) >= 0.5
    votes = Counter(rating_value(centre, rng) for _ in range(20000))
    assert votes[4] / 20000 == pytest.approx(0.80, abs=0.015)
    assert votes[3] / 20000 == pytest.approx(0.15, abs=0.015)
    assert votes[2] / 20000 == pytest.approx(0.04, abs=0.01)
    assert votes[1] / 20000 == pytest.approx(0.01, abs=0.005)


# -- a shortened day through the real hub --------------------------------------------------------

def test_a_shortened_day_through_the_real_hub(centre, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    clock = ControlledClock(datetime(2025, 11, 24, 6, 0, tzinfo=VN))
    server, store = start_hub(centre, sqlite_url(tmp_path / "hub.sqlite"), clock)
    try:
        ends = Endpoints(f"tcp://127.0.0.1:{server.command_port}",
                         f"tcp://127.0.0.1:{server.event_port}")
        report = run_day(ends, centre, speed=0, tickets=60, seed=4, clock=clock)
        facts = store.facts()
        events = [e for e in store.read_after(0, 100_000)]
    finally:
        server.stop()
        store.close()
    assert report.mode == "controlled" and report.planned == 60
    assert report.issued == len(facts) == 60
    assert Counter(f["status"] for f in facts) == Counter(
        {"done": report.served, "no_show": report.no_show, "cancelled": report.cancelled}
        if report.cancelled else {"done": report.served, "no_show": report.no_show})
    assert {f["status"] for f in facts} <= {"done", "no_show", "cancelled"}
    assert report.left_open == 0 and report.refused == {}
    # the hub's clock followed the simulation: every time is in the day's opening hours
    # (services may run on a little after the last session)
    for f in facts:
        issued = datetime.fromisoformat(f["issued_at"])
        assert issued.date() == MONDAY
        assert time(7, 30) <= issued.time() < time(17, 0)
        if f["first_called_at"]:
            assert datetime.fromisoformat(f["first_called_at"]) >= issued
    # ratings are bound to the officer who served the ticket, through the rating device
    by_ticket = {f["ticket"]: f for f in facts}
    rated = [e for e in events if e.type == "rating.given"]
    assert rated and len(rated) == sum(report.ratings.values())
    for e in rated:
        body = e.body
        assert body["officer"] == f"cb0{body['counter']}"
        assert by_ticket[body["ticket"]]["officer"] == body["officer"]
        assert by_ticket[body["ticket"]]["rating"] == body["value"]
    assert report.satisfied == sum(1 for f in facts if f["satisfied"])
    # the report's estimate figures are those of the hub's own records
    pairs = [(f["estimate_minutes"], f["wait_seconds"] / 60.0) for f in facts
             if f["wait_seconds"] is not None]
    expected: EstimateErrors = estimate_errors(pairs)
    assert report.estimates.n == expected.n == len(pairs)
    assert report.estimates.mae == pytest.approx(expected.mae)
    assert report.estimates.bias == pytest.approx(expected.bias)
    assert report.mean_wait == pytest.approx(sum(w for _e, w in pairs) / len(pairs))
    kinds = Counter(e.type for e in events)
    assert kinds["ticket.issued"] == 60 and kinds["ticket.printed"] == 60
    assert kinds["counter.opened"] == len(centre.counters)
    assert kinds["counter.closed"] == len(centre.counters)
    assert kinds["ticket.recalled"] == report.recalls
    assert kinds["ticket.transferred"] == report.transferred
    assert report.commands >= 60 * 5 and report.command_errors == 0


def test_the_same_seed_plays_the_same_day(centre, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    outcomes = []
    for run in range(2):
        clock = FakeClock()
        server, store = start_hub(centre, sqlite_url(tmp_path / f"hub{run}.sqlite"), clock)
        try:
            ends = Endpoints(f"tcp://127.0.0.1:{server.command_port}",
                             f"tcp://127.0.0.1:{server.event_port}")
            r = run_day(ends, centre, speed=0, tickets=25, seed=9, clock=clock)
            outcomes.append([(f["label"], f["status"], f["counter"], f["wait_seconds"])
                             for f in store.facts()])
        finally:
            server.stop()
            store.close()
        assert r.issued == 25
    assert outcomes[0] == outcomes[1]


def test_wall_clock_mode_against_a_hub_open_all_hours(centre, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from motcua.hub.server import system_clock

    server, store = start_hub(centre, sqlite_url(tmp_path / "hub.sqlite"), system_clock,
                              open_all_hours=True)
    try:
        ends = Endpoints(f"tcp://127.0.0.1:{server.command_port}",
                         f"tcp://127.0.0.1:{server.event_port}")
        # a 10-hour day in about one second of real time
        report = run_day(ends, centre, speed=36000, tickets=8, seed=2, clock=None)
        facts = store.facts()
    finally:
        server.stop()
        store.close()
    assert report.mode == "wall" and report.issued == len(facts) == 8
    assert {f["status"] for f in facts} <= {"done", "no_show"}
    assert report.estimates.n == 0  # the real-clock hub's estimates are not compared
    assert any("--own-hub" in n for n in report.notes)
    assert not math.isnan(report.mean_wait)


def test_a_closed_hub_stops_the_simulation_in_words(centre, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    night = FakeClock(datetime(2025, 11, 24, 22, 0, tzinfo=VN))
    server, store = start_hub(centre, sqlite_url(tmp_path / "hub.sqlite"), night)
    try:
        ends = Endpoints(f"tcp://127.0.0.1:{server.command_port}",
                         f"tcp://127.0.0.1:{server.event_port}")
        with pytest.raises(SimulationStopped):
            run_day(ends, centre, speed=36000, tickets=3, seed=1, clock=None)
        code = main(["--command-port", str(server.command_port), "--event-port",
                     str(server.event_port), "--speed", "36000", "--tickets", "3"])
    finally:
        server.stop()
        store.close()
    assert code == 1
    err = capsys.readouterr().err
    assert "closed_hours" in err and "--open-all-hours" in err


def test_command_line_with_its_own_hub(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.json"
    code = main(["--own-hub", "--speed", "0", "--tickets", "20", "--seed", "3",
                 "--command-port", "0", "--event-port", "0", "--date", "24/11/2025",
                 "--report", str(out)])
    assert code == 0
    text = capsys.readouterr().out
    assert "Đã cấp / issued" in text and "MAE" in text and "24/11/2025" in text
    data = json.loads(out.read_text("utf-8"))
    assert data["issued"] == 20 and data["mode"] == "controlled"
    assert data["estimates"]["n"] == data["served"] + data["no_show"]
    assert data["left_open"] == 0


@pytest.mark.parametrize("argv, words", [
    (["--speed", "0"], "--speed"),
    (["--tickets", "-1"], "--tickets"),
    (["--service-scale", "0"], "--service-scale"),
])
def test_bad_options_are_refused_in_words(argv: list[str], words: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    assert words in capsys.readouterr().err


def test_bad_date_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--own-hub", "--speed", "0", "--date", "31/02/2025", "--command-port", "0",
                 "--event-port", "0"]) == 2
    assert "Ngày không hợp lệ" in capsys.readouterr().err


def test_a_busy_port_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["--own-hub", "--speed", "0", "--command-port", str(port),
                     "--event-port", "0"]) == 2
    assert "đang bận" in capsys.readouterr().err


def test_the_demo_thread_logs_instead_of_raising(centre, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                 caplog: pytest.LogCaptureFixture) -> None:
    from motcua.simulate.day import run_day_realtime

    night = FakeClock(datetime(2025, 11, 24, 22, 0, tzinfo=VN))
    server, store = start_hub(centre, sqlite_url(tmp_path / "hub.sqlite"), night)
    try:
        ends = Endpoints(f"tcp://127.0.0.1:{server.command_port}",
                         f"tcp://127.0.0.1:{server.event_port}")
        assert run_day_realtime(ends, centre, speed=36000, tickets=2) is None
    finally:
        server.stop()
        store.close()
    assert "closed_hours" in caplog.text
