"""The manager's live view: queues, longest wait, counters, served, satisfaction, devices.

* The picture (:class:`~motcua.manager.model.LiveModel`) is built in the link's follower thread
  (a direct connection on ``view_changed``), where the state is consistent, and handed
  to the GUI through a queued signal; the GUI repaints at most every
  :data:`RENDER_MS` so a busy hub (hundreds of events a second) never floods it.
* Minutes of waiting are computed here once a second from the hub's clock: this PC's
  clock plus the offset measured at each snapshot, and never behind the newest event
  (a simulated hub clock may run ahead of the wall).
* Officer names and the "seen recently" list come from a ``snapshot`` with
  ``{"staff": true}`` every :data:`STAFF_MS` (names are not on the event socket).
* "Mất kết nối" shows in a red banner while the hub is lost; the last picture stays.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from motcua.link.client import CentreView, HubError
from motcua.manager.alerts_panel import AlertsPanel
from motcua.manager.model import (
    COUNTER_WORDS,
    FAULT,
    OK,
    STATUS_WORDS,
    TICKET_WORDS,
    WARN,
    LiveModel,
    live_model,
    minutes_since,
)
from motcua.manager.widgets import (
    GREEN,
    GREY,
    INK,
    ORANGE,
    RED,
    STYLE,
    HourChart,
    Tile,
    fit_height,
    font,
    make_table,
    named_label,
    set_cell,
)
from motcua.qt.help_alert import HelpAlert
from motcua.qt.link import QtHubLink

log = logging.getLogger(__name__)

RENDER_MS = 150
STAFF_MS = 5000
START_TIMEOUT_MS = 4500
DEVICE_COLUMNS = 5
CALL_LINES = 6
LONG_WAIT_MINUTES = 30
"""A longest wait at or above this shows in red."""
STATUS_COLOUR = {"open": GREEN, "paused": ORANGE, "closed": GREY}
LEVEL_COLOUR = {OK: GREEN, WARN: ORANGE, FAULT: RED}
WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"]
LOST_TEXT = ("Mất kết nối với máy chủ – đang tự kết nối lại… / "
             "Connection to the hub lost – reconnecting")
CONNECTING_TEXT = "Đang kết nối máy chủ… / Connecting to the hub…"
UNAUTHORISED_TEXT = "Thiết bị chưa được cấp quyền / Device not authorised"
def _utc_now() -> datetime:
    return datetime.now(UTC)


class LiveWindow(QWidget):
    """The live view, fed by a :class:`QtHubLink` the caller starts and stops."""

    _model_ready = Signal(object, object)  # (LiveModel, clock offset in seconds | None)

    def __init__(self, link: QtHubLink, *, wall: Callable[[], datetime] = _utc_now,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.link = link
        self.wall = wall
        self.model: LiveModel | None = None
        self.officer_names: dict[str, str] = {}
        self.online: set[str] = set()
        self.connected = False
        self.banner_state: str | None = "connecting"
        self._storage_text = ""
        self._offset = timedelta(0)
        self._tz = ZoneInfo("Asia/Ho_Chi_Minh")
        self._last_snapshot: tuple[str, str] = ("", "")
        self._staff_asking = False
        self.setObjectName("liveRoot")
        self.setStyleSheet(STYLE)
        self.setWindowTitle("motcua – Theo dõi trực tiếp / Live view")
        self._build()

        self._render_timer = QTimer(self, singleShot=True, interval=RENDER_MS)
        self._render_timer.timeout.connect(self.refresh)
        self._tick_timer = QTimer(self, interval=1000)
        self._tick_timer.timeout.connect(self.tick)
        self._tick_timer.start()
        self._staff_timer = QTimer(self, interval=STAFF_MS)
        self._staff_timer.timeout.connect(self.fetch_staff)
        self._staff_timer.start()
        self._start_timer = QTimer(self, singleShot=True, interval=START_TIMEOUT_MS)
        self._start_timer.timeout.connect(self._start_timed_out)
        self._start_timer.start()

        self._model_ready.connect(self._take_model)
        self._builder = self._make_builder()
        link.view_changed.connect(self._builder, Qt.ConnectionType.DirectConnection)
        link.connection.connect(self._on_connection)
        link.refused.connect(self._on_refused)
        link.health.connect(self._on_health)
        view = link.view
        if view is not None:  # joined a link that already runs
            self._last_snapshot = (view.stream_id, view.hub_now)
            self._take_model(live_model(view), _offset(view, wall()))
            if link.follower.connected:
                self._on_connection(True)

    # -- layout --------------------------------------------------------------------------------
    def _build(self) -> None:
        root = QVBoxLayout(self)
        top = QHBoxLayout()
        self.title = named_label("", "title")
        self.title.setFont(font("title"))
        self.clock = named_label("", "clock")
        self.clock.setFont(font("clock"))
        top.addWidget(self.title, 1)
        top.addWidget(self.clock)
        root.addLayout(top)
        self.banner = named_label(CONNECTING_TEXT, "banner")
        self.banner.setFont(font("banner"))
        self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        root.addWidget(self.banner)
        self.help_alert = HelpAlert(self.link)
        root.addWidget(self.help_alert)
        tiles = QHBoxLayout()
        self.tiles = {
            "waiting": Tile("Đang chờ / Waiting"),
            "longest": Tile("Chờ lâu nhất / Longest wait"),
            "served": Tile("Đã phục vụ hôm nay / Served today"),
            "satisfaction": Tile("Hài lòng / Satisfied"),
        }
        for tile in self.tiles.values():
            tiles.addWidget(tile, 1)
        root.addLayout(tiles)
        self.fields_table = make_table(["Lĩnh vực / Field", "Đang chờ\nWaiting",
                                    "Ưu tiên\nPriority", "Chờ lâu nhất\nLongest"], 0)
        self.counters_table = make_table(["Quầy / Counter", "Trạng thái / State",
                                      "Cán bộ / Officer", "Số hiện tại / Current",
                                      "Đã phục vụ\nServed"], 2)
        self.devices_box = QGridLayout()
        self.devices_box.setSpacing(6)
        self.device_chips: dict[str, QLabel] = {}
        self.calls_label = named_label("", "calls")
        self.calls_label.setFont(font("calls"))
        self.calls_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.hour_chart = HourChart()
        left, right = QVBoxLayout(), QVBoxLayout()
        left.addWidget(self._section("Hàng chờ theo lĩnh vực / Queues by field"))
        left.addWidget(self.fields_table, 4)
        left.addWidget(self._section("Số vừa gọi / Latest calls"))
        left.addWidget(self.calls_label, 1)
        # The chart sits under the calls: the right column (counters, devices) is the
        # taller one, and the whole view must fit a 1366×768 laptop.
        left.addWidget(self._section("Số phiếu đã cấp theo giờ / Tickets issued by hour"))
        left.addWidget(self.hour_chart, 1)
        self.alerts = AlertsPanel(self.link)  # manager/alerts_panel.py, beside the title
        top.insertWidget(1, self.alerts, 1)
        self.link.view_changed.connect(self.alerts.show_view)
        right.addWidget(self._section("Quầy / Counters"))
        right.addWidget(self.counters_table)
        right.addWidget(self._section("Thiết bị (● hoạt động trong 10 giây qua) / "
                                      "Devices (● seen in the last 10 s)"))
        devices = QWidget()
        devices.setLayout(self.devices_box)
        right.addWidget(devices)
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(left, 5)
        columns.addLayout(right, 7)
        root.addLayout(columns, 1)

    @staticmethod
    def _section(text: str) -> QLabel:
        label = named_label(text, "section")
        label.setFont(font("section"))
        return label

    # -- link ------------------------------------------------------------------------------------
    def _make_builder(self) -> Any:
        def build(view: CentreView) -> None:
            try:
                # A new snapshot carries a new hub_now; the views in between (the link may
                # hand over a fresh copy per batch of events) keep the old one.
                fresh = (view.stream_id, view.hub_now) != self._last_snapshot
                offset = _offset(view, self.wall()) if fresh else None
                self._last_snapshot = (view.stream_id, view.hub_now)
                self._model_ready.emit(live_model(view), offset)
            except RuntimeError:  # the window was deleted while the link runs on
                pass
            except Exception:
                log.exception("could not build the live view's model")
        return build

    def detach(self) -> None:
        """Stop listening to the link (before the link stops or the window goes)."""
        for signal, slot in ((self.link.view_changed, self._builder),
                             (self.link.connection, self._on_connection)):
            try:
                signal.disconnect(slot)
            except (RuntimeError, TypeError):
                pass
        for timer in (self._tick_timer, self._staff_timer, self._render_timer,
                      self._start_timer):
            timer.stop()

    def _take_model(self, model: LiveModel, offset: float | None) -> None:
        if offset is not None:
            self._offset = timedelta(seconds=offset)
        self.model = model
        if model.timezone != self._tz.key:
            self._tz = ZoneInfo(model.timezone)
        if not self._render_timer.isActive():
            self._render_timer.start()

    def _on_connection(self, up: bool) -> None:
        self.connected = up
        self._start_timer.stop()
        if up:
            self._set_banner("storage" if self._storage_text else None)
            self.fetch_staff()
        else:
            self.online = set()  # nothing is known about the devices while the hub is away
            if self.banner_state != "unauthorised":
                self._set_banner("lost")
            self._schedule()

    def _on_refused(self, refused: bool) -> None:
        """The link says the hub refuses this device (a refused device reads its banner)."""
        if refused:
            self._set_banner("unauthorised")
        elif self.banner_state == "unauthorised":
            self._set_banner("lost")  # accepted again; the snapshot clears the banner

    def _on_health(self, health: dict[str, object]) -> None:
        """The hub's own fault (a full or unwritable disk): a red banner until it recovers."""
        if str(health.get("storage", "ok")) != "ok":
            self._storage_text = (f"{health.get('message_vi', '')} / "
                                  f"{health.get('message_en', '')}")
            if self.banner_state in (None, "storage"):
                self._set_banner("storage")
        else:
            self._storage_text = ""
            if self.banner_state == "storage":
                self._set_banner(None)

    def _start_timed_out(self) -> None:
        if not self.connected and self.banner_state != "unauthorised":
            self._set_banner("lost")

    def _set_banner(self, state: str | None) -> None:
        self.banner_state = state
        texts = {"lost": LOST_TEXT, "connecting": CONNECTING_TEXT,
                 "unauthorised": UNAUTHORISED_TEXT, "storage": self._storage_text}
        if state is None:
            self.banner.hide()
        else:
            self.banner.setText(texts[state])
            self.banner.show()

    @property
    def banner_text(self) -> str:
        return self.banner.text() if self.banner_state is not None else ""

    def fetch_staff(self) -> None:
        """Officer names and the devices seen recently (``snapshot`` with staff)."""
        if self._staff_asking or not self.connected:
            return
        self._staff_asking = True

        def ok(reply: dict[str, Any]) -> None:
            self._staff_asking = False
            officers = reply.get("centre", {}).get("officers", [])
            self.officer_names = {str(o["id"]): str(o.get("name") or "") for o in officers}
            self.online = {str(d) for d in reply.get("online", [])}
            self._schedule()

        def failed(exc: HubError) -> None:
            self._staff_asking = False
            if exc.code == "not_authorised":
                self._set_banner("unauthorised")

        self.link.request("snapshot", {"staff": True}, on_ok=ok, on_error=failed)

    def _schedule(self) -> None:
        if not self._render_timer.isActive():
            self._render_timer.start()

    # -- clock -----------------------------------------------------------------------------------
    def hub_now(self) -> datetime:
        """The hub's time: this PC's clock + the measured offset, never before the newest
        event the view has seen."""
        now = (self.wall() + self._offset).astimezone(self._tz)
        last = self.model.last_event_at if self.model is not None else None
        return last.astimezone(self._tz) if last is not None and last > now else now

    def tick(self) -> None:
        """Once a second: the clock and every wait in minutes."""
        now = self.hub_now()
        self.clock.setText(f"{WEEKDAYS[now.weekday()]} {now:%d/%m/%Y  %H:%M:%S}")
        m = self.model
        if m is None:
            return
        minutes = minutes_since(m.longest_since, now)
        if m.longest_label is None or minutes is None:
            self.tiles["longest"].show_value("–", "không ai đang chờ / nobody waiting")
        else:
            name = next((f.vi for f in m.fields if f.code == m.longest_field), "")
            self.tiles["longest"].show_value(f"{m.longest_label} · {minutes} phút", name,
                                             alert=minutes >= LONG_WAIT_MINUTES)
        for row, f in enumerate(m.fields):
            if row >= self.fields_table.rowCount():
                break
            waited = minutes_since(f.oldest_since, now)
            text = "–" if waited is None else f"{f.oldest_label} · {waited} phút"
            alert = waited is not None and waited >= LONG_WAIT_MINUTES
            set_cell(self.fields_table, row, 3, text, fg=RED if alert else None, bold=alert)

    # -- painting ----------------------------------------------------------------------------------
    def refresh(self) -> None:
        m = self.model
        if m is None:
            return
        self.title.setText(f"{m.centre_vi} – {m.place_vi}")
        prio = sum(f.priority_waiting for f in m.fields)
        self.tiles["waiting"].show_value(str(m.waiting_total), f"ưu tiên / priority {prio}")
        self.tiles["served"].show_value(
            str(m.served), f"vắng mặt / no-show {m.no_show} · đã cấp / issued {m.issued}")
        if m.satisfaction is None:
            self.tiles["satisfaction"].show_value("–", "chưa có đánh giá / no ratings yet")
        else:
            self.tiles["satisfaction"].show_value(
                f"{100 * m.satisfaction:.0f} %",
                f"{m.satisfied}/{m.ratings} lượt hài lòng / satisfied",
                alert=m.satisfaction < 0.8)
        self._fill_fields(m)
        self._fill_counters(m)
        self._fill_devices(m)
        self._fill_calls(m)
        self.hour_chart.set_bars(m.issued_by_hour)
        self.tick()

    def _fill_calls(self, m: LiveModel) -> None:
        lines = []
        for label, counter, when, recall in m.recent_calls[:CALL_LINES]:
            again = " <i>(gọi lại / recall)</i>" if recall else ""
            lines.append(f"<b>{label}</b> → quầy / counter {counter} · "
                         f"{when.astimezone(self._tz):%H:%M}{again}")
        self.calls_label.setText("<br>".join(lines) or "chưa gọi số nào / no calls yet")

    def _fill_fields(self, m: LiveModel) -> None:
        t = self.fields_table
        t.setRowCount(len(m.fields))
        for row, f in enumerate(m.fields):
            set_cell(t, row, 0, f"{f.code} – {f.vi}")
            set_cell(t, row, 1, str(f.waiting), bold=f.waiting > 0,
                 fg=None if f.waiting else GREY)
            set_cell(t, row, 2, str(f.priority_waiting), bold=f.priority_waiting > 0,
                 fg=None if f.priority_waiting else GREY)
        fit_height(t, min_rows=5)

    def _fill_counters(self, m: LiveModel) -> None:
        t = self.counters_table
        t.setRowCount(len(m.counters))
        for row, c in enumerate(m.counters):
            vi, en = COUNTER_WORDS.get(c.status, (c.status, c.status))
            set_cell(t, row, 0, f"{c.number}" + (" – ưu tiên" if c.priority else ""))
            set_cell(t, row, 1, f"{vi} / {en}", fg="white", bg=STATUS_COLOUR.get(c.status, GREY),
                 bold=True)
            set_cell(t, row, 2, self.officer_text(c.officer))
            current = "–"
            if c.current_label is not None:
                words = TICKET_WORDS.get(c.current_status or "", (c.current_status or "", ""))
                current = f"{c.current_label} ({words[0]})"
            set_cell(t, row, 3, current, bold=c.current_label is not None)
            set_cell(t, row, 4, str(c.served))
        fit_height(t)

    def _fill_devices(self, m: LiveModel) -> None:
        """One chip per device: red for a fault, orange for a warning; the dot says
        whether the hub heard from it in the last 10 seconds."""
        for index, d in enumerate(m.devices):
            chip = self.device_chips.get(d.id)
            if chip is None:
                chip = named_label("", "deviceChip")
                chip.setFont(font("chip"))
                chip.setMinimumHeight(42)
                self.device_chips[d.id] = chip
                self.devices_box.addWidget(chip, index // DEVICE_COLUMNS, index % DEVICE_COLUMNS)
            seen = d.id in self.online
            if d.status is None:
                words = "hoạt động / active" if seen else "chưa thấy / not seen"
            else:
                vi, en = STATUS_WORDS.get(d.status, (d.status, d.status))
                words = f"{vi} / {en}"
            colour = LEVEL_COLOUR.get(d.level)
            alarm = d.level in (FAULT, WARN)
            dot = f"<span style='color:{GREEN if seen else GREY}'>●</span> " if not alarm else ""
            chip.setText(f"{dot}<b>{d.id}</b><br>{words}")
            chip.setToolTip(d.detail_vi or words)
            if alarm:
                style = f"background:{colour}; color:white; font-weight:bold;"
            else:
                style = f"background:white; color:{INK if seen else GREY};"
            chip.setStyleSheet(f"QLabel {{ {style} border:1px solid #d1d5db; border-radius:6px;"
                               " padding:3px 6px; }")
            chip.setProperty("level", d.level)
            chip.setProperty("plain", f"{d.id} {words}" + (" ●" if seen else ""))

    def officer_text(self, officer: str | None) -> str:
        if not officer:
            return "–"
        name = self.officer_names.get(officer)
        return f"{name} ({officer})" if name else officer

    # -- for tests and the command line -------------------------------------------------------------
    def cell(self, table: str, row: int, col: int) -> str:
        t = self.fields_table if table == "fields" else self.counters_table
        item = t.item(row, col)
        return item.text() if item is not None else ""

    def cell_colour(self, table: str, row: int, col: int) -> str:
        t = self.fields_table if table == "fields" else self.counters_table
        item = t.item(row, col)
        return item.background().color().name() if item is not None else ""

    def device_text(self, device: str) -> str:
        chip = self.device_chips.get(device)
        return str(chip.property("plain")) if chip is not None else ""

    def device_level(self, device: str) -> str:
        chip = self.device_chips.get(device)
        return str(chip.property("level")) if chip is not None else ""

    def tile_text(self, name: str) -> str:
        tile = self.tiles[name]
        return f"{tile.value.text()} | {tile.sub.text()}"

    def keyPressEvent(self, event: QKeyEvent) -> None:
        ctrl = event.modifiers() & Qt.KeyboardModifier.ControlModifier
        if ctrl and event.key() == Qt.Key.Key_Q:
            self.close()
        elif event.key() == Qt.Key.Key_F11:
            self.showNormal() if self.isFullScreen() else self.showFullScreen()
        else:
            super().keyPressEvent(event)


def _offset(view: CentreView, wall: datetime) -> float | None:
    """Seconds to add to this PC's clock to get the hub's (from the snapshot's hub_now)."""
    try:
        hub_now = datetime.fromisoformat(view.hub_now) if view.hub_now else None
    except ValueError:
        return None
    if hub_now is None or hub_now.tzinfo is None:
        return None
    return (hub_now - wall).total_seconds()


LiveView = LiveWindow
"""The name ``motcua demo`` uses."""
