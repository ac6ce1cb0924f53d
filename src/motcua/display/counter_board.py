"""The counter board: one counter's current number, as large as the screen allows.

Made for the small screen above a counter, read from across the hall::

    ┌──────────────────────────────────────────────┐
    │ QUẦY SỐ 3                          09:05:12  │  20 %
    ├──────────────────────────────────────────────┤
    │                                              │
    │                  C012                        │  45 %  (em up to 0.5 u)
    │      Nguyễn Thị Thu Hà – Công chức Tư pháp    │  13 %  (name and title, Decree
    ├──────────────────────────────────────────────┤        118/2025 Art. 9.8)
    │ MỜI CÔNG DÂN CÓ SỐ          Đang chờ: 4      │  22 %
    └──────────────────────────────────────────────┘

It flashes when its counter calls; it is silent unless given an ``announcer``
(then it speaks only its own counter's calls).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QWidget

from motcua.display import paint
from motcua.display.base import BoardBase
from motcua.display.model import CounterLine
from motcua.display.officers import OfficerRoster, paint_officer
from motcua.display.voice_bridge import Speaker
from motcua.qt.link import QtHubLink

Align = Qt.AlignmentFlag


class CounterBoard(BoardBase):
    """Board for counter ``counter`` (a number from the centre configuration)."""

    def __init__(self, link: QtHubLink, counter: int, *, announcer: Speaker | None = None,
                 parent: QWidget | None = None) -> None:
        self.counter = counter
        super().__init__(link, announcer=announcer, voice_counter=counter, parent=parent)
        self.setWindowTitle(f"motcua – quầy {counter} / counter {counter}")
        self.roster = OfficerRoster(link, self)  # name, title, photo: display/officers.py
        self.roster.changed.connect(self.update)
        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(
            lambda: self.update(QRectF(0, 0, self.width(), self.height() * 0.2).toAlignedRect()))

    def showEvent(self, event: Any) -> None:
        self._clock.start()
        super().showEvent(event)

    def hideEvent(self, event: Any) -> None:
        self._clock.stop()
        super().hideEvent(event)

    def detach(self) -> None:
        self._clock.stop()
        super().detach()

    def wants_flash(self, counter: int) -> bool:
        return counter == self.counter

    @property
    def line(self) -> CounterLine | None:
        """This counter in the current model (None before the first snapshot)."""
        return None if self.model is None else self.model.counter(self.counter)

    @property
    def label(self) -> str | None:
        """The number shown now (None when the counter has no ticket)."""
        line = self.line
        return None if line is None else line.label

    def status_text(self) -> str:
        line = self.line
        if self.model is None:
            return ""
        if line is None:
            return f"Quầy {self.counter} không có trong cấu hình / not configured"
        if line.status == "closed":
            return "QUẦY ĐÓNG  ·  CLOSED"
        if line.status == "paused":
            return "TẠM DỪNG  ·  PAUSED"
        if line.label is None:
            return "QUẦY TRỐNG  ·  FREE"
        if line.serving:
            return "ĐANG PHỤC VỤ  ·  SERVING"
        return "MỜI CÔNG DÂN CÓ SỐ  ·  NOW CALLING"

    def paint_board(self, p: QPainter, dirty: QRectF) -> None:
        w, h = float(self.width()), float(self.height())
        u = paint.unit(w, h)
        p.fillRect(dirty, paint.BG)
        line = self.line
        pad = u * 0.03
        top = QRectF(0, 0, w, h * 0.2)
        p.fillRect(top, paint.HEADER)
        title = line.name_vi.upper() if line is not None else f"QUẦY SỐ {self.counter}"
        self.font_px["title"] = paint.draw_line(
            p, QRectF(pad, 0, w * 0.72 - pad, top.height()), title, u * 0.11, paint.ACCENT,
            bold=True, align=Align.AlignLeft)
        paint.draw_line(p, QRectF(w * 0.72, 0, w * 0.28 - pad, top.height()),
                        paint.clock_text(self.now())[:5], u * 0.08, paint.TEXT,
                        align=Align.AlignRight)
        officer = "" if line is None or line.status == "closed" else line.officer_name + (
            f" – {line.officer_title}" if line.officer_title else "")
        card = self.roster.card(self.counter)
        if card is not None:
            officer = ""  # the officer's card (photo, name, title) says it already
        middle = QRectF(0, top.bottom(), w, h * (0.45 if officer else 0.58))
        flash = (line is not None and self.flash_key() == (self.counter, line.label)
                 and self.blink_phase())
        p.fillRect(middle, paint.FLASH if flash else paint.BG)
        if card is not None:  # the officer's strip takes the bottom of the number's area
            strip = QRectF(pad, middle.bottom() - h * 0.17, w - 2 * pad, h * 0.16)
            self.font_px["officer"] = paint_officer(p, strip, card, u)
            middle = QRectF(0, middle.y(), w, strip.y() - middle.y())
        if line is not None and line.label:
            self.font_px["label"] = paint.draw_line(
                p, middle.adjusted(pad, 0, -pad, 0), line.label, u * 0.5,
                paint.FLASH_TEXT if flash else paint.NUMBER, bold=True, number=True)
        else:
            paint.draw_line(p, middle, "—", u * 0.3, paint.DIM, bold=True)
        if officer:
            # Decree 118/2025 Art. 9.8: the officer's name and title at the counter.
            strip = QRectF(pad, middle.bottom(), w - 2 * pad, h * 0.13)
            self.font_px["officer"] = paint.draw_line(p, strip, officer, u * 0.07,
                                                      paint.TEXT, align=Align.AlignCenter)
            middle = QRectF(middle.x(), middle.y(), w, h * 0.58)
        bottom = QRectF(0, middle.bottom(), w, h - middle.bottom())
        p.fillRect(bottom, paint.PANEL)
        paint.draw_line(p, QRectF(pad, bottom.y(), w * 0.64 - pad, bottom.height()),
                        self.status_text(), u * 0.07, paint.TEXT, bold=True,
                        align=Align.AlignLeft)
        if self.model is not None and line is not None and line.fields:
            waiting = self.model.waiting_for(line.fields)
            paint.draw_line(p, QRectF(w * 0.64, bottom.y(), w * 0.36 - pad, bottom.height()),
                            f"Đang chờ: {waiting}", u * 0.07, paint.ACCENT,
                            align=Align.AlignRight)
