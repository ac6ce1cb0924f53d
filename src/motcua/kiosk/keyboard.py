"""An on-screen keyboard for the lookup (a kiosk has no physical keyboard).

Only unaccented letters, digits and space: the lookup folds diacritics away
("khai sinh" finds "Đăng ký khai sinh"), so a citizen never has to compose
Vietnamese tones on a touch screen. Keys never take the focus, so the search box
keeps its cursor.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QGridLayout, QLineEdit, QPushButton, QWidget

from motcua.kiosk.strings import Lang, tr
from motcua.kiosk.widgets import push

ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")
BACKSPACE = "⌫"


class OnScreenKeyboard(QWidget):
    """Types into ``target``: letters, digits, space, backspace, clear."""

    def __init__(self, target: QLineEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.target = target
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(8)
        self.keys: dict[str, QPushButton] = {}
        # Each key spans 2 half-columns so rows can be offset by half a key, as on a
        # real keyboard (20 half-columns for the 10-key rows).
        for r, row in enumerate(ROWS):
            offset = (10 - len(row))
            for i, ch in enumerate(row):
                key = push(ch.upper() if ch.isalpha() else ch, "key", self._typer(ch))
                self.keys[ch] = key
                grid.addWidget(key, r, offset + 2 * i, 1, 2)
        back = push(BACKSPACE, "key", self.backspace)
        self.keys[BACKSPACE] = back
        grid.addWidget(back, 3, 17, 1, 3)
        last = len(ROWS)
        self.clear_key = push("", "key", self.clear)
        self.space_key = push("", "key", self._typer(" "))
        grid.addWidget(self.clear_key, last, 0, 1, 5)
        grid.addWidget(self.space_key, last, 5, 1, 15)
        for c in range(20):
            grid.setColumnStretch(c, 1)

    def retranslate(self, lang: Lang) -> None:
        self.clear_key.setText(tr("lookup.clear", lang))
        self.space_key.setText(tr("lookup.space", lang))

    def _typer(self, text: str) -> Callable[[], None]:
        def press() -> None:
            self.type(text)
        return press

    def type(self, text: str) -> None:
        self.target.insert(text)

    def backspace(self) -> None:
        self.target.backspace()

    def clear(self) -> None:
        self.target.clear()
