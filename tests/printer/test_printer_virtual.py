"""The virtual printer twin: interprets the bytes, saves .bin and .png on each cut."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from motcua.printer.parse import Parser
from motcua.printer.render import decode_text, render
from motcua.printer.ticket import sample_ticket
from motcua.printer.virtual import VirtualPrinter, VirtualState, picture_of

MODES = ["raster", "tcvn3", "cp1258"]


@pytest.mark.parametrize("mode", MODES)
def test_saves_exact_bytes_and_a_readable_picture(tmp_path: Path, mode: str) -> None:
    printer = VirtualPrinter(tmp_path)
    data = render(sample_ticket(), mode)
    assert printer.feed(data) == b""
    assert len(printer.tickets) == 1
    ticket = printer.tickets[0]
    assert ticket.label == "A025"
    assert ticket.bin_path == tmp_path / "0001-A025.bin"
    assert ticket.bin_path.read_bytes() == data
    assert ticket.png_path is not None
    with Image.open(ticket.png_path) as picture:
        assert picture.width == 576
        assert 600 < picture.height < 1200
        grey = picture.convert("L")
        dark = grey.histogram()[:128]
        dark_share = sum(dark) / (picture.width * picture.height)
        assert 0.02 < dark_share < 0.5  # ink, but not a black page
    assert ticket.qr_data == [b"MC-20250716-A025-7F3K"]
    assert printer.unknown_commands == []


@pytest.mark.parametrize("mode", ["tcvn3", "cp1258"])
def test_text_it_prints_equals_the_decoder(mode: str) -> None:
    printer = VirtualPrinter()
    data = render(sample_ticket(), mode)
    printer.feed(data)
    expected = [line for line in decode_text(data).split("\n") if line.strip()]
    assert printer.tickets[0].text_lines == expected
    assert "ỹ ự ễ ẫ ặ Đ ờ ở" in " ".join(expected)


def test_raster_ticket_counts_its_images() -> None:
    printer = VirtualPrinter()
    data = render(sample_ticket(), "raster")
    printer.feed(data)
    ticket = printer.tickets[0]
    assert ticket.rasters == data.count(b"\x1dv0")
    assert "A025" in ticket.text_lines  # the number stays native text


def test_58mm_picture_is_384_dots_wide() -> None:
    image = picture_of(render(sample_ticket(), "raster", "58mm"), "58mm")
    assert image.width == 384


def test_bytes_arriving_one_at_a_time_give_the_same_ticket(tmp_path: Path) -> None:
    whole, trickle = VirtualPrinter(tmp_path / "a"), VirtualPrinter(tmp_path / "b")
    data = render(sample_ticket(), "raster")
    whole.feed(data)
    for i in range(len(data)):
        trickle.feed(data[i : i + 1])
    assert trickle.tickets[0].data == whole.tickets[0].data == data
    assert trickle.tickets[0].image.tobytes() == whole.tickets[0].image.tobytes()


def test_status_queries_are_answered_and_left_out_of_the_ticket(tmp_path: Path) -> None:
    printer = VirtualPrinter(tmp_path)
    data = render(sample_ticket(), "tcvn3")
    answers = printer.feed(b"\x10\x04\x01" + data + b"\x10\x04\x04")
    assert answers == b"\x12\x12"
    assert printer.tickets[0].data == data


@pytest.mark.parametrize(
    "state,answers",
    [
        (VirtualState.OK, b"\x12\x12\x12\x12"),
        (VirtualState.PAPER_NEAR_END, b"\x12\x12\x12\x1e"),
        (VirtualState.PAPER_OUT, b"\x1a\x32\x12\x7e"),
        (VirtualState.COVER_OPEN, b"\x1a\x16\x12\x12"),
        (VirtualState.ERROR, b"\x1a\x52\x1a\x12"),
        (VirtualState.SILENT, b""),
    ],
)
def test_dle_eot_answers_per_state(state: VirtualState, answers: bytes) -> None:
    printer = VirtualPrinter(state=state)
    assert printer.feed(b"\x10\x04\x01\x10\x04\x02\x10\x04\x03\x10\x04\x04") == answers


@pytest.mark.parametrize("state", ["paper_out", "cover_open", "error", "silent"])
def test_a_faulty_printer_prints_nothing(tmp_path: Path, state: str) -> None:
    printer = VirtualPrinter(tmp_path, state=state)
    printer.feed(render(sample_ticket(), "tcvn3"))
    assert printer.tickets == []
    assert list(tmp_path.iterdir()) == []
    assert printer.discarded_jobs == (0 if state == "silent" else 1)


def test_state_can_change_between_and_during_jobs(tmp_path: Path) -> None:
    printer = VirtualPrinter(tmp_path)
    data = render(sample_ticket(), "tcvn3")
    printer.state = "silent"
    printer.feed(data[:100])  # switched off halfway through: those bytes are lost
    printer.state = "ok"
    printer.feed(data)
    assert len(printer.tickets) == 1 and printer.tickets[0].data == data
    printer.state = VirtualState.PAPER_NEAR_END
    printer.feed(render(sample_ticket(number="B001"), "tcvn3"))
    assert [t.bin_path.name for t in printer.tickets if t.bin_path] == [
        "0001-A025.bin",
        "0002-B001.bin",
    ]


def test_parser_reports_unknown_commands_without_stalling() -> None:
    parser = Parser()
    cmds = parser.feed(b"\x1b\x7fA\nB")
    assert [c.name for c in cmds] == ["unknown", "text", "LF", "text"]
    assert parser.pending == 0
    assert parser.feed(b"\x1dv0\x00\x01\x00") == []  # incomplete header: wait for more
    assert parser.pending == 6
