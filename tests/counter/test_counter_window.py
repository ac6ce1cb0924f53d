"""The officer's counter window against a real hub: every action, shortcuts, lost hub."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QDialogButtonBox

from motcua.counter.dialogs import CallTicketDialog, TransferDialog
from motcua.counter.window import CounterWindow
from motcua.hub.storage.db import sqlite_url
from motcua.link.client import Endpoints, HubClient
from motcua.qt.link import QtHubLink
from tests.support.hubs import start_hub

CONNECT_MS = 8000
"""Generous: the link snapshots after the hub's first heartbeat (once a second)."""
ACT_MS = 5000


class Kiosk:
    """Takes tickets the way the kiosk does."""

    def __init__(self, hub: Any) -> None:
        self.client = HubClient(hub.command, "kiosk-1", timeout=3.0)

    def take(self, field: str, priority: str | None = None,
             procedure: str | None = None) -> str:
        body: dict[str, Any] = {"field": field}
        if priority:
            body["priority"] = priority
        if procedure:
            body["procedure"] = procedure
        return str(self.client.request("ticket.take", body)["ticket"]["label"])


@pytest.fixture
def kiosk(hub: Any) -> Iterator[Kiosk]:
    k = Kiosk(hub)
    yield k
    k.client.close()


@pytest.fixture
def link(hub: Any) -> Iterator[QtHubLink]:
    made = QtHubLink(Endpoints(hub.command, hub.events), "counter-1")
    made.follower.lost_after = 2.0  # keeps the lost-hub test short
    yield made
    made.stop()


@pytest.fixture
def window(qtbot: Any, link: QtHubLink) -> CounterWindow:
    w = CounterWindow(link, 1, on_top=False)
    qtbot.addWidget(w)
    link.start()
    w.show()
    qtbot.waitUntil(lambda: bool(w.connected and w.officer_names and w.panel), timeout=CONNECT_MS)
    return w


def state(hub: Any) -> Any:
    return hub.server.engine.state


def ticket(hub: Any, label: str) -> Any:
    return next(t for t in state(hub).tickets.values() if t.label == label)


def settle(qtbot: Any, w: CounterWindow) -> None:
    """Wait for the command in flight to be answered."""
    qtbot.waitUntil(lambda: w._busy is None, timeout=ACT_MS)


def sign_in(qtbot: Any, w: CounterWindow, officer: str = "cb01") -> None:
    box = w.signin.officer_box
    box.setCurrentIndex(box.findData(officer))
    qtbot.mouseClick(w.signin.sign_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.main.isVisible(), timeout=ACT_MS)


def current_is(w: CounterWindow, label: str | None) -> bool:
    cur = w.panel.current if w.panel is not None else None
    return (cur.label if cur is not None else None) == label


def press(qtbot: Any, w: CounterWindow, name: str) -> None:
    qtbot.mouseClick(w.main.buttons[name], Qt.MouseButton.LeftButton)
    settle(qtbot, w)


def test_sign_in_shows_officer_names_and_opens_the_counter(qtbot: Any, hub: Any,
                                                         window: CounterWindow) -> None:
    texts = [window.signin.officer_box.itemText(i)
             for i in range(window.signin.officer_box.count())]
    assert "Nguyễn Thị Thu Hà (cb01)" in texts  # names came from the staff snapshot
    box = window.signin.officer_box
    # Ordered the Vietnamese way, by given name: Bảo, Hà, Hùng, Linh, Oanh, Thắng, Trâm, Tuấn.
    assert [box.itemData(i) for i in range(box.count())] == [
        "cb04", "cb01", "cb02", "cb03", "cb07", "cb08", "cb05", "cb06"]
    assert window.signin.isVisible() and not window.main.isVisible()
    sign_in(qtbot, window, "cb01")
    cs = state(hub).counters[1]
    assert (cs.status, cs.officer) == ("open", "cb01")
    assert "Nguyễn Thị Thu Hà" in window.main.officer.text()
    assert window.main.status_chip.text() == "Đang mở"
    assert window.last_message[0] == "Đã đăng nhập, quầy đang mở"


