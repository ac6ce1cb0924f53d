"""Small widgets of the live view: fonts, colours, tiles, tables, the hourly bar chart."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from motcua.qt.fonts import LABEL_ROOM_QSS, bundled_family
from motcua.qt.typography import FontUse, points_to_px, style_sheet_fonts

NAVY, GREEN, ORANGE, RED, GREY, INK, PAPER = ("#0b3d91", "#1b7f3b", "#b45309", "#c62828",
                                              "#6b7280", "#111827", "#f5f7fb")
STYLE = LABEL_ROOM_QSS + f"""
QWidget#liveRoot {{ background: {PAPER}; color: {INK}; }}
QLabel#title {{ color: {NAVY}; font-weight: bold; }}
QLabel#clock {{ color: {NAVY}; }}
QLabel#banner {{ background: {RED}; color: white; font-weight: bold; padding: 8px; }}
QFrame#tile {{ background: white; border: 1px solid #d1d5db; border-radius: 8px; }}
QLabel#tileCaption {{ color: {GREY}; }}
QLabel#tileValue {{ color: {NAVY}; font-weight: bold; }}
QLabel#tileValueAlert {{ color: {RED}; font-weight: bold; }}
QLabel#tileSub {{ color: {GREY}; }}
QLabel#section {{ color: {NAVY}; font-weight: bold; }}
QTableWidget {{ background: white; gridline-color: #e5e7eb; }}
"""


def family() -> str:
    """The bundled Noto Sans (every Vietnamese diacritic on any office PC)."""
    return bundled_family()


FONT_POINTS: dict[str, tuple[float, bool]] = {
    "title": (16.0, True),
    "clock": (14.0, False),
    "banner": (13.0, True),
    "table": (13.0, False),
    "section": (12.0, True),
    "calls": (12.0, False),
    "tile_caption": (11.0, False),
    "tile_value": (26.0, True),
    "tile_sub": (10.0, False),
    "table_header": (10.0, True),
    "chip": (10.0, False),
    "chart": (9.0, False),
}
"""Every font of the live view, by role: (point size, bold). Tests render every Vietnamese
letter at each of these sizes, so add a role here rather than a literal size."""


def font_uses() -> set[FontUse]:
    """Every (pixel size, weight) the live view draws text with."""
    uses = {FontUse(points_to_px(pt), bold) for pt, bold in FONT_POINTS.values()}
    table_bold = {FontUse(points_to_px(FONT_POINTS["table"][0]), True)}  # bold cells
    return uses | table_bold | style_sheet_fonts(STYLE)


def font(role: str) -> QFont:
    """The font of a role in :data:`FONT_POINTS`."""
    points, bold = FONT_POINTS[role]
    f = QFont(family())
    f.setPointSizeF(points)
    f.setBold(bold)
    return f


def named_label(text: str, name: str) -> QLabel:
    """A label the style sheet finds by ``name``."""
    widget = QLabel(text)
    widget.setObjectName(name)
    return widget


class Tile(QFrame):
    """A big number with a caption and a line under it."""

    def __init__(self, caption: str) -> None:
        super().__init__()
        self.setObjectName("tile")
        box = QVBoxLayout(self)
        self.caption = named_label(caption, "tileCaption")
        self.value = named_label("–", "tileValue")
        self.sub = named_label("", "tileSub")
        self.caption.setFont(font("tile_caption"))
        self.value.setFont(font("tile_value"))
        self.sub.setFont(font("tile_sub"))
        for w in (self.caption, self.value, self.sub):
            box.addWidget(w)

    def show_value(self, value: str, sub: str, *, alert: bool = False) -> None:
        name = "tileValueAlert" if alert else "tileValue"
        if self.value.objectName() != name:
            self.value.setObjectName(name)
            self.value.setStyleSheet("")  # re-apply the sheet for the new name
        self.value.setText(value)
        self.sub.setText(sub)


def make_table(headers: list[str], stretch: int) -> QTableWidget:
    """A read-only table; column ``stretch`` takes the spare width, the others fit."""
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    t.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    t.setFont(font("table"))
    t.horizontalHeader().setFont(font("table_header"))
    t.verticalHeader().setDefaultSectionSize(34)
    header = t.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    t.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    return t


def set_cell(table: QTableWidget, row: int, col: int, text: str, *, fg: str | None = None,
         bg: str | None = None, bold: bool = False) -> None:
    item = table.item(row, col)
    if item is None:
        item = QTableWidgetItem()
        table.setItem(row, col, item)
    item.setText(text)
    item.setToolTip(text)  # a narrow column elides a long name: the full text on hover
    item.setForeground(QBrush(QColor(fg or INK)))
    item.setBackground(QBrush(QColor(bg)) if bg else QBrush())
    if item.font().bold() != bold:
        font = item.font()
        font.setBold(bold)
        item.setFont(font)


class HourChart(QWidget):
    """Bars of tickets issued per hour of the day (the peak hours at a glance)."""

    def __init__(self) -> None:
        super().__init__()
        self.bars: tuple[tuple[int, int], ...] = ()
        self.setMinimumHeight(96)

    def set_bars(self, bars: tuple[tuple[int, int], ...]) -> None:
        if bars != self.bars:
            self.bars = bars
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        counts = dict(self.bars)
        first = min([7, *counts])
        last = max([16, *counts])
        hours = list(range(first, last + 1))
        top = max([1, *counts.values()])
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setFont(font("chart"))
        w, h = self.width(), self.height()
        slot = w / len(hours)
        base = h - 20
        for i, hour in enumerate(hours):
            n = counts.get(hour, 0)
            bar = (base - 18) * n / top
            x = i * slot + slot * 0.15
            p.fillRect(QRectF(x, base - bar, slot * 0.7, bar), QColor(NAVY))
            p.setPen(QColor(INK))
            if n:
                p.drawText(QRectF(x - 10, base - bar - 17, slot * 0.7 + 20, 16),
                           Qt.AlignmentFlag.AlignCenter, str(n))
            p.setPen(QColor(GREY))
            p.drawText(QRectF(i * slot, base + 2, slot, 16), Qt.AlignmentFlag.AlignCenter,
                       f"{hour}h")
        p.end()


def fit_height(table: QTableWidget, *, min_rows: int | None = None) -> None:
    """As tall as its rows: the counters never hide one behind a scroll bar.

    ``min_rows``: on a low screen (a 1366×768 laptop) the table may shrink down to this
    many rows and scroll (its scroll bar shows there is more) instead of pushing the
    window taller than the screen.
    """
    rows = sum(table.rowHeight(r) for r in range(table.rowCount()))
    chrome = table.horizontalHeader().height() + 2 * table.frameWidth() + 2
    height = chrome + rows
    if min_rows is None:
        if table.height() != height or table.minimumHeight() != height:
            table.setFixedHeight(height)
        return
    shown = sum(table.rowHeight(r) for r in range(min(min_rows, table.rowCount())))
    table.setMinimumHeight(chrome + shown)
    table.setMaximumHeight(height)
