"""Home: the fields as big tiles with how many wait for each, priority path, lookup."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QScrollArea,
    QSizePolicy,
    QWidget,
)

from motcua.core.centre.model import Centre
from motcua.kiosk.access import AccessRow
from motcua.kiosk.model import Context, cap_reached, closed_today, hours_today
from motcua.kiosk.strings import pick, tr
from motcua.kiosk.theme import Metrics, kiosk_font
from motcua.kiosk.widgets import Screen, Tile, clear_layout, grid_columns, label
from motcua.qt.fonts import MARK_ROOM_PX


class FieldGrid(QWidget):
    """One tile per field of the centre: prefix badge, name, waiting count.

    Tiles are rebuilt only when the centre's fields change (a new snapshot after an
    edit at the hub); events only update the counts.
    """

    chosen = Signal(str)

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(16)
        self.tiles: dict[str, Tile] = {}
        self._fields_key: tuple[tuple[str, str, str], ...] = ()
        self._columns = 2
        self._badge_px = 70
        self._title_px = 0
        self._tile_height = 120

    def apply_metrics(self, m: Metrics) -> None:
        self._columns = m.field_columns if len(self.tiles) > 4 else 1
        self._badge_px = m.badge_px + 30
        self._title_px = m.tile_title_px
        # A tile is never lower than two lines of title and one of subtitle (with room
        # for stacked marks): when the fields do not fit, the list scrolls instead.
        title = QFontMetrics(kiosk_font(m.tile_title_px, bold=True)).height()
        sub = QFontMetrics(kiosk_font(m.tile_sub_px)).height()
        self._tile_height = max(120, 2 * 16 + 2 * title + 6 + sub + 4 * MARK_ROOM_PX)
        for tile in self.tiles.values():
            tile.set_badge_size(self._badge_px)
            tile.set_title_px(self._title_px)
            tile.setMinimumHeight(self._tile_height)
        grid_columns(self.grid, list(self.tiles.values()), self._columns)

    def _rebuild(self, centre: Centre) -> None:
        clear_layout(self.grid)
        self.tiles = {}
        for f in centre.fields:
            tile = Tile("field", badge=f.prefix, min_height=self._tile_height)
            tile.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            tile.set_badge_size(self._badge_px)
            tile.set_title_px(self._title_px)
            tile.setObjectName(f"field-{f.code}")
            tile.clicked.connect(lambda _=False, code=f.code: self.chosen.emit(code))
            self.tiles[f.code] = tile
        grid_columns(self.grid, list(self.tiles.values()), self._columns)

    def refresh(self, enabled: bool) -> None:
        """Texts, counts and enabled state from the context's view."""
        view = self.ctx.view
        if view is None:
            return
        key = tuple((f.code, f.prefix, f.vi) for f in view.centre.fields)
        if key != self._fields_key:
            self._fields_key = key
            self._rebuild(view.centre)
        lang = self.ctx.lang
        for f in view.centre.fields:
            tile = self.tiles[f.code]
            full = cap_reached(view, f)
            sub = (tr("home.cap_reached", lang) if full
                   else tr("home.waiting", lang, n=view.waiting(f.code)))
            tile.set_texts(pick(lang, f.vi, f.en), sub)
            tile.setEnabled(enabled and not full)


