"""The citizen's satisfaction rating button box (hộp đánh giá) on a serial line.

A rating box sends either an MC frame per press (device type ``R``, the counter number
as address, the level key ``"1"``..``"5"``) or, for cheap boxes, a single ASCII byte
``"1"``..``"5"`` per press (``protocol="simple"``); see ``docs/devices.md``.
:class:`RatingBox` calls ``on_level(key)`` once per real press with that key; the caller
maps it to the centre's configured scale with :func:`level_for_key`
(:attr:`motcua.core.centre.model.RatingLevel.key`) and sends the rating to the hub.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Sequence
from typing import Literal, Unpack

from motcua.core.centre.model import RatingLevel
from motcua.serialio.buttons import ButtonDevice, ReaderOptions, check_counter
from motcua.serialio.frames import (
    AddressCoding,
    DeviceStatus,
    Frame,
    FrameDecoder,
    MCFrameDecoder,
    SingleByteDecoder,
)

__all__ = [
    "RATING_DEVICE_TYPE",
    "RATING_KEYS",
    "RatingBox",
    "RatingProtocol",
    "level_for_key",
]

log = logging.getLogger(__name__)

RATING_DEVICE_TYPE = "R"
"""Device-type byte of rating-box frames."""

RATING_KEYS = "12345"
"""Level keys a box sends by default: "1" (first button) .. "5"."""

RatingProtocol = Literal["mc", "simple"]


def level_for_key(scale: Sequence[RatingLevel], key: str) -> RatingLevel | None:
    """The level of ``scale`` whose ``key`` is ``key``, or ``None`` if no button has it."""
    return next((level for level in scale if level.key == key), None)


class RatingBox(ButtonDevice):
    """A rating button box for one counter.

    ``on_level(key)`` is called on the reader thread once per accepted press, with the
    one-character key the box sent (``"1"``..``"5"``); a button held down counts once.
    ``keys`` limits the accepted keys (pass ``[lvl.key for lvl in centre.rating_scale]`` for
    a 3- or 4-button scale); other keys are ignored and counted as unknown.
    ``on_status(status, message)`` reports connected / disconnected / closed; after an
    unplug the box is re-opened by itself.

    ``protocol="mc"`` (default) reads MC frames and ignores frames for other counters;
    ``protocol="simple"`` reads one byte per press (no address: one box per port).
    ``decoder`` replaces both with a custom :class:`~motcua.serialio.frames.FrameDecoder`.
    Reader ``options`` (:class:`~motcua.serialio.buttons.ReaderOptions`: ``baudrate`` 9600,
    ``debounce_s`` 0.3, ``retry_initial`` 0.5, ``retry_max`` 4.0, ``clock``, ``opener``) go to
    the serial reader.
    Nothing is read until :meth:`start` (or ``with``).
    """

    def __init__(
        self,
        port: str,
        counter: int,
        on_level: Callable[[str], None],
        on_status: Callable[[DeviceStatus, str], None] | None = None,
        *,
        keys: Collection[str] = RATING_KEYS,
        protocol: RatingProtocol = "mc",
        address_coding: AddressCoding = "ascii",
        decoder: FrameDecoder | None = None,
        **options: Unpack[ReaderOptions],
    ) -> None:
        check_counter(counter)
        if protocol not in ("mc", "simple"):
            raise ValueError(f"protocol must be 'mc' or 'simple', got {protocol!r}")
        self.counter = counter
        self.keys = frozenset(keys)
        bad = sorted(k for k in self.keys if len(k) != 1 or not 0x20 < ord(k) < 0x7F)
        if bad:
            raise ValueError(
                f"Mỗi phím đánh giá phải là một ký tự ASCII / each rating key must be one "
                f"printable ASCII character, got {bad}"
            )
        self.on_level = on_level
        if decoder is None:
            if protocol == "simple":
                decoder = SingleByteDecoder(self.keys)
            else:
                decoder = MCFrameDecoder(
                    device_type=RATING_DEVICE_TYPE,
                    address=counter,
                    keys=self.keys,
                    address_coding=address_coding,
                )
        label = (f"hộp đánh giá quầy {counter}", f"rating box, counter {counter}")
        self._attach(port, decoder, on_status, label, **options)

    def _on_frame(self, frame: Frame) -> None:
        if frame.key not in self.keys:
            self._count_unknown_key()
            log.info("Rating box of counter %d: unknown key %r ignored", self.counter, frame.key)
            return
        log.debug("Rating box of counter %d: key %r", self.counter, frame.key)
        self.on_level(frame.key)
