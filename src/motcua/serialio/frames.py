"""Serial button devices: frame decoders, debouncing, a self-healing reader and a virtual port.

The caller keypad (:mod:`motcua.counter.keypad`) and the rating box (:mod:`motcua.rating.box`) are both
boxes of buttons on a serial line; what they share lives here (wire format: docs/devices.md).

- :class:`FrameDecoder` (pluggable) turns any byte stream into :class:`Frame` objects:
  :class:`MCFrameDecoder` for the MC frame, :class:`SingleByteDecoder` for one-byte boxes.
  What cannot be read is dropped and counted in :class:`FrameStats`; nothing raises.
- :class:`Debouncer` makes a held button count once.
- :class:`SerialDevice` owns the port on a reader thread, calls back once per press, reports
  connected / disconnected and re-opens the port by itself after an unplug.
- The virtual twin of the port, a pty at a stable path that can vanish and come back,
  is :class:`motcua.serialio.virtual.VirtualSerialLink` (it writes real frames).
"""

from __future__ import annotations

import contextlib
import enum
import logging
import os
import threading
import time
from collections.abc import Callable, Collection, Iterator
from dataclasses import asdict, dataclass
from typing import Any, Literal, Protocol

import serial

__all__ = [
    "ETX",
    "STX",
    "AddressCoding",
    "Clock",
    "Debouncer",
    "DeviceStatus",
    "Frame",
    "FrameDecoder",
    "FrameStats",
    "MCFrameDecoder",
    "SerialDevice",
    "SingleByteDecoder",
    "backoff_delays",
    "encode_mc_frame",
    "mc_checksum",
]

log = logging.getLogger(__name__)

STX = 0x02
ETX = 0x03
MC_FRAME_LEN = 7
"""STX, device type, address, key, two checksum digits, ETX."""

AddressCoding = Literal["ascii", "binary"]
"""How the MC address byte carries the counter number (1..99):
``ascii`` = byte - 0x30 ('1'..'9' are counters 1..9, ':' is 10, ... 0x93 is 99);
``binary`` = the byte value itself (0x01..0x63)."""

Clock = Callable[[], float]


# --------------------------------------------------------------------------- frames


@dataclass(frozen=True)
class Frame:
    """One button press as read from the wire."""

    key: str  # the key code, one ASCII character ("N", "3")
    device_type: str | None = None  # "K" keypad, "R" rating box; None: format has no type
    address: int | None = None  # counter number 1..99; None: format has no address
    raw: bytes = b""  # the bytes it was read from, for logs


@dataclass
class FrameStats:
    """What a decoder accepted and what it threw away (all counts since creation)."""

    frames: int = 0  # accepted and handed on
    noise_bytes: int = 0  # discarded while looking for the start of a frame
    malformed: int = 0  # frame starts of the wrong shape (no ETX, bad address, non-hex sum)
    bad_checksum: int = 0  # well-shaped frames whose checksum did not match
    unknown_key: int = 0  # good frames with a key code this device does not know
    other_device: int = 0  # good frames for another device type or another counter


class FrameDecoder(Protocol):
    """Turns a byte stream into frames. Pluggable: any object with these members works.

    ``feed`` may be given any slice of the stream (a frame split across calls, several
    frames, noise); it must never raise on bad input, only count it in ``stats``.
    """

    stats: FrameStats

    def feed(self, data: bytes) -> list[Frame]:
        """Add bytes read from the port; return the frames completed by them."""
        ...

    def reset(self) -> None:
        """Forget a partly received frame (called after the port was re-opened)."""
        ...


def mc_checksum(body: bytes) -> bytes:
    """XOR of ``body`` (STX, type, address, key) as two upper-case hex ASCII digits."""
    value = 0
    for byte in body:
        value ^= byte
    return b"%02X" % value


def _encode_address(address: int, coding: AddressCoding) -> int:
    if not 1 <= address <= 99:
        raise ValueError(f"Số quầy phải từ 1 đến 99 / counter must be 1..99, got {address}")
    return address + 0x30 if coding == "ascii" else address


def _decode_address(byte: int, coding: AddressCoding) -> int | None:
    value = byte - 0x30 if coding == "ascii" else byte
    return value if 1 <= value <= 99 else None


