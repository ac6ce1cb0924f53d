"""Every Vietnamese letter, exact on paper in every mode and size; wrapping in cells.

Text modes are proved with motcua's own decoder (:mod:`motcua.printer.decode`), which
reads the bytes back as the printer prints them, including the printer's own wrap
when a line overflows; raster mode is proved on pixels.
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from motcua.printer.decode import printed_lines
from motcua.printer.layout import cell_counter, wrap_cells
from motcua.printer.parse import parse_all
from motcua.printer.profile import get_profile
from motcua.printer.render import (
    STACKED_CAPITALS,
    draw_text,
    line_canvas,
    load_font,
    render,
    render_line_image,
)
from motcua.printer.ticket import TICKET_TEMPLATE, Block, sample_ticket

TONES = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]
TEXT_MODES = ["tcvn3", "cp1258"]
PROFILES = ["default", "58mm"]


def letters() -> list[str]:
    """All 134 accented letters plus Đ/đ and the plain vowels, lower and upper case."""
    out = ["đ", "Đ"]
    for base in "aăâeêioôơuưy":
        for tone in TONES:
            letter = unicodedata.normalize("NFC", base + tone)
            out += [letter, letter.upper()]
    return out


ALL = letters()
ACCENTED = [ch for ch in ALL if ch not in "aeiouyAEIOUY"]
TEXT_SIZES = sorted({b.size for b in TICKET_TEMPLATE if b.kind in ("text", "number")})
RASTER_SIZES = sorted({(b.px, b.bold) for b in TICKET_TEMPLATE if b.kind == "text"})


def test_the_alphabet_is_complete() -> None:
    assert len(ACCENTED) == 134
    assert len(set(ALL)) == len(ALL) == 146


def ticket_with(blocks: tuple[Block, ...]) -> bytes:
    return render(sample_ticket(), "tcvn3", template=(*blocks, Block("cut")))


def _render(mode: str, profile: str, blocks: tuple[Block, ...]) -> bytes:
    return render(sample_ticket(), mode, profile, template=(*blocks, Block("cut")))


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("size", TEXT_SIZES)
@pytest.mark.parametrize("mode", TEXT_MODES)
def test_every_letter_decodes_back_exactly(mode: str, size: int, profile: str) -> None:
    prof = get_profile(profile)
    # As many letters a row as fit at this size even with cp1258 marks (2 cells a
    # letter, 1 a space), so the size asked for holds.
    per_row = max(1, (prof.columns // size + 1) // 3)
    rows = [" ".join(ALL[i : i + per_row]) for i in range(0, len(ALL), per_row)]
    blocks = tuple(Block("text", row, size=size) for row in rows)
    lines = printed_lines(_render(mode, profile, blocks), prof)
    assert [line.text for line in lines] == rows  # letter by letter, row by row
    assert all(line.width == size for line in lines)  # printed at the size asked for
    assert not any(line.wrapped for line in lines)  # the printer never had to break one
    decoded = " ".join(line.text for line in lines).split()
    assert decoded == ALL


LONG_WORDS = "Nguyễn Thị Phượng nghiêng ngưỡng khuyến khích Đường Thượng Huyền"


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("mode", TEXT_MODES)
def test_long_words_at_the_line_end_go_whole_to_the_next_line(mode: str, profile: str) -> None:
    prof = get_profile(profile)
    cells = cell_counter(mode, prof)
    for lead in range(prof.columns - 12, prof.columns + 1):
        text = "x" * lead + " " + LONG_WORDS
        lines = printed_lines(_render(mode, profile, (Block("text", text, align="left"),)),
                              prof)
        assert not any(line.wrapped for line in lines), (lead, lines)
        for line in lines:
            assert not unicodedata.combining(line.text[0])  # no mark left behind
            assert cells(line.text) <= prof.columns
        assert " ".join(line.text for line in lines).split() == text.split()


@pytest.mark.parametrize("mode", TEXT_MODES)
def test_a_word_longer_than_a_line_is_cut_between_letters(mode: str) -> None:
    prof = get_profile("58mm")
    word = "Ngưỡngnghiêngkhuyếnkhíchđườngthượnghuyềnễẫ"  # longer than 32 cells
    lines = printed_lines(_render(mode, "58mm", (Block("text", f"Ấp {word}"),)), prof)
    assert not any(line.wrapped for line in lines)
    assert "".join(line.text for line in lines[1:]) == word
    assert all(not unicodedata.combining(line.text[0]) for line in lines)


def test_the_old_character_count_would_have_split_the_footer() -> None:
    """What the issue saw: 48 characters of cp1258 text are more than 48 cells."""
    prof = get_profile("default")
    cells = cell_counter("cp1258", prof)
    footer = "Vui lòng chờ đến lượt được gọi. Xin cảm ơn! Chúc"
    assert len(footer) <= prof.columns < cells(footer)
    for line in wrap_cells(footer, prof.columns, cells):
        assert cells(line) <= prof.columns


@pytest.mark.parametrize("mode", TEXT_MODES)
def test_hanging_indent_of_a_checklist_item(mode: str) -> None:
    prof = get_profile("58mm")
    item = "- Giấy tờ tùy thân có ảnh của người đi đăng ký khai sinh cho con"
    lines = printed_lines(_render(mode, "58mm", (Block("text", item, align="left",
                                                        hanging=2),)), prof)
    assert len(lines) >= 2
    assert lines[0].text.startswith("- ")
    assert all(line.text.startswith("  ") and line.text[2] != " " for line in lines[1:])
    assert " ".join(line.text for line in lines).split() == item.split()


@pytest.mark.parametrize("profile", PROFILES)
def test_raster_wraps_by_whole_words(profile: str) -> None:
    """Each bitmap sent is exactly the drawing of a run of whole words, and fits."""
    prof = get_profile(profile)
    font = load_font(22, False)
    for lead in (5, 11, 17, 23):  # "x" * 23 still fits a 58 mm line
        text = "x" * lead + " " + LONG_WORDS
        data = _render("raster", profile, (Block("text", text, px=22),))
        images = [cmd.args[5:] for cmd in parse_all(data) if cmd.name == "GS v 0"]
        widths = [8 * (cmd.args[1] + 256 * cmd.args[2]) for cmd in parse_all(data)
                  if cmd.name == "GS v 0"]
        assert all(w <= prof.dots for w in widths)
        words = text.split()
        for image in images:
            # find the run of whole words that draws exactly this bitmap
            for end in range(len(words), 0, -1):
                drawn, _, _ = render_line_image(" ".join(words[:end]), 22, False)
                if drawn.tobytes() == image:
                    words = words[end:]
                    break
            else:
                raise AssertionError(f"a bitmap is not a run of whole words (lead {lead})")
        assert words == []  # every word printed, in order, none cut
        assert font.getlength(text) > prof.dots  # the text did need wrapping


# ------------------------------------------------------------------ raster, on pixels


def _ink_rows(image: Image.Image) -> list[int]:
    pixels = image.load()
    assert pixels is not None
    return [y for y in range(image.height) if any(pixels[x, y] for x in range(image.width))]


def _edges_blank(image: Image.Image) -> bool:
    box = image.getbbox()
    return box is None or (box[0] > 0 and box[1] > 0 and box[2] < image.width
                           and box[3] < image.height)


@pytest.mark.parametrize(("px", "bold"), RASTER_SIZES)
def test_raster_keeps_every_mark_inside_the_line(px: int, bold: bool) -> None:
    font = load_font(px, bold)
    for letter in ALL:
        canvas, baseline = line_canvas(letter, px, bold)
        assert _edges_blank(canvas), (letter, px, bold)  # no ink touches an edge: no clip
        # The same letter drawn with room to spare: nothing differs (nothing was cut).
        reference = draw_text(letter, font, 4 * px, 4 * px, (px, 2 * px))
        ref_box, box = reference.getbbox(), canvas.getbbox()
        assert ref_box is not None and box is not None
        assert reference.crop(ref_box).tobytes() == canvas.crop(box).tobytes(), letter
        # The cropped image sent to the printer holds the same ink.
        image, top, pitch = render_line_image(letter, px, bold)
        assert image.getbbox() is not None and top + image.height <= pitch


@pytest.mark.parametrize(("px", "bold"), RASTER_SIZES)
def test_stacked_capitals_have_ink_above_the_cap_height(px: int, bold: bool) -> None:
    def top_of(letter: str) -> int:
        canvas, baseline = line_canvas(letter, px, bold)
        return baseline - _ink_rows(canvas)[0]  # rows of ink above the baseline

    for letter in ACCENTED:
        if not letter.isupper() or letter == "Đ":
            continue
        nfd = unicodedata.normalize("NFD", letter)
        above = [m for m in nfd[1:] if unicodedata.combining(m) == 230]
        if above:
            assert top_of(letter) > top_of(nfd[0]), letter  # a mark above the capital
        if len(above) == 2:  # Ế Ầ Ỗ Ẵ ...: the tone sits on the circumflex or breve
            single = unicodedata.normalize("NFC", nfd[0] + above[0])
            assert top_of(letter) > top_of(single), letter
            assert letter in STACKED_CAPITALS


def test_raster_ticket_of_stacked_capitals_is_not_clipped() -> None:
    """A whole line of stacked capitals at each ticket size: first raster row is the mark."""
    text = "PHƯỜNG BẾN THÀNH ẦẪỖẴ"
    for px, bold in RASTER_SIZES:
        data = _render("raster", "default", (Block("text", text, px=px, bold=bold),))
        images = [cmd for cmd in parse_all(data) if cmd.name == "GS v 0"]
        assert len(images) == 1
        height = images[0].args[3] + 256 * images[0].args[4]
        plain = _render("raster", "default", (Block("text", "PHUONG BEN THANH AAOA",
                                                    px=px, bold=bold),))
        # plain ASCII stays native text; the accented line is taller by its marks
        assert not [c for c in parse_all(plain) if c.name == "GS v 0"]
        canvas, baseline = line_canvas(text, px, bold)
        assert height == canvas.getbbox()[3] - canvas.getbbox()[1]  # type: ignore[index]


VIETNAMESE_WORDS = st.lists(
    st.text(alphabet=st.sampled_from([*ALL, *"bcdghklmnpqrstvx"]), min_size=1, max_size=14),
    min_size=1, max_size=12)


@given(words=VIETNAMESE_WORDS, width=st.integers(min_value=8, max_value=48),
       mode=st.sampled_from(TEXT_MODES))
def test_wrapping_any_vietnamese_text_keeps_words_and_cells(
    words: list[str], width: int, mode: str
) -> None:
    prof = get_profile("default")
    cells = cell_counter(mode, prof)
    text = " ".join(words)
    lines = wrap_cells(text, width, cells)
    assert all(cells(line) <= width for line in lines)  # never more than the line holds
    if all(cells(word) <= width for word in words):
        assert [line.split() for line in lines] == _regroup(words, lines)  # words whole
    assert "".join("".join(line.split()) for line in lines) == "".join(words)


def _regroup(words: list[str], lines: list[str]) -> list[list[str]]:
    out, i = [], 0
    for line in lines:
        count = len(line.split())
        out.append(words[i : i + count])
        i += count
    return out
