"""Vietnamese text for ESC/POS code pages: TCVN-3 (Epson tables 30/31) and Windows-1258.

Both encoders take Unicode (normalised to NFC here) and return bytes plus the
``ESC t n`` code-page switches they need; both decoders take those bytes back to NFC
text, so tests can check a round trip.

TCVN-3 ("ABC", TCVN 5712:1993 VN3) puts the lower-case Vietnamese letters in 0xA8-0xFE.
Epson printers split it in two tables: table 30 holds the lower-case letters, table 31
the capitals at the same positions (the "H" fonts of the ABC font sets). The table below
is written out here, from the standard's positions, and checked in the tests against
escpos-printer-db; that database has U+00D0 (Ð, Icelandic eth) at 0xA7 of table 31 where
Vietnamese Đ (U+0110) belongs, so it must not be used as the encoding source.

Windows-1258 holds a few precomposed letters (the plain ones ă â ê ô ơ ư đ and their
capitals, and only à á è é í ó ù ú with a tone) plus five combining tone marks. A letter it does not hold is written as its
base letter (with circumflex, breve or horn when cp1258 has that letter) followed by the
combining tone, which is how Windows itself stores Vietnamese in cp1258.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from motcua.core.text import nfc

__all__ = [
    "CP1258_TONES",
    "SUBSTITUTIONS",
    "TCVN3_LOWER",
    "TCVN3_UPPER",
    "decode_bytes",
    "decode_cp1258",
    "decode_tcvn3",
    "encode_cp1258",
    "encode_tcvn3",
    "printable",
]

ESC = b"\x1b"

# Lower-case Vietnamese letters by byte, TCVN 5712:1993 VN3 (Epson code table 30).
_LOWER_ROWS: dict[int, str] = {
    0xA8: "ăâêôơưđ",
    0xB5: "àảãáạ",
    0xBB: "ằẳẵắ",
    0xC6: "ặầẩẫấậè",
    0xCE: "ẻẽéẹềểễếệìỉ",
    0xDC: "ĩíịò",
    0xE1: "ỏõóọồổỗốộờởỡớợù",
    0xF1: "ủũúụừửữứựỳỷỹýỵ",
}
# Capitals of the plain letters Ă Â Đ Ê Ô Ơ Ư in Epson code table 31. Đ is U+0110.
_UPPER_BASE: dict[int, str] = {
    0xA1: "Ă",
    0xA2: "Â",
    0xA7: "Đ",
    0xAA: "Ê",
    0xAB: "Ô",
    0xAC: "Ơ",
    0xAD: "Ư",
}


def _build_lower() -> dict[int, str]:
    table: dict[int, str] = {}
    for start, letters in _LOWER_ROWS.items():
        for offset, letter in enumerate(letters):
            table[start + offset] = letter
    return table


TCVN3_LOWER: dict[int, str] = _build_lower()
"""Byte -> letter for Epson code table 30 (bytes 0x80-0xFF only; below is ASCII)."""

TCVN3_UPPER: dict[int, str] = {
    **{byte: letter.upper() for byte, letter in TCVN3_LOWER.items() if byte >= 0xB5},
    **_UPPER_BASE,
}
"""Byte -> letter for Epson code table 31 (capitals with tones at the lower-case places)."""

_ENCODE_LOWER = {letter: byte for byte, letter in TCVN3_LOWER.items()}
_ENCODE_UPPER = {letter: byte for byte, letter in TCVN3_UPPER.items()}

SUBSTITUTIONS: dict[str, str] = {
    "\u2013": "-",  # en dash, as in "Tư pháp – Hộ tịch"
    "\u2014": "-",  # em dash
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2026": "...",
    "\u00a0": " ",
    "\u00d0": "Đ",  # Icelandic eth looks like Đ and is always a typing slip in Vietnamese
    "\u00f0": "đ",
}
"""Characters a code page lacks, replaced by the nearest printable look-alike."""

CP1258_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
"""Combining tone marks Windows-1258 holds (huyền, sắc, ngã, hỏi, nặng)."""


def _tcvn3_char(ch: str) -> tuple[int | None, int] | None:
    """Return (table, byte) for one character; table None means ASCII (any table)."""
    if " " <= ch <= "~":
        return None, ord(ch)
    if ch in _ENCODE_LOWER:
        return 30, _ENCODE_LOWER[ch]
    if ch in _ENCODE_UPPER:
        return 31, _ENCODE_UPPER[ch]
    return None


def printable(text: str, mode: str) -> str:
    """Return ``text`` as it will come back from the printer in ``mode`` ("tcvn3"/"cp1258").

    NFC, look-alike substitutions applied, anything still not encodable replaced by "?".
    Vietnamese letters are never substituted: they are all in both code pages.
    """
    out: list[str] = []
    for ch in nfc(text):
        ch = SUBSTITUTIONS.get(ch, ch)
        for part in ch:
            if mode == "tcvn3":
                out.append(part if _tcvn3_char(part) is not None else "?")
            else:
                out.append(part if _cp1258_ok(part) else "?")
    return "".join(out)


def encode_tcvn3(text: str, table: int = 30, lower: int = 30, upper: int = 31) -> tuple[bytes, int]:
    """Encode ``text`` for Epson TCVN-3 tables; return (bytes, table selected at the end).

    ``table`` is the table the printer has selected now; an ``ESC t n`` is emitted only
    when a letter needs the other table, so a line of lower-case text costs no switch.
    ``lower``/``upper`` are the table numbers in this printer's profile.
    """
    out = bytearray()
    for ch in printable(text, "tcvn3"):
        found = _tcvn3_char(ch)
        assert found is not None  # printable() replaced everything else by "?"
        needed, byte = found
        if needed is not None:
            wanted = lower if needed == 30 else upper
            if wanted != table:
                out += ESC + b"t" + bytes((wanted,))
                table = wanted
        out.append(byte)
    return bytes(out), table


def decode_tcvn3(data: bytes, table: int = 30, lower: int = 30, upper: int = 31) -> str:
    """Decode TCVN-3 bytes with embedded ``ESC t n`` switches back to NFC text.

    Unknown bytes become U+FFFD, so a wrong table shows up in a test instead of hiding.
    """
    out: list[str] = []
    i = 0
    while i < len(data):
        b = data[i]
        if b == 0x1B and i + 2 < len(data) and data[i + 1] == 0x74:  # ESC t n
            table = data[i + 2]
            i += 3
            continue
        if b < 0x80:
            out.append(chr(b))
        else:
            page = TCVN3_LOWER if table == lower else TCVN3_UPPER if table == upper else {}
            out.append(page.get(b, "\ufffd"))
        i += 1
    return nfc("".join(out))


def _cp1258_ok(ch: str) -> bool:
    try:
        ch.encode("cp1258")
    except UnicodeEncodeError:
        return _cp1258_split(ch) is not None
    return True


def _cp1258_split(ch: str) -> str | None:
    """Split a letter cp1258 lacks into base letter (precomposed if possible) + tone."""
    decomposed = unicodedata.normalize("NFD", ch)
    tones = [mark for mark in decomposed if mark in CP1258_TONES]
    base = unicodedata.normalize("NFC", "".join(m for m in decomposed if m not in CP1258_TONES))
    candidate = base + "".join(tones)
    try:
        candidate.encode("cp1258")
    except UnicodeEncodeError:
        return None
    return candidate


def encode_cp1258(text: str) -> bytes:
    """Encode ``text`` as Windows-1258: precomposed where cp1258 has the letter, else
    base letter + combining tone ("ế" -> "ê" + U+0301 -> 0xEA 0xEC)."""
    out = bytearray()
    for ch in printable(text, "cp1258"):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            split = _cp1258_split(ch)
            out += (split or "?").encode("cp1258")
    return bytes(out)


def decode_cp1258(data: bytes) -> str:
    """Decode Windows-1258 bytes (base + combining tones) back to NFC text."""
    return nfc(data.decode("cp1258", errors="replace"))


def decode_bytes(data: bytes, codec: str) -> str:
    """Decode text bytes of one code table: ``codec`` is "tcvn3-lower", "tcvn3-upper",
    or a Python codec name ("cp1258", "cp437", ...). Not normalised: a cp1258 tone mark
    may arrive in the next chunk, so the caller applies NFC per printed line."""
    if codec in ("tcvn3-lower", "tcvn3-upper"):
        page = TCVN3_LOWER if codec == "tcvn3-lower" else TCVN3_UPPER
        return "".join(chr(b) if b < 0x80 else page.get(b, "\ufffd") for b in data)
    return data.decode(codec, errors="replace")


def tcvn3_tables_used(texts: Iterable[str]) -> set[int]:
    """Which Epson TCVN-3 tables (30 and/or 31) the given texts need."""
    used: set[int] = set()
    for text in texts:
        for ch in printable(text, "tcvn3"):
            found = _tcvn3_char(ch)
            if found and found[0] is not None:
                used.add(found[0])
    return used
