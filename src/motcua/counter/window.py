"""The officer's counter window: sign in, call, serve, transfer, hold, pause, sign out.

``CounterWindow(link, counter)`` needs a started :class:`motcua.qt.link.QtHubLink` for
the counter's device. Everything it shows comes from the link's view of the hub
(re-drawn after each change, at most every 30 ms) plus the hub's ``counter.waiting``
answer for the ordered queue; every action goes through ``link.request`` and the hub's
answer (or refusal, in words) appears in the message line. Which page shows (sign-in or
main) follows the hub: a counter opened or closed elsewhere (``motcua open``/``act``)
switches the window too. F1..F9 are window shortcuts; a physical keypad plugged in
with :meth:`CounterWindow.use_keypad` triggers the very same actions.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

from motcua.core.state import CALLED, SERVING
from motcua.core.text import sort_key
from motcua.counter.actions import (
    ACTIONS,
    KEYED_ACTIONS,
    RESUME_EN,
    RESUME_VI,
    error_words,
    result_words,
    send_action,
    status_words,
)
from motcua.counter.dialogs import CallTicketDialog, TransferDialog
from motcua.counter.keypad_bridge import KeypadBridge
from motcua.counter.model import CounterPanel, TicketLine, panel_for, waiting_lines
from motcua.counter.pages import MainPage, SignInPage
from motcua.counter.style import STYLE_SHEET, role_font
from motcua.counter.tools import CounterTools
from motcua.link.client import CentreView, HubError
from motcua.qt.help_alert import HelpAlert
from motcua.qt.link import QtHubLink

log = logging.getLogger(__name__)

RENDER_DELAY_MS = 30
"""Bursts of hub events are drawn once, at most this often."""
WAITING_REFRESH_MS = 30_000
"""The waiting list's "waited for" column is refreshed this often even when idle."""


