"""TicketPrinter: check status, send one rendered ticket, check again after the cut.

Thin on purpose: rendering is :mod:`motcua.printer.render`, bytes go through a
:class:`~motcua.printer.connections.PrinterLink`, status is :mod:`motcua.printer.status`. A device
fault (paper out, cover open, no answer, cable pulled) never raises: it comes back as a
:class:`PrintResult` with ``ok=False`` and the reason in Vietnamese and English, which
the printer node reports to the hub so the kiosk can warn the next citizen.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from motcua.printer.connections import PrinterLink, PrinterLinkError
from motcua.printer.profile import PrinterProfile, get_profile
from motcua.printer.render import MODES, Mode, render
from motcua.printer.status import DEFAULT_TIMEOUT, PrinterStatus, query_status
from motcua.printer.ticket import TicketPrint

__all__ = ["PrintResult", "TicketPrinter"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PrintResult:
    """Outcome of one :meth:`TicketPrinter.print_ticket`."""

    ok: bool
    """True when the ticket was sent and the printer was fine before and after."""
    status_before: PrinterStatus
    status_after: PrinterStatus | None
    """None when nothing was sent."""
    bytes_sent: int
    seconds: float
    reason_vi: str = ""
    reason_en: str = ""

    @property
    def status(self) -> PrinterStatus:
        """The latest known printer status (to report to the hub)."""
        return self.status_after or self.status_before


class TicketPrinter:
    """A printer the node prints tickets on."""

    def __init__(self, link: PrinterLink, mode: Mode | str = "raster",
                 profile: PrinterProfile | str = "default",
                 status_timeout: float = DEFAULT_TIMEOUT) -> None:
        if mode not in MODES:
            raise ValueError(
                f"Chế độ in '{mode}' không có (chọn: {', '.join(MODES)}) / "
                f"unknown print mode '{mode}'"
            )
        self.link = link
        self.mode = mode
        self.profile = get_profile(profile)
        self.status_timeout = status_timeout

    def status(self) -> PrinterStatus:
        """Current printer status; no answer means offline."""
        return query_status(self.link, self.status_timeout)

    def print_ticket(self, ticket: TicketPrint) -> PrintResult:
        """Print ``ticket`` if the printer can; report what happened."""
        started = time.perf_counter()
        data = render(ticket, self.mode, self.profile)
        before = self.status()
        if not (before.can_print or before is PrinterStatus.UNKNOWN):
            log.warning("ticket %s not printed: %s", ticket.number, before.en)
            return PrintResult(False, before, None, 0, time.perf_counter() - started,
                               f"Chưa in: {before.vi}", f"Not printed: {before.en}")
        try:
            self.link.write(data)
        except PrinterLinkError as exc:
            log.warning("ticket %s: sending failed: %s", ticket.number, exc)
            return PrintResult(False, before, PrinterStatus.OFFLINE, 0,
                               time.perf_counter() - started,
                               "Gửi dữ liệu tới máy in thất bại",
                               f"Sending to the printer failed: {exc}")
        after = self.status()
        seconds = time.perf_counter() - started
        if after.can_print or after is PrinterStatus.UNKNOWN:
            log.info("ticket %s printed (%d bytes, %.3f s, %s)", ticket.number, len(data),
                     seconds, after)
            return PrintResult(True, before, after, len(data), seconds)
        log.warning("ticket %s: printer %s after the cut", ticket.number, after.en)
        return PrintResult(False, before, after, len(data), seconds,
                           f"Phiếu có thể chưa in đủ: {after.vi}",
                           f"The ticket may not have printed completely: {after.en}")
