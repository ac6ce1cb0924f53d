"""Look of the counter app: the bundled font, colours and one style sheet.

The app sits in a corner of the officer's own screen all day, so it is compact
(about 440 × 760 px), calm, and readable at a glance: the current number is big,
everything else is ordinary desktop text.
"""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont

from motcua.qt.fonts import LABEL_ROOM_QSS, bundled_family
from motcua.qt.typography import FontUse, points_to_px, style_sheet_fonts

log = logging.getLogger(__name__)



NAVY = "#0b3d91"
GREEN = "#1b7f3b"
ORANGE = "#b45309"
RED = "#c62828"
GREY = "#6b7280"
INK = "#111827"
PAPER = "#f5f7fb"



def load_fonts() -> str:
    """The bundled font's family (registered once; see motcua.qt.fonts)."""
    return bundled_family()


FONT_POINTS: dict[str, tuple[float, bool]] = {
    "body": (10.0, False),
    "title": (16.0, True),
    "section": (13.0, True),
    "served": (10.0, True),
    "ticket": (34.0, True),
    "ticket_status": (11.0, True),
    "button": (12.0, True),
}
"""Every font the counter app uses, by role: (point size, bold). Tests render every
Vietnamese letter at each of these sizes, so add a role here rather than a literal size."""


def role_font(role: str) -> QFont:
    """The font of a role in :data:`FONT_POINTS`."""
    points, bold = FONT_POINTS[role]
    return base_font(points, bold)


def font_uses() -> set[FontUse]:
    """Every (pixel size, weight) the counter app draws text with."""
    uses = {FontUse(points_to_px(pt), bold) for pt, bold in FONT_POINTS.values()}
    return uses | style_sheet_fonts(STYLE_SHEET)


def base_font(point_size: float = 10.0, bold: bool = False) -> QFont:
    font = QFont(load_fonts())
    font.setPointSizeF(point_size)
    font.setBold(bold)
    return font


STYLE_SHEET = LABEL_ROOM_QSS + f"""
QWidget#counterRoot {{ background: {PAPER}; color: {INK}; }}
QLabel#banner {{ background: {RED}; color: white; font-weight: bold; padding: 6px; }}
QLabel#bannerInfo {{ background: {ORANGE}; color: white; padding: 6px; }}
QLabel#message {{ padding: 4px 6px; border-radius: 4px; }}
QLabel#messageOk {{ padding: 4px 6px; border-radius: 4px; background: #e7f5ec;
                    color: {GREEN}; }}
QLabel#messageError {{ padding: 4px 6px; border-radius: 4px; background: #fdecea;
                       color: {RED}; }}
QLabel#header {{ color: {NAVY}; font-weight: bold; }}
QLabel#statusOpen {{ color: white; background: {GREEN}; border-radius: 4px;
                     padding: 2px 8px; }}
QLabel#statusPaused {{ color: white; background: {ORANGE}; border-radius: 4px;
                       padding: 2px 8px; }}
QFrame#currentBox {{ background: white; border: 2px solid {NAVY}; border-radius: 8px; }}
QLabel#ticketLabel {{ color: {NAVY}; }}
QLabel#ticketStatus {{ color: {GREEN}; font-weight: bold; }}
QLabel#muted {{ color: {GREY}; }}
QPushButton {{ padding: 6px 4px; }}
QPushButton#primary {{ background: {NAVY}; color: white; font-weight: bold;
                       border-radius: 4px; padding: 8px 4px; }}
QPushButton#primary:disabled {{ background: #9ca3af; }}
"""
