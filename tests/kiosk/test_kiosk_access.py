"""Accessibility from the first screen: large text with high contrast, and the help button
that raises an alert on the staff screens until someone acknowledges it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from motcua.counter.window import CounterWindow
from motcua.link.client import Endpoints
from motcua.qt.link import QtHubLink
from tests.support.kiosk import WAIT

LEFT = Qt.MouseButton.LeftButton


def test_large_text_and_high_contrast_from_the_home_screen(hub: Any, make_kiosk: Any,
                                                           qtbot: Any) -> None:
    w = make_kiosk(hub)
    row = w.home.access
    assert row.large_button.text() == "Chữ lớn, tương phản cao"
    assert row.help_button.text() == "Cần hỗ trợ / I need help"
    normal_px = w.home.prompt.font().pixelSize()
    qtbot.mouseClick(row.large_button, LEFT)
    assert w.ctx.large
    assert w.home.prompt.font().pixelSize() >= round(normal_px * 1.25)
    assert "background: black" in w.styleSheet()
    assert row.large_button.text() == "Chữ cỡ thường"
    # the list of fields scrolls now, and says so
    qtbot.waitUntil(lambda: w.home.scrolls and w.home.more.isVisible(), timeout=WAIT)
    # it stays on through the citizen's visit and goes off when the kiosk is left idle
    w.choose_field("B")
    assert w.ctx.large
    w._on_idle()
    assert not w.ctx.large and "background: black" not in w.styleSheet()


def test_help_button_alerts_the_counter_until_acknowledged(hub: Any, make_kiosk: Any,
                                                          qtbot: Any) -> None:
    link = QtHubLink(Endpoints(hub.command, hub.events), "counter-2")
    counter = CounterWindow(link, 2, on_top=False)
    qtbot.addWidget(counter)
    link.start()
    try:
        counter.show()
        w = make_kiosk(hub)
        assert counter.help_alert.isHidden()
        qtbot.mouseClick(w.home.access.help_button, LEFT)
        qtbot.waitUntil(lambda: w.ctx.help_state == "sent", timeout=WAIT)
        assert w.home.access.note.text() == "Đã báo cán bộ. Xin Ông/Bà vui lòng chờ tại đây."
        qtbot.waitUntil(lambda: counter.help_alert.isVisible(), timeout=WAIT)
        assert "kiosk-1" in counter.help_alert.text()
        assert counter.help_alert.text().startswith("CẦN HỖ TRỢ – Công dân cần hỗ trợ tại kiosk-1")
        (_widget, _text, button) = counter.help_alert.lines["kiosk-1"]
        qtbot.mouseClick(button, LEFT)
        qtbot.waitUntil(lambda: counter.help_alert.isHidden(), timeout=WAIT)
        qtbot.waitUntil(lambda: w.home.access.note.text() == "Cán bộ đang đến hỗ trợ Ông/Bà.",
                        timeout=WAIT)
    finally:
        link.stop()
