""""Tôi đã đặt lịch / I have a booking": scan the booking's QR code or type its code.

A QR code read by the scanner (it types like a keyboard, ending with Enter) lands in the
code box and is sent at once; a typed code is sent with the big button. The hub verifies
the code (the province's signature on a QR works offline too) and answers with the ticket,
placed by the centre's booking policy, or with the reason in words.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLineEdit, QWidget

from motcua.kiosk.keyboard import OnScreenKeyboard
from motcua.kiosk.model import Context, failure_text
from motcua.kiosk.strings import tr
from motcua.kiosk.widgets import NavBar, Screen, Tile, label


class BookingScreen(Screen):
    name = "booking"
    submitted = Signal(str)

    def __init__(self, ctx: Context, nav: NavBar, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.title = self.add_title()
        self.hint = label("", "prompt")
        self.outer.addWidget(self.hint)
        self.code = QLineEdit()
        self.code.setObjectName("bookingCode")
        self.code.setMaxLength(600)  # a QR token is long; a typed code is 8 characters
        self.code.returnPressed.connect(self._submit)  # the scanner ends with Enter
        self.outer.addWidget(self.code)
        self.failure = label("", "fault", align=Qt.AlignmentFlag.AlignCenter)
        self.failure.hide()
        self.outer.addWidget(self.failure)
        self.keyboard = OnScreenKeyboard(self.code)
        self.outer.addWidget(self.keyboard)
        self.take_button = Tile("take", min_height=120)
        self.take_button.setObjectName("bookingTake")
        self.take_button.clicked.connect(self._submit)
        self.outer.addWidget(self.take_button)
        self.outer.addStretch(1)
        self.outer.addWidget(nav)
        self.nav = nav

    def reset(self) -> None:
        self.code.clear()

    def _submit(self) -> None:
        text = self.code.text().strip()
        if text and not self.ctx.flow.busy:
            self.submitted.emit(text)

    def refresh(self) -> None:
        lang = self.ctx.lang
        flow = self.ctx.flow
        self.title.setText(tr("booking.title", lang))
        self.hint.setText(tr("booking.hint", lang))
        self.code.setPlaceholderText(tr("booking.placeholder", lang))
        self.keyboard.retranslate(lang)
        self.take_button.set_texts(tr("booking.take", lang), "")
        self.take_button.setEnabled(self.ctx.state.can_take and not flow.busy)
        failure = flow.failure
        if failure is not None:
            self.failure.setText(failure_text(failure, lang))
        self.failure.setVisible(failure is not None)
        self.nav.retranslate(lang)
        self.code.setFocus()
