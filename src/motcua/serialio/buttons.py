"""What the caller keypad and the rating box share: a box of buttons for one counter.

:class:`ButtonDevice` wires a :class:`~motcua.serialio.frames.SerialDevice` reader to the
subclass's :meth:`~ButtonDevice._on_frame`, and gives both devices the same status, stats,
start / close and ``with`` behaviour. The subclasses (:class:`motcua.counter.keypad.Keypad`,
:class:`motcua.rating.box.RatingBox`) only choose the decoder and say what a press means.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Self, TypedDict, Unpack

from motcua.serialio.frames import Clock, DeviceStatus, Frame, FrameDecoder, SerialDevice

__all__ = ["ButtonDevice", "ReaderOptions", "check_counter"]


class ReaderOptions(TypedDict, total=False):
    """Reader settings a button device hands on to :class:`~motcua.serialio.frames.SerialDevice`
    unchanged (see there for their meaning). Left out, SerialDevice's defaults apply:
    9600 baud, 0.3 s debounce, retry after 0.5 s doubling up to 4 s, ``time.monotonic``."""

    baudrate: int
    debounce_s: float
    retry_initial: float
    retry_max: float
    clock: Clock
    opener: Callable[[], Any] | None


def check_counter(counter: int) -> int:
    """Return ``counter`` when it is a valid counter number (1..99), else raise ValueError."""
    if not 1 <= counter <= 99:
        raise ValueError(f"Số quầy phải từ 1 đến 99 / counter must be 1..99, got {counter}")
    return counter


class ButtonDevice:
    """Base of a serial button device for one counter.

    A subclass validates its own arguments, builds its decoder, then calls
    :meth:`_attach` (which creates :attr:`device`) and implements :meth:`_on_frame`,
    called on the reader thread once per accepted press. Nothing is read until
    :meth:`start` (or ``with``).
    """

    counter: int
    device: SerialDevice

    def _attach(
        self,
        port: str,
        decoder: FrameDecoder,
        on_status: Callable[[DeviceStatus, str], None] | None,
        label: tuple[str, str],
        **options: Unpack[ReaderOptions],
    ) -> None:
        """Create the reader for ``port``; ``label`` is the (Vietnamese, English) name."""
        self.device = SerialDevice(port, decoder, self._on_frame, on_status, label=label, **options)

    def _on_frame(self, frame: Frame) -> None:
        """Handle one accepted press (reader thread)."""
        raise NotImplementedError

    def _count_unknown_key(self) -> None:
        """Count a key the decoder let through but this device does not know."""
        # Only reachable with a custom decoder that does not filter key codes.
        self.device.decoder.stats.unknown_key += 1

    @property
    def status(self) -> DeviceStatus:
        return self.device.status

    @property
    def stats(self) -> dict[str, int]:
        """See :attr:`motcua.serialio.frames.SerialDevice.stats`."""
        return self.device.stats

    def start(self) -> Self:
        self.device.start()
        return self

    def close(self) -> None:
        self.device.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()