def encode_mc_frame(
    device_type: str, address: int, key: str, address_coding: AddressCoding = "ascii"
) -> bytes:
    """Build one MC frame, e.g. ``encode_mc_frame("K", 1, "N") == b"\\x02K1N36\\x03"``."""
    if len(device_type) != 1 or not ("A" <= device_type <= "Z"):
        raise ValueError(f"device type must be one upper-case letter, got {device_type!r}")
    if len(key) != 1 or not (0x20 <= ord(key) <= 0x7E):
        raise ValueError(f"key must be one printable ASCII character, got {key!r}")
    body = bytes([STX, ord(device_type), _encode_address(address, address_coding), ord(key)])
    return body + mc_checksum(body) + bytes([ETX])


_HEX = frozenset(b"0123456789ABCDEFabcdef")


class MCFrameDecoder:
    """Decoder for the MC frame ``STX | type | address | key | XOR as 2 hex | ETX`` (7 bytes).

    Frames are found again in any byte stream: bytes before an STX are skipped; an STX
    whose 7-byte window is not a well-formed frame is skipped by one byte, so a real frame
    that starts inside noise (or inside a broken frame) is still found. Because the length
    is fixed, an address byte equal to STX or ETX (binary coding, counters 2 and 3) is fine.

    Filters (each optional): ``device_type`` and ``address`` drop frames for other devices
    (counted in ``other_device``); ``keys`` drops key codes not in it (``unknown_key``).
    """

    def __init__(
        self,
        device_type: str | None = None,
        address: int | None = None,
        keys: Collection[str] | None = None,
        address_coding: AddressCoding = "ascii",
    ) -> None:
        self.device_type = device_type
        self.address = address
        self.keys = frozenset(keys) if keys is not None else None
        self.address_coding: AddressCoding = address_coding
        self.stats = FrameStats()
        self._buf = bytearray()

    def reset(self) -> None:
        self._buf.clear()

    def feed(self, data: bytes) -> list[Frame]:
        self._buf += data
        out: list[Frame] = []
        buf = self._buf
        while buf:
            start = buf.find(STX)
            if start < 0:
                self.stats.noise_bytes += len(buf)
                buf.clear()
                break
            if start:
                self.stats.noise_bytes += start
                del buf[:start]
            if len(buf) < MC_FRAME_LEN:
                break  # wait for the rest of the frame
            window = bytes(buf[:MC_FRAME_LEN])
            frame = self._parse(window)
            if frame is None:
                # Not a frame after all: skip this STX only, a real frame may start inside.
                del buf[:1]
                continue
            del buf[:MC_FRAME_LEN]
            if self._wanted(frame):
                self.stats.frames += 1
                out.append(frame)
        return out

    def _parse(self, w: bytes) -> Frame | None:
        """Check one 7-byte window; count and return ``None`` when it is not a good frame."""
        type_ok = 0x41 <= w[1] <= 0x5A
        address = _decode_address(w[2], self.address_coding)
        key_ok = 0x20 <= w[3] <= 0x7E
        if w[6] != ETX or not type_ok or address is None or not key_ok:
            self.stats.malformed += 1
            return None
        if w[4] not in _HEX or w[5] not in _HEX:
            self.stats.malformed += 1
            return None
        if w[4:6].upper() != mc_checksum(w[:4]):
            self.stats.bad_checksum += 1
            log.debug("MC frame with a bad checksum dropped: %r", w)
            return None
        return Frame(key=chr(w[3]), device_type=chr(w[1]), address=address, raw=w)

    def _wanted(self, frame: Frame) -> bool:
        if (self.device_type is not None and frame.device_type != self.device_type) or (
            self.address is not None and frame.address != self.address
        ):
            self.stats.other_device += 1
            return False
        if self.keys is not None and frame.key not in self.keys:
            self.stats.unknown_key += 1
            log.info("Unknown key code %r ignored (frame %r)", frame.key, frame.raw)
            return False
        return True


