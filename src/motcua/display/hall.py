"""The hall board: every open counter's number, the newest call, waiting, clock, notice.

Layout (fractions of the window; fonts scale with ``paint.unit``)::

    ┌──────────────────────────────────────────────────────────── 11.5 % ─┐
    │ TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG      Hành chính       09:05:12    │
    │ PHƯỜNG BẾN THÀNH                        phục vụ    Thứ Hai, 24/11/… │
    ├───────────────────────────────────────────┬──────────────── 63 % ───┤
    │ ĐANG PHỤC VỤ                              │  MỜI CÔNG DÂN CÓ SỐ      │
    │ ┌Quầy số 1────────┐ ┌Quầy số 4────────┐   │        A025              │
    │ │ [1] ▶  A025     │ │ [4] ▶  E003     │   │   ĐẾN QUẦY SỐ 1          │
    │ └─────────────────┘ └─────────────────┘   ├──────────────────────────┤
    │  … one tile per open or paused counter    │ SỐ VỪA GỌI  A025 → 1 …   │
    ├───────────────────────────────────────────┴──────────── 18 % ────────┤
    │ ĐANG CHỜ │ [A] Tư pháp – Hộ tịch 5 │ [B] Chứng thực 2 │ …           │
    ├──────────────────────────────────────────────────────────── 7.5 % ──┤
    │ ◀ scrolling notice (centre.notice_vi)                                │
    └──────────────────────────────────────────────────────────────────────┘
"""

from __future__ import annotations

import math
import time
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPixmap, QPolygonF
from PySide6.QtWidgets import QWidget

from motcua.display import paint
from motcua.display.base import BoardBase
from motcua.display.model import BoardModel, CallLine, CounterLine, FieldLine
from motcua.display.officers import OfficerRoster
from motcua.display.voice_bridge import Speaker
from motcua.qt.link import QtHubLink

TICKER_SPEED = 0.12
"""Notice speed in units per second (130 px/s on a 1080p board: about 5 words a second)."""
TICKER_MS = 33
RECENT_ROWS = 3
RECENT_COLUMNS = 2
WAITING_COLUMNS = 6
Align = Qt.AlignmentFlag


