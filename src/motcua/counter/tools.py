"""The counter tools strip: issue a ticket for the citizen at the desk, quick serve,
pause with a reason, transfer with a note (and return), and the note of the current ticket.

A row of buttons the counter window places under its main page (one line there). Each
button opens a small dialog and sends one hub command (``counter.issue``,
``counter.pause`` with ``reason``, ``counter.transfer`` with ``note``/``return``); the
hub decides and its answer is told in words through the window's message line.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from motcua.core.centre.model import Centre
from motcua.core.state import CALLED, COUNTER_CLOSED, COUNTER_OPEN, SERVING
from motcua.counter.actions import error_words
from motcua.link.client import CentreView, HubError
from motcua.qt.link import QtHubLink

log = logging.getLogger(__name__)

Say = Callable[..., None]
"""``say(vi, en, error=False)``: the window's message line."""
NOTE_MAX = 200  # the hub refuses longer notes (hub/domain/counter_tools.py)


def _printers(centre: Centre, counter: int) -> list[tuple[str, str]]:
    """(printer device id, label) with the counter's own printer first."""
    desks = {d.id for d in centre.devices if d.role == "counter" and d.counter == counter}
    printers = [d for d in centre.devices if d.role == "printer"]
    printers.sort(key=lambda d: d.kiosk not in desks)
    return [(d.id, f"{d.id} (quầy này)" if d.kiosk in desks else f"{d.id} ({d.kiosk})")
            for d in printers]


class IssueDialog(QDialog):
    """Field, procedure, priority and printer of a ticket issued at the counter."""

    def __init__(self, parent: QWidget | None, centre: Centre, counter: int, *,
                 quick: bool) -> None:
        super().__init__(parent)
        self.quick = quick
        self.setWindowTitle("Phục vụ ngay" if quick else "Cấp số cho công dân")
        self.centre = centre
        form = QFormLayout(self)
        c = centre.counter_by_number(counter)
        served = set(c.fields) if c is not None else set()
        self.field_box = QComboBox()
        for f in centre.fields:
            if not quick or f.code in served:
                self.field_box.addItem(f"{f.prefix} – {f.vi}", f.code)
        self.procedure_box = QComboBox()
        self.field_box.currentIndexChanged.connect(self._fill_procedures)
        self.priority_box = QComboBox()
        self.priority_box.addItem("Không ưu tiên", None)
        for p in centre.priority_categories:
            self.priority_box.addItem(p.vi, p.code)
        self.printer_box = QComboBox()
        if not quick:
            for device, text in _printers(centre, counter):
                self.printer_box.addItem(f"In tại {text}", device)
        self.printer_box.addItem("Không in (báo số cho công dân)", "")
        form.addRow("Lĩnh vực", self.field_box)
        form.addRow("Thủ tục", self.procedure_box)
        form.addRow("Ưu tiên", self.priority_box)
        form.addRow("Máy in", self.printer_box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Phục vụ ngay" if quick else "Cấp số")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Huỷ")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.ok_button = ok
        self._fill_procedures()

    def _fill_procedures(self) -> None:
        self.procedure_box.clear()
        self.procedure_box.addItem("— Không chọn —", None)
        f = self.centre.field_by_code(str(self.field_box.currentData()))
        for p in f.procedures if f is not None else ():
            self.procedure_box.addItem(f"{p.id} {p.vi}", p.id)

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"field": self.field_box.currentData(), "serve": self.quick,
                                "printer": self.printer_box.currentData()}
        for key, box in (("procedure", self.procedure_box), ("priority", self.priority_box)):
            if box.currentData() is not None:
                body[key] = box.currentData()
        return body


class PauseDialog(QDialog):
    """Pick the reason of a pause from the centre's list."""

    def __init__(self, parent: QWidget | None, centre: Centre) -> None:
        super().__init__(parent)
        self.setWindowTitle("Tạm dừng quầy")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Lý do tạm dừng / Pause reason"))
        self.reasons = QListWidget()
        for r in centre.pause_reasons:
            item = QListWidgetItem(f"{r.vi} / {r.en}" if r.en else r.vi)
            item.setData(Qt.ItemDataRole.UserRole, r.code)
            self.reasons.addItem(item)
        self.reasons.setCurrentRow(0)
        self.reasons.itemDoubleClicked.connect(lambda _i: self.accept())
        layout.addWidget(self.reasons)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Tạm dừng")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Huỷ")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def reason(self) -> str:
        item = self.reasons.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else ""


