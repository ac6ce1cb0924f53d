"""TCVN-3 and Windows-1258 encoders: exact bytes, round trips, Đ (U+0110) vs Ð (U+00D0)."""

from __future__ import annotations

import unicodedata

import pytest
from escpos.capabilities import CAPABILITIES

from motcua.printer.codepages import (
    TCVN3_LOWER,
    TCVN3_UPPER,
    decode_cp1258,
    decode_tcvn3,
    encode_cp1258,
    encode_tcvn3,
    printable,
)

SAMPLE = "ỹ ự ễ ẫ ặ Đ ờ ở"
TONES = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]


def all_vietnamese_letters() -> list[str]:
    """Every Vietnamese letter, lower and upper case, with every tone (NFC)."""
    letters = ["đ", "Đ"]
    for base in "aăâeêioôơuưy":
        for tone in TONES:
            letter = unicodedata.normalize("NFC", base + tone)
            letters += [letter, letter.upper()]
    return letters


def test_sample_letters_exact_tcvn3_bytes() -> None:
    data, table = encode_tcvn3(SAMPLE)
    assert data == (
        b"\xfc \xf9 \xd4 \xc9 \xc6 "  # ỹ ự ễ ẫ ặ in table 30
        b"\x1bt\x1f\xa7"  # Đ: switch to the capitals table 31, 0xA7
        b" \x1bt\x1e\xea \xeb"  # back to 30 for ờ ở
    )
    assert table == 30
    assert decode_tcvn3(data) == SAMPLE


def test_every_vietnamese_letter_round_trips_in_tcvn3() -> None:
    text = " ".join(all_vietnamese_letters())
    data, _ = encode_tcvn3(text)
    assert b"?" not in data
    assert decode_tcvn3(data) == text


def test_capital_d_stroke_is_u0110_not_icelandic_eth() -> None:
    data, _ = encode_tcvn3("Đ")
    assert data == b"\x1bt\x1f\xa7"
    assert decode_tcvn3(data) == "\u0110"
    assert TCVN3_UPPER[0xA7] == "\u0110"
    assert "\u00d0" not in TCVN3_UPPER.values()
    # A typed Ð (eth) looks identical and is printed as Đ.
    assert decode_tcvn3(encode_tcvn3("\u00d0")[0]) == "\u0110"
    assert decode_cp1258(encode_cp1258("\u00d0")) == "\u0110"


def _db_table(name: str) -> dict[int, str]:
    rows = CAPABILITIES["encodings"][name]["data"]
    chars = "".join(rows)
    return {0x80 + i: ch for i, ch in enumerate(chars) if ch != " "}


def test_our_tables_match_escpos_printer_db_except_its_eth_bug() -> None:
    assert _db_table("TCVN-3-1") == TCVN3_LOWER
    db_upper = _db_table("TCVN-3-2")
    assert db_upper[0xA7] == "\u00d0"  # the database's mistake
    db_upper[0xA7] = "\u0110"
    assert db_upper == TCVN3_UPPER


def test_lower_case_text_needs_no_table_switch_after_the_first() -> None:
    data, table = encode_tcvn3("người đang chờ", table=30)
    assert b"\x1bt" not in data
    assert table == 30


def test_sample_letters_exact_cp1258_bytes() -> None:
    # base letter (precomposed with its circumflex/breve/horn) + combining tone
    assert encode_cp1258(SAMPLE) == (
        b"y\xde \xfd\xf2 \xea\xde \xe2\xde \xe3\xf2 \xd0 \xf5\xcc \xf5\xd2"
    )
    assert decode_cp1258(encode_cp1258(SAMPLE)) == SAMPLE


def test_cp1258_uses_precomposed_letters_where_it_has_them() -> None:
    assert encode_cp1258("à á Á ă Ơ ư đ") == b"\xe0 \xe1 \xc1 \xe3 \xd5 \xfd \xf0"


def test_every_vietnamese_letter_round_trips_in_cp1258() -> None:
    text = " ".join(all_vietnamese_letters())
    data = encode_cp1258(text)
    assert b"?" not in data
    assert decode_cp1258(data) == text


@pytest.mark.parametrize("mode", ["tcvn3", "cp1258"])
def test_nfd_input_prints_like_nfc(mode: str) -> None:
    nfd = unicodedata.normalize("NFD", SAMPLE)
    if mode == "tcvn3":
        assert encode_tcvn3(nfd) == encode_tcvn3(SAMPLE)
    else:
        assert encode_cp1258(nfd) == encode_cp1258(SAMPLE)


def test_punctuation_substitutions_and_unknown_characters() -> None:
    assert printable("Tư pháp – Hộ tịch", "tcvn3") == "Tư pháp - Hộ tịch"
    assert printable("“Hà Nội”…", "tcvn3") == '"Hà Nội"...'
    assert printable("€", "tcvn3") == "?"
    # cp1258 has the en dash itself, but a lone dash keeps both modes alike
    assert decode_cp1258(encode_cp1258("A – B")) == "A - B"
