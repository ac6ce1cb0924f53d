"""Honest states: printer faults, a lost and recovered hub, the hub's refusals in words."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from tests.support.hubs import RunningHub
from tests.support.hubs import start_hub as support_start_hub
from tests.support.kiosk import WAIT, hub_tickets

LEFT = Qt.MouseButton.LeftButton
PAPER_OUT = ("Máy in vé tạm thời không hoạt động (hết giấy). "
             "Xin vui lòng liên hệ quầy hướng dẫn.")


def start_hub(tmp_path: Path, centre: Any, clock: Any) -> RunningHub:
    """A hub this test starts, stops and restarts itself (same ports, same database)."""
    from motcua.hub.storage.db import sqlite_url

    db = tmp_path / "hub.sqlite"
    return support_start_hub(centre, sqlite_url(db), clock, db_path=db)


def test_printer_fault_is_told_before_choosing(hub: Any, make_kiosk: Any, qtbot: Any) -> None:
    w = make_kiosk(hub)
    tiles = w.home.field_buttons
    printer = hub.client("printer-1")
    printer.request("device.status", {"status": "paper_out"})
    qtbot.waitUntil(lambda: w.banner.isVisible() and w.banner.text() == PAPER_OUT, timeout=WAIT)
    assert not any(t.isEnabled() for t in tiles.values())
    assert not w.home.priority_button.isEnabled()
    assert w.home.lookup_button.isEnabled()  # reading about procedures needs no printer
    qtbot.mouseClick(tiles["A"], LEFT)
    assert w.current_screen() == "home"
    w.set_lang("en")
    assert w.banner.text() == ("The ticket printer is not working for now (out of paper). "
                               "Please ask at the help desk.")
    w.set_lang("vi")
    printer.request("device.status", {"status": "cover_open"})
    qtbot.waitUntil(lambda: "nắp máy in đang mở" in w.banner.text(), timeout=WAIT)
    printer.request("device.status", {"status": "ok"})
    qtbot.waitUntil(lambda: all(t.isEnabled() for t in tiles.values()), timeout=WAIT)
    assert not w.banner.isVisible()
    # Paper near end still prints: a quiet line for staff only.
    printer.request("device.status", {"status": "paper_near_end"})
    qtbot.waitUntil(lambda: w.staff_notice.text() == "Máy in sắp hết giấy", timeout=WAIT)
    assert all(t.isEnabled() for t in tiles.values()) and not w.banner.isVisible()
    printer.close()


def test_printer_fault_while_confirming_disables_the_take_button(hub: Any, make_kiosk: Any,
                                                                 qtbot: Any) -> None:
    w = make_kiosk(hub)
    qtbot.mouseClick(w.home.field_buttons["D"], LEFT)
    qtbot.mouseClick(w.procedures.none_button, LEFT)
    assert w.confirm.take_button.isEnabled()
    printer = hub.client("printer-1")
    printer.request("device.status", {"status": "offline"})
    qtbot.waitUntil(lambda: not w.confirm.take_button.isEnabled(), timeout=WAIT)
    assert "mất kết nối với máy in" in w.banner.text()
    printer.close()
    assert hub_tickets(hub) == []


def test_result_tells_when_the_ticket_could_not_be_printed(hub: Any, make_kiosk: Any,
                                                          qtbot: Any) -> None:
    w = make_kiosk(hub)
    qtbot.mouseClick(w.home.field_buttons["G"], LEFT)
    qtbot.mouseClick(w.procedures.none_button, LEFT)
    qtbot.mouseClick(w.confirm.take_button, LEFT)
    qtbot.waitUntil(lambda: w.current_screen() == "result", timeout=WAIT)
    assert not w.result.print_failed.isVisible()
    printer = hub.client("printer-1")
    printer.request("printer.failed", {"ticket": "G001", "reason": "paper_out"})
    printer.close()
    qtbot.waitUntil(lambda: w.result.print_failed.isVisible(), timeout=WAIT)
    assert w.result.print_failed.text() == ("Vé chưa in được. Xin ghi nhớ số G001 và liên hệ "
                                            "quầy hướng dẫn.")


def test_hub_lost_and_found_again_by_itself(tmp_path: Path, centre: Any, clock: Any,
                                            make_kiosk: Any, qtbot: Any) -> None:
    running = start_hub(tmp_path, centre, clock)
    try:
        w = make_kiosk(running)
        qtbot.mouseClick(w.home.field_buttons["A"], LEFT)
        qtbot.mouseClick(w.procedures.none_button, LEFT)
        running.server.stop()
        # Tapped before the kiosk noticed: no answer, so the request id is kept.
        qtbot.mouseClick(w.confirm.take_button, LEFT)
        first_id = w.flow.request_id
        assert first_id is not None
        qtbot.waitUntil(lambda: w.flow.failure is not None, timeout=WAIT)
        assert w.flow.failure.code == "unavailable"
        assert w.flow.request_id == first_id
        assert "mất kết nối với máy chủ" in w.confirm.error.text()
        qtbot.waitUntil(lambda: w.banner.isVisible(), timeout=WAIT)
        assert "Mất kết nối" in w.banner.text()
        assert not w.confirm.take_button.isEnabled()
        running.restart()
        qtbot.waitUntil(lambda: w.state.online and not w.banner.isVisible(), timeout=20_000)
        assert w.confirm.take_button.isEnabled()
        assert w.confirm.take_button.text() == "THỬ LẠI"
        qtbot.mouseClick(w.confirm.take_button, LEFT)
        assert w.flow.request_id == first_id  # the retry reuses the confirmation's id
        qtbot.waitUntil(lambda: w.current_screen() == "result", timeout=WAIT)
        tickets = hub_tickets(running)
        assert len(tickets) == 1 and w.result.number.text() == tickets[0]["label"]
        # Home works again too.
        qtbot.mouseClick(w.result.done_button, LEFT)
        assert all(t.isEnabled() for t in w.home.field_buttons.values())
    finally:
        running.stop()


def test_cap_reached_is_refused_in_words(tmp_path: Path, centre: Any, clock: Any,
                                         make_kiosk: Any, qtbot: Any) -> None:
    fields = tuple(dataclasses.replace(f, daily_cap=1) if f.code == "A" else f
                   for f in centre.fields)
    running = start_hub(tmp_path, dataclasses.replace(centre, fields=fields), clock)
    try:
        w = make_kiosk(running)
        qtbot.mouseClick(w.home.field_buttons["A"], LEFT)
        qtbot.mouseClick(w.procedures.none_button, LEFT)
        admin = running.client()
        admin.request("ticket.take", {"field": "A"})  # someone else takes the last one
        admin.close()
        qtbot.waitUntil(lambda: w.confirm.ahead.text() == "Số người đang chờ trước: 1",
                        timeout=WAIT)
        qtbot.mouseClick(w.confirm.take_button, LEFT)
        qtbot.waitUntil(lambda: w.confirm.error.isVisible(), timeout=WAIT)
        assert w.flow.failure is not None and w.flow.failure.code == "cap_reached"
        text = w.confirm.error.text()
        assert text.startswith("Chưa lấy được số. Lĩnh vực Tư pháp – Hộ tịch đã hết số hôm nay")
        assert w.flow.request_id is None  # a refusal is final: next tap is a new request
        assert len(hub_tickets(running)) == 1
        qtbot.mouseClick(w.confirm.nav.home, LEFT)
        tile = w.home.field_buttons["A"]
        assert not tile.isEnabled() and tile.subtitle.text() == "Đã hết số hôm nay"
        assert w.home.field_buttons["B"].isEnabled()
    finally:
        running.stop()


def test_closed_hours_are_refused_in_words(hub: Any, clock: Any, make_kiosk: Any,
                                           qtbot: Any) -> None:
    clock.now = clock.now.replace(hour=20)
    w = make_kiosk(hub)
    qtbot.mouseClick(w.home.field_buttons["C"], LEFT)
    qtbot.mouseClick(w.procedures.none_button, LEFT)
    qtbot.mouseClick(w.confirm.take_button, LEFT)
    qtbot.waitUntil(lambda: w.confirm.error.isVisible(), timeout=WAIT)
    assert ("Ngoài giờ tiếp nhận (hôm nay: 07:30–11:30, 13:30–17:00). "
            "Tiếp nhận tiếp: Thứ Ba 25/11/2025 lúc 07:30") in w.confirm.error.text()
    w.set_lang("en")
    assert "Outside opening hours" in w.confirm.error.text()
    assert w.confirm.take_button.isEnabled()  # nothing stuck; a later tap asks again
    assert hub_tickets(hub) == []


def test_unknown_device_is_told_it_is_not_authorised(hub: Any, make_kiosk: Any,
                                                     qtbot: Any) -> None:
    w = make_kiosk(hub, device="kiosk-9", online=False)
    qtbot.waitUntil(lambda: w.banner.isVisible(), timeout=WAIT)
    assert w.banner.text() == ("Thiết bị chưa được cấp quyền. "
                               "Xin vui lòng liên hệ quầy hướng dẫn.")
    assert not w.state.can_take


def test_screenshots_of_every_screen_in_both_orientations(hub: Any, make_kiosk: Any,
                                                          tmp_path: Path) -> None:
    from PySide6.QtGui import QImage

    from motcua.demo.kiosk_tour import CLIPPED, ORIENTATIONS, SCREENS, save_screenshots

    w = make_kiosk(hub)
    paths = save_screenshots(w, tmp_path / "shots")
    assert CLIPPED == []  # every label and button measured against its own rectangle
    assert len(paths) == len(SCREENS) * len(ORIENTATIONS)
    for screen in SCREENS:
        for orientation in ORIENTATIONS:
            path = tmp_path / "shots" / f"kiosk-{screen}-{orientation}.png"
            assert path in paths and path.stat().st_size > 10_000
            image = QImage(str(path))
            assert (image.width(), image.height()) == \
                ((1080, 1920) if orientation == "portrait" else (1920, 1080))
            # Not blank: many colours (text anti-aliasing, tiles, header).
            step = 37
            colours = {image.pixel(x, y) for x in range(0, image.width(), step)
                       for y in range(0, image.height(), step)}
            assert len(colours) > 8, path
    # Nothing was taken and the window is back where it was.
    assert hub_tickets(hub) == []
    assert w.current_screen() == "home" and w.orientation == "portrait"
    assert w.state.can_take and not w.banner.isVisible()


def test_every_touch_target_is_at_least_15_mm(hub: Any, make_kiosk: Any, qtbot: Any) -> None:
    from PySide6.QtWidgets import QAbstractButton, QApplication

    w = make_kiosk(hub)

    def small_buttons() -> list[str]:
        for _ in range(3):
            QApplication.processEvents()
        return [f"{b.objectName() or b.text()} {b.width()}x{b.height()}"
                for b in w.findChildren(QAbstractButton)
                if b.isVisible() and (b.width() < 57 or b.height() < 57)]

    for orientation, size in (("portrait", (1080, 1920)), ("landscape", (1920, 1080))):
        w.set_orientation(orientation)
        w.resize(*size)
        for show in (w.go_home, w.start_priority, lambda: w.choose_field("A"),
                     lambda: w.choose_procedure("A.1"), lambda: w.show_screen("confirm"),
                     w.open_lookup):
            show()
            assert small_buttons() == [], (orientation, w.current_screen())


def test_main_runs_the_kiosk_as_a_centre_does(hub: Any, tmp_path: Path) -> None:
    """The real program in its own process joins the hub and stops cleanly on SIGTERM."""
    import os
    import subprocess
    import sys

    from motcua.kiosk.app import build_parser, main
    from tests.support.wait import EventWatch

    args = build_parser().parse_args(["--landscape", "--lang", "en"])
    assert (args.orientation, args.lang, args.device, args.hub) == \
        ("landscape", "en", "kiosk-1", "127.0.0.1")
    assert main(["--keys", str(tmp_path / "missing")]) == 2
    with EventWatch(hub.endpoints) as watch:
        proc = subprocess.Popen(
            [sys.executable, "-m", "motcua.cli", "kiosk", "--command-port",
             hub.command.rsplit(":", 1)[1], "--event-port", hub.events.rsplit(":", 1)[1],
             "--windowed", "--portrait"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
        try:
            # The kiosk reports itself running once it holds the hub's snapshot.
            watch.wait_for("device.status", lambda e: e.body.get("device") == "kiosk-1",
                           timeout=60)
            proc.terminate()
            out, _ = proc.communicate(timeout=20)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    # SIGTERM ends it cleanly, also when it lands while the window is still being built.
    assert proc.returncode == 0, out.decode("utf-8", "replace")


def test_demo_saves_every_kiosk_screen(qapp: Any, tmp_path: Path) -> None:
    """``motcua demo --screens kiosk``: the pictures come from the tooling, not the kiosk."""
    from motcua.cli import main
    from motcua.demo.kiosk_tour import ORIENTATIONS, SCREENS

    out = tmp_path / "shots"
    assert main(["demo", "--screens", "kiosk", "--out", str(out)]) == 0
    assert len(list(out.glob("kiosk-*.png"))) == len(SCREENS) * len(ORIENTATIONS)
