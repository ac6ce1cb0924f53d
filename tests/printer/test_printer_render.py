"""Byte-level tests of the three render modes for a ticket full of Vietnamese letters."""

from __future__ import annotations

from datetime import datetime

import pytest
from PIL import Image

from motcua.printer.codepages import printable
from motcua.printer.parse import Command, parse_all
from motcua.printer.render import decode_text, draw_text, load_font, render
from motcua.printer.ticket import TICKET_TEMPLATE, TicketPrint, fill, sample_ticket

SAMPLE = "ỹ ự ễ ẫ ặ Đ ờ ở"
MODES = ["raster", "tcvn3", "cp1258"]


def typical() -> TicketPrint:
    """A usual ticket: header, field, procedure, no slogan."""
    return sample_ticket(procedure_vi="Đăng ký khai sinh", slogan="")


def commands(data: bytes, name: str) -> list[Command]:
    return [cmd for cmd in parse_all(data) if cmd.name == name]


@pytest.mark.parametrize("mode", MODES)
def test_ticket_starts_with_init_and_ends_with_cut(mode: str) -> None:
    data = render(sample_ticket(), mode)
    assert data.startswith(b"\x1b@")
    assert data.endswith(b"\x1bd\x06\x1dV\x01")  # feed past the cutter, partial cut
    parsed = parse_all(data)
    assert b"".join(cmd.raw for cmd in parsed) == data  # every byte is a known command
    assert not [cmd for cmd in parsed if cmd.name == "unknown"]


@pytest.mark.parametrize("mode", MODES)
def test_number_is_native_large_text(mode: str) -> None:
    parsed = parse_all(render(sample_ticket(), mode))
    names = [cmd.name for cmd in parsed]
    i = names.index("GS !")
    assert parsed[i].args == bytes((0x55,))  # 6 x 6 characters
    text = next(cmd for cmd in parsed[i:] if cmd.name == "text")
    assert text.args == b"A025"
    after = [cmd for cmd in parsed[i + 1 :] if cmd.name == "GS !"]
    assert after[0].args == b"\x00"  # back to normal size for the next line


@pytest.mark.parametrize("mode", MODES)
def test_qr_code_is_native_with_the_ticket_id(mode: str) -> None:
    qr = commands(render(sample_ticket(), mode), "GS ( k")
    functions = {cmd.args[3]: cmd.args[4:] for cmd in qr}  # fn -> parameters
    assert functions[67] == b"\x06"  # module size 6 dots
    assert functions[69] == b"1"  # error correction M
    assert functions[80] == b"0" + b"MC-20250716-A025-7F3K"
    assert 81 in functions  # print the stored symbol


@pytest.mark.parametrize("mode", ["tcvn3", "cp1258"])
def test_text_modes_round_trip_the_whole_ticket(mode: str) -> None:
    ticket = sample_ticket(priority_vi="Người cao tuổi", reprint=True)
    decoded = decode_text(render(ticket, mode))
    flat = " ".join(decoded.split("\n"))
    assert SAMPLE in flat
    for line in fill(ticket):
        if line.kind in ("text", "number"):
            assert printable(line.text, mode) in flat, line.text
    assert "*** IN LẠI ***" in decoded
    assert "Ưu tiên: Người cao tuổi" in decoded


def test_tcvn3_selects_epson_tables_30_and_31() -> None:
    data = render(sample_ticket(), "tcvn3")
    tables = {cmd.args[0] for cmd in commands(data, "ESC t")}
    assert tables == {30, 31}
    assert b"\x1bt\x1f\xa7" in data  # Đ as 0xA7 in the capitals table


def test_cp1258_selects_table_52_and_uses_combining_tones() -> None:
    data = render(sample_ticket(procedure_vi=SAMPLE), "cp1258")
    assert {cmd.args[0] for cmd in commands(data, "ESC t")} == {52}
    assert b"y\xde \xfd\xf2 \xea\xde \xe2\xde \xe3\xf2 \xd0 \xf5\xcc \xf5\xd2" in data


def test_text_mode_sizes() -> None:
    assert len(render(typical(), "tcvn3")) < 400
    assert len(render(typical(), "cp1258")) < 450


