"""Real-time printer status over ``DLE EOT n``, with short time-outs.

Each query sends 3 bytes and reads 1 byte with a short time-out (0.3 s by default).
A printer that does not answer is **offline**, never "paper OK": python-escpos 3.1's
``paper_status()`` reports "paper adequate" in that case, which would let a kiosk hand
out numbers nobody can print.

Status bytes (Epson ESC/POS; bits 1 and 4 are always 1, bits 0 and 7 always 0):

=====  ==========================================================================
n = 1  printer: bit 3 offline
n = 2  offline cause: bit 2 cover open, bit 3 feed button, bit 5 paper end,
       bit 6 error
n = 4  roll paper sensor: bits 2+3 paper near end, bits 5+6 paper end
=====  ==========================================================================
"""

from __future__ import annotations

import logging
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from motcua.printer.connections import PrinterLink

__all__ = ["PrinterStatus", "query_status", "read_status_byte", "status_from_bytes"]

log = logging.getLogger(__name__)

DLE_EOT = b"\x10\x04"
DEFAULT_TIMEOUT = 0.3


class PrinterStatus(StrEnum):
    """What the printer can do now; the value is what goes to the hub."""

    OK = "ok"
    PAPER_NEAR_END = "paper_near_end"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"
    ERROR = "error"
    UNKNOWN = "unknown"
    """The link cannot read (a file or spool): status was not checked."""

    @property
    def vi(self) -> str:
        """Vietnamese text for the kiosk and the staff."""
        return _TEXTS[self][0]

    @property
    def en(self) -> str:
        """English text for logs and staff."""
        return _TEXTS[self][1]

    @property
    def can_print(self) -> bool:
        """True when a ticket can be printed now (paper near end still prints)."""
        return self in (PrinterStatus.OK, PrinterStatus.PAPER_NEAR_END)


_TEXTS: dict[PrinterStatus, tuple[str, str]] = {
    PrinterStatus.OK: ("Máy in sẵn sàng", "Printer ready"),
    PrinterStatus.PAPER_NEAR_END: (
        "Giấy in sắp hết, vẫn in được",
        "Paper near end, still printing",
    ),
    PrinterStatus.PAPER_OUT: ("Máy in hết giấy", "Printer out of paper"),
    PrinterStatus.COVER_OPEN: ("Nắp máy in đang mở", "Printer cover open"),
    PrinterStatus.OFFLINE: (
        "Máy in không trả lời (mất kết nối hoặc đang tắt)",
        "Printer not answering (disconnected or switched off)",
    ),
    PrinterStatus.ERROR: ("Máy in báo lỗi", "Printer reports an error"),
    PrinterStatus.UNKNOWN: (
        "Không đọc được trạng thái máy in (kết nối chỉ ghi)",
        "Printer status not readable (write-only link)",
    ),
}


def _valid(byte: int) -> bool:
    """Status bytes have bits 1 and 4 set and bits 0 and 7 clear."""
    return byte & 0x93 == 0x12


def read_status_byte(link: PrinterLink, n: int, timeout: float = DEFAULT_TIMEOUT) -> int | None:
    """Send ``DLE EOT n`` and return the one-byte answer, or None if none came in time."""
    link.write(DLE_EOT + bytes((n,)))
    answer = link.read(1, timeout)
    return answer[0] if answer else None


def status_from_bytes(printer: int | None, cause: int | None, paper: int | None) -> PrinterStatus:
    """Classify the answers to ``DLE EOT 1``, ``2`` and ``4`` (None = no answer)."""
    if printer is None:
        return PrinterStatus.OFFLINE
    if not _valid(printer):
        return PrinterStatus.ERROR
    if printer & 0x08:  # offline: ask why
        if cause is None:
            return PrinterStatus.OFFLINE
        if not _valid(cause):
            return PrinterStatus.ERROR
        if cause & 0x04:
            return PrinterStatus.COVER_OPEN
        if cause & 0x20:
            return PrinterStatus.PAPER_OUT
        if cause & 0x40:
            return PrinterStatus.ERROR
        if paper is not None and _valid(paper) and paper & 0x60:
            return PrinterStatus.PAPER_OUT
        return PrinterStatus.OFFLINE
    if paper is None:
        return PrinterStatus.OFFLINE
    if not _valid(paper):
        return PrinterStatus.ERROR
    if paper & 0x60:
        return PrinterStatus.PAPER_OUT
    if paper & 0x0C:
        return PrinterStatus.PAPER_NEAR_END
    return PrinterStatus.OK


def query_status(link: PrinterLink, timeout: float = DEFAULT_TIMEOUT) -> PrinterStatus:
    """Ask the printer what state it is in; at most three short queries.

    Link errors (unplugged cable, refused connection) count as offline: this function
    is for deciding whether to print, and never raises for a device fault.
    """
    if not link.can_read:
        return PrinterStatus.UNKNOWN
    try:
        link.discard_input()  # a late answer to an earlier query must not be misread
        printer = read_status_byte(link, 1, timeout)
        if printer is None:
            return PrinterStatus.OFFLINE
        cause = paper = None
        if printer & 0x08 and _valid(printer):
            cause = read_status_byte(link, 2, timeout)
            if cause is not None and not cause & 0x24:
                paper = read_status_byte(link, 4, timeout)
        elif _valid(printer):
            paper = read_status_byte(link, 4, timeout)
    except OSError as exc:
        log.warning("status query failed on %s: %s", link.description, exc)
        return PrinterStatus.OFFLINE
    status = status_from_bytes(printer, cause, paper)
    log.debug("status %s (bytes %r %r %r) on %s", status, printer, cause, paper,
              link.description)
    return status
