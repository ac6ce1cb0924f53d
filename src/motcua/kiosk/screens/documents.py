"""Documents checklist of a procedure: "Xin mang theo các giấy tờ sau", nộp / xuất trình.

Reached on the way to a number (then "Tiếp tục" goes to the confirm screen) or
from the lookup (then the primary button offers a number for this procedure).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QWidget

from motcua.core.centre.model import Document
from motcua.kiosk.model import Context
from motcua.kiosk.strings import pick, tr
from motcua.kiosk.theme import Metrics
from motcua.kiosk.widgets import NavBar, Screen, ScrollList, label, push


class DocumentRow(QFrame):
    """One paper to bring: its number, its description and whether it is handed in."""

    def __init__(self, index: int, doc: Document, lang: str) -> None:
        super().__init__()
        self.setObjectName("docRow")
        row = QHBoxLayout(self)
        row.setContentsMargins(20, 14, 20, 14)
        row.setSpacing(18)
        number = label(f"{index}.", "docNumber", wrap=False)
        number.setAlignment(Qt.AlignmentFlag.AlignTop)
        row.addWidget(number)
        self.text = label(pick("en" if lang == "en" else "vi", doc.vi, doc.en), "docText")
        row.addWidget(self.text, 1)
        handed_in = doc.kind == "nộp"
        self.kind = label(tr(f"documents.kind.{doc.kind}", "en" if lang == "en" else "vi"),
                          "kindHand" if handed_in else "kindShow", wrap=False,
                          align=Qt.AlignmentFlag.AlignCenter)
        row.addWidget(self.kind, 0, Qt.AlignmentFlag.AlignTop)


class DocumentsScreen(Screen):
    """The chosen procedure's documents, time limit and field."""

    name = "documents"
    next_clicked = Signal()

    def __init__(self, ctx: Context, nav: NavBar, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.title = self.add_title()
        self.field_line = label("", "note")
        self.outer.addWidget(self.field_line)
        self.prompt = label("", "prompt")
        self.outer.addWidget(self.prompt)
        self.list = ScrollList()
        self.outer.addWidget(self.list, 1)
        self.time_limit = label("", "summary")
        self.outer.addWidget(self.time_limit)
        self.legend = label("", "note")
        self.outer.addWidget(self.legend)
        self.next_button = push("", "primary", self.next_clicked.emit)
        self.next_button.setObjectName("documents-next")
        self.outer.addWidget(self.next_button)
        self.nav = nav
        self.outer.addWidget(nav)
        self.rows: list[DocumentRow] = []
        self._key: tuple[str, str] = ("", "")

    def apply_metrics(self, m: Metrics) -> None:
        super().apply_metrics(m)
        self.nav.place_primary(self.next_button, self, landscape=m.width > m.height)

    def refresh(self) -> None:
        ctx = self.ctx
        lang = ctx.lang
        self.nav.retranslate(lang)
        f, p = ctx.field(), ctx.procedure()
        if f is None or p is None:
            return
        self.title.setText(pick(lang, p.vi, p.en))
        self.field_line.setText(tr("documents.field", lang,
                                   field=f"{f.prefix} · {pick(lang, f.vi, f.en)}"))
        self.prompt.setText(tr("documents.prompt", lang))
        # Rebuilt only for another procedure or language: hub events arriving while
        # the citizen reads must not jump the list back to the top.
        key = (p.id, lang)
        if key != self._key:
            self._key = key
            self.list.clear()
            self.rows = [DocumentRow(i, d, lang) for i, d in enumerate(p.documents, 1)]
            for r in self.rows:
                self.list.add(r)
            if not self.rows:
                self.list.add(label(tr("documents.none", lang), "note"))
            self.list.to_top()
        limit = pick(lang, p.time_limit_vi, p.time_limit_en)
        text = (tr("documents.time_limit", lang, limit=limit) if limit
                else tr("documents.no_time_limit", lang))
        if p.fees_vi:  # from the portal's list (docs/catalogue.md); the portal writes Vietnamese
            text += "\n" + tr("documents.fees", lang, fees=p.fees_vi)
        self.time_limit.setText(text)
        self.legend.setText(tr("documents.legend", lang))
        if ctx.flow.from_lookup:
            self.next_button.setText(tr("documents.take", lang))
            self.next_button.setEnabled(ctx.state.can_take)
        else:
            self.next_button.setText(tr("nav.next", lang))
            self.next_button.setEnabled(True)
