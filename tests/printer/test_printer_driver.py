"""TicketPrinter: status before, bytes, status after the cut; faults are results."""

from __future__ import annotations

from pathlib import Path

import pytest

from motcua.printer.connections import PrinterLinkError, SerialLink
from motcua.printer.driver import TicketPrinter
from motcua.printer.render import render
from motcua.printer.status import PrinterStatus
from motcua.printer.ticket import sample_ticket
from motcua.printer.virtual import PtyServer, TcpServer, VirtualLink, VirtualPrinter, VirtualState
from tests.support.twins import TWIN_STATUS_S


def test_prints_a_ticket(tmp_path: Path) -> None:
    printer = VirtualPrinter(tmp_path)
    result = TicketPrinter(VirtualLink(printer), "tcvn3").print_ticket(sample_ticket())
    assert result.ok
    assert result.status_before is result.status_after is PrinterStatus.OK
    assert result.bytes_sent == len(render(sample_ticket(), "tcvn3"))
    assert (tmp_path / "0001-A025.bin").read_bytes() == render(sample_ticket(), "tcvn3")


def test_paper_near_end_still_prints_and_says_so() -> None:
    printer = VirtualPrinter(state=VirtualState.PAPER_NEAR_END)
    result = TicketPrinter(VirtualLink(printer)).print_ticket(sample_ticket())
    assert result.ok and result.status is PrinterStatus.PAPER_NEAR_END
    assert len(printer.tickets) == 1


@pytest.mark.parametrize(
    "state,status",
    [
        (VirtualState.PAPER_OUT, PrinterStatus.PAPER_OUT),
        (VirtualState.COVER_OPEN, PrinterStatus.COVER_OPEN),
        (VirtualState.SILENT, PrinterStatus.OFFLINE),
        (VirtualState.ERROR, PrinterStatus.ERROR),
    ],
)
def test_nothing_is_sent_to_a_faulty_printer(state: VirtualState,
                                             status: PrinterStatus) -> None:
    printer = VirtualPrinter(state=state)
    result = TicketPrinter(VirtualLink(printer)).print_ticket(sample_ticket())
    assert not result.ok
    assert result.status_before is status and result.status_after is None
    assert result.bytes_sent == 0
    assert result.reason_vi == f"Chưa in: {status.vi}"
    assert printer.discarded_jobs == 0  # the job never reached it


class _PaperRunsOutDuringTheJob(VirtualLink):
    def write(self, data: bytes) -> None:
        super().write(data)
        if len(data) > 3:  # the ticket, not a status query
            self.printer.state = VirtualState.PAPER_OUT


def test_fault_after_the_cut_is_reported() -> None:
    printer = VirtualPrinter()
    result = TicketPrinter(_PaperRunsOutDuringTheJob(printer)).print_ticket(sample_ticket())
    assert not result.ok
    assert result.status_before is PrinterStatus.OK
    assert result.status_after is PrinterStatus.PAPER_OUT
    assert result.reason_vi.startswith("Phiếu có thể chưa in đủ")


class _CablePulled(VirtualLink):
    def write(self, data: bytes) -> None:
        if len(data) > 3:
            raise PrinterLinkError("cable pulled")
        super().write(data)


def test_a_failed_write_is_a_result_not_an_exception() -> None:
    result = TicketPrinter(_CablePulled(VirtualPrinter())).print_ticket(sample_ticket())
    assert not result.ok
    assert result.status is PrinterStatus.OFFLINE
    assert "cable pulled" in result.reason_en


@pytest.mark.parametrize("mode", ["raster", "tcvn3", "cp1258"])
def test_end_to_end_over_serial_with_rts_cts(tmp_path: Path, mode: str) -> None:
    printer = VirtualPrinter(tmp_path)
    server = PtyServer(printer)
    try:
        with SerialLink(server.path, 115200, rtscts=True) as link:
            result = TicketPrinter(link, mode, status_timeout=TWIN_STATUS_S).print_ticket(sample_ticket())
        assert result.ok, result.reason_en
        assert printer.wait_for_tickets(1)
        assert printer.tickets[0].data == render(sample_ticket(), mode)
    finally:
        server.close()


def test_end_to_end_over_tcp_with_a_fault_in_between(tmp_path: Path) -> None:
    printer = VirtualPrinter(tmp_path)
    server = TcpServer(printer)
    try:
        from motcua.printer.connections import NetworkLink

        with NetworkLink(server.host, server.port) as link:
            tp = TicketPrinter(link, "raster", status_timeout=TWIN_STATUS_S)
            assert tp.print_ticket(sample_ticket()).ok
            printer.state = VirtualState.COVER_OPEN
            refused = tp.print_ticket(sample_ticket(number="A026"))
            assert refused.status is PrinterStatus.COVER_OPEN and not refused.ok
            printer.state = VirtualState.OK
            assert tp.print_ticket(sample_ticket(number="A027")).ok
        assert printer.wait_for_tickets(2)
        assert sorted(p.name for p in tmp_path.glob("*.bin")) == [
            "0001-A025.bin",
            "0002-A027.bin",
        ]
    finally:
        server.close()


def test_bad_mode_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="Chế độ in"):
        TicketPrinter(VirtualLink(VirtualPrinter()), "utf8")
