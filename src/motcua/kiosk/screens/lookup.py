"""Procedure lookup without taking a number: type a few words, tap a procedure.

Search folds diacritics on both sides (:func:`motcua.kiosk.model.search_procedures`), so
the on-screen keyboard has no tone keys; results are in Vietnamese collation order.
Works from the last snapshot even while the hub is unreachable.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QLineEdit, QVBoxLayout, QWidget

from motcua.core.text import nfc
from motcua.kiosk.keyboard import OnScreenKeyboard
from motcua.kiosk.model import Context, search_procedures
from motcua.kiosk.strings import Lang, pick, tr
from motcua.kiosk.theme import Metrics
from motcua.kiosk.widgets import NavBar, Screen, ScrollList, Tile, label


class LookupScreen(Screen):
    name = "lookup"
    procedure_chosen = Signal(str)

    def __init__(self, ctx: Context, nav: NavBar, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.title = self.add_title()
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setClearButtonEnabled(False)
        self.search.textChanged.connect(self._filter)
        self.hint = label("", "note")
        self.count = label("", "note")
        self.nothing = label("", "note")
        self.list = ScrollList()
        self.keyboard = OnScreenKeyboard(self.search)
        self.input_panel = QWidget()
        box = QVBoxLayout(self.input_panel)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(12)
        box.addWidget(self.search)
        box.addWidget(self.hint)
        self.results_panel = QWidget()
        rbox = QVBoxLayout(self.results_panel)
        rbox.setContentsMargins(0, 0, 0, 0)
        rbox.addWidget(self.count)
        rbox.addWidget(self.nothing)
        rbox.addWidget(self.list, 1)
        self.body = QGridLayout()
        self.body.setSpacing(20)
        self.outer.addLayout(self.body, 1)
        self.nav = nav
        self.buttons: dict[str, Tile] = {}
        self.order: list[str] = []
        """Procedure ids in display order (Vietnamese collation of their names)."""
        self._key: tuple[object, ...] = ()
        self._place("portrait")

    def _place(self, orientation: str) -> None:
        for w in (self.input_panel, self.results_panel, self.keyboard, self.nav):
            self.body.removeWidget(w)
        if orientation == "landscape":
            # Results and the nav bar on the left, search box and keyboard on the right.
            self.body.addWidget(self.results_panel, 0, 0, 2, 1)
            self.body.addWidget(self.nav, 2, 0)
            self.body.addWidget(self.input_panel, 0, 1)
            self.body.addWidget(self.keyboard, 1, 1, 2, 1)
            self.body.setColumnStretch(1, 1)
        else:
            self.body.addWidget(self.input_panel, 0, 0)
            self.body.addWidget(self.results_panel, 1, 0)
            self.body.addWidget(self.keyboard, 2, 0)
            self.body.addWidget(self.nav, 3, 0)
            self.body.setColumnStretch(1, 0)
        self.body.setRowStretch(0, 0)
        self.body.setRowStretch(1, 1)
        self.body.setRowStretch(2, 0)
        self.body.setColumnStretch(0, 1)

    def apply_metrics(self, m: Metrics) -> None:
        super().apply_metrics(m)
        self._place("landscape" if m.width > m.height else "portrait")

    def reset(self) -> None:
        """Empty search (a new citizen)."""
        self.search.clear()
        self.list.to_top()

    def refresh(self) -> None:
        ctx = self.ctx
        lang = ctx.lang
        self.title.setText(tr("lookup.title", lang))
        self.search.setPlaceholderText(tr("lookup.placeholder", lang))
        self.hint.setText(tr("lookup.hint", lang))
        self.keyboard.retranslate(lang)
        self.nav.retranslate(lang)
        centre = ctx.centre
        if centre is None:
            return
        key = (lang, tuple((p.id, p.vi) for f in centre.fields for p in f.procedures))
        if key != self._key:
            self._key = key
            self._rebuild(lang)
        self._filter()

    def _rebuild(self, lang: Lang) -> None:
        centre = self.ctx.centre
        assert centre is not None
        self.list.clear()
        self.buttons = {}
        self.order = []
        for hit in search_procedures(centre, "", lang):
            p, f = hit.procedure, hit.field
            tile = Tile("item", min_height=100)
            tile.setObjectName(f"lookup-{p.id}")
            tile.set_texts(pick(lang, p.vi, p.en), f"{f.prefix} · {pick(lang, f.vi, f.en)}")
            tile.clicked.connect(lambda _=False, pid=p.id: self.procedure_chosen.emit(pid))
            self.buttons[p.id] = tile
            self.order.append(p.id)
            self.list.add(tile)

    def visible_ids(self) -> list[str]:
        """Ids of the procedures now listed, in display order."""
        return [pid for pid in self.order if not self.buttons[pid].isHidden()]

    def _filter(self) -> None:
        centre = self.ctx.centre
        if centre is None:
            return
        lang = self.ctx.lang
        found = {h.procedure.id for h in search_procedures(centre, nfc(self.search.text()),
                                                           lang)}
        for pid, tile in self.buttons.items():
            tile.setHidden(pid not in found)
        self.count.setText(tr("lookup.count", lang, n=len(found)))
        self.nothing.setText(tr("lookup.nothing", lang))
        self.nothing.setVisible(not found)
        self.list.to_top()