def test_call_next_shows_the_priority_ticket_and_why(qtbot: Any, hub: Any, kiosk: Kiosk,
                                                     window: CounterWindow) -> None:
    first = kiosk.take("A", procedure="A.1")
    elderly = kiosk.take("A", priority="elderly", procedure="A.2")
    other = kiosk.take("B")
    sign_in(qtbot, window)
    # The waiting list is in call order, each with its reason (strict policy).
    qtbot.waitUntil(lambda: [x.label for x in window.waiting] == [elderly, first, other],
                    timeout=ACT_MS)
    assert "ưu tiên" in window.waiting[0].reason_vi
    assert window.main.waiting_list.count() == 3
    assert window.main.waiting_counts.text().startswith("Đang chờ (3)")
    press(qtbot, window, "call_next")
    qtbot.waitUntil(lambda: current_is(window, elderly), timeout=ACT_MS)
    qtbot.waitUntil(lambda: window.main.ticket_reason.isVisibleTo(window), timeout=ACT_MS)
    main = window.main
    assert main.ticket_label.text() == elderly
    assert main.ticket_status.text() == "Đang gọi"
    assert main.ticket_priority.text() == "Ưu tiên: Người cao tuổi"
    assert main.ticket_field.text() == "Lĩnh vực: A – Tư pháp – Hộ tịch"
    assert main.ticket_procedure.text().startswith("Thủ tục: ")
    assert main.ticket_waited.text().startswith("Đã chờ: ")
    assert "số ưu tiên được gọi trước (Người cao tuổi)" in main.ticket_reason.text()
    assert window.last_message[0].startswith(f"Đã gọi số {elderly}")
    t = ticket(hub, elderly)
    assert (t.status, t.counter) == ("called", 1)
    qtbot.waitUntil(lambda: [x.label for x in window.waiting] == [first, other], timeout=ACT_MS)


def test_recall_start_and_finish_count_a_service(qtbot: Any, hub: Any, kiosk: Kiosk,
                                                 window: CounterWindow) -> None:
    label = kiosk.take("A")
    sign_in(qtbot, window)
    assert window.main.served.text() == "Đã phục vụ hôm nay: 0"
    press(qtbot, window, "call_next")
    qtbot.waitUntil(lambda: current_is(window, label), timeout=ACT_MS)
    press(qtbot, window, "recall")
    assert ticket(hub, label).calls == 2
    assert window.last_message[0] == f"Đã gọi lại số {label}"
    press(qtbot, window, "start")
    qtbot.waitUntil(lambda: window.main.ticket_status.text() == "Đang phục vụ", timeout=ACT_MS)
    assert not window.main.buttons["start"].isEnabled()
    assert not window.main.buttons["no_show"].isEnabled()
    press(qtbot, window, "finish")
    qtbot.waitUntil(lambda: current_is(window, None), timeout=ACT_MS)
    assert ticket(hub, label).status == "done"
    assert state(hub).counters[1].served == 1
    qtbot.waitUntil(lambda: window.main.served.text() == "Đã phục vụ hôm nay: 1",
                    timeout=ACT_MS)
    assert window.main.ticket_label.text() == "—"


def test_no_show(qtbot: Any, hub: Any, kiosk: Kiosk, window: CounterWindow) -> None:
    label = kiosk.take("B")
    sign_in(qtbot, window)
    press(qtbot, window, "call_next")
    qtbot.waitUntil(lambda: current_is(window, label), timeout=ACT_MS)
    press(qtbot, window, "no_show")
    qtbot.waitUntil(lambda: current_is(window, None), timeout=ACT_MS)
    assert ticket(hub, label).status == "no_show"
    assert window.last_message[0] == f"Số {label} được ghi vắng mặt"
    assert state(hub).counters[1].served == 0


def test_hold_then_bring_back(qtbot: Any, hub: Any, kiosk: Kiosk,
                              window: CounterWindow) -> None:
    label = kiosk.take("A")
    sign_in(qtbot, window)
    press(qtbot, window, "call_next")
    qtbot.waitUntil(lambda: current_is(window, label), timeout=ACT_MS)
    press(qtbot, window, "hold")
    qtbot.waitUntil(lambda: window.main.held_list.count() == 1, timeout=ACT_MS)
    assert current_is(window, None)
    assert ticket(hub, label).status == "held"
    assert window.main.tabs.tabText(1) == "Đang giữ (1)"
    assert window.main.unhold_button.isEnabled()
    qtbot.mouseClick(window.main.unhold_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: current_is(window, label), timeout=ACT_MS)
    assert ticket(hub, label).status == "called"
    assert window.main.held_list.count() == 0
    assert window.last_message[0] == f"Đã gọi lại số đang giữ {label}"


def accept(qtbot: Any, w: CounterWindow, dialog: Any) -> None:
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled()
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    settle(qtbot, w)


