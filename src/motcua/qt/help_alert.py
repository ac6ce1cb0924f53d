"""The "a citizen needs help" alert on the staff screens (live view, counter app).

A kiosk's "Cần hỗ trợ / I need help" button sends ``help.request``; the hub publishes
``help.requested`` and keeps the request in the day's state until a member of staff
acknowledges it with ``help.ack`` (event ``help.acked``), which clears the alert on every
staff screen at once. The alert is a bright bar naming the device and the time asked,
with one button per request ("Tôi sẽ đến hỗ trợ / On my way").
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from motcua.link.client import CentreView, HubError
from motcua.qt.link import QtHubLink

log = logging.getLogger(__name__)

STYLE = """
QFrame#helpAlert { background: #ffd600; border: 3px solid #b45309; border-radius: 8px; }
QLabel#helpText { color: #111827; font-weight: bold; }
QPushButton#helpAck { background: #0b3d91; color: white; font-weight: bold;
                      border-radius: 6px; padding: 6px 14px; }
"""


def alert_text(device: str, since: str) -> str:
    """"🔔 Cần hỗ trợ tại kiosk-1 (từ 09:05) / Help needed at kiosk-1 (since 09:05)"."""
    try:
        at = datetime.fromisoformat(since).strftime("%H:%M")
    except ValueError:
        at = since
    return (f"Công dân cần hỗ trợ tại {device} (từ {at}) / "
            f"A citizen needs help at {device} (since {at})")


class HelpAlert(QFrame):
    """Hidden while nobody asks for help; one line per device that asked."""

    def __init__(self, link: QtHubLink, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.link = link
        self.setObjectName("helpAlert")
        self.setStyleSheet(STYLE)
        self.rows = QVBoxLayout(self)
        self.rows.setContentsMargins(10, 6, 10, 6)
        self.requests: dict[str, str] = {}
        self.lines: dict[str, tuple[QWidget, QLabel, QPushButton]] = {}
        self.hide()
        link.view_changed.connect(self._on_view)
        if link.view is not None:
            self._on_view(link.view)

    def _on_view(self, view: CentreView) -> None:
        self.show_requests(dict(view.state.help_requests))

    def show_requests(self, requests: dict[str, str]) -> None:
        if requests == self.requests:
            return
        self.requests = requests
        for device in [d for d in self.lines if d not in requests]:
            widget, _label, _button = self.lines.pop(device)
            self.rows.removeWidget(widget)
            widget.deleteLater()
        for device, since in sorted(requests.items(), key=lambda kv: kv[1]):
            line = self.lines.get(device)
            if line is None:
                widget = QWidget()
                row = QHBoxLayout(widget)
                row.setContentsMargins(0, 0, 0, 0)
                text = QLabel()
                text.setObjectName("helpText")
                text.setWordWrap(True)
                button = QPushButton("Tôi sẽ đến hỗ trợ / On my way")
                button.setObjectName("helpAck")
                button.clicked.connect(lambda _=False, d=device: self.acknowledge(d))
                row.addWidget(text, 1)
                row.addWidget(button)
                self.rows.addWidget(widget)
                line = self.lines[device] = (widget, text, button)
            line[1].setText("CẦN HỖ TRỢ – " + alert_text(device, since))
        self.setVisible(bool(requests))

    def acknowledge(self, device: str) -> None:
        """Tell the hub someone is on the way (clears the alert everywhere)."""
        def failed(exc: HubError) -> None:
            log.warning("help.ack for %s refused: %s", device, exc)

        def done(_reply: dict[str, Any]) -> None:
            log.info("help at %s acknowledged", device)

        self.link.request("help.ack", {"device": device}, on_ok=done, on_error=failed)

    def text(self) -> str:
        """Every alert line (for tests and the command line)."""
        return "\n".join(line[1].text() for line in self.lines.values())