class SingleByteDecoder:
    """Decoder for cheap boxes that send one ASCII byte per press (e.g. ``b"1"``..``b"5"``).

    There is no framing, address or checksum: a byte in ``keys`` is a press, a printable
    byte outside it is an unknown key, anything else (CR, LF, control bytes, 8-bit) is noise.
    """

    def __init__(self, keys: Collection[str] = "12345") -> None:
        self.keys = frozenset(keys)
        self.stats = FrameStats()

    def reset(self) -> None:
        """Nothing to forget: every byte is a whole frame."""

    def feed(self, data: bytes) -> list[Frame]:
        out: list[Frame] = []
        for byte in data:
            char = chr(byte)
            if char in self.keys:
                self.stats.frames += 1
                out.append(Frame(key=char, raw=bytes([byte])))
            elif 0x21 <= byte <= 0x7E:
                self.stats.unknown_key += 1
            else:
                self.stats.noise_bytes += 1
        return out


# --------------------------------------------------------------------------- debounce


class Debouncer:
    """Counts a held button once.

    A press of the same key (same device and address) less than ``window_s`` after the
    previous one is a repeat of a held button and is refused; each repeat extends the
    window, so a button held for minutes still counts once. A press after a quiet gap of
    ``window_s`` or more, or of another key, counts. ``window_s = 0`` turns it off.
    ``clock`` is injectable so tests control time instead of sleeping.
    """

    def __init__(self, window_s: float = 0.3, clock: Clock = time.monotonic) -> None:
        if window_s < 0:
            raise ValueError("debounce window must be >= 0 seconds")
        self.window_s = window_s
        self.clock = clock
        self._last: tuple[str | None, int | None, str] | None = None
        self._last_time = 0.0

    def accept(self, frame: Frame) -> bool:
        """Return True when ``frame`` is a new press, False when it repeats a held key."""
        now = self.clock()
        ident = (frame.device_type, frame.address, frame.key)
        if ident == self._last and now - self._last_time < self.window_s:
            self._last_time = now
            return False
        self._last, self._last_time = ident, now
        return True


# --------------------------------------------------------------------------- reader


class DeviceStatus(enum.StrEnum):
    """Connection state of a serial device, as reported to ``on_status``."""

    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    CLOSED = "closed"


def backoff_delays(initial: float, maximum: float) -> Iterator[float]:
    """Waits between re-open attempts: ``initial``, doubling, capped at ``maximum``."""
    delay = initial
    while True:
        yield delay
        delay = min(delay * 2, maximum)


