"""What the hall board and the counter board share: the link, the model, the overlay.

* The board's :class:`~motcua.display.model.BoardModel` is built in the link's follower
  thread (a direct connection on ``view_changed``), where the state is consistent,
  and handed to the GUI thread through a queued signal. Painting never touches the
  live state.
* A call that arrives live (``event_applied``) flashes for :data:`FLASH_SECONDS`.
* "Mất kết nối" covers the board while the hub is lost and goes away by itself when
  the follower has re-synchronised; "Thiết bị chưa được cấp quyền" when the hub does
  not know this device.
* The clock follows the hub's clock (offset measured at each snapshot), so every
  device in the centre shows the same time even where the PCs have no NTP.
"""

from __future__ import annotations

import logging
import time
import warnings
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from motcua.display import paint
from motcua.display.model import BoardModel, board_model, is_live_call, safe_board_model
from motcua.display.voice_bridge import CallVoice, Speaker
from motcua.link.client import CentreView
from motcua.qt.link import QtHubLink

log = logging.getLogger(__name__)

FLASH_SECONDS = 8.0
"""How long a new call blinks."""
BLINK_MS = 450
START_TIMEOUT_MS = 4500
"""No snapshot this long after start-up: say "Mất kết nối" instead of "Đang kết nối"."""

CONNECTING = "connecting"
LOST = "lost"
UNAUTHORISED = "unauthorised"
STORAGE = "storage"
"""The hub cannot store anything (disk full or unwritable): no numbers are issued or called."""