def test_transfer_to_another_field(qtbot: Any, hub: Any, kiosk: Kiosk,
                                   window: CounterWindow) -> None:
    label = kiosk.take("A")
    sign_in(qtbot, window)
    press(qtbot, window, "call_next")
    qtbot.waitUntil(lambda: current_is(window, label), timeout=ACT_MS)
    press(qtbot, window, "transfer")  # F7 opens the dialog, nothing is sent yet
    dialog = window.dialog
    assert isinstance(dialog, TransferDialog)
    assert dialog.field_box.findData("A") == -1  # not its own field
    dialog.choose_field("C")
    accept(qtbot, window, dialog)
    t = ticket(hub, label)
    assert (t.status, t.field, t.transfers) == ("waiting", "C", 1)
    assert window.last_message[0] == f"Đã chuyển số {label} sang lĩnh vực C"
    qtbot.waitUntil(lambda: current_is(window, None), timeout=ACT_MS)


def test_transfer_to_a_named_counter(qtbot: Any, hub: Any, kiosk: Kiosk,
                                     window: CounterWindow) -> None:
    label = kiosk.take("A")
    sign_in(qtbot, window)
    press(qtbot, window, "call_next")
    qtbot.waitUntil(lambda: current_is(window, label), timeout=ACT_MS)
    dialog = window.open_transfer_dialog()
    assert dialog is not None
    assert dialog.counter_box.findData(1) == -1  # never to itself
    dialog.choose_counter(3)
    assert dialog.target() == {"to_counter": 3}
    accept(qtbot, window, dialog)
    t = ticket(hub, label)
    assert (t.status, t.target_counter) == ("waiting", 3)
    assert window.last_message[0] == f"Đã chuyển số {label} sang quầy 3"


def test_call_a_specific_ticket_needs_a_reason(qtbot: Any, hub: Any, kiosk: Kiosk,
                                               window: CounterWindow) -> None:
    labels = [kiosk.take("A") for _ in range(3)]
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: len(window.waiting) == 3, timeout=ACT_MS)
    window.main.waiting_list.setCurrentRow(2)
    press(qtbot, window, "call_ticket")  # F9 opens the dialog on the selected ticket
    dialog = window.dialog
    assert isinstance(dialog, CallTicketDialog)
    assert dialog.ticket() == labels[2]
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()  # no reason yet
    dialog.set_reason("Công dân có lịch hẹn trước")
    accept(qtbot, window, dialog)
    qtbot.waitUntil(lambda: current_is(window, labels[2]), timeout=ACT_MS)
    assert "gọi ngoài thứ tự: Công dân có lịch hẹn trước" in window.last_message[0]
    # The hub refuses an empty reason, and the window says so in words.
    window.call_ticket(labels[0], "  ")
    settle(qtbot, window)
    assert window.last_message == ("Gọi số không theo thứ tự cần ghi lý do",
                                   "Calling a ticket out of order needs a reason", True)


def test_pause_blocks_calling_until_resumed(qtbot: Any, hub: Any, kiosk: Kiosk,
                                            window: CounterWindow) -> None:
    label = kiosk.take("A")
    sign_in(qtbot, window)
    press(qtbot, window, "pause_resume")
    qtbot.waitUntil(lambda: window.main.status_chip.text() == "Tạm dừng", timeout=ACT_MS)
    assert state(hub).counters[1].status == "paused"
    assert window.main.buttons["pause_resume"].text() == "F8  Tiếp tục"
    assert not window.main.buttons["call_next"].isEnabled()
    window.trigger("call_next")  # what F1 or the keypad would do
    settle(qtbot, window)
    assert window.last_message == ("Quầy 1 đang tạm dừng", "Counter 1 is paused", True)
    assert ticket(hub, label).status == "waiting"
    press(qtbot, window, "pause_resume")
    qtbot.waitUntil(lambda: window.main.status_chip.text() == "Đang mở", timeout=ACT_MS)
    assert window.last_message[0] == "Quầy tiếp tục làm việc"
    press(qtbot, window, "call_next")
    qtbot.waitUntil(lambda: current_is(window, label), timeout=ACT_MS)


def test_function_keys_do_the_same_as_the_buttons(qtbot: Any, hub: Any, kiosk: Kiosk,
                                                  window: CounterWindow) -> None:
    labels = [kiosk.take("A"), kiosk.take("A")]
    sign_in(qtbot, window)
    window.activateWindow()
    qtbot.waitActive(window)

    def key(k: Qt.Key) -> None:
        qtbot.keyClick(window, k)
        settle(qtbot, window)

    key(Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: current_is(window, labels[0]), timeout=ACT_MS)
    key(Qt.Key.Key_F2)
    assert ticket(hub, labels[0]).calls == 2
    key(Qt.Key.Key_F3)
    assert ticket(hub, labels[0]).status == "serving"
    key(Qt.Key.Key_F4)
    assert ticket(hub, labels[0]).status == "done"
    key(Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: current_is(window, labels[1]), timeout=ACT_MS)
    key(Qt.Key.Key_F6)
    assert ticket(hub, labels[1]).status == "held"
    qtbot.waitUntil(lambda: window.main.held_list.count() == 1, timeout=ACT_MS)
    window.unhold()
    settle(qtbot, window)
    key(Qt.Key.Key_F5)
    assert ticket(hub, labels[1]).status == "no_show"
    key(Qt.Key.Key_F8)
    assert state(hub).counters[1].status == "paused"
    key(Qt.Key.Key_F8)
    assert state(hub).counters[1].status == "open"
    label = kiosk.take("B")
    qtbot.waitUntil(lambda: len(window.waiting) == 1, timeout=ACT_MS)
    key(Qt.Key.Key_F9)
    assert isinstance(window.dialog, CallTicketDialog)
    window.dialog.reject()
    window.activateWindow()  # a window manager gives the focus back; offscreen does not
    qtbot.waitActive(window)
    key(Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: current_is(window, label), timeout=ACT_MS)
    key(Qt.Key.Key_F7)
    assert isinstance(window.dialog, TransferDialog)


