"""Procedures of the chosen field (optional): pick one, or "Không chọn thủ tục cụ thể"."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from motcua.kiosk.model import Context
from motcua.kiosk.strings import pick, tr
from motcua.kiosk.theme import Metrics
from motcua.kiosk.widgets import NavBar, Screen, ScrollList, Tile, label


class ProceduresScreen(Screen):
    """The field's procedures in the centre's order, and a "no specific one" tile first.

    ``procedure_chosen`` carries the procedure id, or "" for no specific procedure.
    """

    name = "procedures"
    procedure_chosen = Signal(str)

    def __init__(self, ctx: Context, nav: NavBar, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.title = self.add_title()
        self.prompt = label("", "prompt")
        self.outer.addWidget(self.prompt)
        self.list = ScrollList()
        self.outer.addWidget(self.list, 1)
        self.nav = nav
        self.outer.addWidget(nav)
        self.none_button = Tile("item", min_height=140)
        self.none_button.setObjectName("procedure-none")
        self.none_button.clicked.connect(lambda: self.procedure_chosen.emit(""))
        self.buttons: dict[str, Tile] = {}
        self._key: tuple[str, ...] = ()

    def apply_metrics(self, m: Metrics) -> None:
        super().apply_metrics(m)
        self.list.set_columns(2 if m.width > m.height else 1)

    def refresh(self) -> None:
        lang = self.ctx.lang
        f = self.ctx.field()
        self.nav.retranslate(lang)
        self.prompt.setText(tr("procedures.prompt", lang))
        if f is None:
            return
        self.title.setText(f"{f.prefix} · {pick(lang, f.vi, f.en)}")
        key = (f.code, *(p.id for p in f.procedures))
        if key != self._key:
            self._key = key
            if self.none_button in self.list.items:  # kept across fields, never deleted
                self.list.items.remove(self.none_button)
            self.list.clear()
            self.buttons = {}
            self.list.add(self.none_button)
            for p in f.procedures:
                tile = Tile("item", min_height=140)
                tile.setObjectName(f"procedure-{p.id}")
                tile.clicked.connect(lambda _=False, pid=p.id: self.procedure_chosen.emit(pid))
                self.buttons[p.id] = tile
                self.list.add(tile)
            self.list.to_top()
        self.none_button.set_texts(tr("procedures.none", lang), tr("procedures.none_sub", lang))
        for p in f.procedures:
            sub = tr("procedures.documents", lang, n=len(p.documents))
            self.buttons[p.id].set_texts(pick(lang, p.vi, p.en), sub)
