"""Vietnamese letters, the font sizes a theme uses, and where a letter's ink falls.

The screens are checked as pictures: a lost or clipped tone mark is a bug. This module
gives the tests (and anyone checking a new theme) three things:

* :data:`VIETNAMESE_LETTERS` — every accented letter of the alphabet (12 vowels with and
  without their tones, and Đ/đ), lower and upper case: 134 letters;
* :func:`style_sheet_fonts` — the (pixel size, bold) pairs a Qt style sheet asks for, so a
  test takes the sizes from the theme itself instead of a list that drifts;
* :func:`render_strip` — many texts drawn in one picture the way a QLabel draws them in
  the line box it reserves (``QFontMetrics.height()``), for checking their ink.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter

BASE_VOWELS = "aăâeêioôơuưy"
TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
"""No tone, huyền, sắc, hỏi, ngã, nặng (combining marks; NFC composes them)."""


def _letters() -> tuple[str, ...]:
    lower: list[str] = []
    for vowel in BASE_VOWELS:
        for tone in TONES:
            letter = unicodedata.normalize("NFC", vowel + tone)
            if letter not in "aeiouy":  # the plain Latin vowels carry no mark
                lower.append(letter)
    lower.append("đ")
    return tuple(lower) + tuple(c.upper() for c in lower)


VIETNAMESE_LETTERS = _letters()
"""The 134 accented letters of Vietnamese (67 lower case, 67 upper case)."""


def one_mark_less(letter: str) -> str:
    """The letter without its outermost mark: Ế → Ê, Ê → E, Đ → D.

    Comparing a letter's ink with this one's shows whether the mark was drawn at all.
    """
    if letter in "đĐ":
        return "d" if letter == "đ" else "D"
    parts = unicodedata.normalize("NFD", letter)
    return unicodedata.normalize("NFC", parts[:-1])


@dataclass(frozen=True, order=True)
class FontUse:
    """One font size a screen uses."""

    px: int
    bold: bool


_RULE = re.compile(r"\{([^{}]*)\}")
_SIZE = re.compile(r"font-size:\s*(\d+(?:\.\d+)?)\s*(px|pt)")
_BOLD = re.compile(r"font-weight:\s*(bold|[6-9]00)")


def points_to_px(points: float, dpi: float = 96.0) -> int:
    """Pixel size of a point size on a screen of ``dpi`` (Qt's default logical dpi is 96)."""
    return max(1, round(points * dpi / 72))


def style_sheet_fonts(sheet: str) -> set[FontUse]:
    """Every (pixel size, weight) a style sheet's rules ask for."""
    found: set[FontUse] = set()
    for rule in _RULE.findall(sheet):
        size = _SIZE.search(rule)
        if size is None:
            continue
        value = float(size.group(1))
        px = round(value) if size.group(2) == "px" else points_to_px(value)
        found.add(FontUse(px, _BOLD.search(rule) is not None))
    return found


def line_box_height(font: QFont) -> int:
    """The height a one-line QLabel reserves for ``font`` (without margins)."""
    return QFontMetrics(font).height()


def render_strip(texts: tuple[str, ...] | list[str], font: QFont
                 ) -> tuple[QImage, list[tuple[int, int]], int]:
    """Draw each text in its own cell of one grey-scale strip, as a QLabel would (baseline
    at the ascent of its line box), with a line box's height spare above and below.

    Returns the image, each cell's (left, right) columns, and the row where the line box
    starts (row ``top`` … ``top + height - 1`` is inside the label). One paint for many
    letters keeps a check of every letter at every size fast.
    """
    metrics = QFontMetrics(font)
    line = metrics.height()
    cells: list[tuple[int, int]] = []
    x = line
    for text in texts:
        width = metrics.horizontalAdvance(text) + line
        cells.append((x, x + width))
        x += width + line
    image = QImage(max(1, x), 3 * line, QImage.Format.Format_Grayscale8)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setFont(font)
    painter.setPen(QColor("black"))
    for text, (left, _right) in zip(texts, cells, strict=True):
        painter.drawText(QPoint(left + line // 2, line + metrics.ascent()), text)
    painter.end()
    return image, cells, line



def make_font(family: str, use: FontUse) -> QFont:
    font = QFont(family)
    font.setPixelSize(use.px)
    font.setBold(use.bold)
    font.setHintingPreference(QFont.HintingPreference.PreferDefaultHinting)
    return font


__all__ = [
    "BASE_VOWELS",
    "TONES",
    "VIETNAMESE_LETTERS",
    "FontUse",
    "line_box_height",
    "make_font",
    "one_mark_less",
    "points_to_px",
    "render_strip",
    "style_sheet_fonts",
]
