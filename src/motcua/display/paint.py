"""Drawing helpers shared by the boards: fonts, colours, size tiers, text that fits.

Font sizes are fractions of the board's *unit* ``u``: the height of the largest
16:9 rectangle that fits the window (``min(height, width * 9 / 16)``). On a
1920×1080 screen ``u`` = 1080 px. docs/display.md explains the tiers for reading
from 10 m.
"""

from __future__ import annotations

import logging
from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter

from motcua.qt.fonts import bundled_family
from motcua.qt.typography import FontUse

log = logging.getLogger(__name__)


# -- size tiers (fractions of u) -------------------------------------------------------
TIER1 = 1 / 12
"""Smallest em of a number that must be read from 10 m (counter numbers, tickets)."""
TIER2 = 1 / 20
"""Smallest em of secondary figures (last calls, waiting counts, clock)."""
TIER3 = 1 / 40
"""Usual em of words read from closer (field names, captions); they shrink first when
space runs out (down to about u/56 with 8 counters)."""

# -- colours: light text on a dark ground, the contrast LED boards use -----------------
BG = QColor("#071a36")
PANEL = QColor("#0d2a55")
PANEL_EDGE = QColor("#1d4b8f")
HEADER = QColor("#8e1b1b")
TEXT = QColor("#ffffff")
DIM = QColor("#8fa6c8")
NUMBER = QColor("#ffe14d")
ACCENT = QColor("#ffd54f")
HIGHLIGHT = QColor("#c62828")
FLASH = QColor("#ffd600")
FLASH_TEXT = QColor("#1a1a1a")
TICKER = QColor("#b71c1c")
OVERLAY = QColor(0, 0, 0, 200)
ALERT = QColor("#ff5252")

_WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")


def font_family() -> str:
    """The bundled font's family (registered once; see motcua.qt.fonts)."""
    return bundled_family()


FONTS_USED: set[FontUse] = set()
"""Every (pixel size, weight) the boards have drawn text with in this process: the glyph
test paints the boards at their real resolutions and renders every Vietnamese letter at
each of these sizes (the boards fit text to its box, so sizes are not a fixed list)."""


def make_font(px: float, *, bold: bool = False, italic: bool = False) -> QFont:
    f = QFont(font_family())
    f.setPixelSize(max(1, round(px)))
    FONTS_USED.add(FontUse(max(1, round(px)), bold))
    f.setBold(bold)
    f.setItalic(italic)
    return f


def unit(width: float, height: float) -> float:
    """Height of the largest 16:9 area in ``width``×``height`` (font sizes scale with it)."""
    return max(1.0, min(height, width * 9 / 16))


LINE_EM = 1.2
"""Height of a line of words (accents above, descenders below)."""
NUMBER_EM = 1.0
"""Height a ticket number needs: capitals and digits (0.73 em) plus room for an accent
on a Vietnamese prefix letter (Ê, Ơ, Ư ...); nothing goes below the baseline."""


def fit_px(text: str, max_px: float, width: float, *, bold: bool = False,
           height: float | None = None, line_em: float = LINE_EM) -> float:
    """Largest pixel size ≤ ``max_px`` at which ``text`` fits in one line of ``width``.

    Text width grows linearly with the pixel size, so one measurement is enough.
    ``height`` also caps it (a line takes ``line_em`` em).
    """
    if not text or width <= 0:
        return max_px
    advance = QFontMetricsF(make_font(100, bold=bold)).horizontalAdvance(text)
    # 3 % to spare: hinting makes small sizes a little wider than the scaled measure.
    px = max_px if advance <= 0 else min(max_px, 0.97 * 100 * width / advance)
    if height is not None:
        px = min(px, height / line_em)
    return max(1.0, px)


def draw_line(p: QPainter, rect: QRectF, text: str, max_px: float, colour: QColor, *,
              bold: bool = False, align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignCenter,
              italic: bool = False, number: bool = False) -> float:
    """Draw one line, shrunk to fit ``rect``; returns the pixel size used.

    ``number``: the text is a ticket or counter number, which may use more of the height.
    """
    px = fit_px(text, max_px, rect.width(), bold=bold, height=rect.height(),
                line_em=NUMBER_EM if number else LINE_EM)
    p.setFont(make_font(px, bold=bold, italic=italic))
    p.setPen(colour)
    p.drawText(rect, int(align | Qt.AlignmentFlag.AlignVCenter), text)
    return px


def draw_wrapped(p: QPainter, rect: QRectF, text: str, max_px: float, min_px: float,
                 colour: QColor, *, bold: bool = False,
                 align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft) -> float:
    """Draw words wrapped over several lines, shrinking until they fit ``rect``."""
    flags = int(align | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap)
    px = max_px
    while True:
        font = make_font(px, bold=bold)
        box = QFontMetricsF(font).boundingRect(rect, flags, text)
        if (box.height() <= rect.height() and box.width() <= rect.width()) or px <= min_px:
            break
        px = max(min_px, px * 0.92)
    p.setFont(font)
    p.setPen(colour)
    p.drawText(rect, flags, text)
    return px


def zone(name: str) -> tzinfo:
    """The centre's time zone; Asia/Ho_Chi_Minh when the name is unknown here."""
    try:
        return ZoneInfo(name or "Asia/Ho_Chi_Minh")
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("unknown time zone %r; using Asia/Ho_Chi_Minh", name)
        return ZoneInfo("Asia/Ho_Chi_Minh")


def clock_text(now: datetime) -> str:
    return now.strftime("%H:%M:%S")


def date_text(now: datetime) -> str:
    """E.g. "Thứ Hai, 24/11/2025" (dd/mm/yyyy, Vietnamese weekday)."""
    return f"{_WEEKDAYS_VI[now.weekday()]}, {now.strftime('%d/%m/%Y')}"
