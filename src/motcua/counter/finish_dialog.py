"""The finish dialog: what happened at the counter, and the dossier numbers.

When the officer presses Hoàn thành (F4), the window calls :func:`open_finish_dialog`
(the only hook in counter/window.py). The officer picks an outcome from the centre's
``[dossier]`` list and, when it takes dossier numbers, types them or scans them: a USB
barcode/QR scanner is a keyboard that types the code and presses Enter, so Enter in the
number field adds the number to the list and clears the field for the next one. The
same check the hub runs (:func:`motcua.core.dossier.check_finish`) runs here first, so a
malformed number gets its message in words at once; the hub still checks again.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from motcua.core.dossier import DossierError, DossierRules, Finish, check_finish, check_number


class CounterWindow(Protocol):
    """What the hook needs of :class:`motcua.counter.window.CounterWindow` (which imports
    this module, so it is described here rather than imported)."""

    panel: Any
    link: Any

    def _send(self, name: str, **extra: Any) -> None: ...

    def _open_dialog(self, dialog: FinishDialog) -> FinishDialog: ...

    def activateWindow(self) -> None: ...

    def setFocus(self) -> None: ...

__all__ = ["FinishDialog", "open_finish_dialog"]

log = logging.getLogger(__name__)


class FinishDialog(QDialog):
    """Outcome + dossier numbers (+ reason where the outcome needs one) for one ticket."""

    def __init__(self, parent: QWidget | None, rules: DossierRules, ticket_label: str) -> None:
        super().__init__(parent)
        self.rules = rules
        self.result_record: Finish | None = None
        self.setWindowTitle(f"Hoàn thành số {ticket_label} / Finish")
        layout = QVBoxLayout(self)
        intro = QLabel(f"Kết quả xử lý số <b>{ticket_label}</b> <i>(What happened?)</i>")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.group = QButtonGroup(self)
        self.outcome_buttons: dict[str, QRadioButton] = {}
        for o in rules.outcomes:
            button = QRadioButton(f"{o.vi}  ·  {o.en}")
            button.setMinimumHeight(36)
            self.group.addButton(button)
            self.outcome_buttons[o.code] = button
            layout.addWidget(button)
            button.toggled.connect(self._sync)
        self.number_label = QLabel("Mã số hồ sơ (gõ hoặc quét mã vạch/QR, Enter để thêm) / "
                                   f"Dossier number, e.g. {rules.example}")
        self.number_label.setWordWrap(True)
        layout.addWidget(self.number_label)
        row = QHBoxLayout()
        self.number = QLineEdit()
        self.number.setObjectName("dossierNumber")
        self.number.setPlaceholderText(rules.example)
        self.number.setMaxLength(80)
        self.number.returnPressed.connect(self.add_number)
        self.add_button = QPushButton("Thêm / Add")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self.add_number)
        row.addWidget(self.number, 1)
        row.addWidget(self.add_button)
        layout.addLayout(row)
        self.numbers = QListWidget()
        self.numbers.setMaximumHeight(110)
        layout.addWidget(self.numbers)
        self.remove_button = QPushButton("Bỏ mã đã chọn / Remove selected")
        self.remove_button.setAutoDefault(False)
        self.remove_button.clicked.connect(self._remove_selected)
        layout.addWidget(self.remove_button)
        self.reason_label = QLabel("Lý do (bắt buộc khi từ chối) / Reason")
        self.reason = QLineEdit()
        self.reason.setMaxLength(300)
        layout.addWidget(self.reason_label)
        layout.addWidget(self.reason)
        self.error = QLabel("")
        self.error.setObjectName("messageError")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Hoàn thành / Finish")
        ok.setAutoDefault(False)  # Enter belongs to the number field (the scanner's Enter)
        ok.setDefault(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Huỷ / Cancel")
        self.buttons.accepted.connect(self.try_accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._sync()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter never finishes: a scanner ends every code with Enter. Ctrl+Enter does."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self.try_accept()
            event.accept()
            return
        super().keyPressEvent(event)

    # -- state ------------------------------------------------------------------------------
    def outcome(self) -> str | None:
        return next((code for code, b in self.outcome_buttons.items() if b.isChecked()), None)

    def choose(self, code: str) -> None:
        self.outcome_buttons[code].setChecked(True)

    def dossier_numbers(self) -> list[str]:
        return [self.numbers.item(i).text() for i in range(self.numbers.count())]

    def _sync(self) -> None:
        code = self.rules.outcome(self.outcome() or "")
        takes = code is not None and code.dossiers != "none"
        for w in (self.number_label, self.number, self.add_button, self.numbers,
                  self.remove_button):
            w.setEnabled(takes)
        needs_reason = code is not None and code.reason
        self.reason_label.setVisible(needs_reason or bool(self.reason.text()))
        self.reason.setVisible(needs_reason or bool(self.reason.text()))
        if takes:
            self.number.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_error(self, vi: str, en: str) -> None:
        self.error.setText(f"{vi}\n{en}")
        self.error.setToolTip(en)
        self.error.show()
        # grow to the whole message (word-wrapped labels do not ask for their height)
        width = min(self.error.width(), self.width() - 40)
        self.error.setMinimumHeight(self.error.heightForWidth(width) + 8)
        self.adjustSize()

    # -- actions ----------------------------------------------------------------------------
    def add_number(self) -> bool:
        """Check the typed/scanned number and add it to the list (Enter does this)."""
        text = self.number.text()
        if not text.strip():
            return False
        try:
            number = check_number(self.rules, text)
        except DossierError as exc:
            self.show_error(exc.vi, exc.en)
            self.number.selectAll()
            return False
        if number in self.dossier_numbers():
            self.show_error(f"Mã số hồ sơ {number} đã nhập rồi",
                            f"Dossier number {number} is already in the list")
            self.number.clear()
            return False
        self.numbers.addItem(number)
        self.number.clear()
        self.error.hide()
        return True

    def _remove_selected(self) -> None:
        for item in self.numbers.selectedItems():
            self.numbers.takeItem(self.numbers.row(item))

    def try_accept(self) -> None:
        """Accept only a finish the centre's rules take; otherwise say why in words."""
        if self.number.text().strip() and not self.add_number():
            return  # a half-typed number is not silently dropped
        try:
            self.result_record = check_finish(self.rules, self.outcome(),
                                              self.dossier_numbers(), self.reason.text())
        except DossierError as exc:
            self.show_error(exc.vi, exc.en)
            return
        self.accept()

    def record(self) -> dict[str, Any]:
        """The ``counter.finish`` body fields for the accepted finish."""
        r = self.result_record
        if r is None or r.outcome is None:
            return {}
        body: dict[str, Any] = {"outcome": r.outcome, "dossiers": list(r.dossiers)}
        if r.reason:
            body["reason"] = r.reason
        return body


def open_finish_dialog(window: CounterWindow) -> FinishDialog | None:
    """Open the dialog for the window's current ticket; on OK the window sends finish."""
    panel, view = window.panel, window.link.view
    if panel is None or view is None or panel.current is None:
        window._send("finish")  # nothing to describe: the hub answers in words
        return None
    parent = window if isinstance(window, QWidget) else None
    dialog = FinishDialog(parent, view.centre.dossier, panel.current.label)
    dialog.accepted.connect(lambda: window._send("finish", **dialog.record()))

    # F1..F9 must work again at once: give the keyboard back to the window
    def give_back_keyboard(_result: int) -> None:
        window.activateWindow()
        window.setFocus()

    dialog.finished.connect(give_back_keyboard)
    return window._open_dialog(dialog)
