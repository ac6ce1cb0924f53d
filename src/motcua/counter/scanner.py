"""USB barcode/QR scanners at the counter, and their virtual twin.

A receipt scanner in HID keyboard mode needs no driver and no code: it types the code
it read into whatever field has the focus and ends with Enter. The finish dialog's
dossier-number field therefore takes scans as it takes typing (Enter adds the number).

:class:`KeyboardScannerTwin` is the test twin: it sends the same key press/release
events, one character at a time, followed by Return, to a widget — exactly what Qt
receives from a real scanner.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

__all__ = ["KeyboardScannerTwin"]

_KEYS = {".": Qt.Key.Key_Period, "-": Qt.Key.Key_Minus, "/": Qt.Key.Key_Slash,
         " ": Qt.Key.Key_Space}


class KeyboardScannerTwin:
    """Types a scanned code into a widget like a HID scanner (code, then Enter)."""

    def __init__(self, suffix: Qt.Key = Qt.Key.Key_Return) -> None:
        self.suffix = suffix

    @staticmethod
    def _key(ch: str) -> int:
        if ch in _KEYS:
            return int(_KEYS[ch].value)
        if ch.isascii() and ch.isalnum():
            return ord(ch.upper())
        return int(Qt.Key.Key_unknown.value)

    def _press(self, target: QWidget, key: int, text: str) -> None:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(target, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier,
                                                     text))

    def scan(self, code: str, target: QWidget | None = None) -> None:
        """Type ``code`` and the suffix key into ``target`` (default: the focus widget)."""
        widget = target or QApplication.focusWidget()
        if widget is None:
            raise RuntimeError("no widget has the keyboard focus to receive the scan")
        for ch in code:
            self._press(widget, self._key(ch), ch)
        self._press(widget, int(self.suffix.value), "\r")
