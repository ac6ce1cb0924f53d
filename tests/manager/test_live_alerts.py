"""The live view's alerts, against a real hub that checks the rules on its own tick."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from motcua.link.client import Endpoints
from motcua.manager.window import LiveWindow
from motcua.qt.link import QtHubLink

CONNECT_MS = 8000
TICK_MS = 6000  # the hub checks the rules about once a second


@pytest.fixture
def live(qtbot: Any, hub: Any) -> Iterator[LiveWindow]:
    link = QtHubLink(Endpoints(hub.command, hub.events), "manager-1")
    window = LiveWindow(link, wall=lambda: datetime(2030, 1, 1, tzinfo=UTC))
    qtbot.addWidget(window)
    window.resize(1600, 900)
    link.start()
    qtbot.waitUntil(lambda: window.connected and window.model is not None, timeout=CONNECT_MS)
    yield window
    window.detach()
    link.stop()


def test_an_alert_shows_is_seen_and_ends(qtbot: Any, hub: Any, live: LiveWindow) -> None:
    kiosk = hub.client("kiosk-1")
    for _ in range(6):  # six for land and no counter serving it open
        kiosk.request("ticket.take", {"field": "C"})
    panel = live.alerts
    qtbot.waitUntil(lambda: "unserved:C" in panel.rows, timeout=TICK_MS)
    button = panel.rows["unserved:C"]
    assert button is not None and button.text() == "Đã xem"
    assert panel.title.text() == "Cảnh báo / Alerts (1)"
    button.click()
    qtbot.waitUntil(lambda: panel.rows.get("unserved:C", "x") is None, timeout=TICK_MS)
    hub.client("counter-3").request("counter.open", {"officer": "cb03"})
    qtbot.waitUntil(lambda: not panel.rows and not panel.empty.isHidden(), timeout=TICK_MS)
    kinds = [e.type for _, e in hub.store.day_events() if e.type.startswith("alert.")]
    assert kinds == ["alert.raised", "alert.seen", "alert.cleared"]