@pytest.mark.parametrize("profile", ["default", "58mm"])
def test_raster_is_small_and_sends_only_ink(profile: str) -> None:
    data = render(sample_ticket(), "raster", profile)
    assert len(data) < 12_000
    dots = 576 if profile == "default" else 384
    images = commands(data, "GS v 0")
    assert len(images) >= 8
    for cmd in images:
        width_bytes = cmd.args[1] + 256 * cmd.args[2]
        height = cmd.args[3] + 256 * cmd.args[4]
        bitmap = cmd.args[5:]
        assert len(bitmap) == width_bytes * height
        assert width_bytes * 8 <= dots
        # blank rows are never sent: the first and last rows carry ink
        assert any(bitmap[:width_bytes]) and any(bitmap[-width_bytes:])
    assert commands(data, "ESC J")  # blank space is a paper feed instead
    # the date line is plain ASCII and stays native text
    assert any(cmd.args == b"16/07/2025 14:30" for cmd in commands(data, "text"))


def test_raster_for_58mm_wraps_long_lines() -> None:
    data = render(sample_ticket(), "raster", "58mm")
    for cmd in commands(data, "GS v 0"):
        assert cmd.args[1] <= 48


def test_clone_profile_cancels_chinese_mode_and_pads_rasters() -> None:
    data = render(sample_ticket(), "raster", "clone80")
    assert data.startswith(b"\x1b@\x1c.")
    centred = [cmd for cmd in commands(data, "ESC a") if cmd.args != b"\x00"]
    raster_aligns = []
    align = 0
    for cmd in parse_all(data):
        if cmd.name == "ESC a":
            align = cmd.args[0]
        elif cmd.name == "GS v 0":
            raster_aligns.append(align)
    assert set(raster_aligns) == {0}  # positioned by padding, not by ESC a
    assert centred  # text (number, date) is still centred natively


HORN_SIZES = sorted({(b.px, b.bold) for b in TICKET_TEMPLATE if b.kind == "text"} | {(20, True)})