class SerialDevice:
    """Reads a serial button device on its own thread and heals itself after an unplug.

    ``on_frame(frame)`` is called once per accepted press (decoded, filtered, debounced);
    ``on_status(status, message)`` on every change of :class:`DeviceStatus`, with a
    Vietnamese / English message for logs and screens. Both run on the reader thread: a
    Qt program must hand them to the GUI thread (queued signal). An exception raised by a
    callback is logged and counted, never fatal.

    ``port`` is a path (``/dev/ttyUSB0``) or a pyserial URL (``loop://``); ``opener`` may
    replace how it is opened (tests). After a read error, or when the port path vanishes,
    the status becomes "disconnected" and opening is retried after ``retry_initial``
    seconds, doubling up to ``retry_max``; a partly received frame is forgotten so a
    reconnect never produces a duplicate or a half press.
    """

    def __init__(
        self,
        port: str,
        decoder: FrameDecoder,
        on_frame: Callable[[Frame], None],
        on_status: Callable[[DeviceStatus, str], None] | None = None,
        *,
        baudrate: int = 9600,
        read_timeout: float = 0.1,
        retry_initial: float = 0.5,
        retry_max: float = 4.0,
        debounce_s: float = 0.3,
        clock: Clock = time.monotonic,
        label: tuple[str, str] = ("thiết bị nối tiếp", "serial device"),
        opener: Callable[[], Any] | None = None,
    ) -> None:
        self.port = port
        self.decoder = decoder
        self.on_frame = on_frame
        self.on_status = on_status
        self.baudrate = baudrate
        self.read_timeout = read_timeout
        self.retry_initial = retry_initial
        self.retry_max = retry_max
        self.debouncer = Debouncer(debounce_s, clock)
        self.label_vi, self.label_en = label
        self._opener = opener or self._open_port
        self._status: DeviceStatus | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.counts = dict.fromkeys(
            ("bytes_read", "presses", "held_repeats", "connects", "disconnects",
             "callback_errors"),
            0,
        )

    # -- public ------------------------------------------------------------------------

    @property
    def status(self) -> DeviceStatus:
        """Current state; "disconnected" until the port has been opened once."""
        return self._status or DeviceStatus.DISCONNECTED

    @property
    def stats(self) -> dict[str, int]:
        """Decoder counters plus bytes read, presses, held repeats, (dis)connects, errors."""
        return {**asdict(self.decoder.stats), **self.counts}

    def start(self) -> SerialDevice:
        """Start the reader thread (once)."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name=f"serial:{self.port}", daemon=True
            )
            self._thread.start()
        return self

    def close(self, timeout: float = 2.0) -> None:
        """Stop the reader thread, close the port and report "closed". Safe to call twice."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("%s: reader thread did not stop within %.1f s", self.port, timeout)
        if self._status is not DeviceStatus.CLOSED:
            self._set_status(DeviceStatus.CLOSED, "đã đóng / closed")

    def __enter__(self) -> SerialDevice:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reader thread -------------------------------------------------------------------

    def _open_port(self) -> Any:
        is_path = "://" not in self.port
        extra: dict[str, Any] = {"exclusive": True} if is_path else {}
        return serial.serial_for_url(
            self.port, baudrate=self.baudrate, timeout=self.read_timeout, **extra
        )

    def _run(self) -> None:
        delays = backoff_delays(self.retry_initial, self.retry_max)
        while not self._stop.is_set():
            try:
                port = self._opener()
            except (serial.SerialException, OSError, ValueError) as exc:
                self._set_status(
                    DeviceStatus.DISCONNECTED,
                    f"không mở được cổng {self.port} ({exc}) / cannot open port, retrying",
                )
                self._stop.wait(next(delays))
                continue
            delays = backoff_delays(self.retry_initial, self.retry_max)
            self.decoder.reset()
            self.counts["connects"] += 1
            self._set_status(DeviceStatus.CONNECTED, f"đã kết nối {self.port} / connected")
            lost: Exception | None = None
            try:
                self._read_until_error(port)
            except (serial.SerialException, OSError, TypeError) as exc:
                lost = exc  # TypeError: pyserial may raise it for a port gone under its feet
            with contextlib.suppress(serial.SerialException, OSError):
                port.close()
            if lost is not None:
                self.counts["disconnects"] += 1
                self._set_status(
                    DeviceStatus.DISCONNECTED,
                    f"mất kết nối {self.port} ({lost}) / connection lost, retrying",
                )
                self._stop.wait(next(delays))

    def _read_until_error(self, port: Any) -> None:
        is_path = "://" not in self.port
        while not self._stop.is_set():
            data = port.read(max(1, port.in_waiting))
            if not data:
                # A quiet line: make sure the device is still there (a vanished USB
                # adapter does not always make read() fail).
                if is_path and not os.path.exists(self.port):
                    raise serial.SerialException(f"{self.port} không còn / has vanished")
                continue
            self.counts["bytes_read"] += len(data)
            for frame in self.decoder.feed(data):
                self._deliver(frame)

    def _deliver(self, frame: Frame) -> None:
        if not self.debouncer.accept(frame):
            self.counts["held_repeats"] += 1
            return
        self.counts["presses"] += 1
        try:
            self.on_frame(frame)
        except Exception:
            self.counts["callback_errors"] += 1
            log.exception("%s: press handler failed for %r", self.port, frame)

    def _set_status(self, status: DeviceStatus, detail: str) -> None:
        if status is self._status:
            return
        self._status = status
        message = f"{self.label_vi}: {detail} ({self.label_en}: {status.value})"
        if status is DeviceStatus.CONNECTED or status is DeviceStatus.CLOSED:
            log.info(message)
        else:
            log.warning(message)
        if self.on_status is not None:
            try:
                self.on_status(status, message)
            except Exception:
                self.counts["callback_errors"] += 1
                log.exception("%s: status handler failed", self.port)
