"""The kiosk window: screens in a stack, the flow from a field to a ticket, honest states.

Everything centre-wide comes from the hub's snapshot through :class:`QtHubLink`
(sockets in worker threads, results on the GUI thread). The window

* takes a ticket with ``ticket.take`` and ONE request id per citizen confirmation,
  reused only when the answer is unknown (connection lost), so a retry can never
  make a second ticket; the button is disabled while the request is on its way;
* shows "Mất kết nối" and disables taking while the hub is unreachable, and tells the
  citizen before they choose when the printer cannot print;
* returns to the home screen after ``centre.kiosk_idle_seconds`` without a touch.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLayout,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from motcua.core.booking import peek
from motcua.core.cccd import ELDERLY_AGE, CardError
from motcua.kiosk.checkin import CardRead, ScanCatcher, is_booking, read_card
from motcua.kiosk.header import CentreHeader
from motcua.kiosk.model import Context, Flow, KioskState, find_procedure, printer_status
from motcua.kiosk.screens.booking import BookingScreen
from motcua.kiosk.screens.confirm import ConfirmScreen
from motcua.kiosk.screens.documents import DocumentsScreen
from motcua.kiosk.screens.home import HomeScreen
from motcua.kiosk.screens.lookup import LookupScreen
from motcua.kiosk.screens.priority import PriorityFieldsScreen, PriorityScreen
from motcua.kiosk.screens.procedures import ProceduresScreen
from motcua.kiosk.screens.result import ResultScreen
from motcua.kiosk.strings import LANGS, Lang, tr
from motcua.kiosk.theme import METRICS, Orientation, kiosk_font, load_fonts, style_sheet
from motcua.kiosk.widgets import NavBar, Screen, label
from motcua.link.client import CentreView, HubError
from motcua.qt.link import QtHubLink

log = logging.getLogger(__name__)

CONNECTING_GRACE_MS = 5000
"""How long "Đang kết nối…" is shown at start before it becomes "Mất kết nối"."""
PROBE_MS = 5000
"""While the hub is unreachable, ask it every few seconds (detects "not authorised")."""
_ACTIVITY = frozenset({QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin,
                       QEvent.Type.KeyPress, QEvent.Type.TouchUpdate})


class KioskWindow(QWidget):
    """The whole touch kiosk. ``link`` may be started before or after the window."""

    def __init__(self, link: QtHubLink, *, orientation: Orientation = "portrait",
                 lang: Lang = "vi", clock: Callable[[], datetime] | None = None,
                 citizen_secret: bytes | None = None, elderly_age: int = ELDERLY_AGE,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        load_fonts()
        self.setObjectName("kioskRoot")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setFont(kiosk_font())
        self.setWindowTitle("motcua – máy lấy số / kiosk")
        self.link = link
        self.default_lang: Lang = lang if lang in LANGS else "vi"
        self.ctx = Context(kiosk_id=link.device, lang=self.default_lang)
        if clock is not None:
            self.ctx.clock = clock
        self.orientation: Orientation = orientation
        self.history: list[str] = []
        self._online = False
        self._authorised = True
        self._forced: dict[str, Any] = {}
        self.citizen_secret = citizen_secret
        """Keys the ID number's hash for the per-citizen cap (docs/privacy.md); None: no cap."""
        self.elderly_age = elderly_age
        self.card: CardRead | None = None
        """The ID card scanned for the citizen at the kiosk now (cleared on Home)."""
        self._build()
        self._timers()
        link.view_changed.connect(self._on_view)
        link.connection.connect(self._on_connection)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
            self.scanner = ScanCatcher(self.on_scan, self)
            app.installEventFilter(self.scanner)
        self.set_orientation(orientation)
        if link.view is not None:
            self._on_view(link.view)
            self._on_connection(link.follower.connected)
        self._send_status()
        self.show_screen("home", remember=False)

    # -- construction ----------------------------------------------------------------
    def _nav(self, back: bool = True) -> NavBar:
        return NavBar(self.back if back else None, self.go_home)

    def _build(self) -> None:
        ctx = self.ctx
        root = QVBoxLayout(self)
        # The window has the screen's size (or the layout size in a window): wrapping
        # labels must not make Qt grow it past the screen to fit their preferred height.
        root.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        self.header = CentreHeader(ctx)
        self.lang_button = self.header.lang_button
        self.lang_button.clicked.connect(self.toggle_lang)
        root.addWidget(self.header)
        self.banner = label("", "banner")
        self.banner.hide()
        root.addWidget(self.banner)
        self.connecting = label("", "connecting")
        self.connecting.hide()
        root.addWidget(self.connecting)
        self.stack = QStackedWidget()
        root.addWidget(self.stack, 1)
        footer = QHBoxLayout()
        footer.setContentsMargins(24, 0, 24, 8)
        self.device_label = label(self.ctx.kiosk_id, "staffNotice", wrap=False)
        self.staff_notice = label("", "staffNotice", wrap=False,
                                  align=Qt.AlignmentFlag.AlignRight)
        footer.addWidget(self.device_label)
        footer.addWidget(self.staff_notice, 1)
        root.addLayout(footer)

        self.home = HomeScreen(ctx)
        self.priority = PriorityScreen(ctx, self._nav())
        self.priority_fields = PriorityFieldsScreen(ctx, self._nav())
        self.procedures = ProceduresScreen(ctx, self._nav())
        self.documents = DocumentsScreen(ctx, self._nav())
        self.confirm = ConfirmScreen(ctx, self._nav())
        self.result = ResultScreen(ctx)
        self.lookup = LookupScreen(ctx, self._nav(back=False))
        self.booking = BookingScreen(ctx, self._nav(back=False))
        self.screens: dict[str, Screen] = {}
        for s in (self.home, self.priority, self.priority_fields, self.procedures,
                  self.documents, self.confirm, self.result, self.lookup, self.booking):
            self.screens[s.name] = s
            self.stack.addWidget(s)
        self.home.field_chosen.connect(self.choose_field)
        self.home.priority_clicked.connect(self.start_priority)
        self.home.lookup_clicked.connect(self.open_lookup)
        self.home.booking_clicked.connect(self.open_booking)
        self.booking.submitted.connect(self.take_booking)
        self.priority.category_chosen.connect(self.choose_priority)
        self.priority_fields.field_chosen.connect(self.choose_field)
        self.procedures.procedure_chosen.connect(self.choose_procedure)
        self.documents.next_clicked.connect(lambda: self.show_screen("confirm"))
        self.confirm.take_clicked.connect(self.take)
        self.result.done_clicked.connect(self.go_home)
        self.lookup.procedure_chosen.connect(self.show_lookup_procedure)

    def _timers(self) -> None:
        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.timeout.connect(self._on_idle)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(30)
        self._refresh_timer.timeout.connect(self.refresh)
        self._clock_timer = QTimer(self)
        self._clock_timer.setInterval(10_000)
        self._clock_timer.timeout.connect(self.header.refresh)
        self._clock_timer.start()
        self._grace = QTimer(self)
        self._grace.setSingleShot(True)
        self._grace.timeout.connect(self._grace_over)
        self._grace.start(CONNECTING_GRACE_MS)
        self._probe = QTimer(self)
        self._probe.setInterval(PROBE_MS)
        self._probe.timeout.connect(self._probe_hub)
        self._probe.start()

    # -- public state ----------------------------------------------------------------
    @property
    def state(self) -> KioskState:
        return self.ctx.state

    @property
    def flow(self) -> Flow:
        return self.ctx.flow

    def current_screen(self) -> str:
        w = self.stack.currentWidget()
        return w.name if isinstance(w, Screen) else ""

    def idle_seconds(self) -> float:
        centre = self.ctx.centre
        return centre.kiosk_idle_seconds if centre is not None else 20.0

    def set_orientation(self, orientation: Orientation) -> None:
        """Lay every screen out for a 1080×1920 (portrait) or 1920×1080 screen."""
        self.orientation = "landscape" if orientation == "landscape" else "portrait"
        m = METRICS[self.orientation]
        self.setStyleSheet(style_sheet(m))
        self.header.apply_metrics(m)
        for s in self.screens.values():
            s.apply_metrics(m)
        if not self.isFullScreen():
            self.resize(m.width, m.height)
        self.refresh()

    def set_lang(self, lang: Lang) -> None:
        self.ctx.lang = lang if lang in LANGS else "vi"
        self.refresh()

    def toggle_lang(self) -> None:
        self.set_lang("en" if self.ctx.lang == "vi" else "vi")

    def preview_state(self, *, online: bool | None = None, printer: str | None = None) -> None:
        """Show a state without the hub being in it (screenshots, staff training).

        ``preview_state()`` with no arguments returns to the real state.
        """
        self._forced = {k: v for k, v in (("online", online), ("printer", printer))
                        if v is not None}
        self._update_state()

    # -- navigation ------------------------------------------------------------------
    def show_screen(self, name: str, *, remember: bool = True) -> None:
        current = self.current_screen()
        if remember and current and current != name:
            self.history.append(current)
        screen = self.screens[name]
        screen.refresh()
        self.stack.setCurrentWidget(screen)
        self._restart_idle()

    def back(self) -> None:
        if self.flow.busy:
            return
        target = self.history.pop() if self.history else "home"
        if target == "home":
            self.go_home()
        else:
            self.show_screen(target, remember=False)

    def go_home(self) -> None:
        """A fresh start for the next citizen (nothing of the last one is kept)."""
        if self.flow.busy:
            return
        self.ctx.flow = Flow()
        self.card = None
        self.ctx.card_note = ""
        self.history.clear()
        self.lookup.reset()
        self.booking.reset()
        self.show_screen("home", remember=False)

    def _choose(self, **changes: Any) -> None:
        """Change the citizen's choice; a different choice is a new confirmation."""
        flow = self.flow
        for key, value in changes.items():
            if getattr(flow, key) != value:
                setattr(flow, key, value)
                flow.request_id = None
        flow.failure = None
        flow.result = None

    def choose_field(self, code: str) -> None:
        if not self.state.can_take or self.ctx.centre is None:
            return
        field = self.ctx.centre.field_by_code(code)
        if field is None:
            return
        if self.current_screen() == "home":
            self.ctx.flow = self._fresh_flow()
        self._choose(field=code, procedure=None, from_lookup=False)
        self.show_screen("procedures" if field.procedures else "confirm")

    def start_priority(self) -> None:
        if not self.state.can_take:
            return
        self.ctx.flow = Flow()
        self.show_screen("priority")

    def choose_priority(self, code: str) -> None:
        self._choose(priority=code)
        self.show_screen("priority_fields")

    def choose_procedure(self, procedure_id: str) -> None:
        self._choose(procedure=procedure_id or None)
        self.show_screen("documents" if procedure_id else "confirm")

    def open_lookup(self) -> None:
        self.ctx.flow = Flow()
        self.lookup.reset()
        self.show_screen("lookup")

    def show_lookup_procedure(self, procedure_id: str) -> None:
        centre = self.ctx.centre
        hit = find_procedure(centre, procedure_id) if centre is not None else None
        if hit is None:
            return
        self.ctx.flow = Flow(field=hit.field.code, procedure=procedure_id, from_lookup=True)
        self.show_screen("documents")

    # -- the scanner: bookings and ID cards -----------------------------------------------
    def _fresh_flow(self) -> Flow:
        """A new citizen's flow; a card scanned a moment ago still counts for them."""
        card = self.card
        if card is None:
            return Flow()
        centre = self.ctx.centre
        elderly = card.elderly and centre is not None and any(
            c.code == "elderly" for c in centre.priority_categories)
        return Flow(priority="elderly" if elderly else None, citizen=card.citizen)

    def open_booking(self) -> None:
        if not self.state.can_take:
            return
        self.ctx.flow = Flow()
        self.booking.reset()
        self.show_screen("booking")

    def take_booking(self, scanned: str) -> None:
        """Send a booking (the hub verifies it and finds its field)."""
        if self.flow.busy:
            return
        peeked = peek(scanned) if is_booking(scanned) else None
        self.ctx.flow = Flow(booking=scanned, field=peeked.field if peeked else None,
                             citizen=self.card.citizen if self.card else None)
        if self.current_screen() != "booking":
            self.show_screen("booking")
        self.take()

    def on_scan(self, text: str) -> None:
        """The scanner read something while no text box had the focus."""
        self._restart_idle()
        if is_booking(text):
            self.take_booking(text)
            return
        lang = self.ctx.lang
        try:
            self.card = read_card(text, self.ctx.clock().date(), self.citizen_secret,
                                  self.elderly_age)
        except CardError as exc:
            self.ctx.card_note = tr("card.bad", lang, why=exc.vi if lang == "vi" else exc.en)
        else:
            self.ctx.card_note = (tr("card.elderly", lang, age=self.card.age_threshold)
                                  if self.card.elderly else tr("card.read", lang))
            self.ctx.flow = self._fresh_flow()
        self.show_screen("home", remember=False)

    # -- taking a ticket -------------------------------------------------------------
    def take(self) -> None:
        """Send ``ticket.take`` once; a tap while it is on its way does nothing."""
        flow = self.flow
        if flow.busy or (flow.field is None and not flow.booking) or flow.result is not None:
            return
        if not self.state.can_take:
            self.refresh()
            return
        if flow.request_id is None:
            flow.request_id = uuid.uuid4().hex
        flow.busy = True
        flow.failure = None
        body: dict[str, Any] = {"field": flow.field} if flow.field else {}
        if flow.procedure:
            body["procedure"] = flow.procedure
        if flow.priority:
            body["priority"] = flow.priority
        if flow.booking:
            body["booking"] = flow.booking
        if flow.citizen:
            body["citizen"] = flow.citizen
        log.info("ticket.take field %s (request %s)", flow.field, flow.request_id)
        self.confirm.refresh()
        self.link.request("ticket.take", body, request_id=flow.request_id,
                          on_ok=functools.partial(self._took, flow),
                          on_error=functools.partial(self._take_failed, flow))

    def _took(self, flow: Flow, reply: dict[str, Any]) -> None:
        flow.busy = False
        flow.request_id = None
        flow.result = reply
        ticket = reply.get("ticket", {})
        log.info("ticket %s issued, %s ahead", ticket.get("label"), ticket.get("ahead"))
        if flow is self.flow:
            self.show_screen("result")

    def _take_failed(self, flow: Flow, exc: HubError) -> None:
        flow.busy = False
        flow.failure = exc
        # Only a lost connection leaves the outcome unknown: keep the id so a retry
        # gets the hub's first answer. Any answer from the hub (a refusal) is final:
        # the next tap is a new confirmation.
        if exc.code != "unavailable":
            flow.request_id = None
        if exc.code == "not_authorised":
            self._authorised = False
            self._update_state()
        log.info("ticket.take refused: %s", exc)
        if flow is self.flow:
            self.refresh()

    # -- hub link --------------------------------------------------------------------
    def _on_view(self, view: CentreView) -> None:
        first = self.ctx.view is None
        self.ctx.view = view
        if first:
            self.ctx.kiosk_id = str(view.you.get("device") or self.ctx.kiosk_id)
        # Many events can arrive at once; repaint once per burst.
        if not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def _on_connection(self, up: bool) -> None:
        if up:
            self._authorised = True
            self.ctx.never_connected = False
            self._grace.stop()
            self._send_status()
        self._online = up
        self._update_state()

    def _grace_over(self) -> None:
        self.ctx.never_connected = False
        self._update_state()

    def _send_status(self) -> None:
        """Tell the hub this kiosk runs (staff alerts about devices go through the hub)."""
        self.link.request("device.status", {"status": "ok"}, on_error=self._status_failed)

    def _status_failed(self, exc: HubError) -> None:
        log.info("device.status not accepted: %s", exc)
        if exc.code == "not_authorised":
            self._authorised = False
            self._update_state()

    def _probe_hub(self) -> None:
        if not self._online:
            self.link.request("ping", {}, on_ok=lambda _r: None, on_error=self._status_failed)

    def _update_state(self) -> None:
        printer = self._forced.get("printer")
        if printer is None and self.ctx.view is not None:
            printer = printer_status(self.ctx.view, self.ctx.kiosk_id)
        self.ctx.state = KioskState(online=bool(self._forced.get("online", self._online)),
                                    authorised=self._authorised, printer=printer)
        self.refresh()

    def refresh(self) -> None:
        """Bring the banner, the header and the visible screen up to date."""
        self._refresh_timer.stop()
        if self.ctx.view is not None:
            printer = self._forced.get("printer") or printer_status(self.ctx.view,
                                                                    self.ctx.kiosk_id)
            if printer != self.ctx.state.printer:
                self.ctx.state = dataclasses.replace(self.ctx.state, printer=printer)
        lang = self.ctx.lang
        state = self.ctx.state
        problem = state.problem(lang)
        connecting = self.ctx.never_connected and state.authorised and not state.online
        self.connecting.setText(tr("home.connecting", lang))
        self.connecting.setVisible(connecting)
        self.banner.setText(problem)
        self.banner.setVisible(bool(problem) and not connecting)
        self.staff_notice.setText(state.staff_notice(lang))
        self.header.refresh()
        screen = self.stack.currentWidget()
        if isinstance(screen, Screen):
            try:
                screen.refresh()
            except RuntimeError:
                # The link's thread changed the view while we read it; read again soon.
                log.debug("view changed during refresh; retrying")
                self._refresh_timer.start()

    # -- idle ------------------------------------------------------------------------
    def _restart_idle(self) -> None:
        self.idle_timer.start(int(self.idle_seconds() * 1000))

    def _on_idle(self) -> None:
        if self.flow.busy:
            self._restart_idle()
            return
        if self.current_screen() != "home" or self.ctx.lang != self.default_lang:
            log.info("idle for %.0f s: back to the home screen", self.idle_seconds())
            self.ctx.lang = self.default_lang
            self.go_home()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY and isinstance(watched, QWidget) and (
                watched is self or self.isAncestorOf(watched)):
            self._restart_idle()
        return False

    def closeEvent(self, event: Any) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
            app.removeEventFilter(self.scanner)
        super().closeEvent(event)