@pytest.mark.parametrize("px,bold", HORN_SIZES)
def test_raster_keeps_the_horn_of_u_horn(px: int, bold: bool) -> None:
    """1-bit FreeType rendering shrank the horn to one dot at 20 px bold ("Uu tiên")."""
    font = load_font(px, bold)

    def drawn(text: str) -> Image.Image:
        return draw_text(text, font, 4 * px, 2 * px, (2, 3 * px // 2))

    def right_edge(text: str) -> int:
        box = drawn(text).getbbox()
        assert box is not None
        return box[2]

    def ink(text: str) -> int:
        return sum(bin(byte).count("1") for byte in drawn(text).tobytes())

    assert right_edge("Ư") >= right_edge("U") + 2  # the horn stands out of the stroke
    assert ink("ơ") >= ink("o") + 3


def test_optional_lines() -> None:
    plain = sample_ticket(procedure_vi=None, slogan="", place="")
    text = decode_text(render(plain, "tcvn3"))
    assert "Đăng ký khai sinh" not in text
    assert "IN LẠI" not in text and "Ưu tiên" not in text
    assert "Thời gian chờ dự kiến: khoảng 12 phút" in text
    zero = decode_text(render(sample_ticket(ahead=0, estimate_minutes=0), "tcvn3"))
    assert "Số người đang chờ trước: 0" in zero
    assert "Thời gian chờ dự kiến: dưới 1 phút" in zero


def test_date_is_printed_in_vietnam_time() -> None:
    from datetime import UTC

    ticket = sample_ticket(issued_at=datetime(2025, 7, 16, 23, 30, tzinfo=UTC))
    assert "17/07/2025 06:30" in decode_text(render(ticket, "tcvn3"))


def test_non_ascii_number_prefix_is_drawn_in_raster_mode() -> None:
    data = render(sample_ticket(number="Đ007"), "raster")
    assert not any(cmd.args == b"\x55" for cmd in commands(data, "GS !"))
    tall = [cmd for cmd in commands(data, "GS v 0") if cmd.args[3] > 60]
    assert tall  # the number, drawn big


def test_bad_input_gives_clear_errors() -> None:
    with pytest.raises(ValueError, match="Chế độ in"):
        render(sample_ticket(), "utf8")
    with pytest.raises(ValueError, match="cấu hình máy in"):
        render(sample_ticket(), "raster", "110mm")
    with pytest.raises(ValueError, match="múi giờ"):
        sample_ticket(issued_at=datetime(2025, 7, 16, 14, 30))
    with pytest.raises(ValueError, match="không được âm"):
        sample_ticket(ahead=-1)
    with pytest.raises(ValueError, match="Số thứ tự trống"):
        sample_ticket(number="  ")


def test_ticket_text_is_nfc() -> None:
    import unicodedata

    ticket = sample_ticket(field_vi=unicodedata.normalize("NFD", "Tư pháp – Hộ tịch"))
    assert ticket.field_vi == "Tư pháp – Hộ tịch"
    assert render(ticket, "tcvn3") == render(sample_ticket(), "tcvn3")


# ------------------------------------------------------------------ size, estimate, checklist


def _content(ticket: TicketPrint, mode: str) -> tuple[str, str]:
    """(what the template says, what the printer prints), both flattened to words."""
    wanted = " ".join(printable(line.text, mode) for line in fill(ticket)
                      if line.kind in ("text", "number"))
    printed = " ".join(line for line in decode_text(render(ticket, mode)).split("\n")
                       if line.strip("-"))  # the dash rule is drawn, not said
    return " ".join(wanted.split()), " ".join(printed.split())


@pytest.mark.parametrize("mode", ["tcvn3", "cp1258"])
def test_typical_text_ticket_fits_400_bytes_without_losing_content(mode: str) -> None:
    ticket = typical()
    assert len(render(ticket, mode)) <= 400
    wanted, printed = _content(ticket, mode)
    assert printed == wanted
    qr = commands(render(ticket, mode), "GS ( k")
    assert any(cmd.args[3] == 80 for cmd in qr)  # the QR code is the printer's own


@pytest.mark.parametrize("mode", ["tcvn3", "cp1258"])
def test_no_redundant_mode_switches(mode: str) -> None:
    parsed = parse_all(render(sample_ticket(documents=("Tờ khai", "Giấy chứng sinh")), mode))
    state: dict[str, bytes] = {}
    for cmd in parsed:
        if cmd.name in ("ESC t", "ESC E", "ESC a", "GS !"):
            assert state.get(cmd.name) != cmd.args, f"{cmd.name} {cmd.args!r} sent twice"
            state[cmd.name] = cmd.args
        elif cmd.name == "ESC @":
            state.clear()


@pytest.mark.parametrize("mode", MODES)
def test_unknown_estimate_prints_no_minutes_figure(mode: str) -> None:
    late = sample_ticket(estimate_minutes=None, estimate_note="beyond_closing",
                         closes_at="17:00", ahead=27)
    closed = sample_ticket(estimate_minutes=None, estimate_note="no_counter_open", ahead=27)
    if mode == "raster":
        lines = [line.text.replace("\u00a0", " ") for line in fill(late)]
        assert "Có thể không kịp phục vụ trong hôm nay (trung tâm đóng cửa lúc 17:00)" in lines
        assert not any("phút" in line for line in lines)
        assert "Hiện chưa có quầy mở cho lĩnh vực này" in [line.text for line in fill(closed)]
        return
    text = " ".join(decode_text(render(late, mode)).split())
    assert "Có thể không kịp phục vụ trong hôm nay (trung tâm đóng cửa lúc 17:00)" in text
    assert "phút" not in text and "Thời gian chờ dự kiến" not in text
    text = " ".join(decode_text(render(closed, mode)).split())
    assert "Hiện chưa có quầy mở cho lĩnh vực này" in text and "phút" not in text


def test_checklist_prints_one_item_a_line_with_hanging_indent() -> None:
    ticket = sample_ticket(documents=(
        "Tờ khai đăng ký khai sinh",
        "Giấy tờ tùy thân có ảnh của người đi đăng ký khai sinh cho con",
    ))
    lines = decode_text(render(ticket, "tcvn3")).split("\n")
    start = lines.index("Giấy tờ cần mang:")
    assert lines[start + 1] == "- Tờ khai đăng ký khai sinh"
    assert lines[start + 2].startswith("- Giấy tờ tùy thân")
    assert lines[start + 3].startswith("  ")  # the item's second line, under its text
    assert "Giấy tờ cần mang" not in decode_text(render(sample_ticket(), "tcvn3"))


def test_short_document_form() -> None:
    from motcua.printer.ticket import short_document

    assert short_document("Bản chính Giấy chứng sinh; nếu không có thì văn bản") == \
        "Bản chính Giấy chứng sinh"
    assert short_document("Tờ khai đăng ký khai sinh (theo mẫu)") == "Tờ khai đăng ký khai sinh"
    assert short_document("Giấy xác nhận tình trạng hôn nhân, nếu đăng ký ở nơi khác") == \
        "Giấy xác nhận tình trạng hôn nhân (nếu cần)"
    long = "Giấy " * 40
    assert len(short_document(long)) <= 80 and short_document(long).endswith("...")