def test_sign_out_closes_the_counter_and_refuses_with_a_ticket(qtbot: Any, hub: Any,
                                                                kiosk: Kiosk,
                                                                window: CounterWindow) -> None:
    label = kiosk.take("A")
    sign_in(qtbot, window)
    press(qtbot, window, "call_next")
    qtbot.waitUntil(lambda: current_is(window, label), timeout=ACT_MS)
    qtbot.mouseClick(window.main.sign_out_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert window.last_message[0].startswith("Hãy kết thúc hoặc chuyển số")
    press(qtbot, window, "finish")
    qtbot.mouseClick(window.main.sign_out_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: window.signin.isVisible(), timeout=ACT_MS)
    assert state(hub).counters[1].status == "closed"


def test_lost_hub_shows_the_banner_and_recovers(qtbot: Any, hub: Any, centre: Any, clock: Any,
                                               window: CounterWindow) -> None:
    sign_in(qtbot, window)
    assert window.banner_text == ""
    ports = hub.server.command_port, hub.server.event_port
    hub.server.stop()
    qtbot.waitUntil(lambda: "Mất kết nối" in window.banner_text, timeout=CONNECT_MS)
    window.trigger("call_next")
    settle(qtbot, window)
    assert window.last_message[0].startswith("Mất kết nối với máy chủ")
    server, store = start_hub(centre, sqlite_url(hub.db_path), clock, *ports)
    try:
        qtbot.waitUntil(lambda: window.banner_text == "", timeout=CONNECT_MS)
        assert window.main.isVisible()  # still signed in: the state came back from the hub
        press(qtbot, window, "call_next")
        assert window.last_message[0] == "Không còn công dân nào đang chờ"
    finally:
        server.stop()
        store.close()


def test_a_window_made_after_the_link_connected_catches_up(qtbot: Any, hub: Any,
                                                           link: QtHubLink) -> None:
    """The lead's demo may start the link first and make the window later."""
    link.start()
    qtbot.waitUntil(lambda: link.follower.connected, timeout=CONNECT_MS)
    w = CounterWindow(link, 1)
    qtbot.addWidget(w)
    assert w.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    w.show()
    qtbot.waitUntil(lambda: bool(w.connected and w.officer_names), timeout=CONNECT_MS)
    assert w.banner_text == ""
    w.signin.officer_box.setCurrentIndex(w.signin.officer_box.findData("cb03"))
    w.activateWindow()
    qtbot.waitActive(w)
    qtbot.keyClick(w.signin.officer_box, Qt.Key.Key_Return)  # Enter signs in
    qtbot.waitUntil(lambda: w.main.isVisible(), timeout=ACT_MS)
    assert state(hub).counters[1].officer == "cb03"


class Pinger(QObject):
    ping = Signal(object)


def test_a_thousand_queued_signals_do_not_crash(qtbot: Any, hub: Any, link: QtHubLink,
                                                window: CounterWindow) -> None:
    """Guards the PySide6 abort after ~570 Signal.emit() calls seen on Python 3.11."""
    seen: list[int] = []
    link.view_changed.connect(lambda _v: seen.append(1))
    view = link.view

    def emit_all() -> None:
        for _ in range(1000):
            link.view_changed.emit(view)

    sender = threading.Thread(target=emit_all)
    sender.start()
    sender.join()
    pinger = Pinger()
    got: list[object] = []
    pinger.ping.connect(got.append)
    for i in range(1000):
        pinger.ping.emit(i)
    qtbot.waitUntil(lambda: len(seen) >= 1000, timeout=ACT_MS)
    assert len(got) == 1000
    sign_in(qtbot, window)  # the window still works afterwards
    assert window.panel is not None and window.panel.signed_in
