"""The priority path: choose a priority group, then a field (priority number)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from motcua.kiosk.model import Context
from motcua.kiosk.screens.home import FieldGrid
from motcua.kiosk.strings import pick, tr
from motcua.kiosk.theme import Metrics
from motcua.kiosk.widgets import NavBar, Screen, ScrollList, Tile, label


class PriorityScreen(Screen):
    """The centre's priority groups (elderly, pregnant, disability, merit...) as tiles."""

    name = "priority"
    category_chosen = Signal(str)

    def __init__(self, ctx: Context, nav: NavBar, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.title = self.add_title()
        self.prompt = label("", "prompt")
        self.outer.addWidget(self.prompt)
        self.list = ScrollList()
        self.outer.addWidget(self.list, 1)
        self.note = label("", "note")
        self.outer.addWidget(self.note)
        self.nav = nav
        self.outer.addWidget(nav)
        self.buttons: dict[str, Tile] = {}
        self._key: tuple[str, ...] = ()

    def apply_metrics(self, m: Metrics) -> None:
        super().apply_metrics(m)
        self.list.set_columns(2 if m.width > m.height else 1)

    def refresh(self) -> None:
        lang = self.ctx.lang
        self.title.setText(tr("priority.title", lang))
        self.prompt.setText(tr("priority.prompt", lang))
        self.note.setText(tr("priority.note", lang))
        self.nav.retranslate(lang)
        centre = self.ctx.centre
        if centre is None:
            return
        key = tuple(c.code for c in centre.priority_categories)
        if key != self._key:
            self._key = key
            self.list.clear()
            self.buttons = {}
            for c in centre.priority_categories:
                tile = Tile("item", min_height=150)
                tile.setObjectName(f"priority-{c.code}")
                tile.clicked.connect(lambda _=False, code=c.code: self.category_chosen.emit(code))
                self.buttons[c.code] = tile
                self.list.add(tile)
        for c in centre.priority_categories:
            self.buttons[c.code].set_texts(pick(lang, c.vi, c.en))
            self.buttons[c.code].setEnabled(self.ctx.state.can_take)


class PriorityFieldsScreen(Screen):
    """Choose the field for a priority number (the same tiles as on the home screen)."""

    name = "priority_fields"
    field_chosen = Signal(str)

    def __init__(self, ctx: Context, nav: NavBar, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.title = self.add_title()
        self.chosen = label("", "prompt")
        self.outer.addWidget(self.chosen)
        self.fields = FieldGrid(ctx)
        self.fields.chosen.connect(self.field_chosen)
        self.field_buttons = self.fields.tiles
        self.outer.addWidget(self.fields, 1)
        self.nav = nav
        self.outer.addWidget(nav)

    def apply_metrics(self, m: Metrics) -> None:
        super().apply_metrics(m)
        self.fields.apply_metrics(m)

    def refresh(self) -> None:
        lang = self.ctx.lang
        self.title.setText(tr("priority.fields_title", lang))
        self.chosen.setText(tr("priority.chosen", lang, category=self.ctx.priority_label()))
        self.nav.retranslate(lang)
        self.fields.refresh(self.ctx.state.can_take)
        self.field_buttons = self.fields.tiles
