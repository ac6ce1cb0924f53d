"""The counter tools strip, driven as an officer would, against a real hub."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from motcua.counter.window import CounterWindow
from motcua.link.client import Endpoints
from motcua.qt.link import QtHubLink

CONNECT_MS = 8000
ACT_MS = 10_000  # generous: the machine running the suite may be busy


def _window(qtbot: Any, hub: Any, counter: int) -> Iterator[CounterWindow]:
    link = QtHubLink(Endpoints(hub.command, hub.events), f"counter-{counter}")
    w = CounterWindow(link, counter, on_top=False)
    qtbot.addWidget(w)
    link.start()
    w.show()
    qtbot.waitUntil(lambda: bool(w.connected and w.officer_names and w.panel), timeout=CONNECT_MS)
    yield w
    link.stop()


@pytest.fixture
def desk2(qtbot: Any, hub: Any) -> Iterator[CounterWindow]:
    yield from _window(qtbot, hub, 2)


@pytest.fixture
def desk3(qtbot: Any, hub: Any) -> Iterator[CounterWindow]:
    yield from _window(qtbot, hub, 3)


def sign_in(qtbot: Any, w: CounterWindow, officer: str) -> None:
    box = w.signin.officer_box
    box.setCurrentIndex(box.findData(officer))
    qtbot.mouseClick(w.signin.sign_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.tools.isVisible() and w.tools.issue_button.isEnabled(),
                    timeout=ACT_MS)


def ok(dialog: Any) -> None:
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()


def test_issue_quick_serve_and_pause_with_a_reason(qtbot: Any, hub: Any, clock: Any,
                                                    desk2: CounterWindow) -> None:
    state = hub.server.engine.state
    sign_in(qtbot, desk2, "cb02")
    dialog = desk2.tools.open_issue(quick=False)
    assert dialog is not None
    dialog.field_box.setCurrentIndex(dialog.field_box.findData("D"))
    dialog.procedure_box.setCurrentIndex(1)
    ok(dialog)
    qtbot.waitUntil(lambda: "Đã cấp số D001, in tại kiosk-1" in desk2.last_message[0],
                    timeout=ACT_MS)
    d1 = state.tickets["20251124-D001"]
    assert d1.issued_by == 2 and d1.procedure == "D.1" and d1.kiosk == "kiosk-1"
    # Quick serve offers only this counter's fields, prints nothing by default.
    quick = desk2.tools.open_issue(quick=True)
    assert quick is not None
    assert {quick.field_box.itemData(i) for i in range(quick.field_box.count())} == {"C", "D"}
    quick.field_box.setCurrentIndex(quick.field_box.findData("C"))
    ok(quick)
    qtbot.waitUntil(lambda: desk2.last_message[0] == "Đang phục vụ ngay số C001",
                    timeout=ACT_MS)
    assert state.tickets["20251124-C001"].status == "serving"
    qtbot.waitUntil(lambda: desk2.main.buttons["finish"].isEnabled(), timeout=ACT_MS)
    qtbot.mouseClick(desk2.main.buttons["finish"], Qt.MouseButton.LeftButton)
    finish = desk2.dialog  # the outcome of the service is recorded at finish
    assert finish is not None
    finish.choose("guidance")
    finish.try_accept()
    qtbot.waitUntil(lambda: state.tickets["20251124-C001"].status == "done", timeout=ACT_MS)
    qtbot.waitUntil(lambda: desk2.tools.pause_button.isEnabled(), timeout=ACT_MS)
    pause = desk2.tools.open_pause()
    assert pause is not None
    pause.reasons.setCurrentRow(2)  # system down
    ok(pause)
    qtbot.waitUntil(lambda: state.counter(2).pause_reason == "system_down", timeout=ACT_MS)
    qtbot.waitUntil(lambda: not desk2.tools.quick_button.isEnabled(), timeout=ACT_MS)
    assert desk2.tools.issue_button.isEnabled()  # a paused guidance desk still hands out


def test_the_receiving_counter_sees_the_transfer_note(qtbot: Any, hub: Any,
                                                      desk3: CounterWindow) -> None:
    hub.client("kiosk-1").request("ticket.take", {"field": "C"})
    one = hub.client("counter-2")
    one.request("counter.open", {"officer": "cb02"})
    one.request("counter.call_next", {})
    one.request("counter.transfer", {"to_counter": 3, "note": "Đo đạc lại thửa đất",
                                     "return": True})
    sign_in(qtbot, desk3, "cb03")
    qtbot.mouseClick(desk3.main.buttons["call_next"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: desk3.tools.note_label.isVisible(), timeout=ACT_MS)
    assert desk3.tools.note_label.text() == ("Ghi chú chuyển số C001: Đo đạc lại thửa đất"
                                             " — trả về quầy 2 sau khi xong")
    # Transfer on with a note from the tools strip.
    dialog = desk3.tools.open_transfer()
    assert dialog is not None
    dialog.target_box.setCurrentIndex(dialog.target_box.findData("counter:6"))
    dialog.note_edit.setText("Người cao tuổi, cần hỗ trợ")
    ok(dialog)
    state = hub.server.engine.state
    qtbot.waitUntil(lambda: state.tickets["20251124-C001"].target_counter == 6, timeout=ACT_MS)
    assert state.tickets["20251124-C001"].note == "Người cao tuổi, cần hỗ trợ"
    qtbot.waitUntil(lambda: not desk3.tools.note_label.isVisible(), timeout=ACT_MS)