class HomeScreen(Screen):
    """The screen a citizen sees first and that every idle screen returns to."""

    name = "home"
    field_chosen = Signal(str)
    priority_clicked = Signal()
    lookup_clicked = Signal()
    booking_clicked = Signal()

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.prompt = label("", "prompt", align=Qt.AlignmentFlag.AlignCenter)
        self.outer.addWidget(self.prompt)
        self.cannot_take = label("", "fault", align=Qt.AlignmentFlag.AlignCenter)
        self.cannot_take.hide()
        self.outer.addWidget(self.cannot_take)
        self.card_note = label("", "prompt", align=Qt.AlignmentFlag.AlignCenter)
        self.card_note.setObjectName("cardNote")
        self.card_note.hide()
        self.outer.addWidget(self.card_note)
        self.fields = FieldGrid(ctx)
        self.fields.chosen.connect(self.field_chosen)
        self.field_buttons = self.fields.tiles
        # More fields than the screen holds (or large text): the list scrolls, with its
        # scroll bar always in sight and a line saying there is more below.
        self.field_scroll = QScrollArea()
        self.field_scroll.setObjectName("fieldScroll")
        self.field_scroll.setWidget(self.fields)
        self.field_scroll.setWidgetResizable(True)
        self.field_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.field_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.outer.addWidget(self.field_scroll, 1)
        self.more = label("", "more", align=Qt.AlignmentFlag.AlignCenter)
        self.more.hide()
        self.outer.addWidget(self.more)
        bar = self.field_scroll.verticalScrollBar()
        bar.rangeChanged.connect(lambda *_: self._update_more())
        bar.valueChanged.connect(lambda *_: self._update_more())
        row = QHBoxLayout()
        row.setSpacing(16)
        self.priority_button = Tile("priority", min_height=130)
        self.priority_button.setObjectName("priority")
        self.priority_button.clicked.connect(self.priority_clicked)
        self.lookup_button = Tile("lookup", min_height=130)
        self.lookup_button.setObjectName("lookup")
        self.lookup_button.clicked.connect(self.lookup_clicked)
        self.booking_button = Tile("lookup", min_height=130)
        self.booking_button.setObjectName("booking")
        self.booking_button.clicked.connect(self.booking_clicked)
        row.addWidget(self.priority_button, 1)
        row.addWidget(self.booking_button, 1)
        row.addWidget(self.lookup_button, 1)
        self.outer.addLayout(row)
        self.access = AccessRow()
        self.outer.addWidget(self.access)
        self.hours = label("", "note", align=Qt.AlignmentFlag.AlignCenter)
        self.outer.addWidget(self.hours)

    def apply_metrics(self, m: Metrics) -> None:
        super().apply_metrics(m)
        self.fields.apply_metrics(m)

    def _update_more(self) -> None:
        bar = self.field_scroll.verticalScrollBar()
        self.more.setText(tr("home.more_fields", self.ctx.lang))
        self.more.setVisible(bar.maximum() > 0 and bar.value() < bar.maximum())

    @property
    def scrolls(self) -> bool:
        """True when the field list is taller than its place (it shows a scroll bar)."""
        return self.field_scroll.verticalScrollBar().maximum() > 0

    def refresh(self) -> None:
        ctx = self.ctx
        lang = ctx.lang
        # A closed day (Sunday, Tết, a day off) says so up front, with the next opening.
        # Judged by the hub's clock (the hub is the one that refuses), never in a demo.
        view = ctx.view
        hub_now = view.hub_time() if view is not None and not view.open_all_hours else None
        closed = closed_today(view.centre, hub_now, lang) if view and hub_now else ""
        can_take = ctx.state.can_take and not closed
        self._update_more()
        self.prompt.setText(tr("home.prompt", lang))
        self.cannot_take.setText(closed or tr("home.cannot_take", lang))
        problem = (ctx.view is not None and not can_take) or bool(closed)
        self.prompt.setVisible(not problem)
        self.cannot_take.setVisible(problem)
        self.fields.refresh(can_take)
        self.field_buttons = self.fields.tiles
        centre = ctx.centre
        groups = ""
        if centre is not None:
            groups = ", ".join(pick(lang, c.vi, c.en) for c in centre.priority_categories)
        self.priority_button.set_texts(tr("home.priority", lang), groups)
        self.priority_button.setEnabled(can_take and centre is not None
                                        and bool(centre.priority_categories))
        self.lookup_button.set_texts(tr("home.lookup", lang), tr("home.lookup_sub", lang))
        self.booking_button.set_texts(tr("home.booking", lang), tr("home.booking_sub", lang))
        self.booking_button.setEnabled(can_take)
        self.card_note.setText(ctx.card_note)
        self.card_note.setVisible(bool(ctx.card_note))
        self.lookup_button.setEnabled(centre is not None)
        self.hours.setText(hours_today(centre, hub_now or ctx.clock(), lang)
                           if centre is not None and not closed else "")
        self.access.refresh(lang, large=ctx.large, help_state=ctx.help_state)