class CounterWindow(QWidget):
    """The counter app for counter ``counter``, talking to the hub through ``link``."""

    keypad_pressed = Signal(str)
    """A physical keypad press (action name); emitted on the keypad's thread, queued here."""
    keypad_status_changed = Signal(str, str)
    """(status, message) of the physical keypad."""

    def __init__(self, link: QtHubLink, counter: int, *, on_top: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.link = link
        self.counter = counter
        self.panel: CounterPanel | None = None
        self.waiting: list[TicketLine] = []
        self.officer_names: dict[str, str] = {}
        self.connected: bool | None = None
        self.dialog: QDialog | None = None
        self.keypad: KeypadBridge | None = None
        self.last_message: tuple[str, str, bool] = ("", "", False)
        """(vi, en, is_error) of the last message shown; tests read it."""
        self._reasons: dict[str, str] = {}
        self._busy: str | None = None
        self._staff_state = "none"  # none | asking | done
        self._waiting_in_flight = False
        self._waiting_again = False
        self._device_warned = False

        self.setObjectName("counterRoot")
        self.setWindowTitle(f"motcua – Quầy {counter}")
        flags = Qt.WindowType.Window
        if on_top:
            flags |= Qt.WindowType.WindowStaysOnTopHint
        self.setWindowFlags(flags)
        self.setFont(role_font("body"))
        self.setStyleSheet(STYLE_SHEET)
        self.resize(440, 780)
        self._build()

        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.setInterval(RENDER_DELAY_MS)
        self._render_timer.timeout.connect(self._render)
        self._tick = QTimer(self)
        self._tick.setInterval(WAITING_REFRESH_MS)
        self._tick.timeout.connect(self._periodic)
        self._tick.start()

        link.view_changed.connect(self._view_changed)
        link.event_applied.connect(self._event_applied)
        link.connection.connect(self._on_connection)
        self.keypad_pressed.connect(self.trigger)
        self.keypad_status_changed.connect(self._keypad_status)
        for action in KEYED_ACTIONS:
            shortcut = QShortcut(QKeySequence(action.key), self)
            shortcut.activated.connect(functools.partial(self.trigger, action.name))
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            enter = QShortcut(QKeySequence(key), self.signin)
            enter.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            enter.activated.connect(self.sign_in)
        self._show_banner("Đang kết nối với máy chủ… / Connecting to the hub…", info=True)
        if link.follower.connected:  # the link was started (and connected) before us
            QTimer.singleShot(0, lambda: self._on_connection(link.follower.connected))
        elif link.view is not None:
            self._schedule_render()

    # -- layout ------------------------------------------------------------------------
    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(8, 8, 8, 8)
        root.setSpacing(6)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        root.addWidget(self.banner)
        self.help_alert = HelpAlert(self.link)
        root.addWidget(self.help_alert)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.hide()
        self.signin = SignInPage(self.counter)
        self.main = MainPage()
        root.addWidget(self.signin)
        root.addWidget(self.main)
        root.insertWidget(1, self.message)
        self.main.hide()
        self.tools = CounterTools(self.link, self.counter, self._say)  # counter/tools.py
        root.addWidget(self.tools)
        self.tools.hide()
        self.signin.sign_in_button.clicked.connect(self.sign_in)
        for name, button in self.main.buttons.items():
            button.clicked.connect(functools.partial(self.trigger, name))
        self.main.unhold_button.clicked.connect(lambda: self.unhold())
        self.main.sign_out_button.clicked.connect(self.sign_out)
        self.main.waiting_list.itemDoubleClicked.connect(
            lambda item: self.open_call_ticket_dialog(item.data(Qt.ItemDataRole.UserRole)))
        self.main.held_list.itemDoubleClicked.connect(
            lambda item: self.unhold(item.data(Qt.ItemDataRole.UserRole)))

    @property
    def signed_in(self) -> bool:
        return self.panel is not None and self.panel.signed_in

    # -- actions -------------------------------------------------------------------------
    def trigger(self, name: str) -> None:
        """Do action ``name`` (an F-key, a button or a keypad press all come here)."""
        if name == "transfer":
            self.open_transfer_dialog()
        elif name == "call_ticket":
            self.open_call_ticket_dialog(self.main.selected_waiting())
        elif name == "finish":
            from motcua.counter.finish_dialog import open_finish_dialog

            open_finish_dialog(self)
        elif name in ACTIONS:
            self._send(name)

    def sign_in(self) -> None:
        officer = self.signin.officer_box.currentData()
        if not officer:
            self._say("Hãy chọn cán bộ", "Choose an officer first", error=True)
            return
        self._send("open", officer=str(officer))

    def sign_out(self) -> None:
        self._send("close")

    def unhold(self, ticket: str | None = None) -> None:
        """Bring back a held ticket (the selected one when ``ticket`` is None)."""
        ticket = ticket or self.main.selected_held()
        if not ticket:
            self._say("Hãy chọn một số đang giữ", "Choose a held ticket first", error=True)
            return
        self._send("unhold", ticket=ticket)

    def transfer(self, *, to_field: str | None = None, to_counter: int | None = None) -> None:
        self._send("transfer", to_field=to_field, to_counter=to_counter)

    def call_ticket(self, ticket: str, reason: str) -> None:
        self._send("call_ticket", ticket=ticket, reason=reason)

    def open_transfer_dialog(self) -> TransferDialog | None:
        panel, view = self.panel, self.link.view
        if panel is None or view is None or panel.current is None:
            self._say("Không có số nào đang phục vụ để chuyển",
                      "There is no current ticket to transfer", error=True)
            return None
        others = []
        for c in view.centre.counters:
            if c.number == self.counter:
                continue
            cs = view.state.counters.get(c.number)
            who = status_words(cs.status if cs is not None else "closed")[0]
            if cs is not None and cs.officer:
                who += f", {self.officer_names.get(cs.officer) or cs.officer}"
            others.append((c.number, f"{c.vi} ({', '.join(c.fields)}) – {who}"))
        dialog = TransferDialog(self, view.centre, self.counter, panel.current.label,
                                panel.current.field, others)
        dialog.accepted.connect(lambda: self._send("transfer", **dialog.target()))
        return self._open_dialog(dialog)

    def open_call_ticket_dialog(self, preselect: str | None = None) -> CallTicketDialog:
        dialog = CallTicketDialog(self, self.waiting, preselect)
        dialog.accepted.connect(lambda: self.call_ticket(dialog.ticket(), dialog.reason()))
        return self._open_dialog(dialog)

    def _open_dialog[D: QDialog](self, dialog: D) -> D:
        if self.dialog is not None:
            self.dialog.reject()
        self.dialog = dialog
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None)
                                if self.dialog is dialog else None)
        dialog.open()
        return dialog

    def _send(self, name: str, **extra: Any) -> None:
        if self._busy is not None:
            self._say("Đang chờ máy chủ trả lời lệnh trước…",
                      "Still waiting for the hub to answer the previous command", error=True)
            return
        self._busy = name
        paused = self.panel.paused if self.panel is not None else None
        send_action(self.link, self.counter, name, paused=paused, on_ok=self._action_ok,
                    on_error=self._action_failed, **extra)

    def _action_ok(self, sent: str, reply: dict[str, Any], body: dict[str, Any]) -> None:
        self._busy = None
        ticket = reply.get("ticket")
        if sent in ("call_next", "call_ticket") and isinstance(ticket, dict):
            self._reasons[str(ticket.get("id"))] = str(reply.get("reason_vi", ""))
        self._say(*result_words(sent, reply, body))
        self._schedule_render()

    def _action_failed(self, exc: HubError) -> None:
        self._busy = None
        self._say(*error_words(exc), error=True)

    # -- messages ------------------------------------------------------------------------
    def _say(self, vi: str, en: str, *, error: bool = False) -> None:
        self.last_message = (vi, en, error)
        (log.warning if error else log.info)("counter %d: %s", self.counter, en)
        self.message.setText(vi)
        self.message.setToolTip(en)
        self.message.setObjectName("messageError" if error else "messageOk")
        self.message.setStyleSheet("")  # re-apply the style for the new object name
        self.message.show()

    def _show_banner(self, text: str, *, info: bool = False) -> None:
        self.banner.setObjectName("bannerInfo" if info else "banner")
        self.banner.setStyleSheet("")
        self.banner.setText(text)
        self.banner.show()

    @property
    def banner_text(self) -> str:
        return self.banner.text() if self.banner.isVisible() else ""

    # -- hub link --------------------------------------------------------------------------
    def _on_connection(self, up: bool) -> None:
        self.connected = up
        if up:
            self.banner.hide()
            self._fetch_staff()
            if self.keypad is not None:
                self.keypad.report_status()
            self._schedule_render()
        else:
            self._show_banner("Mất kết nối với máy chủ – đang tự kết nối lại…\n"
                              "Connection to the hub lost – reconnecting")

    def _view_changed(self, _view: CentreView) -> None:
        self._schedule_render()

    def _event_applied(self, _view: CentreView, event: Any) -> None:
        body = event.body
        if event.type == "ticket.called" and body.get("counter") == self.counter:
            self._reasons[str(body.get("ticket"))] = str(body.get("reason_vi") or "")

    def _schedule_render(self) -> None:
        if not self._render_timer.isActive():
            self._render_timer.start()

    def _fetch_staff(self) -> None:
        if self._staff_state != "none":
            return
        self._staff_state = "asking"

        def ok(reply: dict[str, Any]) -> None:
            self._staff_state = "done"
            officers = reply.get("centre", {}).get("officers", [])
            self.officer_names = {str(o["id"]): str(o.get("name") or "") for o in officers}
            self._fill_officers()
            self._schedule_render()

        def failed(exc: HubError) -> None:
            self._staff_state = "none"  # asked again when the hub comes back
            if exc.code == "not_authorised":
                self._show_banner(f"Thiết bị chưa được cấp quyền ({self.link.device})\n"
                                  "Device not authorised")

        self.link.request("snapshot", {"staff": True}, on_ok=ok, on_error=failed)

    def _fill_officers(self) -> None:
        view = self.link.view
        ids = [o.id for o in view.centre.officers] if view is not None else []
        ids = ids or list(self.officer_names)
        box = self.signin.officer_box
        chosen = box.currentData()
        shown = [box.itemData(i) for i in range(box.count())]
        texts = [box.itemText(i) for i in range(box.count())]
        entries = sorted(((self._officer_text(i), i) for i in ids),
                         key=lambda e: _name_order(self.officer_names.get(e[1]) or e[1]))
        if [i for _t, i in entries] == shown and [t for t, _i in entries] == texts:
            return
        box.clear()
        for text, officer in entries:
            box.addItem(text, officer)
        if chosen is not None and box.findData(chosen) >= 0:
            box.setCurrentIndex(box.findData(chosen))

    def _officer_text(self, officer: str) -> str:
        name = self.officer_names.get(officer)
        return f"{name} ({officer})" if name else officer

    # -- waiting list ----------------------------------------------------------------------
    def _periodic(self) -> None:
        if self.signed_in and self.connected:
            self._refresh_waiting()

    def _refresh_waiting(self) -> None:
        if self._waiting_in_flight:
            self._waiting_again = True
            return
        self._waiting_in_flight = True
        self.link.request("counter.waiting", {"counter": self.counter, "limit": 50},
                          on_ok=self._got_waiting, on_error=self._waiting_failed)

    def _got_waiting(self, reply: dict[str, Any]) -> None:
        self._waiting_in_flight = False
        view = self.link.view
        if view is not None:
            self.waiting = waiting_lines(view.centre, reply)
            self.main.show_waiting(self.waiting)
        if self._waiting_again:
            self._waiting_again = False
            self._refresh_waiting()

    def _waiting_failed(self, exc: HubError) -> None:
        self._waiting_in_flight = False
        self._waiting_again = False
        log.info("counter %d: waiting list not refreshed: %s", self.counter, exc.en)

    # -- drawing ---------------------------------------------------------------------------
    def _render(self) -> None:
        view = self.link.view
        if view is None:
            return
        try:
            panel = panel_for(view, self.counter, self._reasons)
        except (RuntimeError, KeyError):  # the link thread changed the state mid-read
            self._schedule_render()
            return
        self.panel = panel
        self._check_device(view)
        if not self.officer_names and self.signin.officer_box.count() == 0:
            self._fill_officers()
        self.signin.setVisible(not panel.signed_in)
        self.main.setVisible(panel.signed_in)
        self.tools.setVisible(panel.signed_in)
        self.tools.refresh(view)
        if not panel.signed_in:
            self.signin.show_panel(panel)
            self.waiting = []
            return
        officer = panel.officer or ""
        self.main.show_panel(panel, self._officer_text(officer))
        self._enable_buttons(panel)
        self._refresh_waiting()

    def _enable_buttons(self, panel: CounterPanel) -> None:
        cur = panel.current.status if panel.current is not None else None
        working = not panel.paused
        enabled = {
            "call_next": working, "call_ticket": working,
            "recall": working and cur in (CALLED, SERVING),
            "start": working and cur == CALLED,
            "finish": cur in (CALLED, SERVING),
            "no_show": working and cur == CALLED,
            "hold": working and cur in (CALLED, SERVING),
            "transfer": working and cur in (CALLED, SERVING),
            "pause_resume": True,
        }
        for name, button in self.main.buttons.items():
            button.setEnabled(enabled.get(name, True))
        key = ACTIONS["pause_resume"].key
        pause = self.main.buttons["pause_resume"]
        if panel.paused:
            pause.setText(f"{key}  {RESUME_VI}")
            pause.setToolTip(RESUME_EN)
        else:
            pause.setText(f"{key}  {ACTIONS['pause_resume'].vi}")
            pause.setToolTip("Pause")
        self.main.unhold_button.setEnabled(working and bool(panel.held)
                                           and panel.current is None)

    def _check_device(self, view: CentreView) -> None:
        you = view.you
        if self._device_warned or you.get("role") != "counter":
            return
        if you.get("counter") not in (None, self.counter):
            self._device_warned = True
            self._say(f"Thiết bị {you.get('device')} thuộc quầy {you.get('counter')}, "
                      f"không phải quầy {self.counter}",
                      f"Device {you.get('device')} belongs to counter {you.get('counter')}",
                      error=True)

    # -- keypad ----------------------------------------------------------------------------
    def use_keypad(self, port: str, *, baudrate: int = 9600,
                   **keypad_options: Any) -> KeypadBridge:
        """Read a physical keypad on ``port``: its presses trigger this window's actions."""
        bridge = KeypadBridge(
            self.link, self.counter, port, baudrate=baudrate,
            handler=self.keypad_pressed.emit,
            on_status=lambda status, message: self.keypad_status_changed.emit(
                status.value, message),
            **keypad_options)
        self.keypad = bridge
        self.main.keypad_label.setText("Bàn phím gọi số: đang mở cổng…")
        self.main.keypad_label.show()
        return bridge.start()

    def _keypad_status(self, status: str, message: str) -> None:
        words = {"connected": "đã kết nối", "disconnected": "mất kết nối", "closed": "đã tắt"}
        self.main.keypad_label.setText(f"Bàn phím gọi số: {words.get(status, status)}")
        self.main.keypad_label.setToolTip(message)
        self.main.keypad_label.setObjectName("muted" if status == "connected" else "")
        self.main.keypad_label.setStyleSheet(
            "" if status == "connected" else "color: #c62828; font-weight: bold;")

    def stop_keypad(self) -> None:
        if self.keypad is not None:
            self.keypad.close()


def _name_order(name: str) -> tuple[tuple[str, str, str], tuple[str, str, str]]:
    """Vietnamese lists order people by given name (the last word), then the full name."""
    words = name.split()
    return sort_key(words[-1] if words else name), sort_key(name)
