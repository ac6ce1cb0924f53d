"""Confirm: what the citizen chose, how many wait ahead, and the one "LẤY SỐ" button.

The button is disabled while the request is on its way (a second tap does nothing),
while the hub is unreachable and while the printer cannot print. A refusal or a
failure is shown here in words.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from motcua.kiosk.model import Context, ahead_for, failure_text
from motcua.kiosk.strings import estimate_warning, pick, tr
from motcua.kiosk.theme import Metrics
from motcua.kiosk.widgets import NavBar, Screen, label, push


class ConfirmScreen(Screen):
    name = "confirm"
    take_clicked = Signal()

    def __init__(self, ctx: Context, nav: NavBar, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.title = self.add_title()
        self.summary = label("", "summary")
        self.outer.addWidget(self.summary)
        self.ahead = label("", "resultLine")
        self.outer.addWidget(self.ahead)
        self.warning = label("", "warning")
        self.warning.hide()
        self.outer.addWidget(self.warning)
        self.error = label("", "error")
        self.error.setObjectName("error")
        self.error.hide()
        self.outer.addWidget(self.error)
        self.outer.addStretch(1)
        self.take_button = push("", "primary", self.take_clicked.emit)
        self.take_button.setObjectName("take")
        self.outer.addWidget(self.take_button)
        self.nav = nav
        self.outer.addWidget(nav)

    def apply_metrics(self, m: Metrics) -> None:
        super().apply_metrics(m)
        self.nav.place_primary(self.take_button, self, landscape=m.width > m.height)

    def refresh(self) -> None:
        ctx = self.ctx
        lang = ctx.lang
        flow = ctx.flow
        self.title.setText(tr("confirm.title", lang))
        self.nav.retranslate(lang)
        f = ctx.field()
        if f is None or ctx.view is None:
            return
        p = ctx.procedure()
        lines = [f"{tr('confirm.field', lang)}: {f.prefix} · {pick(lang, f.vi, f.en)}",
                 f"{tr('confirm.procedure', lang)}: "
                 + (pick(lang, p.vi, p.en) if p is not None else tr("procedures.none", lang)),
                 f"{tr('confirm.priority', lang)}: "
                 + (ctx.priority_label() or tr("confirm.no_priority", lang))]
        self.summary.setText("\n".join(lines))
        self.ahead.setText(tr("confirm.ahead", lang,
                              n=ahead_for(ctx.view, f.code, flow.priority)))
        estimate = flow.estimate if flow.estimate is not None else {}
        warning = estimate_warning(estimate, lang)
        self.warning.setText(warning)
        self.warning.setVisible(bool(warning))
        error = failure_text(flow.failure, lang) if flow.failure is not None else ""
        self.error.setText(error)
        self.error.setVisible(bool(error))
        if flow.busy:
            self.take_button.setText(tr("confirm.busy", lang))
        elif flow.request_id is not None and flow.failure is not None:
            self.take_button.setText(tr("confirm.retry", lang))  # same request id
        else:
            self.take_button.setText(tr("confirm.take", lang))
        self.take_button.setEnabled(ctx.state.can_take and not flow.busy)
        if self.nav.back is not None:
            self.nav.back.setEnabled(not flow.busy)
        self.nav.home.setEnabled(not flow.busy)
