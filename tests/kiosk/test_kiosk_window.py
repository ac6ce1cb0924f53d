"""The kiosk window against a real hub: taking numbers by clicking, lookup, language."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from motcua.core.text import sort_key
from tests.support.kiosk import WAIT, hub_tickets

LEFT = Qt.MouseButton.LeftButton


def test_home_shows_every_field_with_its_waiting_count(hub: Any, make_kiosk: Any,
                                                       qtbot: Any, centre: Any) -> None:
    admin = hub.client("admin")
    for code in ("A", "A", "A", "C"):
        admin.request("ticket.take", {"field": code})
    w = make_kiosk(hub)
    tiles = w.home.field_buttons
    assert list(tiles) == [f.code for f in centre.fields] and len(tiles) == 11
    assert tiles["A"].title.text() == "Tư pháp – Hộ tịch"
    assert tiles["A"].subtitle.text() == "Đang chờ: 3"
    assert tiles["C"].subtitle.text() == "Đang chờ: 1"
    assert tiles["D"].subtitle.text() == "Đang chờ: 0"
    assert all(t.isEnabled() and t.height() >= 57 and t.width() >= 57 for t in tiles.values())
    assert w.header.name.text() == centre.name_vi
    assert w.header.place.text() == centre.place_vi
    assert w.header.slogan.text() == "Hành chính phục vụ"
    assert w.home.priority_button.title.text() == "Ưu tiên"
    assert "Người cao tuổi" in w.home.priority_button.subtitle.text()
    assert w.home.lookup_button.title.text() == "Tra cứu thủ tục"
    # A ticket taken elsewhere shows up live (hub event -> view -> tile).
    admin.request("ticket.take", {"field": "A"})
    admin.close()
    qtbot.waitUntil(lambda: tiles["A"].subtitle.text() == "Đang chờ: 4", timeout=WAIT)
    # The kiosk told the hub it runs.
    snapshot = hub.client("admin").request("snapshot", {})
    assert snapshot["state"]["devices"]["kiosk-1"]["status"] == "ok"


def test_take_a_number_by_clicking_through_every_screen(hub: Any, make_kiosk: Any,
                                                        qtbot: Any) -> None:
    admin = hub.client("admin")
    admin.request("ticket.take", {"field": "A"})
    admin.request("ticket.take", {"field": "A"})
    admin.close()
    w = make_kiosk(hub)
    qtbot.waitUntil(lambda: w.home.field_buttons["A"].subtitle.text() == "Đang chờ: 2",
                    timeout=WAIT)
    qtbot.mouseClick(w.home.field_buttons["A"], LEFT)
    assert w.current_screen() == "procedures"
    assert w.procedures.none_button.title.text() == "Không chọn thủ tục cụ thể"
    assert set(w.procedures.buttons) == {"A.1", "A.2", "A.3"}
    qtbot.mouseClick(w.procedures.buttons["A.1"], LEFT)
    assert w.current_screen() == "documents"
    assert w.documents.title.text() == "Đăng ký khai sinh"
    assert w.documents.prompt.text() == "Xin mang theo các giấy tờ sau"
    kinds = [r.kind.text() for r in w.documents.rows]
    assert kinds == ["Nộp", "Nộp", "Nộp", "Xuất trình"]
    assert w.documents.time_limit.text().startswith("Thời hạn giải quyết: ")
    qtbot.mouseClick(w.documents.next_button, LEFT)
    assert w.current_screen() == "confirm"
    assert "Thủ tục: Đăng ký khai sinh" in w.confirm.summary.text()
    assert w.confirm.ahead.text() == "Số người đang chờ trước: 2"
    assert w.confirm.take_button.text() == "LẤY SỐ"
    qtbot.mouseClick(w.confirm.take_button, LEFT)
    qtbot.waitUntil(lambda: w.current_screen() == "result", timeout=WAIT)
    tickets = [t for t in hub_tickets(hub) if t["kiosk"] == "kiosk-1"]
    assert len(tickets) == 1
    t = tickets[0]
    assert (t["field"], t["procedure"], t["priority"]) == ("A", "A.1", None)
    assert w.result.number.text() == t["label"] == "A003"
    assert w.result.ahead.text() == "Số người chờ trước: 2"
    assert w.result.estimate.text() == \
        f"Thời gian chờ dự kiến: khoảng {t['estimate_minutes']} phút"
    assert t["estimate_minutes"] > 0
    assert w.result.take_ticket.text() == "Xin mời nhận vé"
    qtbot.mouseClick(w.result.done_button, LEFT)
    assert w.current_screen() == "home"
    assert w.flow.field is None  # nothing of the last citizen is kept


def test_priority_path_without_a_procedure(hub: Any, make_kiosk: Any, qtbot: Any) -> None:
    w = make_kiosk(hub)
    qtbot.mouseClick(w.home.priority_button, LEFT)
    assert w.current_screen() == "priority"
    assert set(w.priority.buttons) == {"elderly", "pregnant", "disability", "merit"}
    assert w.priority.buttons["pregnant"].title.text() == "Phụ nữ mang thai"
    qtbot.mouseClick(w.priority.buttons["pregnant"], LEFT)
    assert w.current_screen() == "priority_fields"
    assert w.priority_fields.chosen.text() == "Ưu tiên: Phụ nữ mang thai"
    qtbot.mouseClick(w.priority_fields.field_buttons["B"], LEFT)
    qtbot.mouseClick(w.procedures.none_button, LEFT)
    assert w.current_screen() == "confirm"
    assert "Ưu tiên: Phụ nữ mang thai" in w.confirm.summary.text()
    # Back goes one screen back, and forward again keeps the choice.
    qtbot.mouseClick(w.confirm.nav.back, LEFT)
    assert w.current_screen() == "procedures"
    qtbot.mouseClick(w.procedures.none_button, LEFT)
    qtbot.mouseClick(w.confirm.take_button, LEFT)
    qtbot.waitUntil(lambda: w.current_screen() == "result", timeout=WAIT)
    (t,) = hub_tickets(hub)
    assert (t["field"], t["procedure"], t["priority"]) == ("B", None, "pregnant")
    assert "Phụ nữ mang thai" in w.result.field.text()
    assert w.result.ahead.text() == "Không có ai chờ trước quý vị"
    assert w.result.estimate.text() == "Thời gian chờ dự kiến: sắp đến lượt"


def test_double_tap_takes_one_ticket(hub: Any, make_kiosk: Any, qtbot: Any) -> None:
    w = make_kiosk(hub)
    qtbot.mouseClick(w.home.field_buttons["E"], LEFT)
    qtbot.mouseClick(w.procedures.none_button, LEFT)
    button = w.confirm.take_button
    qtbot.mouseClick(button, LEFT)
    # The reply comes back through the event loop: until then the button is off.
    assert not button.isEnabled() and button.text() == "Đang lấy số…"
    assert not w.confirm.nav.home.isEnabled()
    qtbot.mouseClick(button, LEFT)
    w.take()  # even a direct second call does nothing while one is on its way
    qtbot.waitUntil(lambda: w.current_screen() == "result", timeout=WAIT)
    w.take()  # and nothing after the ticket was taken
    qtbot.wait(200)
    assert len(hub_tickets(hub)) == 1
    assert w.result.number.text() == "E001"


def test_lookup_folds_diacritics_and_sorts_the_vietnamese_way(hub: Any, make_kiosk: Any,
                                                              qtbot: Any, centre: Any) -> None:
    w = make_kiosk(hub)
    qtbot.mouseClick(w.home.lookup_button, LEFT)
    assert w.current_screen() == "lookup"
    everything = w.lookup.visible_ids()
    assert len(everything) == sum(len(f.procedures) for f in centre.fields)
    names = [w.lookup.buttons[pid].title.text() for pid in everything]
    assert names == sorted(names, key=sort_key) and names != sorted(names)
    qtbot.keyClicks(w.lookup.search, "khai sinh")
    assert w.lookup.visible_ids() == ["A.1"]
    assert w.lookup.count.text() == "1 thủ tục"
    # The on-screen keyboard types into the same box.
    qtbot.mouseClick(w.lookup.keyboard.clear_key, LEFT)
    for ch in "khai":
        qtbot.mouseClick(w.lookup.keyboard.keys[ch], LEFT)
    assert w.lookup.search.text() == "khai"
    found = [w.lookup.buttons[pid].title.text() for pid in w.lookup.visible_ids()]
    assert found == ["Đăng ký khai sinh", "Đăng ký khai tử"]
    qtbot.mouseClick(w.lookup.keyboard.keys["⌫"], LEFT)
    assert w.lookup.search.text() == "kha"
    w.lookup.search.setText("zzzz")
    assert w.lookup.visible_ids() == [] and w.lookup.nothing.isVisible()
    w.lookup.search.setText("chung thuc ban sao")
    assert w.lookup.visible_ids() == ["B.1"]
    qtbot.mouseClick(w.lookup.buttons["B.1"], LEFT)
    assert w.current_screen() == "documents"
    assert w.documents.title.text().startswith("Chứng thực bản sao")
    assert w.documents.time_limit.text().startswith("Thời hạn giải quyết: Trong ngày")
    assert w.documents.next_button.text() == "Lấy số cho thủ tục này  ›"
    # Back returns to the lookup with the search kept; nothing was taken.
    qtbot.mouseClick(w.documents.nav.back, LEFT)
    assert w.current_screen() == "lookup" and w.lookup.visible_ids() == ["B.1"]
    assert hub_tickets(hub) == []
    # From the lookup a number can still be taken for that procedure.
    qtbot.mouseClick(w.lookup.buttons["B.1"], LEFT)
    qtbot.mouseClick(w.documents.next_button, LEFT)
    qtbot.mouseClick(w.confirm.take_button, LEFT)
    qtbot.waitUntil(lambda: w.current_screen() == "result", timeout=WAIT)
    (t,) = hub_tickets(hub)
    assert (t["field"], t["procedure"]) == ("B", "B.1")


def test_language_toggle(hub: Any, make_kiosk: Any, qtbot: Any, centre: Any) -> None:
    w = make_kiosk(hub)
    assert w.lang_button.text() == "English"
    qtbot.mouseClick(w.lang_button, LEFT)
    assert w.ctx.lang == "en"
    assert w.lang_button.text() == "Tiếng Việt"
    assert w.home.prompt.text() == "Please choose a field to take a queue number"
    assert w.home.field_buttons["A"].title.text() == centre.field_by_code("A").en
    assert w.home.field_buttons["A"].subtitle.text() == "Waiting: 0"
    assert w.header.name.text() == centre.name_en
    qtbot.mouseClick(w.home.field_buttons["A"], LEFT)
    assert w.procedures.none_button.title.text() == "No specific procedure"
    qtbot.mouseClick(w.procedures.buttons["A.2"], LEFT)
    assert w.documents.prompt.text() == "Please bring the following documents"
    assert w.documents.rows[1].kind.text() == "Show"
    qtbot.mouseClick(w.lang_button, LEFT)  # switch back in the middle of the flow
    assert w.documents.prompt.text() == "Xin mang theo các giấy tờ sau"
    assert w.documents.title.text() == "Đăng ký kết hôn"


def test_every_screen_goes_home_when_idle(tmp_path: Any, centre: Any, clock: Any,
                                          make_kiosk: Any, qtbot: Any) -> None:
    import dataclasses

    from motcua.hub.storage.db import sqlite_url
    from tests.support.hubs import start_hub

    quick = dataclasses.replace(centre, kiosk_idle_seconds=0.4)
    running = start_hub(quick, sqlite_url(tmp_path / "hub.sqlite"), clock)
    try:
        w = make_kiosk(running)
        qtbot.mouseClick(w.lang_button, LEFT)
        qtbot.mouseClick(w.home.lookup_button, LEFT)
        qtbot.waitUntil(lambda: w.current_screen() == "home", timeout=WAIT)
        assert w.ctx.lang == "vi"  # the next citizen starts in the default language
        qtbot.mouseClick(w.home.field_buttons["A"], LEFT)
        qtbot.mouseClick(w.procedures.none_button, LEFT)
        qtbot.mouseClick(w.confirm.take_button, LEFT)
        qtbot.waitUntil(lambda: w.current_screen() == "result", timeout=WAIT)
        assert w.result.auto_home.text() == "Màn hình tự trở về sau 1 giây"
        qtbot.waitUntil(lambda: w.current_screen() == "home", timeout=WAIT)
        assert w.flow.result is None
    finally:
        running.stop()
