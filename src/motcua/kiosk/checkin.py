"""What the kiosk's 2D scanner reads: a booking's QR code or the chip ID card's QR code.

The scanner is a USB barcode reader in keyboard mode: it "types" what it read and ends
with Enter. A kiosk has no physical keyboard (citizens use the on-screen one, which sends
no key events), so key events that arrive while no text box has the focus are the
scanner's; :class:`ScanCatcher` collects them into one scan. In the booking screen's code
box the scanned text simply lands in the box.

* ``MCB1.…`` → a booking: the kiosk opens the booking screen and sends it at once;
* an ID card → :func:`read_card`: what the kiosk keeps for this citizen is whether they
  have priority by age and the keyed hash of the ID number for the per-citizen cap (the
  centre's secret; docs/privacy.md). The name, address and dates are dropped here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit

from motcua.core.booking import TOKEN_PREFIX
from motcua.core.cccd import ELDERLY_AGE, citizen_key, parse_card

SCAN_GAP_S = 1.0
"""A pause longer than this starts a new scan (a scanner types a key every few ms; the
margin is for a kiosk busy drawing), so a half-read code never joins the next one."""
MIN_SCAN_LENGTH = 8


@dataclass(frozen=True)
class CardRead:
    """All the kiosk keeps of a scanned ID card, for one citizen's visit."""

    elderly: bool
    citizen: str | None
    """Keyed hash of the ID number; None when the kiosk has no centre secret."""
    age_threshold: int


def read_card(text: str, today: date, secret: bytes | None,
              age_threshold: int = ELDERLY_AGE) -> CardRead:
    """Parse a card's QR (:class:`CardError` in words if it is not one) and forget it."""
    card = parse_card(text, today=today)
    return CardRead(card.is_elderly(today, age_threshold),
                    citizen_key(card.id_number, secret) if secret else None, age_threshold)


def is_booking(text: str) -> bool:
    return text.strip().startswith(TOKEN_PREFIX + ".")


class ScanCatcher(QObject):
    """An application event filter that turns fast typing + Enter into ``on_scan(text)``."""

    def __init__(self, on_scan: Callable[[str], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.on_scan = on_scan
        self._buffer: list[str] = []
        self._last = 0.0

    def feed(self, key: int, text: str, now: float | None = None) -> bool:
        """One key; returns True when it ended a scan (the Enter is then consumed)."""
        now = time.monotonic() if now is None else now
        if now - self._last > SCAN_GAP_S:
            self._buffer = []
        self._last = now
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            scanned, self._buffer = "".join(self._buffer), []
            if len(scanned) >= MIN_SCAN_LENGTH:
                self.on_scan(scanned)
                return True
            return False
        if text and text.isprintable():
            self._buffer.append(text)
        return False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if isinstance(QApplication.focusWidget(), QLineEdit):
            return False  # a text box takes the scanner's text itself
        if event.isAutoRepeat():
            return False
        return self.feed(event.key(), event.text())
