"""The serial rating box inside the tablet program: presses reach the GUI thread by signal.

When a counter has both a tablet and a button box, one program runs both and the box's
presses go through :meth:`motcua.rating.tablet.RatingTablet.press_key`, so a press on the box also
shows the thank-you screen, and only one hub connection is used for the device.
:class:`~motcua.rating.box.RatingBox` calls back on its reader thread; Qt widgets may only be
touched on the GUI thread, hence the queued signals here.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from motcua.rating.box import RatingBox, RatingProtocol
from motcua.rating.box_bridge import ALL_KEYS
from motcua.rating.tablet import RatingTablet
from motcua.serialio.frames import AddressCoding, DeviceStatus

__all__ = ["QtRatingBox", "connect_box"]

log = logging.getLogger(__name__)


class QtRatingBox(QObject):
    """Signals (delivered on the GUI thread): ``key_pressed(key)``,
    ``status_changed(status, detail_vi, detail_en)`` with status connected | disconnected."""

    key_pressed = Signal(str)
    status_changed = Signal(str, str, str)

    def __init__(self, port: str, counter: int, *, baudrate: int = 9600,
                 protocol: RatingProtocol = "mc", address_coding: AddressCoding = "ascii",
                 debounce_s: float = 0.3, retry_initial: float = 0.5, retry_max: float = 4.0,
                 clock: Callable[[], float] = time.monotonic,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.port = port
        self.counter = counter
        self.box = RatingBox(port, counter, self.key_pressed.emit, self._on_status,
                             keys=ALL_KEYS, protocol=protocol, baudrate=baudrate,
                             debounce_s=debounce_s, retry_initial=retry_initial,
                             retry_max=retry_max, address_coding=address_coding, clock=clock)

    def start(self) -> QtRatingBox:
        self.box.start()
        return self

    def close(self) -> None:
        self.box.close()

    def _on_status(self, status: DeviceStatus, message: str) -> None:
        n, port = self.counter, self.port
        if status is DeviceStatus.CONNECTED:
            self.status_changed.emit("connected", f"Hộp đánh giá quầy {n}: đã kết nối ({port})",
                                     f"Rating box of counter {n}: connected ({port})")
        elif status is DeviceStatus.DISCONNECTED:
            self.status_changed.emit(
                "disconnected", f"Hộp đánh giá quầy {n}: mất kết nối ({port})",
                f"Rating box of counter {n}: disconnected ({port})")
        # CLOSED: the program is stopping; the hub notices the device going offline.


def connect_box(box: QtRatingBox, tablet: RatingTablet) -> None:
    """Wire a box to a tablet: its presses and its status reports go through the tablet."""
    box.key_pressed.connect(tablet.press_key)
    box.status_changed.connect(tablet.report_box_status)
