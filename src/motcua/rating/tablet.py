"""The on-screen rating tablet at a counter (PySide6).

Screens:

* **idle**: the counter number and the ticket being served;
* **asking**: when the officer finishes a ticket the hub opens the counter's rating window;
  the tablet shows the centre's scale (3-5 big buttons: colour + face + words), the prompt
  "Quý vị có hài lòng với cách phục vụ?", optionally speaks it, and counts down;
* **thanks**: after one press the rating goes to the hub (``rating.submit``) and the tablet
  says "Cảm ơn quý vị đã đánh giá", then returns to idle;
* **offline**: "Mất kết nối" while the hub cannot be reached; **problem**: a device that
  is not allowed to rate this counter says so in words.

The hub binds the rating to the ticket, counter, officer and field; the tablet never
sends them. A serial button box on the same counter can feed :meth:`RatingTablet.press_key`
(see :mod:`motcua.rating.qt_box`); keyboard digits do the same (handy for staff and for tests).
"""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import (
    QColor,
    QFont,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from motcua.core.centre.model import RatingLevel
from motcua.core.state import COUNTER_CLOSED, COUNTER_PAUSED, Event
from motcua.link.client import CentreView, HubError
from motcua.qt.fonts import bundled_family
from motcua.qt.link import QtHubLink
from motcua.rating.box import level_for_key
from motcua.rating.details_page import DetailsPage, ask_details
from motcua.rating.faces import FONT_FAMILY, LevelButton, draw_check, mood_of
from motcua.rating.window import OpenWindow, RatingTracker

__all__ = ["PROMPT_EN", "PROMPT_VI", "THANKS_EN", "THANKS_VI", "Phase", "RatingTablet",
           "load_fonts"]

log = logging.getLogger(__name__)

PROMPT_VI = "Quý vị có hài lòng với cách phục vụ?"
PROMPT_EN = "Are you satisfied with how you were served?"
THANKS_VI = "Cảm ơn quý vị đã đánh giá"
THANKS_EN = "Thank you for your rating"
NAVY = "#0d2b52"
PAGE = "#ffffff"
INK = "#111111"




def load_fonts() -> None:
    """Register the bundled Noto Sans (full Vietnamese) with Qt, once."""
    bundled_family()


class Phase(enum.StrEnum):
    IDLE = "idle"
    ASKING = "asking"
    SENDING = "sending"
    THANKS = "thanks"
    OFFLINE = "offline"
    PROBLEM = "problem"


class _CheckIcon(QWidget):
    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        draw_check(p, QRectF(self.rect()), QColor("#1b873f"))
        p.end()


class RatingTablet(QWidget):
    """The rating screen for counter ``counter``, driven by ``link`` (already or later started).

    ``prompt`` is called once each time the tablet starts asking (the voice prompt);
    ``monotonic`` is the local clock for the countdown and the thank-you screen.
    ``stats`` counts presses, ratings sent and given, presses ignored (no open window),
    refusals and failures.
    """

    def __init__(self, link: QtHubLink, counter: int, *,
                 prompt: Callable[[], None] | None = None,
                 monotonic: Callable[[], float] = time.monotonic,
                 thanks_seconds: float = 4.0, notice_seconds: float = 6.0,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        load_fonts()
        self.link = link
        self.counter = counter
        self.prompt = prompt
        self.monotonic = monotonic
        self.thanks_seconds = thanks_seconds
        self.notice_seconds = notice_seconds
        self.tracker = RatingTracker(counter, monotonic)
        self.stats = dict.fromkeys(
            ("presses", "sent", "given", "ignored", "refused", "failed"), 0)
        self.phase = Phase.OFFLINE
        self.connected = bool(link.follower.connected)
        self._ever_connected = self.connected
        self.problem: tuple[str, str, str] | None = None
        self._asking: OpenWindow | None = None
        self.details: DetailsPage | None = None
        """The Art. 33.1 questions, while they cover the tablet."""
        self._prompted: str | None = None
        self._thanks_until = 0.0
        self._thanked: str | None = None
        self._notice_until = 0.0
        self._scale: tuple[RatingLevel, ...] = ()
        self._buttons: list[LevelButton] = []
        self._box_status: dict[str, str] | None = None
        self._pinging = False
        self._fonts: list[tuple[QWidget, int, bool]] = []
        self.setWindowTitle(f"Đánh giá – Quầy {counter} / Rating – counter {counter}")
        self.setAutoFillBackground(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setStyleSheet(f"background: {PAGE}; color: {INK};")
        self._build()
        link.view_changed.connect(self._on_view)
        link.event_applied.connect(self._on_event)
        link.connection.connect(self._on_connection)
        self._timer = QTimer(self)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        if link.view is not None:
            self._on_view(link.view)
            # That view may come from a snapshot taken long ago; its hub_now would put the
            # hub's clock in the past and keep an expired window open. Ask the hub its time.
            link.request("ping", {}, on_ok=self._clock_from_ping)
        self.refresh()

    # -- layout ------------------------------------------------------------------------
    def _label(self, text: str, px: int, *, bold: bool = False, colour: str = INK,
               wrap: bool = True) -> QLabel:
        label = QLabel(text)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setWordWrap(wrap)
        label.setStyleSheet(f"color: {colour}; background: transparent;")
        self._fonts.append((label, px, bold))
        return label

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.header = self._label("", 26, bold=True, colour="#ffffff", wrap=False)
        self.header.setStyleSheet(f"color: #ffffff; background: {NAVY}; padding: 10px;")
        outer.addWidget(self.header)
        self.stack = QStackedWidget()
        outer.addWidget(self.stack, 1)
        self.notice = self._label("", 24, bold=True, colour="#b00020")
        self.notice.setStyleSheet("color: #b00020; background: #fff3f3; padding: 8px;")
        self.notice.hide()
        outer.addWidget(self.notice)

        idle = QWidget()
        lay = QVBoxLayout(idle)
        self.idle_counter = self._label(f"QUẦY SỐ {self.counter}", 96, bold=True,
                                        colour=NAVY)
        self.idle_state = self._label("", 34)
        self.idle_ticket = self._label("", 150, bold=True)
        self.idle_hint = self._label("Sau khi được phục vụ, xin quý vị đánh giá tại đây\n"
                                     "Please rate our service here when you are done", 24,
                                     colour="#333333")
        lay.addStretch(1)
        for w in (self.idle_counter, self.idle_state, self.idle_ticket):
            lay.addWidget(w)
        lay.addStretch(1)
        lay.addWidget(self.idle_hint)
        self.stack.addWidget(idle)

        asking = QWidget()
        lay = QVBoxLayout(asking)
        lay.setContentsMargins(24, 12, 24, 12)
        self.ask_ticket = self._label("", 28, bold=True, colour=NAVY)
        self.ask_prompt = self._label(PROMPT_VI, 50, bold=True)
        self.ask_prompt_en = self._label(PROMPT_EN, 26, colour="#333333")
        self.button_row = QHBoxLayout()
        self.button_row.setSpacing(18)
        self.countdown = QProgressBar()
        self.countdown.setTextVisible(False)
        self.countdown.setFixedHeight(22)
        self.countdown.setStyleSheet(
            f"QProgressBar {{ border: 2px solid {INK}; border-radius: 6px; background: #e6e6e6; }}"
            f"QProgressBar::chunk {{ background: {NAVY}; }}")
        self.countdown_text = self._label("", 24)
        for w in (self.ask_ticket, self.ask_prompt, self.ask_prompt_en):
            lay.addWidget(w)
        lay.addLayout(self.button_row, 1)
        lay.addWidget(self.countdown)
        lay.addWidget(self.countdown_text)
        self.stack.addWidget(asking)

        thanks = QWidget()
        lay = QVBoxLayout(thanks)
        self.check = _CheckIcon()
        self.check.setMinimumSize(160, 160)
        self.thanks_vi = self._label(THANKS_VI, 64, bold=True, colour="#1b5e20")
        self.thanks_en = self._label(THANKS_EN, 32, colour="#333333")
        self.thanks_choice = self._label("", 30)
        lay.addStretch(1)
        lay.addWidget(self.check, 2)
        for w in (self.thanks_vi, self.thanks_en, self.thanks_choice):
            lay.addWidget(w)
        lay.addStretch(1)
        self.stack.addWidget(thanks)

        offline = QWidget()
        offline.setStyleSheet("background: #8b0000;")
        lay = QVBoxLayout(offline)
        self.offline_vi = self._label("Mất kết nối", 110, bold=True, colour="#ffffff")
        self.offline_en = self._label("Connection to the hub lost", 40, colour="#ffffff")
        self.offline_hint = self._label(
            "Đang thử kết nối lại… Xin báo cán bộ nếu kéo dài.\n"
            "Reconnecting… Please tell the staff if this lasts.", 28, colour="#ffffff")
        lay.addStretch(1)
        for w in (self.offline_vi, self.offline_en, self.offline_hint):
            lay.addWidget(w)
        lay.addStretch(1)
        self.stack.addWidget(offline)

        problem = QWidget()
        lay = QVBoxLayout(problem)
        self.problem_vi = self._label("", 56, bold=True, colour="#8b0000")
        self.problem_en = self._label("", 30)
        lay.addStretch(1)
        lay.addWidget(self.problem_vi)
        lay.addWidget(self.problem_en)
        lay.addStretch(1)
        self.stack.addWidget(problem)
        self._pages = {Phase.IDLE: idle, Phase.ASKING: asking, Phase.SENDING: asking,
                       Phase.THANKS: thanks, Phase.OFFLINE: offline, Phase.PROBLEM: problem}
        self._apply_fonts()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._apply_fonts()

    def _apply_fonts(self) -> None:
        # Sizes are designed for a 1280 x 800 tablet and follow the window's size.
        unit = max(0.4, min(self.width() / 1280, self.height() / 800))
        for widget, px, bold in self._fonts:
            font = QFont(FONT_FAMILY)
            size = max(12, int(px * unit))
            font.setPixelSize(size)
            font.setBold(bold)
            widget.setFont(font)
            # Capitals with stacked marks (Ầ, Ố, Ễ) rise above the font's ascent; without
            # room on top Qt clips them and "QUẦY SỐ" loses its accents.
            # (Labels styled with a padding keep it: Qt stores that padding in the same
            # contents margins.)
            if not widget.styleSheet().count("padding"):
                widget.setContentsMargins(0, size // 4, 0, 0)
            if isinstance(widget, QLabel) and not widget.wordWrap():
                widget.setMinimumHeight(widget.sizeHint().height())

    def _set_buttons(self, scale: tuple[RatingLevel, ...]) -> None:
        if scale == self._scale:
            return
        for b in self._buttons:
            self.button_row.removeWidget(b)
            b.deleteLater()
        self._scale = scale
        self._buttons = []
        for i, level in enumerate(scale):
            b = LevelButton(level, mood_of(i, len(scale)))
            b.clicked.connect(lambda _=False, lv=level: self.press_level(lv.value))
            self.button_row.addWidget(b)
            self._buttons.append(b)

    # -- public ------------------------------------------------------------------------
    def buttons(self) -> list[LevelButton]:
        """The rating buttons, most satisfied first (empty before the hub's scale arrives)."""
        return list(self._buttons)

    @property
    def notice_text(self) -> str:
        """The error or notice shown under the screen now ("" when none)."""
        return self.notice.text() if self._notice_until else ""

    def press_key(self, key: str) -> bool:
        """A press of the box (or keyboard) key ``key``; mapped through the centre's scale."""
        level = level_for_key(self.tracker.scale, key)
        if level is None:
            self.stats["presses"] += 1
            self.stats["ignored"] += 1
            log.info("counter %d: key %r is not on the rating scale; ignored", self.counter, key)
            return False
        return self.press_level(level.value)

    def press_level(self, value: int) -> bool:
        """Rate the open window with level ``value``; False when the press was ignored."""
        self.stats["presses"] += 1
        level = next((lv for lv in self.tracker.scale if lv.value == value), None)
        window = self.tracker.window()
        if self.phase is not Phase.ASKING or window is None or level is None:
            self.stats["ignored"] += 1
            log.info("counter %d: rating press ignored (%s, no open window)", self.counter,
                     self.phase.value)
            return False
        view = self.tracker.view
        if view is not None and view.centre.ratings.asks_after(level.satisfied):
            if self.details is None:  # the Art. 33.1 questions first (rating/details_page.py)
                ask_details(self, window, level, view.centre.ratings)
            return True
        self.send_rating(window, level, {})
        return True

    def send_rating(self, window: OpenWindow, level: RatingLevel,
                    details: dict[str, Any]) -> None:
        """Send the tap (and the answers of the details page, if any) to the hub."""
        self.details = None
        value = level.value
        self._asking = window
        self._set_phase(Phase.SENDING)
        for b in self._buttons:
            b.chosen = b.level.value == value
            b.setEnabled(False)
            b.update()
        self.stats["sent"] += 1
        log.info("counter %d: rating %d (%s) for %s", self.counter, value, level.vi,
                 window.label)
        self.link.request("rating.submit", {"value": value, **details},
                          on_ok=lambda reply: self._rated(window.ticket, level, reply),
                          on_error=lambda exc: self._refused(window.ticket, exc))

    def report_box_status(self, status: str, detail_vi: str = "", detail_en: str = "") -> None:
        """Tell the hub the counter's button box is ``connected`` / ``disconnected``."""
        self._box_status = {"status": status, "detail_vi": detail_vi, "detail_en": detail_en}
        self._send_box_status()

    # -- hub -----------------------------------------------------------------------------
    def _send_box_status(self) -> None:
        if self._box_status is None or not self.connected:
            return  # sent again when the hub is back
        body = dict(self._box_status)
        self.link.request("device.status", body,
                          on_error=lambda exc: log.warning("box status not reported: %s", exc.en))

    def _on_view(self, view: CentreView) -> None:
        self.tracker.update(view)
        self.problem = self._device_problem(view)
        self.refresh()

    def _on_event(self, view: CentreView, event: Event) -> None:
        self.tracker.update(view, event)
        body = event.body
        if event.type == "rating.given" and body.get("counter") == self.counter:
            asking = self._asking
            if self.phase in (Phase.ASKING, Phase.SENDING) and asking is not None \
                    and asking.ticket == body.get("ticket"):
                level = next((lv for lv in self.tracker.scale if lv.value == body.get("value")),
                             None)
                self._show_thanks(asking.ticket, level)
        self.refresh()

    def _on_connection(self, up: bool) -> None:
        self.connected = up
        if up:
            self._ever_connected = True
            if self.problem is not None and self.problem[0] == "not_authorised":
                self.problem = None
            self._send_box_status()
        elif not self._pinging and not self._unauthorised():
            # The snapshot may have been refused rather than lost: ask the hub why.
            self._pinging = True
            self.link.request("ping", {}, on_ok=lambda _r: self._pinged(None),
                              on_error=self._pinged)
        self.refresh()

    def _clock_from_ping(self, reply: dict[str, Any]) -> None:
        self.tracker.clock.observe_text(str(reply.get("hub_now", "")))
        self.refresh()

    def _unauthorised(self) -> bool:
        return self.problem is not None and self.problem[0] == "not_authorised"

    def _show_offline(self) -> None:
        if self._ever_connected:
            self.offline_vi.setText("Mất kết nối")
            self.offline_en.setText("Connection to the hub lost")
            self._pages[Phase.OFFLINE].setStyleSheet("background: #8b0000;")
        else:  # starting up: not lost, just not there yet
            self.offline_vi.setText("Đang kết nối…")
            self.offline_en.setText("Connecting to the hub…")
            self._pages[Phase.OFFLINE].setStyleSheet(f"background: {NAVY};")
        self._set_phase(Phase.OFFLINE)

    def _pinged(self, exc: HubError | None) -> None:
        self._pinging = False
        if exc is not None and exc.code == "not_authorised":
            self.problem = ("not_authorised", exc.vi or "Thiết bị chưa được cấp quyền",
                            exc.en or "Device not authorised")
        self.refresh()

    def _device_problem(self, view: CentreView) -> tuple[str, str, str] | None:
        you = view.you or {}
        role, number, device = you.get("role"), you.get("counter"), you.get("device", "")
        if role not in (None, "rating", "admin"):
            return ("role", f"Thiết bị {device} không phải thiết bị đánh giá",
                    f"Device {device} is a {role} device, not a rating device")
        if role == "rating" and number is not None and number != self.counter:
            return ("counter", f"Thiết bị {device} thuộc quầy {number}, "
                               f"không phải quầy {self.counter}",
                    f"Device {device} belongs to counter {number}, not counter {self.counter}")
        if view.centre.counter_by_number(self.counter) is None:
            return ("counter", f"Trung tâm không có quầy số {self.counter}",
                    f"The centre has no counter {self.counter}")
        return None

    def _rated(self, ticket: str, level: RatingLevel, reply: dict[str, Any]) -> None:
        self.stats["given"] += 1
        if self.phase is Phase.SENDING:
            self._show_thanks(ticket, level)
        self.refresh()

    def _refused(self, ticket: str, exc: HubError) -> None:
        if exc.code == "unavailable":
            self.stats["failed"] += 1
            self._notify("Chưa gửi được đánh giá vì mất kết nối. Xin quý vị bấm lại.",
                         "The rating was not sent: connection lost. Please press again.")
            if self.phase is Phase.SENDING:
                self._set_phase(Phase.ASKING)
        else:
            self.stats["refused"] += 1
            self.tracker.dismiss(ticket)
            if exc.code == "no_rating_window":
                self._notify("Đã hết thời gian đánh giá lượt phục vụ này.",
                             "The time to rate this service has ended.")
            else:
                self._notify(exc.vi or "Không gửi được đánh giá", exc.en or "Rating refused")
            if self.phase is Phase.SENDING:
                self._set_phase(Phase.IDLE)
        log.warning("counter %d: rating not accepted [%s] %s", self.counter, exc.code, exc.en)
        self.refresh()

    # -- screens -------------------------------------------------------------------------
    def _notify(self, vi: str, en: str) -> None:
        self.notice.setText(f"{vi}\n{en}")
        self.notice.show()
        self._notice_until = self.monotonic() + self.notice_seconds

    def _show_thanks(self, ticket: str, level: RatingLevel | None) -> None:
        self._thanked = ticket
        self._thanks_until = self.monotonic() + self.thanks_seconds
        choice = f"Quý vị đã chọn: {level.vi} / You chose: {level.en}" if level else ""
        self.thanks_choice.setText(choice)
        self._set_phase(Phase.THANKS)

    def _set_phase(self, phase: Phase) -> None:
        if phase is not self.phase:
            log.debug("counter %d tablet: %s -> %s", self.counter, self.phase.value, phase.value)
        self.phase = phase
        self.stack.setCurrentWidget(self._pages[phase])
        if phase is Phase.ASKING:
            for b in self._buttons:
                b.chosen = False
                b.setEnabled(True)
                b.update()

    def refresh(self) -> None:
        """Bring the screen up to date with the view and the clocks (also runs on a timer)."""
        now = self.monotonic()
        if self._notice_until and now >= self._notice_until:
            self._notice_until = 0.0
            self.notice.hide()
        self._update_header()
        if not self.connected and not self._unauthorised():
            self._show_offline()
            return
        if self.problem is not None:
            self.problem_vi.setText(self.problem[1])
            self.problem_en.setText(self.problem[2])
            self._set_phase(Phase.PROBLEM)
            return
        window = self.tracker.window()
        if self.phase is Phase.THANKS and now < self._thanks_until and (
                window is None or window.ticket == self._thanked):
            return
        if self.phase is Phase.SENDING:
            if window is not None:
                self._show_countdown(window)
            return  # the hub's answer decides what comes next
        if window is not None and window.ticket != self._thanked:
            self._ask(window)
            return
        self._show_idle()

    def _update_header(self) -> None:
        view = self.tracker.view
        if view is None:
            self.header.setText(f"Quầy số {self.counter}")
            return
        c = view.centre
        self.header.setText(f"{c.name_vi} – {c.place_vi}")

    def _ask(self, window: OpenWindow) -> None:
        self._set_buttons(self.tracker.scale)
        self._asking = window
        self.ask_ticket.setText(f"Quầy số {self.counter} · Số {window.label}")
        if self.phase is not Phase.ASKING:
            self._set_phase(Phase.ASKING)
        self._show_countdown(window)
        if self._prompted != window.ticket:
            self._prompted = window.ticket
            if self.prompt is not None:
                try:
                    self.prompt()
                except Exception:  # a broken loudspeaker must never stop the rating
                    log.exception("voice prompt failed")

    def _show_countdown(self, window: OpenWindow) -> None:
        total = max(1.0, window.total_seconds)
        self.countdown.setRange(0, 1000)
        self.countdown.setValue(int(1000 * min(1.0, window.seconds_left / total)))
        secs = int(window.seconds_left + 0.999)
        self.countdown_text.setText(f"Còn {secs} giây · {secs} s left")

    def _show_idle(self) -> None:
        status = self.tracker.counter_status()
        label = self.tracker.current_label()
        if status == COUNTER_CLOSED:
            self.idle_state.setText("Quầy đang đóng · Counter closed")
            self.idle_ticket.setText("")
        elif label is None:
            self.idle_state.setText("Quầy đang chờ gọi số · Waiting for the next number"
                                    if status != COUNTER_PAUSED
                                    else "Quầy tạm dừng · Counter paused")
            self.idle_ticket.setText("")
        else:
            self.idle_state.setText("Đang phục vụ số · Now serving")
            self.idle_ticket.setText(label)
        self._asking = None
        self._set_phase(Phase.IDLE)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if len(text) == 1 and text.isprintable() and not text.isspace():
            self.press_key(text)
            return
        super().keyPressEvent(event)
