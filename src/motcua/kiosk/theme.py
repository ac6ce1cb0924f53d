"""Look of the kiosk: the bundled font, colours, sizes per orientation, one style sheet.

Sizes are in pixels for a 1080×1920 (portrait) or 1920×1080 (landscape) screen.
A touch target must be at least 15 mm wide and high; at ~96 dpi that is 57 px, and a
32-inch 1080p kiosk screen has about 69 dpi (15 mm ≈ 41 px), so the smallest target
here (an on-screen keyboard key, 84 px) is well above both.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from typing import Literal

from PySide6.QtGui import QFont

from motcua.qt.fonts import FONT_FAMILY, LABEL_ROOM_QSS, bundled_family
from motcua.qt.typography import FontUse, style_sheet_fonts

log = logging.getLogger(__name__)

Orientation = Literal["portrait", "landscape"]

MIN_TOUCH_PX = 57
"""15 mm at 96 dpi: no button the citizen touches is smaller than this."""

NAVY = "#0b3d91"
BLUE = "#1565c0"
PALE_BLUE = "#e3f0ff"
GREEN = "#1b7f3b"
ORANGE = "#c25e00"
RED = "#c62828"
PALE_RED = "#fdecea"
GREY = "#6b7280"
INK = "#111827"
PAPER = "#f5f7fb"



def load_fonts() -> str:
    """The bundled font's family (registered once; see motcua.qt.fonts)."""
    return bundled_family()


def kiosk_font(pixel_size: int = 30, bold: bool = False) -> QFont:
    font = QFont(load_fonts())
    font.setPixelSize(pixel_size)
    font.setBold(bold)
    return font


@dataclass(frozen=True)
class Metrics:
    """Sizes that differ between a tall and a wide screen."""

    width: int
    height: int
    field_columns: int
    margin: int
    title_px: int
    body_px: int
    small_px: int
    tile_title_px: int
    tile_sub_px: int
    badge_px: int
    nav_height: int
    big_button_height: int
    number_px: int
    key_height: int
    header_px: int
    """Centre name in the header (place a little smaller, slogan smaller again)."""


METRICS: dict[str, Metrics] = {
    "portrait": Metrics(width=1080, height=1920, field_columns=2, margin=36, title_px=46,
                        body_px=34, small_px=26, tile_title_px=34, tile_sub_px=27,
                        badge_px=52, nav_height=110, big_button_height=150, number_px=280,
                        key_height=96, header_px=46),
    "landscape": Metrics(width=1920, height=1080, field_columns=4, margin=28, title_px=40,
                         body_px=30, small_px=24, tile_title_px=31, tile_sub_px=25,
                         badge_px=46, nav_height=92, big_button_height=110, number_px=230,
                         key_height=80, header_px=36),
}


ACCESSIBLE_SCALE = 1.3
"""How much larger every text is in the accessible mode (access.py)."""


def accessible_metrics(m: Metrics) -> Metrics:
    """The same layout with larger text (wider field tiles on a wide screen); the header
    keeps its size (it is not read to find one's way)."""
    def up(px: int) -> int:
        return round(px * ACCESSIBLE_SCALE)

    return dataclasses.replace(
        m, field_columns=m.field_columns if m.height > m.width else m.field_columns - 1,
        title_px=up(m.title_px),
        body_px=up(m.body_px), small_px=up(m.small_px), tile_title_px=up(m.tile_title_px),
        tile_sub_px=up(m.tile_sub_px), badge_px=up(m.badge_px),
        nav_height=up(m.nav_height), key_height=up(m.key_height))


