"""Accessibility at the kiosk: large text with high contrast, and "Cần hỗ trợ / I need help".

Both are on the first screen, in one row under the fields, so a citizen who reads poorly
or cannot find their way can turn them on before anything else:

* **Large text, high contrast** (:func:`accessible_metrics`, :func:`high_contrast_qss`):
  every text about a third larger, fewer tile columns so long field names still fit,
  white and yellow on black with thick yellow outlines. It stays on for this citizen's
  whole visit and goes off when the kiosk returns home after being left idle.
* **I need help**: sends ``help.request``; the live view and every counter app raise an
  alert until a member of staff answers it (``help.ack``). The kiosk says that staff have
  been told, and when someone has acknowledged it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from motcua.kiosk.strings import Lang, tr
from motcua.kiosk.theme import accessible_metrics
from motcua.kiosk.widgets import label, push


def high_contrast_qss() -> str:
    """Rules added after the normal style sheet (later rules win): light on black."""
    return """
QWidget#kioskRoot { background: black; }
QWidget { color: white; }
QLabel#screenTitle, QLabel#prompt, QLabel#bigNumber, QLabel#resultHeading,
QLabel#docNumber, QLabel#tileSide { color: #ffe14d; }
QLabel#note, QLabel#staffNotice, QLabel#tileSub { color: #f3f4f6; }
QLabel#more { color: #ffe14d; }
QScrollBar:vertical { background: #374151; }
QScrollBar::handle:vertical { background: #ffe14d; }
QLabel#summary, QFrame#docRow { background: black; border: 3px solid #ffe14d; }
QAbstractButton[kind="field"], QAbstractButton[kind="item"] {
    background: black; border: 4px solid #ffe14d; }
QAbstractButton[kind="field"]:disabled, QAbstractButton[kind="item"]:disabled {
    background: #1f2937; border-color: #6b7280; }
QLabel#tileBadge { background: #ffe14d; color: black; }
QPushButton { background: black; color: #ffe14d; border: 4px solid #ffe14d; }
QPushButton[role="primary"] { background: #ffe14d; color: black; }
QPushButton#help { background: #ffe14d; color: black; border: 4px solid white; }
QLabel#warning { background: black; color: #ffe14d; border: 4px solid #ffe14d; }
"""


HELP_QSS = """
QPushButton#help { background: #c25e00; color: white; border: none; }
QPushButton#access:checked { background: #0b3d91; color: white; }
QLabel#helpNote { background: #fff4d6; color: #7a3e00; border-radius: 12px; padding: 12px;
                  font-weight: bold; }
"""


__all__ = ["HELP_QSS", "AccessRow", "accessible_metrics", "high_contrast_qss"]


class AccessRow(QWidget):
    """The two buttons on the home screen, and what happened to the help request."""

    large_toggled = Signal(bool)
    help_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.setSpacing(16)
        self.large_button = push("", "")
        self.large_button.setObjectName("access")
        self.large_button.setCheckable(True)
        self.large_button.toggled.connect(self.large_toggled)
        self.help_button = push("", "")
        self.help_button.setObjectName("help")
        self.help_button.clicked.connect(self.help_clicked)
        row.addWidget(self.large_button, 1)
        row.addWidget(self.help_button, 1)
        box.addLayout(row)
        self.note = label("", "helpNote", align=Qt.AlignmentFlag.AlignCenter)
        self.note.hide()
        box.addWidget(self.note)

    def refresh(self, lang: Lang, *, large: bool, help_state: str | None) -> None:
        """``help_state``: None, ``sent`` (waiting for staff), ``coming`` (acknowledged)
        or ``failed``."""
        self.large_button.setText(tr("access.normal" if large else "access.large", lang))
        if self.large_button.isChecked() != large:
            self.large_button.blockSignals(True)
            self.large_button.setChecked(large)
            self.large_button.blockSignals(False)
        self.help_button.setText(tr("access.help", lang))
        if help_state is None:
            self.note.hide()
        else:
            self.note.setText(tr(f"access.help_{help_state}", lang))
            self.note.show()
