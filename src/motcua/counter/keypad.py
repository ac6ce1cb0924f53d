"""The officer's physical caller keypad (bàn phím gọi số) on a serial line.

A keypad sends one MC frame per key press (``docs/devices.md``): device type ``K``, the
counter number as address, and one key code from :data:`KEYPAD_CODES`. :class:`Keypad`
reads it on a background thread and calls ``on_action(KeypadAction)`` once per real press
(a held key counts once). What an action does (which hub command it becomes) is decided by
the counter program, not here.

Example::

    def on_action(action: KeypadAction) -> None: ...
    def on_status(status: DeviceStatus, message: str) -> None: ...

    with Keypad("/dev/ttyUSB0", counter=3, on_action=on_action, on_status=on_status):
        ...  # presses arrive on the reader thread until the block ends
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from typing import Unpack

from motcua.serialio.buttons import ButtonDevice, ReaderOptions, check_counter
from motcua.serialio.frames import (
    AddressCoding,
    DeviceStatus,
    Frame,
    FrameDecoder,
    MCFrameDecoder,
)

__all__ = ["KEYPAD_CODES", "KEYPAD_DEVICE_TYPE", "KEY_FOR_ACTION", "Keypad", "KeypadAction"]

log = logging.getLogger(__name__)

KEYPAD_DEVICE_TYPE = "K"
"""Device-type byte of keypad frames."""


class KeypadAction(enum.StrEnum):
    """What the officer asked for by pressing a key."""

    CALL_NEXT = "call_next"
    """Gọi số tiếp theo — call the next ticket."""
    RECALL = "recall"
    """Gọi lại — call the current ticket again."""
    NO_SHOW = "no_show"
    """Vắng mặt — the called citizen did not come."""
    START = "start"
    """Bắt đầu phục vụ — the citizen is at the counter, service starts."""
    FINISH = "finish"
    """Hoàn thành — service finished (the rating box opens for this ticket)."""
    HOLD = "hold"
    """Tạm giữ — set the ticket aside (e.g. a missing paper), serve the next."""
    TRANSFER = "transfer"
    """Chuyển quầy — send the ticket to another counter or field."""
    PAUSE_RESUME = "pause_resume"
    """Tạm nghỉ / tiếp tục — one key toggles the counter between paused and open."""
    FINISH_1 = "finish_1"
    """Hoàn thành với kết quả 1 — finish with the 1st outcome of the keypad's reduced set
    (``[dossier]`` outcomes that take no required dossier number; see docs/counter.md)."""
    FINISH_2 = "finish_2"
    FINISH_3 = "finish_3"
    FINISH_4 = "finish_4"


KEYPAD_CODES: dict[str, KeypadAction] = {
    "N": KeypadAction.CALL_NEXT,  # Next
    "R": KeypadAction.RECALL,  # Recall
    "A": KeypadAction.NO_SHOW,  # Absent
    "S": KeypadAction.START,  # Start
    "F": KeypadAction.FINISH,  # Finish
    "H": KeypadAction.HOLD,  # Hold
    "T": KeypadAction.TRANSFER,  # Transfer
    "P": KeypadAction.PAUSE_RESUME,  # Pause
    # keypads with digit keys: finish with an outcome of the reduced set
    "1": KeypadAction.FINISH_1,
    "2": KeypadAction.FINISH_2,
    "3": KeypadAction.FINISH_3,
    "4": KeypadAction.FINISH_4,
}
"""Key code (ASCII) -> action. Any other code is ignored and counted as unknown."""

KEY_FOR_ACTION: dict[KeypadAction, str] = {action: code for code, action in KEYPAD_CODES.items()}
"""Action -> key code, for the virtual keypad and for tests."""


class Keypad(ButtonDevice):
    """A caller keypad for one counter.

    ``on_action(action)`` is called on the reader thread once per accepted press;
    ``on_status(status, message)`` whenever the keypad connects, disconnects (unplugged,
    read error: it then re-opens the port by itself) or is closed. Frames for another
    counter or from a rating box on the same line are ignored and counted.

    ``decoder`` replaces the MC decoder for keypads with another wire format (it must
    yield :class:`~motcua.serialio.frames.Frame` objects whose ``key`` is a code in
    :data:`KEYPAD_CODES`). Reader ``options`` (:class:`~motcua.serialio.buttons.ReaderOptions`:
    ``baudrate`` 9600, ``debounce_s`` 0.3, ``retry_initial`` 0.5, ``retry_max`` 4.0, ``clock``,
    ``opener``) go to the serial reader; ``clock`` drives the debounce window (inject one in
    tests). Nothing is read until :meth:`start` (or ``with``).
    """

    def __init__(
        self,
        port: str,
        counter: int,
        on_action: Callable[[KeypadAction], None],
        on_status: Callable[[DeviceStatus, str], None] | None = None,
        *,
        address_coding: AddressCoding = "ascii",
        decoder: FrameDecoder | None = None,
        **options: Unpack[ReaderOptions],
    ) -> None:
        self.counter = check_counter(counter)
        self.on_action = on_action
        if decoder is None:
            decoder = MCFrameDecoder(
                device_type=KEYPAD_DEVICE_TYPE,
                address=counter,
                keys=KEYPAD_CODES.keys(),
                address_coding=address_coding,
            )
        label = (f"bàn phím gọi số quầy {counter}", f"caller keypad, counter {counter}")
        self._attach(port, decoder, on_status, label, **options)

    def _on_frame(self, frame: Frame) -> None:
        action = KEYPAD_CODES.get(frame.key)
        if action is None:
            self._count_unknown_key()
            log.info("Keypad of counter %d: unknown key code %r ignored", self.counter, frame.key)
            return
        log.debug("Keypad of counter %d: %s", self.counter, action.value)
        self.on_action(action)
