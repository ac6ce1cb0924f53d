"""``motcua printer`` command line: render, virtual, status, print."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from motcua.printer.cli import main
from motcua.printer.connections import NetworkLink, SerialLink
from motcua.printer.driver import TicketPrinter
from motcua.printer.render import decode_text
from motcua.printer.ticket import sample_ticket
from motcua.printer.virtual import TcpServer, VirtualPrinter, VirtualState
from tests.support.twins import TWIN_STATUS_S

RENDER = ["render", "--number", "A025", "--field", "Tư pháp – Hộ tịch", "--ahead", "3",
          "--estimate", "12", "--issued", "16/07/2025 14:30"]


@pytest.mark.parametrize("mode", ["raster", "tcvn3", "cp1258"])
def test_render_writes_bytes_and_picture(tmp_path: Path, mode: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    out, png = tmp_path / "t.bin", tmp_path / "t.png"
    assert main([*RENDER, "--procedure", "Đăng ký khai sinh", "--mode", mode,
                 "-o", str(out), "--png", str(png)]) == 0
    data = out.read_bytes()
    assert data.startswith(b"\x1b@") and data.endswith(b"\x1dV\x01")
    with Image.open(png) as picture:
        assert picture.width == 576
    assert f"{len(data)} byte" in capsys.readouterr().out
    if mode != "raster":
        text = decode_text(data)
        assert "Tư pháp - Hộ tịch" in text and "16/07/2025 14:30" in text


def test_render_without_a_wait_figure_and_with_a_checklist(tmp_path: Path) -> None:
    out = tmp_path / "t.bin"
    assert main([*RENDER, "--no-estimate", "beyond_closing", "--closes-at", "17:00",
                 "--document", "Tờ khai đăng ký khai sinh (theo mẫu)",
                 "--document", "Giấy tờ tùy thân", "--mode", "tcvn3", "-o", str(out)]) == 0
    lines = decode_text(out.read_bytes()).split("\n")
    assert "Có thể không kịp phục vụ trong hôm nay" in lines
    assert "(trung tâm đóng cửa lúc 17:00)" in lines  # the bracket moved down whole
    assert not any("phút" in line for line in lines)
    start = lines.index("Giấy tờ cần mang:")
    assert lines[start + 1 : start + 3] == ["- Tờ khai đăng ký khai sinh", "- Giấy tờ tùy thân"]


def test_render_58mm(tmp_path: Path) -> None:
    png = tmp_path / "t.png"
    assert main([*RENDER, "--profile", "58mm", "-o", str(tmp_path / "t.bin"),
                 "--png", str(png)]) == 0
    with Image.open(png) as picture:
        assert picture.width == 384


@pytest.mark.parametrize(
    "args,message",
    [
        (["render", "--field", "X", "-o", "x.bin"], "--number"),
        ([*RENDER, "--ahead", "-2", "-o", "x.bin"], "phải >= 0"),
        ([*RENDER, "--ahead", "ba", "-o", "x.bin"], "không phải số nguyên"),
        ([*RENDER, "--issued", "2025-07-16", "-o", "x.bin"], "dd/mm/yyyy HH:MM"),
        ([*RENDER, "--mode", "utf8", "-o", "x.bin"], "invalid choice"),
        (["virtual", "--out", "x"], "--pty"),
    ],
)
def test_bad_arguments_give_clear_errors(args: list[str], message: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 2
    assert message in capsys.readouterr().err


def test_unwritable_output_is_an_error_not_a_crash(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*RENDER, "-o", str(tmp_path / "missing" / "t.bin")]) == 2
    assert "Lỗi / error" in capsys.readouterr().err


@pytest.fixture
def tcp_printer(tmp_path: Path) -> Iterator[tuple[VirtualPrinter, str]]:
    printer = VirtualPrinter(tmp_path)
    server = TcpServer(printer)
    yield printer, f"tcp:{server.host}:{server.port}"
    server.close()


def test_status_and_print_commands(tcp_printer: tuple[VirtualPrinter, str],
                                   capsys: pytest.CaptureFixture[str]) -> None:
    printer, link = tcp_printer
    assert main(["status", "--link", link]) == 0
    assert "ok: Máy in sẵn sàng" in capsys.readouterr().out
    assert main(["print", "--link", link, "--number", "B007", "--field", "Chứng thực",
                 "--mode", "tcvn3"]) == 0
    assert printer.wait_for_tickets(1)
    assert printer.tickets[0].label == "B007"
    printer.state = VirtualState.SILENT
    assert main(["status", "--link", link, "--timeout", "0.1"]) == 1
    assert "offline" in capsys.readouterr().out
    assert main(["print", "--link", link, "--number", "B008", "--field", "Chứng thực"]) == 1
    assert "Chưa in" in capsys.readouterr().err


def _start_virtual(args: list[str]) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "motcua.printer.cli", "virtual", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert proc.stdout is not None
    first = proc.stdout.readline()
    match = re.search(r"listening: (\S+)", first)
    assert match, first + proc.stderr.read() if proc.stderr else first
    return proc, match.group(1)


def _stop(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=10)
    assert proc.returncode == 0
    return out


def test_standalone_virtual_printer_over_tcp(tmp_path: Path) -> None:
    proc, where = _start_virtual(["--tcp", "0", "--out", str(tmp_path)])
    try:
        host, port = where.removeprefix("tcp:").rsplit(":", 1)
        with NetworkLink(host, int(port)) as link:
            assert TicketPrinter(link, "tcvn3", status_timeout=TWIN_STATUS_S).print_ticket(
                sample_ticket()).ok
    finally:
        out = _stop(proc)
    assert "printed 1 tickets" in out
    assert (tmp_path / "0001-A025.bin").exists() and (tmp_path / "0001-A025.png").exists()


def test_standalone_virtual_printer_on_a_pty(tmp_path: Path) -> None:
    proc, path = _start_virtual(["--pty", "--out", str(tmp_path), "--state", "paper_out"])
    try:
        with SerialLink(path, 9600, rtscts=True) as link:
            result = TicketPrinter(link).print_ticket(sample_ticket())
        assert result.reason_en == "Not printed: Printer out of paper"
    finally:
        _stop(proc)
    assert list(tmp_path.iterdir()) == []