def style_sheet(m: Metrics) -> str:
    """The one style sheet of the kiosk window for these metrics."""
    return LABEL_ROOM_QSS + f"""
QWidget#kioskRoot {{ background: {PAPER}; }}
QWidget {{ font-family: '{FONT_FAMILY}'; color: {INK}; font-size: {m.body_px}px; }}
QLabel#centreName {{ color: white; font-size: {m.header_px}px; font-weight: bold; }}
QLabel#centrePlace {{ color: #ffe08a; font-size: {m.header_px - 4}px; font-weight: bold; }}
QLabel#slogan {{ color: white; font-size: {m.header_px * 2 // 3}px; font-style: italic; }}
QLabel#clock {{ color: white; font-size: {m.small_px}px; }}
QWidget#header {{ background: {NAVY}; }}
QLabel#screenTitle {{ font-size: {m.title_px}px; font-weight: bold; color: {NAVY}; }}
QLabel#prompt {{ font-size: {m.body_px}px; font-weight: bold; }}
QLabel#more {{ font-size: {m.small_px}px; font-weight: bold; color: {NAVY}; }}
QScrollArea#fieldScroll, QScrollArea#fieldScroll > QWidget > QWidget {{ background: transparent; }}
QLabel#note {{ font-size: {m.small_px}px; color: {GREY}; }}
QLabel#staffNotice {{ font-size: {m.small_px - 4}px; color: {GREY}; }}
QLabel#banner {{ background: {RED}; color: white; font-size: {m.body_px}px;
                 font-weight: bold; padding: 18px; }}
QLabel#connecting {{ background: #fff4d6; color: {INK}; font-size: {m.body_px}px; padding: 18px; }}
QLabel#fault {{ background: {PALE_RED}; color: {RED}; border: 4px solid {RED};
                border-radius: 16px; font-size: {m.body_px}px; font-weight: bold;
                padding: 12px; }}
QLabel#warning {{ background: #fff4d6; color: #7a3e00; border: 3px solid {ORANGE};
                  border-radius: 14px; font-size: {m.body_px}px; font-weight: bold;
                  padding: 16px; }}
QLabel#error {{ background: {PALE_RED}; color: {RED}; border: 3px solid {RED};
                border-radius: 14px; font-size: {m.body_px - 2}px; padding: 16px; }}
QLabel#bigNumber {{ font-size: {m.number_px}px; font-weight: bold; color: {NAVY}; }}
QLabel#resultLine {{ font-size: {m.title_px}px; }}
QLabel#resultHeading {{ font-size: {m.title_px}px; font-weight: bold; color: {INK}; }}
QLabel#takeTicket {{ font-size: {m.title_px + 8}px; font-weight: bold; color: {GREEN}; }}
QLabel#summary {{ background: white; border: 2px solid #c7d2e3; border-radius: 14px;
                  padding: 20px; font-size: {m.body_px}px; }}
QFrame#docRow {{ background: white; border: 2px solid #c7d2e3; border-radius: 14px; }}
QLabel#docNumber {{ font-size: {m.body_px}px; font-weight: bold; color: {NAVY}; }}
QLabel#docText {{ font-size: {m.body_px}px; }}
QLabel#kindHand, QLabel#kindShow {{ font-size: {m.small_px}px; font-weight: bold;
    border-radius: 10px; padding: 6px 14px; color: white; }}
QLabel#kindHand {{ background: {BLUE}; }}
QLabel#kindShow {{ background: {GREEN}; }}
QLineEdit#search {{ font-size: {m.title_px}px; padding: 14px; border: 3px solid {BLUE};
                    border-radius: 12px; background: white; min-height: {m.key_height}px; }}

QAbstractButton[kind] {{ border-radius: 18px; }}
QAbstractButton[kind="field"], QAbstractButton[kind="item"] {{
    background: white; border: 3px solid {BLUE}; }}
QAbstractButton[kind="field"]:pressed, QAbstractButton[kind="item"]:pressed {{
    background: {PALE_BLUE}; }}
QAbstractButton[kind="field"]:disabled, QAbstractButton[kind="item"]:disabled {{
    background: #eceff3; border-color: #c3c8d0; }}
QAbstractButton[kind="priority"] {{ background: {ORANGE}; border: none; }}
QAbstractButton[kind="lookup"] {{ background: #0f766e; border: none; }}
QAbstractButton[kind="priority"]:disabled, QAbstractButton[kind="lookup"]:disabled {{
    background: #b7bcc4; }}
QLabel#tileTitle {{ font-size: {m.tile_title_px}px; font-weight: bold; }}
QLabel#tileSub {{ font-size: {m.tile_sub_px}px; color: #374151; }}
QAbstractButton[kind="priority"] QLabel#tileTitle, QAbstractButton[kind="lookup"] QLabel#tileTitle,
QAbstractButton[kind="priority"] QLabel#tileSub, QAbstractButton[kind="lookup"] QLabel#tileSub {{
    color: white; }}
QLabel#tileSide {{ font-size: {m.tile_sub_px}px; color: {NAVY}; font-weight: bold; }}
QLabel#tileBadge {{ font-size: {m.badge_px}px; font-weight: bold; color: white;
                    background: {BLUE}; border-radius: 14px; }}
QLabel:disabled, QLabel#tileSub:disabled {{ color: #9aa1ab; }}
QLabel#tileBadge:disabled {{ background: #b7bcc4; color: white; }}

QPushButton {{ min-height: {m.nav_height}px; border-radius: 16px; padding: 0 28px;
               font-size: {m.body_px}px; font-weight: bold; background: white;
               border: 3px solid {BLUE}; color: {NAVY}; }}
QPushButton:pressed {{ background: {PALE_BLUE}; }}
QPushButton:disabled {{ color: #9aa1ab; border-color: #c3c8d0; background: #eceff3; }}
QPushButton[role="primary"] {{ background: {GREEN}; color: white; border: none;
                               min-height: {m.big_button_height}px;
                               font-size: {m.title_px}px; }}
QPushButton[role="primary"]:pressed {{ background: #14652e; }}
QPushButton[role="primary"]:disabled {{ background: #b7bcc4; color: white; }}
QPushButton[role="lang"] {{ background: white; color: {NAVY}; border: 3px solid white; }}
QPushButton[role="key"] {{ min-height: {m.key_height}px; padding: 0; font-size: {m.title_px}px;
                           font-weight: normal; border-width: 2px; }}
QScrollBar:vertical {{ width: 34px; background: #e5e7eb; }}
QScrollBar::handle:vertical {{ background: #9ca3af; border-radius: 10px; min-height: 80px; }}
QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical {{ height: 0; }}
QScrollBar::add-page:vertical, QScrollBar::sub-page:vertical {{ background: none; }}
"""


def font_uses() -> set[FontUse]:
    """Every (pixel size, weight) the kiosk draws text with, in every layout."""
    uses = {FontUse(30, False)}  # kiosk_font()'s default, the window's base font
    for metrics in METRICS.values():
        uses |= style_sheet_fonts(style_sheet(metrics))
        uses |= style_sheet_fonts(style_sheet(accessible_metrics(metrics)))
    return uses
