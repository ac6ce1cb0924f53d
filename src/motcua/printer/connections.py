"""The one seam between motcua and a printer: :class:`PrinterLink` (write bytes, read
with a short time-out), and its serial, network, USB, file and virtual forms.

Everything above this module works on bytes; everything device-specific is here and
small. python-escpos' own connection classes are not used for serial and network:
its ``Serial`` cannot switch on RTS/CTS flow control and its ``Network`` waits 60 s on a
silent printer. We open pyserial and sockets ourselves, with short time-outs.

Link specs accepted by :func:`open_link`::

    serial:/dev/ttyUSB0?baud=9600&rtscts=1     (pyserial URLs work too: serial:loop://)
    tcp:192.168.1.50[:9100]
    usb:04b8:0202                              (needs pyusb)
    file:/dev/usb/lp0                          (or any file: bytes are appended)
    virtual:/var/lib/motcua/tickets            (in-process virtual printer)
"""

from __future__ import annotations

import logging
import os
import select
import socket
import stat
import termios
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import serial

from motcua.printer.link import PrinterLink, PrinterLinkError

__all__ = [
    "FileLink",
    "NetworkLink",
    "PrinterLink",
    "PrinterLinkError",
    "SerialLink",
    "UsbLink",
    "open_link",
]

log = logging.getLogger(__name__)


class SerialLink(PrinterLink):
    """RS-232 / USB-serial printer through pyserial, opened by us (RTS/CTS possible)."""

    def __init__(self, port: str, baudrate: int = 9600, rtscts: bool = False,
                 xonxoff: bool = False, write_timeout: float | None = None) -> None:
        try:
            self.serial = serial.serial_for_url(
                port, baudrate=baudrate, rtscts=rtscts, xonxoff=xonxoff, timeout=0.3
            )
        except (serial.SerialException, ValueError) as exc:
            raise PrinterLinkError(
                f"Không mở được cổng nối tiếp {port}: {exc} / cannot open serial port {port}"
            ) from exc
        self.baudrate = baudrate
        self.write_timeout = write_timeout
        flow = " RTS/CTS" if rtscts else " XON/XOFF" if xonxoff else ""
        self.description = f"serial {port} {baudrate}{flow}"

    def write(self, data: bytes) -> None:
        # Long enough for the bytes at this baud rate plus a printer that pauses with
        # RTS/CTS while it prints, short enough that a dead printer is noticed.
        limit = self.write_timeout or 2.0 + 3.0 * len(data) * 10 / self.baudrate
        try:
            self.serial.write_timeout = limit
            self.serial.write(data)
            self.serial.flush()
        except (serial.SerialException, OSError) as exc:
            raise PrinterLinkError(
                f"Gửi dữ liệu tới máy in thất bại: {exc} / write to {self.description} failed"
            ) from exc

    def read(self, size: int = 1, timeout: float = 0.3) -> bytes:
        try:
            self.serial.timeout = timeout
            return bytes(self.serial.read(size))
        except (serial.SerialException, OSError) as exc:
            raise PrinterLinkError(
                f"Đọc từ máy in thất bại: {exc} / read from {self.description} failed"
            ) from exc

    def discard_input(self) -> None:
        # A USB-serial adapter pulled out raises termios.error here, which is not an
        # OSError: report it as the link failure it is.
        try:
            self.serial.reset_input_buffer()
        except (OSError, termios.error, serial.SerialException) as exc:
            raise PrinterLinkError(f"Mất kết nối máy in / printer link lost: {exc}") from exc

    def close(self) -> None:
        self.serial.close()


