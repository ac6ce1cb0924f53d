"""The two dialogs of the counter app: transfer a ticket, call a ticket out of order.

Both are opened with ``open()`` (window-modal, never a nested event loop) and report
through ``accepted``; the window then sends the command. They only collect input: the
hub checks it and refuses in words (``hub/domain/engine.py``).
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from motcua.core.centre.model import Centre
from motcua.core.text import nfc
from motcua.counter.model import TicketLine

REASONS_VI = (
    "Công dân có lịch hẹn trước",
    "Hồ sơ liên quan đến số vừa phục vụ",
    "Công dân thuộc diện ưu tiên nhưng lấy số thường",
    "Lãnh đạo trung tâm yêu cầu",
)
"""Suggested reasons for calling out of order; the officer may type any other."""


def normalise_label(text: str) -> str:
    """A typed ticket number as printed: "a25 " -> "A025", "1025" stays "1025"."""
    word = nfc(text.strip().split(" ")[0]).upper() if text.strip() else ""
    m = re.fullmatch(r"([A-ZĐ]+)(\d{1,2})", word)
    return f"{m.group(1)}{int(m.group(2)):03d}" if m else word


class TransferDialog(QDialog):
    """Send the current ticket to another field's queue or to a named counter.

    ``counters`` is ``[(number, label)]`` of the other counters (with who is there).
    """

    def __init__(self, parent: QWidget | None, centre: Centre, counter: int, ticket_label: str,
                 current_field: str, counters: list[tuple[int, str]]) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Chuyển số {ticket_label} / Transfer")
        layout = QVBoxLayout(self)
        intro = QLabel(f"Chuyển số <b>{ticket_label}</b> từ quầy {counter} sang:")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.to_field_radio = QRadioButton("Hàng chờ của lĩnh vực khác / another field")
        self.to_counter_radio = QRadioButton("Một quầy cụ thể / a named counter")
        group = QButtonGroup(self)
        group.addButton(self.to_field_radio)
        group.addButton(self.to_counter_radio)
        self.field_box = QComboBox()
        for f in centre.fields:
            if f.code != current_field:
                self.field_box.addItem(f"{f.code} – {f.vi}", f.code)
        self.counter_box = QComboBox()
        for number, label in counters:
            self.counter_box.addItem(label, number)
        layout.addWidget(self.to_field_radio)
        layout.addWidget(self.field_box)
        layout.addWidget(self.to_counter_radio)
        layout.addWidget(self.counter_box)
        note = QLabel("Số được chuyển giữ nguyên thời điểm lấy số (không phải chờ lại từ đầu).")
        note.setObjectName("muted")
        note.setWordWrap(True)
        layout.addWidget(note)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Chuyển / Transfer")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Huỷ / Cancel")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.to_field_radio.toggled.connect(self._sync)
        self.to_counter_radio.toggled.connect(self._sync)
        self.field_box.activated.connect(lambda _i: self.to_field_radio.setChecked(True))
        self.counter_box.activated.connect(lambda _i: self.to_counter_radio.setChecked(True))
        self.to_field_radio.setChecked(True)
        self._sync()

    def choose_field(self, code: str) -> None:
        self.to_field_radio.setChecked(True)
        self.field_box.setCurrentIndex(self.field_box.findData(code))

    def choose_counter(self, number: int) -> None:
        self.to_counter_radio.setChecked(True)
        self.counter_box.setCurrentIndex(self.counter_box.findData(number))

    def _sync(self) -> None:
        self.field_box.setEnabled(self.to_field_radio.isChecked())
        self.counter_box.setEnabled(self.to_counter_radio.isChecked())
        box = self.field_box if self.to_field_radio.isChecked() else self.counter_box
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(box.count() > 0 and box.currentIndex() >= 0)

    def target(self) -> dict[str, Any]:
        """The transfer body's destination: ``{"to_field": "C"}`` or ``{"to_counter": 3}``."""
        if self.to_counter_radio.isChecked():
            return {"to_counter": int(self.counter_box.currentData())}
        return {"to_field": str(self.field_box.currentData())}


class CallTicketDialog(QDialog):
    """Call one waiting ticket out of order; a reason is required (it is logged)."""

    def __init__(self, parent: QWidget | None, waiting: list[TicketLine],
                 preselect: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Gọi số không theo thứ tự / Call a ticket")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Số cần gọi / ticket (chọn hoặc gõ số, ví dụ A025):"))
        self.ticket_box = QComboBox()
        self.ticket_box.setEditable(True)
        self.ticket_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for line in waiting:
            extra = f" – {line.priority_vi}" if line.priority_vi else ""
            self.ticket_box.addItem(f"{line.label} ({line.field}{extra})", line.label)
        if preselect:
            i = self.ticket_box.findData(preselect)
            if i >= 0:
                self.ticket_box.setCurrentIndex(i)
        layout.addWidget(self.ticket_box)
        layout.addWidget(QLabel("Lý do (bắt buộc) / reason (required):"))
        self.reason_box = QComboBox()
        self.reason_box.setEditable(True)
        self.reason_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.reason_box.addItems(["", *REASONS_VI])
        self.reason_box.setCurrentIndex(0)
        line_edit = self.reason_box.lineEdit()
        assert line_edit is not None
        line_edit.setPlaceholderText("Vì sao gọi số này trước? / why this ticket first?")
        layout.addWidget(self.reason_box)
        hint = QLabel("Lý do được ghi vào nhật ký và báo cáo của trung tâm.")
        hint.setObjectName("muted")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Gọi / Call")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Huỷ / Cancel")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.ticket_box.currentTextChanged.connect(self._sync)
        self.reason_box.currentTextChanged.connect(self._sync)
        self._sync()
        self.reason_box.setFocus(Qt.FocusReason.OtherFocusReason)

    def ticket(self) -> str:
        """The chosen ticket label (typed text is accepted too: "a25" -> "A25")."""
        i = self.ticket_box.currentIndex()
        text = self.ticket_box.currentText().strip()
        if i >= 0 and text == self.ticket_box.itemText(i):
            return str(self.ticket_box.itemData(i))
        return normalise_label(text)

    def reason(self) -> str:
        return nfc(self.reason_box.currentText().strip())

    def set_reason(self, text: str) -> None:
        self.reason_box.setCurrentText(text)

    def _sync(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.ticket()) and bool(self.reason()))
