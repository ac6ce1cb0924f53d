"""The live view's alert list: what the hub's alert rules raised, newest first, each
with a "Đã xem / Seen" button (``alert.seen``); an alert leaves the list when it ends.

The hub checks the rules (hub/domain/alerts.py) and logs every alert with when it
started, was seen and ended; this panel only shows the active ones from the state.
The hub's storage trouble is not in the hub's log (it could not be stored): the panel
shows it from the snapshot's and heartbeats' health while it lasts.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from motcua.link.client import CentreView, HubError
from motcua.qt.link import QtHubLink

log = logging.getLogger(__name__)

ICONS = {"wait": "⏱", "unserved": "⚠", "paused": "⏸", "printer": "🖨", "offline": "⛔",
         "rating": "☹", "help": "✋", "storage": "💾"}


class AlertsPanel(QWidget):
    """Active alerts; :meth:`show_view` after each view (GUI thread)."""

    def __init__(self, link: QtHubLink, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.link = link
        self.setObjectName("alerts")
        # Beside the title: takes the width left over, never widens the window.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setStyleSheet("QLabel { font-size: 12pt; } QPushButton { font-size: 11pt; }")
        self.rows: dict[str, QPushButton | None] = {}
        """Key -> its "seen" button (None once seen); tests read it."""
        self._key: tuple[Any, ...] = ()
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.box.setSpacing(2)
        head = QHBoxLayout()  # one line while all is well: it takes no height from the view
        self.title = QLabel("Cảnh báo / Alerts")
        self.title.setStyleSheet("font-weight:bold; color:#0d3a8c;")
        self.empty = QLabel("không có / none")
        self.empty.setStyleSheet("color:#667;")
        head.addWidget(self.title)
        head.addWidget(self.empty, 1)
        self.box.addLayout(head)

    def show_view(self, view: CentreView | None) -> None:
        if view is None:
            return
        try:
            alerts = {k: dict(v) for k, v in list(view.state.alerts.items())}
        except RuntimeError:  # changed under us by the link thread; the next view redraws
            return
        if view.storage_fault:
            alerts["storage"] = {"kind": "storage", "since": "", "seen": "-",
                                 "detail_vi": str(view.health.get("message_vi", "Lỗi lưu trữ")),
                                 "detail_en": str(view.health.get("message_en", "Storage"))}
        key = tuple(sorted((k, a.get("seen") or "", a.get("detail_vi", ""))
                           for k, a in alerts.items()))
        if key == self._key:
            return
        self._key = key
        while self.box.count() > 1:
            item = self.box.takeAt(1)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.rows.clear()
        self.empty.setVisible(not alerts)
        self.title.setText(f"Cảnh báo / Alerts ({len(alerts)})" if alerts
                           else "Cảnh báo / Alerts")
        for k, a in sorted(alerts.items(), key=lambda kv: kv[1].get("since", ""), reverse=True):
            self.box.addWidget(self._row(k, a))

    def _row(self, key: str, a: dict[str, Any]) -> QWidget:
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(4, 2, 4, 2)
        since = ""
        if a.get("since"):
            since = datetime.fromisoformat(a["since"]).strftime("%H:%M") + "  "
        text = QLabel(f"{ICONS.get(str(a['kind']), '•')}  {since}{a['detail_vi']}")
        text.setToolTip(str(a.get("detail_en", "")))
        text.setWordWrap(True)
        seen = a.get("seen") is not None
        row.setStyleSheet("background:#f3f4f6;" if seen else "background:#fde2e1;")
        line.addWidget(text, 1)
        button: QPushButton | None = None
        if not seen:
            button = QPushButton("Đã xem")
            button.setToolTip("Seen")
            button.clicked.connect(lambda _c=False, k=key: self.mark_seen(k))
            line.addWidget(button, 0, Qt.AlignmentFlag.AlignRight)
        self.rows[key] = button
        return row

    def mark_seen(self, key: str) -> None:
        self.link.request("alert.seen", {"alert": key}, on_error=self._failed)

    def _failed(self, exc: HubError) -> None:
        log.warning("alert.seen refused: %s", exc.en)