class NetworkLink(PrinterLink):
    """Printer on TCP port 9100, connected lazily and re-connected after a failure."""

    def __init__(self, host: str, port: int = 9100, connect_timeout: float = 2.0,
                 write_timeout: float = 10.0) -> None:
        self.host, self.port = host, port
        self.connect_timeout = connect_timeout
        self.write_timeout = write_timeout
        self.description = f"tcp {host}:{port}"
        self._sock: socket.socket | None = None

    def _connect(self) -> socket.socket:
        if self._sock is None:
            try:
                sock = socket.create_connection((self.host, self.port), self.connect_timeout)
            except OSError as exc:
                raise PrinterLinkError(
                    f"Không kết nối được máy in {self.host}:{self.port}: {exc} / "
                    f"cannot connect to printer"
                ) from exc
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._sock = sock
        return self._sock

    def _drop(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def write(self, data: bytes) -> None:
        sock = self._connect()
        try:
            sock.settimeout(self.write_timeout)
            sock.sendall(data)
        except OSError as exc:
            self._drop()
            raise PrinterLinkError(
                f"Gửi dữ liệu tới máy in thất bại: {exc} / write to {self.description} failed"
            ) from exc

    def read(self, size: int = 1, timeout: float = 0.3) -> bytes:
        sock = self._connect()
        try:
            sock.settimeout(timeout if timeout > 0 else 0.0)
            data = sock.recv(size)
        except (TimeoutError, BlockingIOError):
            return b""
        except OSError as exc:
            self._drop()
            raise PrinterLinkError(
                f"Đọc từ máy in thất bại: {exc} / read from {self.description} failed"
            ) from exc
        if not data:  # the printer closed the connection
            self._drop()
        return data

    def close(self) -> None:
        self._drop()


class UsbLink(PrinterLink):
    """USB printer through python-escpos ``Usb`` (needs the pyusb package)."""

    def __init__(self, vendor_id: int, product_id: int, in_ep: int = 0x82,
                 out_ep: int = 0x01) -> None:
        try:
            import usb.core  # noqa: F401  (pyusb, optional)
        except ImportError as exc:
            raise PrinterLinkError(
                "Kết nối USB cần thư viện pyusb (pip install pyusb) / "
                "USB printers need the pyusb package (pip install pyusb)"
            ) from exc
        from escpos.printer import Usb

        self.description = f"usb {vendor_id:04x}:{product_id:04x}"
        try:
            self._printer: Any = Usb(vendor_id, product_id, timeout=0, in_ep=in_ep,
                                     out_ep=out_ep)
            self._printer.open()
        except Exception as exc:  # python-escpos raises its own DeviceNotFoundError
            raise PrinterLinkError(
                f"Không mở được máy in USB {self.description}: {exc} / "
                f"cannot open USB printer"
            ) from exc

    def write(self, data: bytes) -> None:
        try:
            self._printer._raw(data)
        except Exception as exc:  # pyusb raises usb.core.USBError
            raise PrinterLinkError(
                f"Gửi dữ liệu tới máy in thất bại: {exc} / write to {self.description} failed"
            ) from exc

    def read(self, size: int = 1, timeout: float = 0.3) -> bytes:
        printer = self._printer
        try:
            return bytes(printer.device.read(printer.in_ep, max(size, 1),
                                             max(1, int(timeout * 1000))))[:size]
        except Exception:  # a USB time-out is an exception in pyusb: no answer
            return b""

    def close(self) -> None:
        self._printer.close()


class FileLink(PrinterLink):
    """Append bytes to a file or a device node (``/dev/usb/lp0``)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.description = f"file {self.path}"
        try:
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        except OSError as exc:
            raise PrinterLinkError(
                f"Không mở được {self.path}: {exc.strerror} / cannot open {self.path}"
            ) from exc
        self._read_fd: int | None = None
        # A character device (a printer port) may answer status; a plain file cannot.
        self.can_read = stat.S_ISCHR(os.fstat(self._fd).st_mode)
        if self.can_read:
            try:
                self._read_fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)
            except OSError:
                self.can_read = False

    def write(self, data: bytes) -> None:
        try:
            view = memoryview(data)
            while view:
                written = os.write(self._fd, view)
                view = view[written:]
        except OSError as exc:
            raise PrinterLinkError(
                f"Ghi vào {self.path} thất bại: {exc.strerror} / write to {self.path} failed"
            ) from exc

    def read(self, size: int = 1, timeout: float = 0.3) -> bytes:
        if self._read_fd is None:
            return b""
        ready, _, _ = select.select([self._read_fd], [], [], max(0.0, timeout))
        if not ready:
            return b""
        try:
            return os.read(self._read_fd, size)
        except OSError:
            return b""

    def close(self) -> None:
        os.close(self._fd)
        if self._read_fd is not None:
            os.close(self._read_fd)


def _flag(value: str) -> bool:
    return value.lower() in ("1", "true", "yes", "on")


def open_link(spec: str) -> PrinterLink:
    """Open a link from a spec such as ``serial:/dev/ttyUSB0?baud=9600&rtscts=1``."""
    kind, _, rest = spec.partition(":")
    bad = ValueError(
        f"Không hiểu địa chỉ máy in '{spec}' (ví dụ serial:/dev/ttyUSB0?baud=9600, "
        f"tcp:192.168.1.50:9100, usb:04b8:0202, file:/dev/usb/lp0, virtual:THƯ_MỤC) / "
        f"cannot understand printer address '{spec}'"
    )
    if not rest:
        raise bad
    if kind == "serial":
        path, _, query = rest.partition("?") if "://" not in rest else (rest, "", "")
        opts = {k: v[-1] for k, v in parse_qs(query).items()}
        try:
            baud = int(opts.get("baud", "9600"))
        except ValueError:
            raise bad from None
        return SerialLink(path, baud, rtscts=_flag(opts.get("rtscts", "0")),
                          xonxoff=_flag(opts.get("xonxoff", "0")))
    if kind == "tcp":
        host, _, port = rest.rpartition(":") if rest.count(":") == 1 else (rest, "", "9100")
        try:
            return NetworkLink(host, int(port or 9100))
        except ValueError:
            raise bad from None
    if kind == "usb":
        try:
            vid, pid = (int(part, 16) for part in rest.split(":"))
        except ValueError:
            raise bad from None
        return UsbLink(vid, pid)
    if kind == "file":
        return FileLink(rest)
    if kind == "virtual":
        from motcua.printer.virtual import VirtualLink, VirtualPrinter

        return VirtualLink(VirtualPrinter(out_dir=Path(rest)))
    raise bad

