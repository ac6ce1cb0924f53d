"""``motcua printer node``: the command line, and a printer unplugged and plugged back."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import pytest

from motcua.printer import node_cli
from motcua.printer.driver import TicketPrinter
from motcua.printer.node_cli import ReopeningLink
from motcua.printer.node_cli import main as node_main
from motcua.printer.status import PrinterStatus
from motcua.printer.virtual import PtyServer, VirtualPrinter
from tests.support.wait import wait_until

DEADLINE_S = 8.0


def _hub_args(hub: Any) -> list[str]:
    return ["--command-port", hub.command.rsplit(":", 1)[1],
            "--event-port", hub.events.rsplit(":", 1)[1]]


class _Running:
    """``node_main`` in a thread, stopped through its ``stop`` event."""

    def __init__(self, argv: list[str]) -> None:
        self.stop = threading.Event()
        self.code: int | None = None
        self.thread = threading.Thread(target=self._run, args=(argv,), daemon=True)
        self.thread.start()

    def _run(self, argv: list[str]) -> None:
        self.code = node_main(argv, self.stop)

    def finish(self) -> int | None:
        self.stop.set()
        self.thread.join(DEADLINE_S)
        return self.code


def _printer_status(hub: Any) -> str | None:
    devices = hub.client("admin").request("snapshot", {})["state"]["devices"]
    status = devices.get("printer-1", {}).get("status")
    return None if status is None else str(status)


def test_virtual_printer_node_saves_each_ticket(hub: Any, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "phiếu in"
    run = _Running([*_hub_args(hub), "--device", "printer-1", "--link", f"virtual:{out}",
                    "--mode", "raster", "--profile", "58mm", "--poll", "0.1"])
    try:
        wait_until(lambda: _printer_status(hub) == "ok", "the node to report the printer")
        label = hub.client("kiosk-1").request("ticket.take", {"field": "A"})["ticket"]["label"]
        wait_until(lambda: (out / f"0001-{label}.png").exists()
                   and (out / f"0001-{label}.bin").exists(), "the ticket's .bin and .png")
    finally:
        code = run.finish()
    assert code == 0
    said = capsys.readouterr().out
    assert str(out.resolve()) in said  # the demo shows where tickets go
    assert f"Đã in số {label}" in said
    assert "Đã in 1 phiếu (0 in lại) / printed 1 tickets (0 reprints)" in said


def test_a_printer_missing_at_start_is_reported_offline(hub: Any, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str],
                                                        ) -> None:
    missing = tmp_path / "ttyUSB9"
    run = _Running([*_hub_args(hub), "--link", f"serial:{missing}?baud=19200&rtscts=1",
                    "--poll", "0.1"])
    try:
        wait_until(lambda: _printer_status(hub) == "offline", "offline at the hub")
        with pytest.raises(Exception) as refused:
            hub.client("kiosk-1").request("ticket.take", {"field": "A"})
        assert getattr(refused.value, "code", "") == "printer_unavailable"
    finally:
        assert run.finish() == 0
    assert "printer not reachable yet, retrying" in capsys.readouterr().err


@pytest.mark.parametrize("argv,words", [
    ([], "--link"),
    (["--link", "bogus:thing"], "cannot understand printer address"),
    (["--link", "virtual:"], "needs a folder"),
    (["--link", "serial:/dev/ttyUSB0?baud=fast"], "cannot understand printer address"),
    (["--link", "virtual:/tmp/x", "--mode", "ascii"], "invalid choice"),
    (["--link", "virtual:/tmp/x", "--poll", "0"], "must be > 0"),
])
def test_bad_arguments_exit_2_with_the_reason(argv: list[str], words: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert node_main(argv) == 2
    assert words in capsys.readouterr().err


def test_unplugged_serial_printer_comes_back_by_itself(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A USB-serial adapter pulled out and plugged back (same device name, new device)."""
    monkeypatch.setattr(node_cli, "REOPEN_AFTER_S", 0.05)
    device = tmp_path / "ttyUSB0"  # stands for the udev name; points at a pty
    first = PtyServer(VirtualPrinter())
    os.symlink(first.path, device)
    link = ReopeningLink(f"serial:{device}?baud=115200")
    printer = TicketPrinter(link, "tcvn3")
    second: PtyServer | None = None
    try:
        assert printer.status() is PrinterStatus.OK
        first.close()  # unplugged
        os.unlink(device)
        assert printer.status() is PrinterStatus.OFFLINE
        assert printer.status() is PrinterStatus.OFFLINE  # still gone: no crash, no hang
        second = PtyServer(VirtualPrinter())
        os.symlink(second.path, device)  # plugged back
        wait_until(lambda: printer.status() is PrinterStatus.OK, "the printer to come back")
    finally:
        link.close()
        if second is not None:
            second.close()
