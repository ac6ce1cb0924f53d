"""Result: the number, big; people ahead; the wait estimate; "Xin mời nhận vé".

It returns home by itself after the centre's ``kiosk_idle_seconds`` (the window's
idle timer). If the printer reports that this ticket could not be printed, the
citizen is told to note the number and ask at the help desk.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QWidget

from motcua.kiosk.model import Context
from motcua.kiosk.strings import estimate_line, estimate_warning, pick, tr
from motcua.kiosk.widgets import Screen, label, push

CENTRE = Qt.AlignmentFlag.AlignCenter


class ResultScreen(Screen):
    name = "result"
    done_clicked = Signal()

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.outer.addStretch(1)
        self.heading = label("", "resultHeading", align=CENTRE)
        self.outer.addWidget(self.heading)
        self.number = label("", "bigNumber", wrap=False, align=CENTRE)
        self.number.setObjectName("bigNumber")
        self.outer.addWidget(self.number)
        self.field = label("", "resultLine", align=CENTRE)
        self.outer.addWidget(self.field)
        self.ahead = label("", "resultLine", align=CENTRE)
        self.outer.addWidget(self.ahead)
        self.estimate = label("", "resultLine", align=CENTRE)
        self.outer.addWidget(self.estimate)
        self.outer.addSpacing(20)
        self.take_ticket = label("", "takeTicket", align=CENTRE)
        self.outer.addWidget(self.take_ticket)
        self.print_failed = label("", "error", align=CENTRE)
        self.print_failed.hide()
        self.outer.addWidget(self.print_failed)
        self.outer.addStretch(1)
        self.auto_home = label("", "note", align=CENTRE)
        self.outer.addWidget(self.auto_home)
        self.done_button = push("", "", self.done_clicked.emit)
        self.done_button.setObjectName("done")
        self.outer.addWidget(self.done_button)

    def ticket(self) -> dict[str, Any]:
        result = self.ctx.flow.result or {}
        ticket: dict[str, Any] = result.get("ticket", {})
        return ticket

    def refresh(self) -> None:
        ctx = self.ctx
        lang = ctx.lang
        result = ctx.flow.result
        if result is None:
            return
        t = self.ticket()
        label_text = str(t.get("label", ""))
        ahead = int(t.get("ahead", 0))
        self.heading.setText(tr("result.title", lang))
        self.number.setText(label_text)
        field = pick(lang, str(result.get("field_vi", "")), str(result.get("field_en", "")))
        if t.get("priority"):
            field += f"  ·  {tr('confirm.priority', lang)}: {ctx.priority_label()}"
        self.field.setText(field)
        self.ahead.setText(tr("result.ahead", lang, n=ahead) if ahead > 0
                           else tr("result.nobody_ahead", lang))
        warning = estimate_warning(t, lang)
        self.estimate.setText(warning or estimate_line(t, lang))
        self.take_ticket.setText(tr("result.take_ticket", lang))
        failed = False
        if ctx.view is not None:
            known = ctx.view.state.tickets.get(str(t.get("id", "")))
            failed = known is not None and known.print_failed and not known.printed
        self.print_failed.setText(tr("result.print_failed", lang, label=label_text))
        self.print_failed.setVisible(failed)
        idle = ctx.centre.kiosk_idle_seconds if ctx.centre is not None else 20
        self.auto_home.setText(tr("result.auto_home", lang, n=max(1, round(idle))))
        self.done_button.setText(tr("result.done", lang))
