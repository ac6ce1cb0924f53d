"""Vietnamese text at the boundaries: NFC normalisation, search folding, collation.

Every string that enters motcua (configuration, keyboard, wire, database) goes
through :func:`nfc`; search keys go through :func:`fold`; lists shown to people
are ordered with :func:`sort_key`, which follows the Vietnamese alphabet
(a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y) with tones as a
secondary difference (none, huyền, hỏi, ngã, sắc, nặng), as ICU's ``vi`` locale does.
"""

from __future__ import annotations

import unicodedata

__all__ = ["fold", "nfc", "sort_key"]

_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
# Letters outside the Vietnamese alphabet (f, j, w, z) sort after their neighbours
# as in ICU: f after e/ê, j after i, w after v, z after y.
_EXTRA = {"f": "ê~", "j": "i~", "w": "v~", "z": "y~"}
_BASE_ORDER = {ch: i for i, ch in enumerate(_ALPHABET)}
# Combining marks that make a letter of its own (breve, circumflex, horn) versus tones.
_LETTER_MARKS = {"\u0306": "ă", "\u0302": "â", "\u031b": "ơ"}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC, the one form motcua stores and sends."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Fold to a lower-case ASCII search key: "Đăng ký khai sinh" -> "dang ky khai sinh"."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return stripped.replace("đ", "d").replace("Đ", "d")


def _letters(text: str) -> list[tuple[str, int]]:
    """Split into (base letter, tone rank) pairs, keeping ă â ê ô ơ ư đ as letters."""
    out: list[tuple[str, int]] = []
    for ch in unicodedata.normalize("NFD", text.casefold()):
        if unicodedata.category(ch) == "Mn" and out:
            base, tone = out[-1]
            if ch in _LETTER_MARKS:
                mark_letter = {"a\u0306": "ă", "a\u0302": "â", "e\u0302": "ê", "o\u0302": "ô",
                               "o\u031b": "ơ", "u\u031b": "ư"}.get(base + ch)
                out[-1] = (mark_letter or base, tone)
            elif ch in _TONES:
                out[-1] = (base, _TONES[ch])
            continue
        out.append((ch, 0))
    return out


def _rank(letter: str) -> str:
    if letter in _BASE_ORDER:
        return chr(0x100 + _BASE_ORDER[letter])
    if letter in _EXTRA:
        prev = _EXTRA[letter][0]
        return chr(0x100 + _BASE_ORDER[prev]) + "~"
    return letter  # digits, spaces and punctuation keep their code point order


def sort_key(text: str) -> tuple[str, str, str]:
    """Sort key for Vietnamese: letters first, then tones, then case (as ICU ``vi``)."""
    letters = _letters(nfc(text))
    primary = "".join(_rank(base) for base, _ in letters)
    secondary = "".join(str(tone) for _, tone in letters)
    tertiary = "".join("1" if ch.isupper() else "0" for ch in nfc(text))
    return primary, secondary, tertiary
