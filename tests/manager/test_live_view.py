"""The manager's live view against a real hub: queues, longest wait, counters, served,
satisfaction, devices, the lost-connection banner; and its pure model."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QImage

from motcua.hub.domain.engine import Actor, Engine
from motcua.hub.storage.db import sqlite_url
from motcua.link.client import CentreView, Endpoints, HubClient
from motcua.manager.app import main, parse_size
from motcua.manager.model import FAULT, OK, UNKNOWN, WARN, device_level, live_model, minutes_since
from motcua.manager.widgets import GREY, ORANGE
from motcua.manager.window import LiveWindow
from motcua.qt.link import QtHubLink
from motcua.simulate.day import run_day
from tests.support.hubs import free_port, start_hub

CONNECT_MS = 8000


class Wall:
    """This PC's clock, frozen until the test moves it."""

    def __init__(self) -> None:
        self.now = datetime(2030, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


MakeWindow = Callable[[Endpoints], LiveWindow]


@pytest.fixture
def wall() -> Wall:
    return Wall()


@pytest.fixture
def make_window(qtbot, wall: Wall) -> Iterator[MakeWindow]:  # type: ignore[no-untyped-def]
    made: list[tuple[LiveWindow, QtHubLink]] = []

    def make(ends: Endpoints) -> LiveWindow:
        link = QtHubLink(ends, "manager-1")
        link.follower.lost_after = 2.0
        window = LiveWindow(link, wall=wall)
        qtbot.addWidget(window)
        window.resize(1600, 900)
        link.start()
        made.append((window, link))
        qtbot.waitUntil(lambda: window.connected and window.model is not None
                        and bool(window.officer_names), timeout=CONNECT_MS)
        return window

    yield make
    for window, link in made:
        window.detach()
        link.stop()


def ends_of(hub) -> Endpoints:  # type: ignore[no-untyped-def]
    return Endpoints(hub.command, hub.events)


def settled(window: LiveWindow, hub) -> Callable[[], bool]:  # type: ignore[no-untyped-def]
    """True once the window shows everything the hub has stored."""
    def check() -> bool:
        return window.model is not None and window.model.seq == hub.store.last_seq() and \
            not window._render_timer.isActive()
    return check


def test_the_view_matches_the_hub_after_a_few_commands(qtbot, hub, clock, wall,  # type: ignore[no-untyped-def]
                                                       make_window) -> None:
    window = make_window(ends_of(hub))
    kiosk, desk1, desk2 = hub.client("kiosk-1"), hub.client("counter-1"), hub.client("counter-2")
    rating = hub.client("rating-1")
    desk1.request("counter.open", {"officer": "cb01"})
    desk2.request("counter.open", {"officer": "cb02"})
    desk2.request("counter.pause", {})
    kiosk.request("ticket.take", {"field": "A"})                       # A001 09:00
    clock.advance(minutes=2)
    kiosk.request("ticket.take", {"field": "A"})                       # A002 09:02
    clock.advance(minutes=3)
    kiosk.request("ticket.take", {"field": "C"})                       # C001 09:05
    clock.advance(minutes=2)
    kiosk.request("ticket.take", {"field": "B", "priority": "elderly"})  # B001 09:07
    clock.advance(minutes=3)
    called = desk1.request("counter.call_next", {})["ticket"]["label"]  # 09:10, priority
    assert called == "B001"
    desk1.request("counter.start", {})
    clock.advance(minutes=5)
    desk1.request("counter.finish", {})                                 # 09:15
    rating.request("rating.submit", {"value": 4})
    assert desk1.request("counter.call_next", {})["ticket"]["label"] == "A001"
    qtbot.waitUntil(settled(window, hub), timeout=3000)

    snap = hub.client("admin").request("snapshot", {})
    for row, f in enumerate(window.model.fields if window.model else ()):
        assert window.cell("fields", row, 1) == str(snap["waiting"][f.code])
    assert window.tile_text("waiting").startswith("2 |")
    # the longest wait: A002 since 09:02, and the hub's newest event is at 09:15
    assert window.tile_text("longest").startswith("A002 · 13 phút")
    assert window.cell("fields", 0, 3) == "A002 · 13 phút"
    assert window.cell("fields", 2, 3) == "C001 · 10 phút"
    # counters: who is where, in which state, with which ticket
    assert window.cell("counters", 0, 1) == "Mở / open"
    assert window.cell("counters", 0, 2) == "Nguyễn Thị Thu Hà (cb01)"
    assert window.cell("counters", 0, 3) == "A001 (đang mời)"
    assert window.cell("counters", 0, 4) == "1"
    assert window.cell("counters", 1, 1) == "Tạm dừng / paused"
    assert window.cell_colour("counters", 1, 1) == ORANGE
    assert window.cell("counters", 1, 2) == "Trần Văn Hùng (cb02)"
    for row in range(2, 6):
        assert window.cell("counters", row, 1) == "Đóng / closed"
        assert window.cell("counters", row, 2) == "–"
        assert window.cell_colour("counters", row, 1) == GREY
    assert window.tile_text("served").startswith("1 | vắng mặt / no-show 0 · đã cấp / issued 4")
    assert window.tile_text("satisfaction").startswith("100 % | 1/1")

    # the longest wait keeps counting, once a second, on the hub's clock: the snapshot
    # said 09:00, so 35 minutes later on this PC the hub's clock reads 09:35
    wall.now += timedelta(minutes=35)
    qtbot.waitUntil(lambda: window.tile_text("longest").startswith("A002 · 33 phút"),
                    timeout=3000)
    assert window.tiles["longest"].value.objectName() == "tileValueAlert"  # >= 30 minutes

    # a second, unhappy rating halves the satisfaction
    desk1.request("counter.finish", {})
    rating.request("rating.submit", {"value": 1})
    qtbot.waitUntil(lambda: window.tile_text("satisfaction").startswith("50 % | 1/2"),
                    timeout=3000)
    assert window.tile_text("served").startswith("2 |")
    assert window.cell("counters", 0, 3) == "–"


@pytest.mark.slow
def test_devices_seen_and_faults_in_red(qtbot, hub, make_window) -> None:  # type: ignore[no-untyped-def]
    window = make_window(ends_of(hub))
    hub.client("kiosk-1").request("ping", {})
    printer = hub.client("printer-1")
    printer.request("device.status", {"status": "paper_out", "detail_vi": "Hết giấy in vé"})
    hub.client("rating-2").request("device.status", {"status": "disconnected"})
    qtbot.waitUntil(lambda: window.device_level("printer-1") == FAULT, timeout=3000)
    assert "Hết giấy / paper out" in window.device_text("printer-1")
    assert "#c62828" in window.device_chips["printer-1"].styleSheet()  # red
    assert window.device_level("rating-2") == FAULT
    assert window.device_level("kiosk-1") == UNKNOWN
    assert "province-link" not in window.device_chips
    window.fetch_staff()  # the periodic staff snapshot brings who was seen recently
    qtbot.waitUntil(lambda: "kiosk-1" in window.online, timeout=3000)
    qtbot.waitUntil(lambda: window.device_text("kiosk-1").endswith("●"), timeout=3000)
    assert not window.device_text("display-hall").endswith("●")
    printer.request("device.status", {"status": "paper_near_end"})
    qtbot.waitUntil(lambda: window.device_level("printer-1") == WARN, timeout=3000)
    printer.request("device.status", {"status": "ok"})
    qtbot.waitUntil(lambda: window.device_level("printer-1") == OK, timeout=3000)


def test_lost_banner_and_recovery(qtbot, centre, clock, tmp_path: Path,  # type: ignore[no-untyped-def]
                                  make_window) -> None:
    url = sqlite_url(tmp_path / "hub.sqlite")
    cp, ep = free_port(), free_port()
    ends = Endpoints(f"tcp://127.0.0.1:{cp}", f"tcp://127.0.0.1:{ep}")
    server, store = start_hub(centre, url, clock, cp, ep)
    try:
        with HubClient(ends.command, "kiosk-1") as kiosk:
            kiosk.request("ticket.take", {"field": "C"})
        window = make_window(ends)
        assert window.banner_state is None
        server.stop()
        store.close()
        qtbot.waitUntil(lambda: window.banner_state == "lost", timeout=CONNECT_MS)
        assert "Mất kết nối" in window.banner_text
        assert window.tile_text("waiting").startswith("1 |")  # the last picture stays
        assert window.online == set()
        server, store = start_hub(centre, url, clock, cp, ep)
        qtbot.waitUntil(lambda: window.banner_state is None, timeout=15000)
        assert window.banner_text == ""
    finally:
        server.stop()
        store.close()


@pytest.mark.slow
def test_a_simulated_day_and_the_view_agree(qtbot, hub, clock, make_window) -> None:  # type: ignore[no-untyped-def]
    window = make_window(ends_of(hub))
    report = run_day(ends_of(hub), hub.server.centre, speed=0, tickets=40, seed=5, clock=clock)
    qtbot.waitUntil(settled(window, hub), timeout=10000)
    m = window.model
    assert m is not None
    assert (m.issued, m.served, m.no_show) == (report.issued, report.served, report.no_show)
    assert (m.ratings, m.satisfied) == (sum(report.ratings.values()), report.satisfied)
    assert m.waiting_total == 0 and m.longest_label is None
    assert window.tile_text("longest").startswith("– |")
    assert all(window.cell("counters", r, 1) == "Đóng / closed" for r in range(6))
    assert sum(n for _h, n in m.issued_by_hour) == report.issued


def test_unknown_device_is_told_it_is_not_authorised(qtbot, hub, wall) -> None:  # type: ignore[no-untyped-def]
    link = QtHubLink(ends_of(hub), "intruder")
    window = LiveWindow(link, wall=wall)
    qtbot.addWidget(window)
    link.start()
    try:
        qtbot.waitUntil(lambda: window.banner_state == "unauthorised", timeout=CONNECT_MS)
        assert "chưa được cấp quyền" in window.banner_text
    finally:
        window.detach()
        link.stop()


# -- the pure model ----------------------------------------------------------------------------

def _view(centre, steps: list[tuple[str, str, dict[str, Any], int]]) -> CentreView:  # type: ignore[no-untyped-def]
    engine = Engine(centre, open_all_hours=True)
    t0 = datetime(2025, 11, 24, 9, 0, tzinfo=UTC) + timedelta(hours=-7)
    roles = {d.id: d for d in centre.devices}
    for device, kind, body, minute in steps:
        d = roles[device]
        out = engine.handle(Actor(d.id, d.role, d.counter, d.kiosk), kind, body,
                            t0 + timedelta(minutes=minute))
        assert out.ok, out.reply
    return CentreView(centre, engine.state, 0, "s")


def test_model_counts_longest_and_satisfaction(centre) -> None:  # type: ignore[no-untyped-def]
    view = _view(centre, [
        ("counter-4", "counter.open", {"officer": "cb04"}, 0),
        ("kiosk-1", "ticket.take", {"field": "E"}, 1),
        ("kiosk-1", "ticket.take", {"field": "B", "priority": "merit"}, 2),
        ("kiosk-1", "ticket.take", {"field": "E"}, 3),
        ("kiosk-1", "ticket.take", {"field": "C"}, 4),
        ("counter-4", "counter.call_next", {}, 5),   # B001 (priority first)
        ("counter-4", "counter.no_show", {}, 6),
        ("counter-4", "counter.call_next", {}, 7),   # E001
        ("counter-4", "counter.finish", {}, 12),
        ("rating-4", "rating.submit", {"value": 2}, 12),
    ])
    m = live_model(view)
    assert m.issued == 4 and m.served == 1 and m.no_show == 1
    assert (m.ratings, m.satisfied, m.satisfaction) == (1, 0, 0.0)
    assert m.waiting_total == 2
    assert (m.longest_label, m.longest_field) == ("E002", "E")
    e = next(f for f in m.fields if f.code == "E")
    assert (e.waiting, e.oldest_label) == (1, "E002")
    assert m.counters[3].status == "open" and m.counters[3].officer == "cb04"
    assert m.counters[3].served == 1 and m.counters[3].current_label is None
    assert m.counters[0].status == "closed" and m.counters[0].officer is None
    assert m.recent_calls[0][:2] == ("E001", 4) and len(m.recent_calls) == 2
    assert m.last_event_at == datetime(2025, 11, 24, 2, 12, tzinfo=UTC)
    assert m.issued_by_hour == ((9, 4),)  # local hour (UTC+7)
    assert minutes_since(m.longest_since, m.last_event_at) == 9
    assert "province-link" not in {d.id for d in m.devices}
    empty = live_model(_view(centre, []))
    assert empty.satisfaction is None and empty.longest_label is None


def test_model_words_for_device_states() -> None:
    assert device_level(None) == UNKNOWN
    assert device_level("ok") == OK and device_level("connected") == OK
    assert device_level("paper_near_end") == WARN
    for bad in ("paper_out", "cover_open", "offline", "error", "disconnected"):
        assert device_level(bad) == FAULT
    assert device_level("something_new") == WARN  # unknown words are worth a look
    assert minutes_since(None, datetime.now(UTC)) is None
    now = datetime.now(UTC)
    assert minutes_since(now + timedelta(minutes=3), now) == 0  # never negative


# -- command line -------------------------------------------------------------------------------

def test_options_and_errors_in_words(tmp_path: Path, capsys: pytest.CaptureFixture[str],  # type: ignore[no-untyped-def]
                                     qapp) -> None:
    from motcua import cli
    from motcua.manager.cli import main as shim_main

    assert cli.DELEGATED["live"][0] == "motcua.manager.cli"
    assert parse_size("1600x900") == (1600, 900)
    with pytest.raises(ValueError, match="Kích thước không hợp lệ"):
        parse_size("wide")
    for argv in (["--size", "big"], ["--size", "100x100"]):
        with pytest.raises(SystemExit) as exc:
            shim_main(argv)
        assert exc.value.code == 2
    assert main(["--keys", str(tmp_path)]) == 2
    assert "Không đọc được khoá" in capsys.readouterr().err


@pytest.mark.slow
def test_screenshot_mode(hub, tmp_path: Path, qapp) -> None:  # type: ignore[no-untyped-def]
    hub.client("counter-3").request("counter.open", {"officer": "cb03"})
    hub.client("kiosk-1").request("ticket.take", {"field": "K"})
    path = tmp_path / "live.png"
    assert main(["--command-port", hub.command.rsplit(":", 1)[1], "--event-port",
                 hub.events.rsplit(":", 1)[1], "--screenshot", str(path),
                 "--size", "1280x800"]) == 0
    image = QImage(str(path))
    assert (image.width(), image.height()) == (1280, 800)
