"""The two pages of the counter window: sign-in and the main (working) page.

Pure layout: they draw a :class:`motcua.counter.model.CounterPanel` and expose their buttons;
:mod:`motcua.counter.window` connects the buttons and sends the commands.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from motcua.counter.actions import ACTIONS, KEYED_ACTIONS, status_words
from motcua.counter.model import CounterPanel, TicketLine, minutes_text
from motcua.counter.style import role_font

SHORTCUT_HELP = " · ".join(f"{a.key} {a.vi.rstrip('…')}" for a in KEYED_ACTIONS)
"""One line listing every shortcut, shown on the sign-in page."""


def _label(text: str = "", name: str = "", *, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    if name:
        label.setObjectName(name)
    label.setWordWrap(wrap)
    return label


class SignInPage(QWidget):
    """Choose who you are and open the counter."""

    def __init__(self, counter: int) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = _label(f"Quầy số {counter}", "header")
        self.title.setFont(role_font("title"))
        self.fields = _label("", "muted")
        layout.addWidget(self.title)
        layout.addWidget(self.fields)
        layout.addSpacing(12)
        layout.addWidget(_label("Cán bộ đăng nhập / officer:"))
        self.officer_box = QComboBox()
        self.officer_box.setMinimumHeight(34)
        layout.addWidget(self.officer_box)
        self.sign_in_button = QPushButton("Đăng nhập và mở quầy / Sign in")
        self.sign_in_button.setObjectName("primary")
        self.sign_in_button.setMinimumHeight(44)
        self.sign_in_button.setDefault(True)
        layout.addWidget(self.sign_in_button)
        self.note = _label("", "muted")
        layout.addWidget(self.note)
        layout.addStretch(1)
        layout.addWidget(_label("Phím tắt khi làm việc / shortcuts:", "muted"))
        layout.addWidget(_label(SHORTCUT_HELP, "muted"))

    def show_panel(self, panel: CounterPanel) -> None:
        self.title.setText(panel.name_vi)
        if not panel.known:
            self.fields.setText(f"Không có quầy số {panel.number} trong cấu hình trung tâm "
                                f"/ there is no counter {panel.number}")
            self.sign_in_button.setEnabled(False)
            return
        names = ", ".join(f"{f.code} {f.vi}" for f in panel.waiting)
        self.fields.setText(f"Lĩnh vực / fields: {names}")
        self.sign_in_button.setEnabled(True)
        self.note.setText(f"Đang chờ ở các lĩnh vực của quầy: {panel.total_waiting} số")


class MainPage(QWidget):
    """The working page: current ticket, F-key buttons, waiting counts, queue, held."""

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        head = QHBoxLayout()
        self.title = _label("", "header", wrap=False)
        self.title.setFont(role_font("section"))
        self.status_chip = _label("", "statusOpen", wrap=False)
        head.addWidget(self.title, 1)
        head.addWidget(self.status_chip)
        layout.addLayout(head)
        self.officer = _label()
        self.served = _label(wrap=False)
        self.served.setFont(role_font("served"))
        layout.addWidget(self.officer)
        layout.addWidget(self.served)
        layout.addWidget(self._current_box())
        layout.addLayout(self._button_grid())
        self.waiting_counts = _label()
        layout.addWidget(self.waiting_counts)
        layout.addWidget(self._tabs(), 1)
        bottom = QHBoxLayout()
        self.keypad_label = _label("", "muted")
        self.keypad_label.hide()
        self.sign_out_button = QPushButton("Đăng xuất / Sign out")
        bottom.addWidget(self.keypad_label, 1)
        bottom.addWidget(self.sign_out_button)
        layout.addLayout(bottom)

    def _current_box(self) -> QFrame:
        box = QFrame()
        box.setObjectName("currentBox")
        inner = QVBoxLayout(box)
        inner.setSpacing(2)
        top = QHBoxLayout()
        self.ticket_label = _label("—", "ticketLabel", wrap=False)
        self.ticket_label.setFont(role_font("ticket"))
        self.ticket_status = _label("", "ticketStatus", wrap=False)
        self.ticket_status.setFont(role_font("ticket_status"))
        top.addWidget(self.ticket_label)
        top.addStretch(1)
        top.addWidget(self.ticket_status)
        inner.addLayout(top)
        self.ticket_field = _label()
        self.ticket_priority = _label()
        self.ticket_priority.setStyleSheet("color: #b45309; font-weight: bold;")
        self.ticket_procedure = _label()
        self.ticket_waited = _label()
        self.ticket_reason = _label("", "muted")
        for w in (self.ticket_field, self.ticket_priority, self.ticket_procedure,
                  self.ticket_waited, self.ticket_reason):
            inner.addWidget(w)
        return box

    def _button_grid(self) -> QGridLayout:
        grid = QGridLayout()
        grid.setSpacing(4)
        self.buttons: dict[str, QPushButton] = {}
        for i, action in enumerate(KEYED_ACTIONS):
            button = QPushButton(f"{action.key}  {action.vi}")
            button.setToolTip(f"{action.en} ({action.key})")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # F-keys, not Space, drive them
            self.buttons[action.name] = button
            if i == 0:
                button.setObjectName("primary")
                button.setMinimumHeight(46)
                button.setFont(role_font("button"))
                grid.addWidget(button, 0, 0, 1, 2)
            else:
                button.setMinimumHeight(34)
                grid.addWidget(button, 1 + (i - 1) // 2, (i - 1) % 2)
        return grid

    def _tabs(self) -> QTabWidget:
        self.tabs = QTabWidget()
        self.waiting_list = QListWidget()
        self.waiting_list.setWordWrap(True)
        self.waiting_list.setAlternatingRowColors(True)
        self.tabs.addTab(self.waiting_list, "Hàng chờ")
        held = QWidget()
        held_layout = QVBoxLayout(held)
        held_layout.setContentsMargins(0, 4, 0, 0)
        self.held_list = QListWidget()
        self.held_list.setWordWrap(True)
        self.unhold_button = QPushButton(f"{ACTIONS['unhold'].vi} / bring back")
        held_layout.addWidget(self.held_list, 1)
        held_layout.addWidget(self.unhold_button)
        self.tabs.addTab(held, "Đang giữ")
        return self.tabs

    # -- drawing ---------------------------------------------------------------------------
    def show_panel(self, panel: CounterPanel, officer_text: str) -> None:
        self.title.setText(panel.name_vi)
        self.status_chip.setText(status_words(panel.status)[0])
        self.status_chip.setObjectName("statusPaused" if panel.paused else "statusOpen")
        self.status_chip.setStyleSheet("")
        self.officer.setText(f"Cán bộ: {officer_text}")
        self.served.setText(f"Đã phục vụ hôm nay: {panel.served}")
        self._show_current(panel)
        counts = " · ".join(f"{f.code} {f.vi}: <b>{f.waiting}</b>" for f in panel.waiting)
        self.waiting_counts.setText(f"Đang chờ ({panel.total_waiting}): {counts}")
        self.held_list.clear()
        for line in panel.held:
            item = QListWidgetItem(f"{line.label} · {line.field} {line.field_vi}"
                                   + (f" · {line.priority_vi}" if line.priority_vi else ""))
            item.setData(Qt.ItemDataRole.UserRole, line.id)
            self.held_list.addItem(item)
        if self.held_list.count():
            self.held_list.setCurrentRow(0)
        self.tabs.setTabText(1, f"Đang giữ ({len(panel.held)})")

    def _show_current(self, panel: CounterPanel) -> None:
        t = panel.current
        if t is None:
            self.ticket_label.setText("—")
            self.ticket_status.setText("")
            hint = ("Quầy đang tạm dừng: bấm F8 để tiếp tục." if panel.paused
                    else "Chưa có số nào. Bấm F1 để gọi số tiếp theo.")
            self.ticket_field.setText(hint)
            for w in (self.ticket_priority, self.ticket_procedure, self.ticket_waited,
                      self.ticket_reason):
                w.hide()
            return
        self.ticket_label.setText(t.label)
        self.ticket_status.setText(t.status_vi)
        self.ticket_field.setText(f"Lĩnh vực: {t.field} – {t.field_vi}")
        self.ticket_priority.setText(f"Ưu tiên: {t.priority_vi}")
        self.ticket_priority.setVisible(bool(t.priority_vi))
        self.ticket_procedure.setText(f"Thủ tục: {t.procedure_vi}")
        self.ticket_procedure.setVisible(bool(t.procedure_vi))
        self.ticket_waited.setText(
            f"Đã chờ: {minutes_text(t.waited_seconds)[0]} (lấy số lúc {t.issued_hhmm})")
        self.ticket_waited.show()
        self.ticket_reason.setText(f"Lý do gọi: {t.reason_vi}")
        self.ticket_reason.setVisible(bool(t.reason_vi))

    def show_waiting(self, lines: list[TicketLine]) -> None:
        chosen = self.selected_waiting()
        self.waiting_list.clear()
        for i, line in enumerate(lines, 1):
            first = f"{i}. {line.label} · {line.field} {line.field_vi}"
            if line.priority_vi:
                first += f" · Ưu tiên: {line.priority_vi}"
            second = f"chờ {minutes_text(line.waited_seconds)[0]} – {line.reason_vi}"
            item = QListWidgetItem(f"{first}\n{second}")
            item.setToolTip(second)
            item.setData(Qt.ItemDataRole.UserRole, line.label)
            self.waiting_list.addItem(item)
            if line.label == chosen:
                self.waiting_list.setCurrentItem(item)
        self.tabs.setTabText(0, f"Hàng chờ ({len(lines)})")

    def selected_waiting(self) -> str | None:
        item = self.waiting_list.currentItem()
        return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))

    def selected_held(self) -> str | None:
        item = self.held_list.currentItem()
        return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))
