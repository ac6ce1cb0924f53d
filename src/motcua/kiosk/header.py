"""The band at the top of every screen: centre name, place, slogan, date, language toggle."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from motcua.kiosk.model import Context
from motcua.kiosk.strings import WEEKDAYS, tr
from motcua.kiosk.theme import Metrics
from motcua.kiosk.widgets import label, push


def date_line(now: datetime, timezone: str, lang: str) -> str:
    """"Thứ Hai, 24/11/2025 · 09:00" in the centre's time zone (dd/mm/yyyy, 24 h)."""
    local = now.astimezone(ZoneInfo(timezone))
    day = WEEKDAYS[local.isoweekday()][1 if lang == "en" else 0]
    return f"{day}, {local:%d/%m/%Y} · {local:%H:%M}"


class CentreHeader(QWidget):
    """Shown above every screen so the citizen always knows where they are."""

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("header")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        row = QHBoxLayout(self)
        self.row = row
        names = QVBoxLayout()
        names.setSpacing(4)
        self.name = label("", "centreName")
        self.place = label("", "centrePlace")
        self.slogan = label("", "slogan")
        for w in (self.name, self.place, self.slogan):
            names.addWidget(w)
        row.addLayout(names, 1)
        side = QVBoxLayout()
        side.setSpacing(12)
        self.clock = label("", "clock", wrap=False, align=Qt.AlignmentFlag.AlignRight)
        self.lang_button = push("", "lang")
        self.lang_button.setObjectName("lang")
        side.addWidget(self.clock)
        side.addWidget(self.lang_button)
        side.addStretch(1)
        row.addLayout(side)

    def apply_metrics(self, m: Metrics) -> None:
        pad = m.margin * 2 // 3 if m.height > m.width else m.margin // 2
        self.row.setContentsMargins(m.margin, pad, m.margin, pad)
        self.lang_button.setMinimumWidth(240)

    def refresh(self) -> None:
        ctx = self.ctx
        lang = ctx.lang
        centre = ctx.centre
        self.lang_button.setText(tr("home.lang_other", lang))
        if centre is None:
            self.name.setText("motcua")
            self.place.setText(tr("home.connecting", lang))
            self.slogan.setText("")
            self.clock.setText("")
            return
        if lang == "en" and centre.name_en:
            self.name.setText(centre.name_en)
            self.place.hide()
        else:
            self.name.setText(centre.name_vi)
            self.place.setText(centre.place_vi)
            self.place.show()
        # The slogan is the centres' brand line; it stays in Vietnamese.
        self.slogan.setText(centre.slogan_vi)
        self.slogan.setVisible(bool(centre.slogan_vi))
        self.clock.setText(date_line(ctx.clock(), centre.timezone, lang))
