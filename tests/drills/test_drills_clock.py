"""Drill 4: the hub's clock jumps an hour forward and back, and midnight passes while
tickets wait.

A real hub on 127.0.0.1 with a FakeClock (tests/conftest.py ``start_hub``) and devices
talking to it over ZeroMQ. What must hold: a number is never given twice in a day; a
clock stepped back never makes a negative wait nor lets a later citizen jump the queue
(finding F3, fixed: hub time never goes back); at midnight the tickets still open are expired
(their report rows say cancelled), numbering starts again at 001, the counters are
closed until an officer signs in, and a display that ran through midnight follows into
the new day without a restart.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from motcua.core.state_snapshot import state_to_dict
from motcua.hub.storage.db import sqlite_url
from motcua.link.client import Endpoints, EventFollower, HubClient, HubError
from tests.support.clock import VN, FakeClock
from tests.support.drills import check_database
from tests.support.hubs import start_hub, stop_hub
from tests.support.wait import wait_until


class Centre:
    """A running hub and the devices of the drill."""

    def __init__(self, tmp_path: Path, centre: Any, clock: FakeClock, **options: Any) -> None:
        self.clock = clock
        self.db_path = tmp_path / "hub.sqlite"
        self.server, self.store = start_hub(centre, sqlite_url(self.db_path), clock, **options)
        self.endpoints = Endpoints(f"tcp://127.0.0.1:{self.server.command_port}",
                                   f"tcp://127.0.0.1:{self.server.event_port}")
        self.kiosk = HubClient(self.endpoints.command, "kiosk-1", timeout=3.0)
        self.desk = HubClient(self.endpoints.command, "counter-1", timeout=3.0)

    def take(self, field: str = "A") -> dict[str, Any]:
        ticket: dict[str, Any] = self.kiosk.request("ticket.take", {"field": field})["ticket"]
        return ticket

    def call(self) -> dict[str, Any] | None:
        ticket: dict[str, Any] | None = self.desk.request("counter.call_next", {})["ticket"]
        return ticket

    def facts(self) -> dict[str, dict[str, Any]]:
        return {r["ticket"]: r for r in self.store.facts()}

    def close(self) -> None:
        self.kiosk.close()
        self.desk.close()
        stop_hub(self.server, self.store)


@pytest.fixture
def site(tmp_path: Path, centre: Any, clock: FakeClock) -> Iterator[Centre]:
    c = Centre(tmp_path, centre, clock)
    c.desk.request("counter.open", {"officer": "cb01"})
    yield c
    c.close()


def test_clock_jumps_never_give_a_number_twice(site: Centre) -> None:
    labels = [site.take()["label"] for _ in range(3)]        # 09:00
    site.call()
    site.clock.advance(hours=1)                              # NTP step forward: 10:00
    labels += [site.take()["label"] for _ in range(3)]
    site.call()
    site.desk.request("counter.finish", {})
    site.clock.advance(hours=-1, minutes=-0.5)               # and back: 09:00 again
    labels += [site.take()["label"] for _ in range(3)]
    site.call()
    site.desk.request("counter.finish", {})
    assert labels == [f"A{n:03d}" for n in range(1, 10)]
    check_database(site.db_path)


def test_a_clock_stepped_back_never_makes_a_negative_wait(site: Centre) -> None:
    site.clock.advance(hours=1)                              # 10:00, a citizen takes A001
    first = site.take()
    site.clock.advance(hours=-1)                             # the clock is corrected to 09:00
    called = site.call()
    assert called is not None and called["id"] == first["id"]
    site.clock.advance(minutes=5)
    site.desk.request("counter.finish", {})
    row = site.facts()[first["id"]]
    assert called["waited_seconds"] >= 0, f"officer's screen shows {called['waited_seconds']} s"
    assert row["wait_seconds"] >= 0, f"the manager's report gets {row['wait_seconds']} s"
    assert row["service_seconds"] >= 0


def test_a_clock_stepped_back_keeps_the_order_of_arrival(site: Centre) -> None:
    site.clock.advance(hours=1)
    earlier = site.take()                                    # A001 at 10:00 (clock fast)
    site.clock.advance(hours=-1, minutes=1)
    later = site.take()                                      # A002 at 09:01 (clock right)
    called = site.call()
    assert called is not None
    assert called["label"] == earlier["label"], \
        f"{later['label']} was called before {earlier['label']}, who came first"


def test_crossing_midnight_while_tickets_wait(tmp_path: Path, centre: Any) -> None:
    clock = FakeClock(datetime(2025, 11, 24, 23, 50, tzinfo=VN))   # Monday night
    site = Centre(tmp_path, centre, clock, open_all_hours=True)
    views: list[Any] = []
    display = EventFollower(site.endpoints, "display-hall", on_view=views.append)
    display.start()
    try:
        wait_until(lambda: display.view is not None, "display shows the queue", 10)
        site.desk.request("counter.open", {"officer": "cb01"})
        monday = [site.take("A"), site.take("A"), site.take("B")]
        at_counter = site.call()
        assert at_counter is not None and at_counter["id"] == monday[0]["id"]

        clock.now = datetime(2025, 11, 25, 0, 0, 30, tzinfo=VN)   # midnight passes
        # Nobody touches the hub: its own 2-second tick closes the day.
        wait_until(lambda: site.server.engine.state.day == "2025-11-25", "day rolled", 10)
        wait_until(lambda: {site.facts()[t["id"]]["status"] for t in monday} == {"cancelled"},
                   "Monday's open tickets reported as cancelled", 10)
        check = check_database(site.db_path)
        closed = check.of_type("day.closed")
        assert len(closed) == 1 and closed[0].body["day"] == "2025-11-24"
        assert set(closed[0].body["expired"]) == {t["id"] for t in monday}

        # The officer's first press in the new day: the counter must be signed in again.
        with pytest.raises(HubError) as refused:
            site.call()
        assert refused.value.code == "counter_closed"
        assert refused.value.vi == "Quầy 1 chưa mở: hãy đăng nhập"

        tuesday = site.take("A")
        assert (tuesday["label"], tuesday["id"]) == ("A001", "20251125-A001")
        # The hall display followed into the new day by itself, without a new snapshot.
        wait_until(lambda: display.view is not None and tuesday["id"] in
                   display.view.state.tickets, "display shows Tuesday's A001", 10)
        with display.lock:
            assert display.view is not None
            assert display.view.state.day == "2025-11-25"
            assert state_to_dict(display.view.state) == state_to_dict(site.server.engine.state)
        assert len(views) == 1, "the display had to take a new snapshot"

        # A clock stepped back across midnight must not reopen Monday or reuse a number.
        clock.now = datetime(2025, 11, 24, 23, 59, tzinfo=VN)
        again = site.take("A")
        assert (again["label"], again["id"]) == ("A002", "20251125-A002")
        check_database(site.db_path)
    finally:
        display.stop()
        site.close()


def test_a_crash_at_the_midnight_commit_leaves_no_open_report_rows(tmp_path: Path,
                                                                  centre: Any) -> None:
    """F4 (fixed): day.closed and the expiry of its report rows are one transaction."""
    clock = FakeClock(datetime(2025, 11, 24, 23, 55, tzinfo=VN))
    site = Centre(tmp_path, centre, clock, open_all_hours=True)
    waiting = site.take("C")
    real_commit = site.store.commit
    cut: list[bool] = []

    def power_cut(new_events: Any, *args: Any, **kw: Any) -> Any:
        if any(e.type == "day.closed" for e, _day in new_events):
            cut.append(True)
            raise SystemError("power cut in the middle of the midnight commit")
        return real_commit(new_events, *args, **kw)

    site.store.commit = power_cut
    clock.now = datetime(2025, 11, 25, 0, 1, tzinfo=VN)
    wait_until(lambda: bool(cut), "the midnight commit was attempted", 10)
    site.close()
    before = check_database(site.db_path)        # nothing half-written
    assert not before.of_type("day.closed")
    assert before.facts[waiting["id"]]["status"] == "waiting"
    site = Centre(tmp_path, centre, clock, open_all_hours=True)   # the hub starts again
    try:
        wait_until(lambda: site.facts()[waiting["id"]]["status"] == "cancelled", "Monday's waiting ticket reported as cancelled after the restart", 10)
        assert len(check_database(site.db_path).of_type("day.closed")) == 1
    finally:
        site.close()
