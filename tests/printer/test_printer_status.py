"""Printer status (DLE EOT) over a pty and over TCP against the virtual printer."""

from __future__ import annotations

import select
import socket
import sys
import termios
from collections.abc import Iterator
from pathlib import Path

import pytest

from motcua.printer.connections import (
    FileLink,
    NetworkLink,
    PrinterLink,
    PrinterLinkError,
    SerialLink,
    UsbLink,
    open_link,
)
from motcua.printer.status import PrinterStatus, query_status, status_from_bytes
from motcua.printer.virtual import PtyServer, TcpServer, VirtualLink, VirtualPrinter, VirtualState

EXPECTED = {
    VirtualState.OK: PrinterStatus.OK,
    VirtualState.PAPER_NEAR_END: PrinterStatus.PAPER_NEAR_END,
    VirtualState.PAPER_OUT: PrinterStatus.PAPER_OUT,
    VirtualState.COVER_OPEN: PrinterStatus.COVER_OPEN,
    VirtualState.ERROR: PrinterStatus.ERROR,
    VirtualState.SILENT: PrinterStatus.OFFLINE,  # no answer is never "paper OK"
}


@pytest.fixture
def printer() -> VirtualPrinter:
    return VirtualPrinter()


@pytest.fixture
def pty_link(printer: VirtualPrinter) -> Iterator[SerialLink]:
    server = PtyServer(printer)
    link = SerialLink(server.path, 19200, rtscts=True)
    yield link
    link.close()
    server.close()


@pytest.fixture
def tcp_link(printer: VirtualPrinter) -> Iterator[NetworkLink]:
    server = TcpServer(printer)
    link = NetworkLink(server.host, server.port)
    yield link
    link.close()
    server.close()


def _check_every_state(printer: VirtualPrinter, link: PrinterLink) -> None:
    for state, expected in EXPECTED.items():
        printer.state = state
        assert query_status(link, timeout=0.2) is expected, state
    printer.state = VirtualState.OK  # and it recovers
    assert query_status(link, timeout=0.2) is PrinterStatus.OK


def test_status_over_a_pty(printer: VirtualPrinter, pty_link: SerialLink) -> None:
    _check_every_state(printer, pty_link)


def test_status_over_tcp(printer: VirtualPrinter, tcp_link: NetworkLink) -> None:
    _check_every_state(printer, tcp_link)


def test_status_in_process(printer: VirtualPrinter) -> None:
    _check_every_state(printer, VirtualLink(printer))


def test_rts_cts_is_switched_on_for_the_serial_port(pty_link: SerialLink) -> None:
    assert pty_link.serial.rtscts
    cflag = termios.tcgetattr(pty_link.serial.fileno())[2]
    assert cflag & termios.CRTSCTS
    assert "RTS/CTS" in pty_link.description


def test_a_late_answer_is_not_misread(printer: VirtualPrinter, pty_link: SerialLink) -> None:
    pty_link.write(b"\x10\x04\x04")  # answered, never read: a stale byte waits
    # The stale byte is there once the port reports it readable (select wakes on it).
    readable, _, _ = select.select([pty_link.serial.fileno()], [], [], 5)
    assert readable and pty_link.serial.in_waiting == 1
    printer.state = VirtualState.COVER_OPEN
    assert query_status(pty_link, timeout=0.2) is PrinterStatus.COVER_OPEN


@pytest.mark.parametrize(
    "printer_byte,cause,paper,expected",
    [
        (None, None, None, PrinterStatus.OFFLINE),
        (0x12, None, None, PrinterStatus.OFFLINE),  # answered once, then silent
        (0x12, None, 0x12, PrinterStatus.OK),
        (0x12, None, 0x1E, PrinterStatus.PAPER_NEAR_END),
        (0x12, None, 0x7E, PrinterStatus.PAPER_OUT),
        (0x1A, 0x16, None, PrinterStatus.COVER_OPEN),
        (0x1A, 0x32, None, PrinterStatus.PAPER_OUT),
        (0x1A, 0x52, 0x12, PrinterStatus.ERROR),
        (0x1A, 0x1A, 0x12, PrinterStatus.OFFLINE),  # feed button held
        (0x1A, None, None, PrinterStatus.OFFLINE),
        (0xFF, None, None, PrinterStatus.ERROR),  # garbage is not a status byte
        (0x12, None, 0x00, PrinterStatus.ERROR),
    ],
)
def test_status_bytes(printer_byte: int | None, cause: int | None, paper: int | None,
                      expected: PrinterStatus) -> None:
    assert status_from_bytes(printer_byte, cause, paper) is expected


def test_every_status_has_vietnamese_and_english_text() -> None:
    for status in PrinterStatus:
        assert status.vi and status.en and status.vi != status.en
    assert PrinterStatus.PAPER_NEAR_END.can_print
    assert not PrinterStatus.OFFLINE.can_print
    assert PrinterStatus.PAPER_OUT.vi == "Máy in hết giấy"


def test_nobody_listening_is_offline_not_an_exception() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, not listening: connection refused
        link = NetworkLink("127.0.0.1", port, connect_timeout=0.5)
        assert query_status(link, timeout=0.1) is PrinterStatus.OFFLINE
        with pytest.raises(PrinterLinkError, match="Không kết nối được"):
            link.write(b"\x1b@")


def test_a_printer_that_accepts_but_never_answers_is_offline() -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:
        link = NetworkLink("127.0.0.1", server.getsockname()[1])
        assert query_status(link, timeout=0.1) is PrinterStatus.OFFLINE
        link.close()


def test_file_link_appends_and_cannot_read_status(tmp_path: Path) -> None:
    path = tmp_path / "spool.bin"
    link = open_link(f"file:{path}")
    assert isinstance(link, FileLink) and not link.can_read
    link.write(b"one")
    link.write(b"two")
    link.close()
    assert path.read_bytes() == b"onetwo"
    assert query_status(FileLink(path)) is PrinterStatus.UNKNOWN


def test_usb_without_pyusb_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "usb", None)
    monkeypatch.setitem(sys.modules, "usb.core", None)
    with pytest.raises(PrinterLinkError, match="pyusb"):
        UsbLink(0x04B8, 0x0202)


def test_open_link_specs(tmp_path: Path) -> None:
    link = open_link("serial:loop://")
    assert isinstance(link, SerialLink)
    link.write(b"\x12")
    assert link.read(1, 0.2) == b"\x12"
    link.close()
    tcp = open_link("tcp:127.0.0.1:9")
    assert isinstance(tcp, NetworkLink) and tcp.port == 9
    assert isinstance(open_link("tcp:printer.local"), NetworkLink)
    assert isinstance(open_link(f"virtual:{tmp_path}"), VirtualLink)
    for bad in ("lpt:1", "tcp:", "serial:/dev/x?baud=fast", "usb:zz"):
        with pytest.raises(ValueError, match="Không hiểu địa chỉ máy in"):
            open_link(bad)
    with pytest.raises(PrinterLinkError, match="Không mở được cổng nối tiếp"):
        open_link("serial:/dev/motcua-no-such-port")
