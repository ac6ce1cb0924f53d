"""Vietnamese number reading: the table from docs/voice.md, variants, NFC, ticket labels."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.voice.numbers import (
    LETTER_NAMES,
    NUMBER_SYLLABLES,
    digit_words,
    digits,
    letter_name,
    syllables,
    ticket_words,
    words,
)

NORTH = [
    (0, "không"),
    (1, "một"),
    (4, "bốn"),
    (5, "năm"),
    (10, "mười"),
    (11, "mười một"),
    (14, "mười bốn"),
    (15, "mười lăm"),
    (20, "hai mươi"),
    (21, "hai mươi mốt"),
    (24, "hai mươi tư"),
    (25, "hai mươi lăm"),
    (31, "ba mươi mốt"),
    (55, "năm mươi lăm"),
    (100, "một trăm"),
    (101, "một trăm linh một"),
    (104, "một trăm linh bốn"),
    (105, "một trăm linh năm"),
    (110, "một trăm mười"),
    (115, "một trăm mười lăm"),
    (121, "một trăm hai mươi mốt"),
    (1000, "một nghìn"),
    (1005, "một nghìn không trăm linh năm"),
    (1010, "một nghìn không trăm mười"),
    (1025, "một nghìn không trăm hai mươi lăm"),
    (1500, "một nghìn năm trăm"),
    (10_005, "mười nghìn không trăm linh năm"),
    (100_000, "một trăm nghìn"),
    (505_515, "năm trăm linh năm nghìn năm trăm mười lăm"),
    (1_000_000, "một triệu"),
    (1_001_000, "một triệu không trăm linh một nghìn"),
    (2_000_005, "hai triệu không trăm linh năm"),
    (5_025_110, "năm triệu không trăm hai mươi lăm nghìn một trăm mười"),
    (999_999_999, "chín trăm chín mươi chín triệu chín trăm chín mươi chín nghìn "
                  "chín trăm chín mươi chín"),
    (1_000_000_000, "một tỷ"),
    (1_505_555_005, "một tỷ năm trăm linh năm triệu năm trăm năm mươi lăm nghìn "
                    "không trăm linh năm"),
    (5_000_000_000_000, "năm nghìn tỷ"),
]

SOUTH = [
    (105, "một trăm lẻ năm"),
    (1000, "một ngàn"),
    (1005, "một ngàn không trăm lẻ năm"),
    (1025, "một ngàn không trăm hai mươi lăm"),
    (2_000_005, "hai triệu không trăm lẻ năm"),
    (15, "mười lăm"),
    (21, "hai mươi mốt"),
]


@pytest.mark.parametrize(("n", "expected"), NORTH)
def test_northern_reading(n: int, expected: str) -> None:
    assert words(n) == expected


@pytest.mark.parametrize(("n", "expected"), SOUTH)
def test_southern_reading(n: int, expected: str) -> None:
    assert words(n, south=True) == expected


def test_four_after_tens_is_tu_in_the_north_bon_in_the_south() -> None:
    assert words(24) == "hai mươi tư"
    assert words(24, south=True) == "hai mươi bốn"
    assert words(24, south=True, four_as_tu=True) == "hai mươi tư"
    assert words(24, four_as_tu=False) == "hai mươi bốn"
    assert words(1034, four_as_tu=False) == "một nghìn không trăm ba mươi bốn"
    # 14 and 104 never take "tư": the rule is for a tens digit of 2 or more
    assert words(14) == "mười bốn"
    assert words(104) == "một trăm linh bốn"


@given(st.integers(min_value=0, max_value=999_999_999), st.booleans())
def test_output_is_nfc_and_uses_only_the_finite_syllable_set(n: int, south: bool) -> None:
    text = words(n, south=south)
    assert unicodedata.is_normalized("NFC", text)
    assert set(syllables(n, south=south)) <= NUMBER_SYLLABLES
    assert text == " ".join(syllables(n, south=south))
    assert "  " not in text and text == text.strip()
    # "mười năm" (espeak-ng's mistake) never appears; 5 after a ten is "lăm"
    assert "mười năm" not in text and "mươi năm" not in text


@given(st.integers(min_value=0, max_value=999_999_999))
def test_north_and_south_differ_only_in_nghin_linh_and_tu(n: int) -> None:
    north, south = words(n).split(), words(n, south=True).split()
    swap = {"nghìn": "ngàn", "linh": "lẻ", "tư": "bốn"}
    assert [swap.get(w, w) for w in north] == south


@pytest.mark.parametrize("bad", [-1, 10**18])
def test_out_of_range_is_a_clear_error(bad: int) -> None:
    with pytest.raises(ValueError, match="Không đọc được số"):
        words(bad)


def test_non_int_is_rejected() -> None:
    with pytest.raises(TypeError, match="number must be an int"):
        words(True)
    with pytest.raises(TypeError):
        words("12")  # type: ignore[arg-type]


def test_digits_are_read_one_by_one() -> None:
    assert digits("025") == "không hai năm"
    assert digits("1025") == "một không hai năm"
    assert digit_words("90") == ["chín", "không"]
    with pytest.raises(ValueError, match="not a string of digits"):
        digits("12a")
    with pytest.raises(ValueError):
        digits("")


def test_ticket_words_whole_and_digit_by_digit() -> None:
    assert ticket_words("A025") == ["a", "hai mươi lăm"]
    assert ticket_words("A025", digits=True) == ["a", "không", "hai", "năm"]
    assert ticket_words("1025") == ["một nghìn không trăm hai mươi lăm"]
    assert ticket_words("1025", south=True) == ["một ngàn không trăm hai mươi lăm"]
    assert ticket_words("1025", digits=True) == ["một", "không", "hai", "năm"]
    assert ticket_words("B105", south=True) == ["bê", "một trăm lẻ năm"]
    assert ticket_words("a-007") == ["a", "bảy"]
    assert ticket_words("A000") == ["a", "không"]
    assert ticket_words("LM12") == ["e-lờ", "em-mờ", "mười hai"]


def test_counter_numbers_read_whole() -> None:
    assert ticket_words("3") == ["ba"]
    assert ticket_words("01") == ["một"]
    assert ticket_words("10") == ["mười"]


def test_letter_names_default_and_override() -> None:
    assert [letter_name(c) for c in "ABCDĐGHKLMNQRSXY"] == [
        "a", "bê", "xê", "dê", "đê", "giê", "hát", "ca", "e-lờ", "em-mờ", "en-nờ", "quy",
        "e-rờ", "ét-xì", "ích-xì", "i dài",
    ]
    assert letter_name("đ") == "đê"
    assert ticket_words("G1", letter_names={"g": "gờ"}) == ["gờ", "một"]
    # every Vietnamese letter and f j w z has a name, all NFC
    for letter in "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz":
        assert unicodedata.is_normalized("NFC", LETTER_NAMES[letter])


def test_ticket_labels_with_unreadable_characters_are_refused_in_words() -> None:
    with pytest.raises(ValueError, match=r"không đọc được.*cannot be read"):
        ticket_words("A%25")
    with pytest.raises(ValueError, match="empty ticket number"):
        ticket_words("  ")


def test_nfd_input_gives_nfc_output() -> None:
    nfd = unicodedata.normalize("NFD", "Đ12")
    out = ticket_words(nfd)
    assert out == ["đê", "mười hai"]
    assert all(unicodedata.is_normalized("NFC", w) for w in out)