class BoardBase(QWidget):
    """A full-screen board fed by a :class:`QtHubLink` (which the caller starts/stops)."""

    _model_ready = Signal(object, object)  # (BoardModel, clock offset in seconds | None)

    def __init__(self, link: QtHubLink, *, announcer: Speaker | None = None,
                 voice_counter: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.link = link
        self.model: BoardModel | None = None
        self.overlay: str | None = CONNECTING
        self.font_px: dict[str, float] = {}
        """Pixel sizes used in the last paint, by role (tests check the 10 m rule)."""
        self._clock_offset = timedelta(0)
        self._last_view: CentreView | None = None
        self._last_update: datetime | None = None
        self._flash_until = 0.0
        self._flash_key: tuple[int, str] | None = None
        self._blink_on = True
        self._detached = False
        self.setAutoFillBackground(False)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setWindowTitle("motcua")
        self.setMinimumSize(320, 180)
        paint.font_family()

        self._blink = QTimer(self)
        self._blink.setInterval(BLINK_MS)
        self._blink.timeout.connect(self._on_blink)
        self._start_timer = QTimer(self)
        self._start_timer.setSingleShot(True)
        self._start_timer.timeout.connect(self._start_timed_out)
        self._start_timer.start(START_TIMEOUT_MS)

        self._model_ready.connect(self._apply_model)
        # Built where the state lives (the follower thread): see the module docstring.
        self._builder = self._make_builder()
        link.view_changed.connect(self._builder, Qt.ConnectionType.DirectConnection)
        link.event_applied.connect(self._on_event)
        link.connection.connect(self._on_connection)
        link.refused.connect(self._on_refused)
        link.health.connect(self._on_health)
        self.voice: CallVoice | None = None
        if announcer is not None:
            self.voice = CallVoice(link, announcer, counter=voice_counter, parent=self)
        if link.view is not None:  # joined a link that is already running
            model = safe_board_model(link.view)
            if model is not None:
                self._apply_model(model, _offset(link.view))
            if link.follower.connected:
                self._on_connection(True)

    # -- wiring ------------------------------------------------------------------------
    def _make_builder(self) -> Any:
        def build(view: CentreView) -> None:
            try:
                model = board_model(view)
                offset = _offset(view) if view is not self._last_view else None
                self._last_view = view
                self._model_ready.emit(model, offset)
            except RuntimeError:  # the board was deleted while the link runs on
                pass
            except Exception:
                log.exception("could not build the board model")
        return build

    def detach(self) -> None:
        """Stop listening to the link (the link may keep serving other boards)."""
        if self._detached:
            return
        self._detached = True
        disconnect(self.link.view_changed, self._builder)
        disconnect(self.link.event_applied, self._on_event)
        disconnect(self.link.connection, self._on_connection)
        disconnect(self.link.refused, self._on_refused)
        disconnect(self.link.health, self._on_health)
        if self.voice is not None:
            self.voice.detach()
        self._blink.stop()
        self._start_timer.stop()

    def closeEvent(self, event: Any) -> None:
        self.detach()
        super().closeEvent(event)

    def set_model(self, model: BoardModel) -> None:
        """Show ``model`` now (what the link does on every event; also for previews)."""
        self._apply_model(model, None)

    def _apply_model(self, model: BoardModel, offset: float | None) -> None:
        if offset is not None:
            self._clock_offset = timedelta(seconds=offset)
        self._last_update = self.now()
        if model != self.model:
            self.model = model
            self.model_changed()

    def _on_event(self, view: CentreView, event: Any) -> None:
        if not is_live_call(view, event) or not self.wants_flash(int(event.body.get("counter", 0))):
            return
        self._flash_key = (int(event.body.get("counter", 0)), str(event.body.get("label", "")))
        self._flash_until = time.monotonic() + FLASH_SECONDS
        self._blink_on = True
        if not self._blink.isActive():
            self._blink.start()
        self.update()

    def _on_blink(self) -> None:
        if not self.flashing:
            self._blink.stop()
            self._blink_on = True
        else:
            self._blink_on = not self._blink_on
        self.flash_changed()

    def _on_connection(self, up: bool) -> None:
        if up:
            self._start_timer.stop()
            self._set_overlay(STORAGE if self._storage_fault() else None)
            return
        if self.overlay == CONNECTING:
            # At start-up the follower may say "lost" before its first heartbeat; keep
            # "Đang kết nối…" until the start-up time-out.
            return
        if self.overlay != UNAUTHORISED:
            self._set_overlay(LOST)

    def _on_refused(self, refused: bool) -> None:
        """The link says the hub refuses this device (not enrolled or revoked)."""
        if refused:
            self._set_overlay(UNAUTHORISED)
        elif self.overlay == UNAUTHORISED:
            self._set_overlay(LOST)  # accepted again: "connected" follows with the snapshot

    def _storage_fault(self) -> bool:
        return str(self.link.hub_health.get("storage", "ok")) != "ok"

    def _on_health(self, _health: object) -> None:
        """The hub's disk failed or recovered: an alert over the board for the manager."""
        if self._storage_fault() and self.overlay is None:
            self._set_overlay(STORAGE)
        elif not self._storage_fault() and self.overlay == STORAGE:
            self._set_overlay(None)

    def _start_timed_out(self) -> None:
        if self.overlay == CONNECTING:
            self._set_overlay(LOST)

    def _set_overlay(self, overlay: str | None) -> None:
        if overlay != self.overlay:
            log.info("%s: %s", self.link.device, overlay or "connected")
            self.overlay = overlay
            self.overlay_changed()
            self.update()

    # -- for subclasses and tests ------------------------------------------------------
    @property
    def connected(self) -> bool:
        return self.overlay is None and self.model is not None

    @property
    def flashing(self) -> bool:
        return time.monotonic() < self._flash_until

    def flash_key(self) -> tuple[int, str] | None:
        """(counter, label) of the call that is blinking now, if any."""
        return self._flash_key if self.flashing else None

    def blink_phase(self) -> bool:
        """True in the bright half of a blink (always True when not blinking)."""
        return self._blink_on or not self.flashing

    def now(self) -> datetime:
        """Hub time in the centre's zone."""
        tz = paint.zone(self.model.timezone if self.model else "Asia/Ho_Chi_Minh")
        return datetime.now(UTC).astimezone(tz) + self._clock_offset

    def wants_flash(self, counter: int) -> bool:
        return True

    def model_changed(self) -> None:
        self.update()

    def flash_changed(self) -> None:
        self.update()

    def overlay_changed(self) -> None:
        pass

    def overlay_texts(self) -> tuple[str, str, str]:
        """(title, English line, detail) of the overlay now shown."""
        if self.overlay == UNAUTHORISED:
            return ("THIẾT BỊ CHƯA ĐƯỢC CẤP QUYỀN",
                    f"Device “{self.link.device}” is not authorised by the hub",
                    "Liên hệ quản trị để đăng ký thiết bị / ask the administrator to enrol it")
        if self.overlay == CONNECTING:
            return ("ĐANG KẾT NỐI…", "Connecting to the hub…", "")
        if self.overlay == STORAGE:
            if self.link.hub_health.get("storage") == "full":
                return ("TẠM NGỪNG CẤP SỐ", "Temporarily not issuing tickets: the hub's disk is full",
                        "Ổ đĩa máy chủ đã đầy, xin báo cán bộ quản lý / tell the manager")
            return ("TẠM NGỪNG CẤP SỐ", "Temporarily not issuing tickets: the hub cannot write",
                    "Máy chủ không ghi được dữ liệu, xin báo cán bộ quản lý / tell the manager")
        when = ""
        if self._last_update is not None:
            when = f"Cập nhật lần cuối / last update {self._last_update.strftime('%H:%M:%S')}"
        return ("MẤT KẾT NỐI", "Connection to the hub lost – reconnecting by itself",
                when)

    # -- painting ----------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        try:
            self.paint_board(p, QRectF(event.rect()))
            if self.overlay is not None:
                self.paint_overlay(p)
        finally:
            p.end()

    def paint_board(self, p: QPainter, dirty: QRectF) -> None:
        raise NotImplementedError

    def paint_overlay(self, p: QPainter) -> None:
        w, h = float(self.width()), float(self.height())
        u = paint.unit(w, h)
        p.fillRect(QRectF(0, 0, w, h), paint.OVERLAY)
        box = QRectF(w * 0.12, h * 0.28, w * 0.76, h * 0.44)
        p.setPen(paint.ALERT)
        p.setBrush(paint.PANEL)
        p.drawRoundedRect(box, u * 0.02, u * 0.02)
        title, english, detail = self.overlay_texts()
        inner = box.adjusted(u * 0.04, u * 0.03, -u * 0.04, -u * 0.03)
        hgt = inner.height()
        colour = paint.ALERT if self.overlay != CONNECTING else paint.ACCENT
        self.font_px["overlay"] = paint.draw_line(
            p, QRectF(inner.x(), inner.y(), inner.width(), hgt * 0.5), title, u * 0.12,
            colour, bold=True)
        paint.draw_line(p, QRectF(inner.x(), inner.y() + hgt * 0.52, inner.width(), hgt * 0.22),
                        english, u * 0.045, paint.TEXT)
        if detail:
            paint.draw_line(p, QRectF(inner.x(), inner.y() + hgt * 0.76, inner.width(),
                                      hgt * 0.2), detail, u * 0.034, paint.DIM)

    # -- keys: Ctrl+Q quits, F11 toggles full screen -------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Q and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.close()
        elif event.key() == Qt.Key.Key_F11:
            self.showNormal() if self.isFullScreen() else self.showFullScreen()
        else:
            super().keyPressEvent(event)


def disconnect(signal: Any, slot: Any) -> None:
    """Disconnect quietly (PySide warns, and pytest turns warnings into errors)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            signal.disconnect(slot)
        except (RuntimeError, TypeError):
            pass


def _offset(view: CentreView) -> float | None:
    """Seconds to add to this PC's clock to get the hub's (from the snapshot's hub_now)."""
    if not view.hub_now:
        return None
    try:
        hub_now = datetime.fromisoformat(view.hub_now)
    except ValueError:
        return None
    if hub_now.tzinfo is None:
        return None
    return (hub_now - datetime.now(UTC)).total_seconds()