class HallBoard(BoardBase):
    """Full-screen board for the waiting hall. Speaks calls when given an ``announcer``."""

    def __init__(self, link: QtHubLink, *, announcer: Speaker | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(link, announcer=announcer, parent=parent)
        self.setWindowTitle("motcua – bảng hiển thị / hall board")
        self.roster = OfficerRoster(link, self)  # officers at counters: display/officers.py
        self.roster.changed.connect(self.update)
        self._ticker_offset = 0.0
        self._ticker_last = time.monotonic()
        self._ticker_pix: QPixmap | None = None
        self._ticker_key: tuple[Any, ...] = ()
        self._noted: set[str] = set()
        self._ticker = QTimer(self)
        self._ticker.setInterval(TICKER_MS)
        self._ticker.timeout.connect(self._scroll)
        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(lambda: self.update(self._header_rect().toAlignedRect()))

    # -- timers only run while the board is on screen --------------------------------------
    def showEvent(self, event: Any) -> None:
        self._ticker_last = time.monotonic()
        self._ticker.start()
        self._clock.start()
        super().showEvent(event)

    def hideEvent(self, event: Any) -> None:
        self._ticker.stop()
        self._clock.stop()
        super().hideEvent(event)

    def detach(self) -> None:
        self._ticker.stop()
        self._clock.stop()
        super().detach()

    def _scroll(self) -> None:
        t = time.monotonic()
        u = paint.unit(self.width(), self.height())
        self._ticker_offset -= TICKER_SPEED * u * (t - self._ticker_last)
        self._ticker_last = t
        self.update(self._ticker_rect().toAlignedRect())

    # -- regions -----------------------------------------------------------------------------
    def _header_rect(self) -> QRectF:
        return QRectF(0, 0, self.width(), self.height() * 0.115)

    def _body_rect(self) -> QRectF:
        h = self.height()
        return QRectF(0, h * 0.115, self.width(), h * 0.63)

    def _waiting_rect(self) -> QRectF:
        h = self.height()
        return QRectF(0, h * 0.745, self.width(), h * 0.18)

    def _ticker_rect(self) -> QRectF:
        h = self.height()
        return QRectF(0, h * 0.925, self.width(), h - h * 0.925)

    # -- painting ----------------------------------------------------------------------------
    def paint_board(self, p: QPainter, dirty: QRectF) -> None:
        p.fillRect(dirty, paint.BG)
        self._noted = set()
        u = paint.unit(self.width(), self.height())
        m = self.model
        if dirty.intersects(self._header_rect()):
            self._paint_header(p, self._header_rect(), u, m)
        if dirty.intersects(self._body_rect()):
            body = self._body_rect()
            split = body.width() * 0.635
            self._paint_counters(p, QRectF(body.x(), body.y(), split, body.height()), u, m)
            right = QRectF(body.x() + split, body.y(), body.width() - split, body.height())
            banner = QRectF(right.x(), right.y(), right.width(), right.height() * 0.56)
            self._paint_banner(p, banner, u, m)
            self._paint_recent(p, QRectF(right.x(), banner.bottom(), right.width(),
                                         right.height() - banner.height()), u, m)
        if dirty.intersects(self._waiting_rect()):
            self._paint_waiting(p, self._waiting_rect(), u, m)
        if dirty.intersects(self._ticker_rect()):
            self._paint_ticker(p, self._ticker_rect(), u, m)

    def _paint_header(self, p: QPainter, r: QRectF, u: float, m: BoardModel | None) -> None:
        p.fillRect(r, paint.HEADER)
        p.fillRect(QRectF(r.x(), r.bottom() - u * 0.006, r.width(), u * 0.006), paint.ACCENT)
        pad = r.width() * 0.015
        name = m.name_vi if m else "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"
        place = m.place_vi if m else ""
        left = QRectF(r.x() + pad, r.y() + r.height() * 0.08, r.width() * 0.55, r.height() * 0.42)
        self.font_px["name"] = paint.draw_line(p, left, name, u * 0.042, paint.TEXT, bold=True,
                                               align=Align.AlignLeft)
        paint.draw_line(p, left.translated(0, left.height()), place, u * 0.042, paint.ACCENT,
                        bold=True, align=Align.AlignLeft)
        if m and m.slogan_vi:
            slogan = QRectF(r.width() * 0.56, r.y(), r.width() * 0.22, r.height())
            paint.draw_line(p, slogan, m.slogan_vi, u * 0.04, paint.ACCENT, italic=True)
        now = self.now()
        right = QRectF(r.width() * 0.8, r.y() + r.height() * 0.04, r.width() * 0.2 - pad,
                       r.height() * 0.56)
        self.font_px["clock"] = paint.draw_line(p, right, paint.clock_text(now), u * 0.062,
                                                paint.TEXT, bold=True, align=Align.AlignRight)
        paint.draw_line(p, QRectF(right.x(), right.bottom(), right.width(), r.height() * 0.36),
                        paint.date_text(now), u * 0.032, paint.ACCENT, align=Align.AlignRight)

    def _paint_counters(self, p: QPainter, r: QRectF, u: float, m: BoardModel | None) -> None:
        pad = u * 0.015
        title = QRectF(r.x() + pad * 1.5, r.y() + pad * 0.5, r.width() - pad * 3, u * 0.055)
        paint.draw_line(p, title, "ĐANG PHỤC VỤ  ·  NOW SERVING", u * 0.036, paint.DIM,
                        bold=True, align=Align.AlignLeft)
        area = QRectF(r.x() + pad, title.bottom() + pad * 0.3, r.width() - pad * 1.5,
                      r.bottom() - title.bottom() - pad)
        counters = m.open_counters if m else ()
        if not counters:
            text = "Chưa có quầy nào làm việc / No counter open yet" if m else ""
            paint.draw_wrapped(p, area, text, u * 0.05, u * 0.03, paint.DIM,
                               align=Align.AlignHCenter)
            return
        n = len(counters)
        cols = 1 if n <= 3 else 2 if n <= 8 else 3
        rows = math.ceil(n / cols)
        tw, th = area.width() / cols, area.height() / rows
        for i, c in enumerate(counters):
            col, row = i // rows, i % rows  # down the first column, then the next
            tile = QRectF(area.x() + col * tw, area.y() + row * th, tw, th)
            self._paint_tile(p, tile.adjusted(pad * 0.5, pad * 0.5, -pad * 0.5, -pad * 0.5),
                             u, c, m)

    def _paint_tile(self, p: QPainter, r: QRectF, u: float, c: CounterLine,
                    m: BoardModel | None) -> None:
        newest = m is not None and m.highlighted_counter == c.number
        flash = newest and self.flash_key() == (c.number, c.label) and self.blink_phase()
        ground = paint.FLASH if flash else paint.HIGHLIGHT if newest else paint.PANEL
        ink = paint.FLASH_TEXT if flash else paint.TEXT
        number_ink = paint.FLASH_TEXT if flash else paint.NUMBER
        p.setPen(paint.ACCENT if newest else paint.PANEL_EDGE)
        p.setBrush(ground)
        p.drawRoundedRect(r, u * 0.012, u * 0.012)
        inner = r.adjusted(u * 0.015, u * 0.008, -u * 0.015, -u * 0.008)
        cap_h = min(inner.height() * 0.2, u * 0.045)
        caption = QRectF(inner.x(), inner.y(), inner.width() * 0.62, cap_h)
        card = self.roster.card(c.number) if self.roster.on_hall else None
        self._note_px("caption", paint.draw_line(
            p, caption, f"{c.name_vi} · {card.name}" if card else c.name_vi, u * 0.032, ink,
            align=Align.AlignLeft))
        status = ("Tạm dừng" if c.status == "paused" and c.label else
                  "" if c.status == "paused" else
                  "Đang phục vụ" if c.serving else "Mời" if c.label else "Quầy trống")
        gap = inner.width() * 0.03
        paint.draw_line(p, QRectF(caption.right() + gap, inner.y(),
                                  inner.width() - caption.width() - gap, cap_h),
                        status, u * 0.03, ink if newest else paint.DIM, align=Align.AlignRight)
        # Decree 118/2025 Art. 9.8: the officer's name and title at each counter.
        officer = c.officer_name + (f" – {c.officer_title}" if c.officer_title else "")
        officer_h = min(inner.height() * 0.19, u * 0.04) if officer else 0.0
        if officer:
            self._note_px("officer", paint.draw_line(
                p, QRectF(inner.x(), inner.bottom() - officer_h, inner.width(), officer_h),
                officer, u * 0.03, ink if newest else paint.TEXT, align=Align.AlignLeft))
        main = QRectF(inner.x(), caption.bottom(), inner.width(),
                      inner.bottom() - caption.bottom() - officer_h)
        badge_side = min(main.height(), main.width() * 0.3)
        badge = QRectF(main.x(), main.center().y() - badge_side / 2, badge_side, badge_side)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(paint.FLASH_TEXT if flash else paint.ACCENT)
        p.drawRoundedRect(badge, u * 0.01, u * 0.01)
        px = paint.draw_line(p, badge.adjusted(u * 0.006, 0, -u * 0.006, 0), str(c.number),
                             min(u * 0.13, badge_side), paint.FLASH if flash else paint.BG,
                             bold=True, number=True)
        self._note_px("counter_number", px)
        arrow_w = badge_side * 0.3
        a = QRectF(badge.right() + badge_side * 0.12, main.center().y() - arrow_w * 0.6,
                   arrow_w, arrow_w * 1.2)
        p.setBrush(ink if newest else paint.DIM)
        p.drawPolygon(QPolygonF([a.topLeft(), QPointF(a.right(), a.center().y()), a.bottomLeft()]))
        label_r = QRectF(a.right() + badge_side * 0.1, main.y(), main.right() - a.right()
                         - badge_side * 0.1, main.height())
        if c.status == "paused" and not c.label:
            paint.draw_line(p, label_r, "Tạm dừng", u * 0.06, paint.DIM, bold=True)
        elif c.label:
            px = paint.draw_line(p, label_r, c.label, u * 0.13, number_ink, bold=True,
                                 number=True)
            self._note_px("counter_label", px)
        else:
            paint.draw_line(p, label_r, "—", u * 0.09, paint.DIM, bold=True)

    def _note_px(self, key: str, px: float) -> None:
        """Remember the smallest size used for ``key`` in this paint (for the 10 m test)."""
        if key in self._noted:
            px = min(px, self.font_px[key])
        self.font_px[key] = px
        self._noted.add(key)

    def _paint_banner(self, p: QPainter, r: QRectF, u: float, m: BoardModel | None) -> None:
        pad = u * 0.015
        box = r.adjusted(pad * 0.5, pad, -pad * 1.5, -pad * 0.5)
        newest = m.newest if m else None
        flash = (newest is not None and self.flash_key() == (newest.counter, newest.label)
                 and self.blink_phase())
        p.setPen(paint.ACCENT)
        p.setBrush(paint.FLASH if flash else paint.HIGHLIGHT if newest else paint.PANEL)
        p.drawRoundedRect(box, u * 0.015, u * 0.015)
        ink = paint.FLASH_TEXT if flash else paint.TEXT
        inner = box.adjusted(pad, pad * 0.5, -pad, -pad * 0.5)
        hh = inner.height()
        if newest is None:
            paint.draw_wrapped(p, inner, "Chưa có số nào được gọi\nNo number called yet",
                               u * 0.045, u * 0.03, paint.DIM, align=Align.AlignHCenter)
            return
        title = "MỜI LẠI CÔNG DÂN CÓ SỐ" if newest.recall else "MỜI CÔNG DÂN CÓ SỐ"
        paint.draw_line(p, QRectF(inner.x(), inner.y(), inner.width(), hh * 0.17), title,
                        u * 0.042, ink, bold=True)
        self.font_px["banner_label"] = paint.draw_line(
            p, QRectF(inner.x(), inner.y() + hh * 0.17, inner.width(), hh * 0.58),
            newest.label, u * 0.21, paint.FLASH_TEXT if flash else paint.NUMBER, bold=True,
            number=True)
        paint.draw_line(p, QRectF(inner.x(), inner.y() + hh * 0.75, inner.width(), hh * 0.25),
                        f"ĐẾN QUẦY SỐ {newest.counter}", u * 0.075, ink, bold=True)

    def _paint_recent(self, p: QPainter, r: QRectF, u: float, m: BoardModel | None) -> None:
        pad = u * 0.015
        box = r.adjusted(pad * 0.5, pad * 0.5, -pad * 1.5, -pad)
        p.setPen(paint.PANEL_EDGE)
        p.setBrush(paint.PANEL)
        p.drawRoundedRect(box, u * 0.012, u * 0.012)
        inner = box.adjusted(pad, pad * 0.3, -pad, -pad * 0.3)
        title_h = inner.height() * 0.15
        paint.draw_line(p, QRectF(inner.x(), inner.y(), inner.width(), title_h),
                        "SỐ VỪA GỌI  ·  LAST CALLS", u * 0.032, paint.DIM, bold=True,
                        align=Align.AlignLeft)
        calls = m.recent[: RECENT_ROWS * RECENT_COLUMNS] if m else ()
        cw = inner.width() / RECENT_COLUMNS
        rh = (inner.height() - title_h) / RECENT_ROWS
        for i, call in enumerate(calls):
            col, row = i // RECENT_ROWS, i % RECENT_ROWS
            cell = QRectF(inner.x() + col * cw, inner.y() + title_h + row * rh, cw, rh)
            self._paint_recent_entry(p, cell, u, call, newest=i == 0)

    def _paint_recent_entry(self, p: QPainter, r: QRectF, u: float, call: CallLine, *,
                            newest: bool) -> None:
        """``A025 ▸ [3]``: the label, an arrow (↻ for a recall), the counter in a badge."""
        side = min(r.height() * 0.8, r.width() * 0.22)
        badge = QRectF(r.right() - side - u * 0.012, r.center().y() - side / 2, side, side)
        mark = QRectF(badge.x() - side * 0.75, r.y(), side * 0.6, r.height())
        label = QRectF(r.x(), r.y(), mark.x() - r.x() - u * 0.006, r.height())
        px = paint.draw_line(p, label, call.label, u * 0.065,
                             paint.NUMBER if newest else paint.TEXT, bold=True,
                             align=Align.AlignLeft, number=True)
        self._note_px("recent_label", px)
        if call.recall:
            paint.draw_line(p, mark, "↻", side * 0.8, paint.ACCENT, bold=True)
        else:
            a = QRectF(mark.center().x() - side * 0.18, mark.center().y() - side * 0.22,
                       side * 0.36, side * 0.44)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(paint.DIM)
            p.drawPolygon(QPolygonF([a.topLeft(), QPointF(a.right(), a.center().y()),
                                     a.bottomLeft()]))
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(paint.ACCENT if newest else paint.PANEL_EDGE)
        p.drawRoundedRect(badge, u * 0.006, u * 0.006)
        paint.draw_line(p, badge, str(call.counter), side * 0.75,
                        paint.BG if newest else paint.TEXT, bold=True)

    def _paint_waiting(self, p: QPainter, r: QRectF, u: float, m: BoardModel | None) -> None:
        pad = u * 0.012
        area = r.adjusted(pad * 1.2, pad * 0.3, -pad * 1.2, -pad * 0.6)
        fields: tuple[FieldLine, ...] = m.waiting if m else ()
        cells = 1 + len(fields)
        rows = max(1, math.ceil(cells / WAITING_COLUMNS))
        cw, ch = area.width() / WAITING_COLUMNS, area.height() / rows
        for i in range(cells):
            row, col = divmod(i, WAITING_COLUMNS)
            cell = QRectF(area.x() + col * cw, area.y() + row * ch, cw, ch).adjusted(
                pad * 0.3, pad * 0.3, -pad * 0.3, -pad * 0.3)
            if i == 0:
                paint.draw_wrapped(p, cell, "ĐANG CHỜ\nWaiting", u * 0.04, u * 0.022,
                                   paint.ACCENT, bold=True, align=Align.AlignLeft)
            else:
                self._paint_field(p, cell, u, fields[i - 1])

    def _paint_field(self, p: QPainter, r: QRectF, u: float, f: FieldLine) -> None:
        p.setPen(paint.PANEL_EDGE)
        p.setBrush(paint.PANEL)
        p.drawRoundedRect(r, u * 0.008, u * 0.008)
        side = min(r.height() * 0.62, r.width() * 0.22)
        badge = QRectF(r.x() + u * 0.008, r.center().y() - side / 2, side, side)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(paint.ACCENT)
        p.drawRoundedRect(badge, u * 0.006, u * 0.006)
        paint.draw_line(p, badge, f.code, side * 0.75, paint.BG, bold=True)
        count_w = r.width() * 0.26
        count = QRectF(r.right() - count_w - u * 0.006, r.y(), count_w, r.height())
        self._note_px("waiting", paint.draw_line(
            p, count, str(f.waiting), u * 0.06, paint.NUMBER if f.waiting else paint.DIM,
            bold=True, align=Align.AlignRight, number=True))
        name = QRectF(badge.right() + u * 0.008, r.y() + u * 0.004,
                      count.x() - badge.right() - u * 0.012, r.height() - u * 0.008)
        self._note_px("field_name", paint.draw_wrapped(p, name, f.name_vi, u * paint.TIER3 * 1.2,
                                                       u * 0.018, paint.TEXT))

    def _paint_ticker(self, p: QPainter, r: QRectF, u: float, m: BoardModel | None) -> None:
        p.fillRect(r, paint.TICKER)
        pix = self._ticker_pixmap(r, u, m)
        width = pix.width() / pix.devicePixelRatio()
        if width <= 0:
            return
        offset = self._ticker_offset % width
        x = r.x() + offset - width
        p.save()
        p.setClipRect(r)
        while x < r.right():
            p.drawPixmap(QPointF(x, r.y()), pix)
            x += width
        p.restore()

    def _ticker_pixmap(self, r: QRectF, u: float, m: BoardModel | None) -> QPixmap:
        """The notice drawn once; painting a frame is then one or two copies of it."""
        text = (m.notice_vi or f"{m.name_vi} – {m.place_vi} – {m.slogan_vi}") if m else ""
        ratio = self.devicePixelRatioF()
        key = (text, round(r.width()), round(r.height()), ratio)
        if self._ticker_pix is not None and key == self._ticker_key:
            return self._ticker_pix
        px = min(u * 0.045, r.height() * 0.7)
        font = paint.make_font(px)
        item = text + "     •     "
        width = max(1.0, QFontMetricsF(font).horizontalAdvance(item)) if text else r.width()
        pix = QPixmap(max(1, math.ceil(width * ratio)), max(1, math.ceil(r.height() * ratio)))
        pix.setDevicePixelRatio(ratio)
        pix.fill(QColor(0, 0, 0, 0))
        painter = QPainter(pix)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.setFont(font)
        painter.setPen(paint.TEXT)
        painter.drawText(QRectF(0, 0, width, r.height()),
                         int(Align.AlignLeft | Align.AlignVCenter), item)
        painter.end()
        self.font_px["ticker"] = px
        self._ticker_pix, self._ticker_key = pix, key
        return pix