class TransferNoteDialog(QDialog):
    """Transfer to another counter or field with a note, optionally coming back here."""

    def __init__(self, parent: QWidget | None, centre: Centre, counter: int,
                 label: str, field: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Chuyển số {label} kèm ghi chú")
        form = QFormLayout(self)
        self.target_box = QComboBox()
        for c in centre.counters:
            if c.number != counter:
                self.target_box.addItem(c.vi, f"counter:{c.number}")
        for f in centre.fields:
            if f.code != field:
                self.target_box.addItem(f"Lĩnh vực {f.prefix} – {f.vi}", f"field:{f.code}")
        self.note_edit = QLineEdit()
        self.note_edit.setMaxLength(NOTE_MAX)
        self.note_edit.setPlaceholderText("Việc quầy nhận cần làm (không ghi thông tin cá nhân)")
        self.return_box = QCheckBox(f"Trả về quầy {counter} sau khi xong")
        form.addRow("Chuyển đến", self.target_box)
        form.addRow("Ghi chú", self.note_edit)
        form.addRow(self.return_box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Chuyển")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Huỷ")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def body(self) -> dict[str, Any]:
        kind, _, value = str(self.target_box.currentData()).partition(":")
        body: dict[str, Any] = {"note": self.note_edit.text().strip(),
                                "return": self.return_box.isChecked()}
        if kind == "counter":
            body["to_counter"] = int(value)
        else:
            body["to_field"] = value
        return body


class CounterTools(QWidget):
    """The strip of counter tools; :meth:`refresh` after every render of the window."""

    def __init__(self, link: QtHubLink, counter: int, say: Say,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.link, self.counter, self.say = link, counter, say
        self.dialog: QDialog | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.note_label = QLabel()
        self.note_label.setObjectName("transferNote")
        self.note_label.setWordWrap(True)
        self.note_label.setStyleSheet("background:#fff4d6;color:#5a3b00;padding:4px;"
                                      "border-radius:4px;")
        self.note_label.hide()
        layout.addWidget(self.note_label)
        row = QHBoxLayout()
        self.issue_button = QPushButton("Cấp số")
        self.issue_button.setToolTip("Issue a ticket for the citizen at the desk")
        self.quick_button = QPushButton("Phục vụ ngay")
        self.quick_button.setToolTip("Quick serve: issue and serve at once")
        self.pause_button = QPushButton("Tạm dừng có lý do")
        self.pause_button.setToolTip("Pause with a reason")
        self.transfer_button = QPushButton("Chuyển kèm ghi chú")
        self.transfer_button.setToolTip("Transfer with a note, optionally coming back")
        for b in (self.issue_button, self.quick_button, self.pause_button,
                  self.transfer_button):
            row.addWidget(b)
        layout.addLayout(row)
        self.issue_button.clicked.connect(lambda: self.open_issue(quick=False))
        self.quick_button.clicked.connect(lambda: self.open_issue(quick=True))
        self.pause_button.clicked.connect(self.open_pause)
        self.transfer_button.clicked.connect(self.open_transfer)

    # -- state -------------------------------------------------------------------------
    def refresh(self, view: CentreView | None) -> None:
        """Enable what the counter's state allows and show the current ticket's note."""
        cs = view.state.counters.get(self.counter) if view is not None else None
        status = cs.status if cs is not None else COUNTER_CLOSED
        current = (view.state.tickets.get(cs.current) if view is not None and cs is not None
                   and cs.current else None)
        self.issue_button.setEnabled(status != COUNTER_CLOSED)
        self.quick_button.setEnabled(status == COUNTER_OPEN)
        self.pause_button.setEnabled(status == COUNTER_OPEN)
        self.transfer_button.setEnabled(status == COUNTER_OPEN and current is not None
                                        and current.status in (CALLED, SERVING))
        note = current.note if current is not None else ""
        if note:
            back = (f" — trả về quầy {current.return_counter} sau khi xong"
                    if current is not None and current.return_counter else "")
            self.note_label.setText(f"Ghi chú chuyển số {current.label if current else ''}: "
                                    f"{note}{back}")
        self.note_label.setVisible(bool(note))

    # -- dialogs -----------------------------------------------------------------------
    def _open(self, dialog: QDialog) -> None:
        if self.dialog is not None:
            self.dialog.reject()
        self.dialog = dialog
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None)
                                if self.dialog is dialog else None)
        dialog.open()

    def open_issue(self, *, quick: bool) -> IssueDialog | None:
        view = self.link.view
        if view is None:
            return None
        dialog = IssueDialog(self, view.centre, self.counter, quick=quick)
        dialog.accepted.connect(lambda: self.send("counter.issue", dialog.body()))
        self._open(dialog)
        return dialog

    def open_pause(self) -> PauseDialog | None:
        view = self.link.view
        if view is None:
            return None
        dialog = PauseDialog(self, view.centre)
        dialog.accepted.connect(lambda: self.send("counter.pause",
                                                  {"reason": dialog.reason()}))
        self._open(dialog)
        return dialog

    def open_transfer(self) -> TransferNoteDialog | None:
        view = self.link.view
        cs = view.state.counters.get(self.counter) if view is not None else None
        t = view.state.tickets.get(cs.current) if view and cs and cs.current else None
        if view is None or t is None:
            self.say("Không có số nào đang phục vụ để chuyển",
                     "There is no current ticket to transfer", error=True)
            return None
        dialog = TransferNoteDialog(self, view.centre, self.counter, t.label, t.field)
        dialog.accepted.connect(lambda: self.send("counter.transfer", dialog.body()))
        self._open(dialog)
        return dialog

    # -- commands ----------------------------------------------------------------------
    def send(self, kind: str, body: dict[str, Any]) -> None:
        body = {"counter": self.counter, **body}
        self.link.request(kind, body, on_ok=lambda reply: self._done(kind, reply, body),
                          on_error=self._failed)

    def _done(self, kind: str, reply: dict[str, Any], body: dict[str, Any]) -> None:
        t = reply.get("ticket")
        label = str(t.get("label", "")) if isinstance(t, dict) else ""
        if kind == "counter.issue" and reply.get("quick"):
            self.say(f"Đang phục vụ ngay số {label}", f"Serving {label} now")
        elif kind == "counter.issue":
            where = reply.get("printed_at")
            self.say(f"Đã cấp số {label}" + (f", in tại {where}" if where else ", không in"),
                     f"Issued {label}" + (f", printed at {where}" if where else ", not printed"))
        elif kind == "counter.pause":
            self.say("Quầy đã tạm dừng", "Counter paused")
        else:
            target = body.get("to_counter") or body.get("to_field")
            self.say(f"Đã chuyển số {label} sang {target}", f"Transferred {label} to {target}")

    def _failed(self, exc: HubError) -> None:
        self.say(*error_words(exc), error=True)
