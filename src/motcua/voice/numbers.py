"""Vietnamese number reading for spoken calls: our own reader, not a library's.

Why our own: espeak-ng's built-in expansion reads 15 as "mười năm" and 1 000 000 as
"một triệu không trăm không trăm"; ``num2words`` reads 1025 as "một nghìn lẻ hai mươi
lăm". Both are wrong, so motcua turns every number into words itself and feeds the
speech engine words, never digits (see docs/voice.md for the table of cases).

Rules (standard reading, docs/voice.md has the full table):

* units: không một hai ba bốn năm sáu bảy tám chín;
* 10 is "mười", 20..90 are "<d> mươi";
* a 1 after a tens digit >= 2 is "mốt" (21 "hai mươi mốt"); 11 is "mười một";
* a 5 after any tens digit is "lăm" (15 "mười lăm", 25 "hai mươi lăm");
* a 4 after a tens digit >= 2 is "tư" in the northern reading (24 "hai mươi tư") and
  "bốn" in the southern one (24 "hai mươi bốn"), as speakers of each region say it;
  ``four_as_tu=True``/``False`` forces either; 14 is always "mười bốn";
* zero tens before a non-zero unit is "linh" (north) or "lẻ" (south): 105 "một trăm linh năm";
* every group of three digits after the first non-empty one is read in full, so an empty
  hundreds digit is spoken: 1025 "một nghìn không trăm hai mươi lăm"; all-zero groups are
  skipped: 2 000 005 "hai triệu không trăm linh năm";
* 1000 is "nghìn" (north) or "ngàn" (south); then "triệu", "tỷ" (and "nghìn tỷ" ...).

Every function returns NFC text.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

__all__ = [
    "DIGIT_WORDS",
    "LETTER_NAMES",
    "NUMBER_SYLLABLES",
    "digit_words",
    "digits",
    "letter_name",
    "parse_spoken",
    "syllables",
    "ticket_words",
    "words",
]

MAX_NUMBER = 10**18 - 1
"""Largest number read (a "tỷ tỷ" is far beyond any ticket or amount)."""

DIGIT_WORDS: tuple[str, ...] = (
    "không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín",
)

NUMBER_SYLLABLES: frozenset[str] = frozenset(
    {*DIGIT_WORDS, "mười", "mươi", "mốt", "tư", "lăm", "linh", "lẻ", "trăm", "nghìn", "ngàn",
     "triệu", "tỷ"}
)
"""Every syllable :func:`syllables` can produce, north and south: a finite clip set."""

# Letter names for ticket prefixes. Convention: the names Vietnamese schools and call
# systems commonly use (bê, xê, dê ...), with the consonants whose bare name is a single
# vowel-less sound given their two-syllable "e-lờ" form so they are heard clearly through
# a hall loudspeaker. Centres override any entry (see ``letter_names`` arguments).
LETTER_NAMES: Mapping[str, str] = {
    "a": "a", "ă": "á", "â": "ớ", "b": "bê", "c": "xê", "d": "dê", "đ": "đê",
    "e": "e", "ê": "ê", "f": "ép", "g": "giê", "h": "hát", "i": "i", "j": "gi",
    "k": "ca", "l": "e-lờ", "m": "em-mờ", "n": "en-nờ", "o": "o", "ô": "ô", "ơ": "ơ",
    "p": "pê", "q": "quy", "r": "e-rờ", "s": "ét-xì", "t": "tê", "u": "u", "ư": "ư",
    "v": "vê", "w": "vê kép", "x": "ích-xì", "y": "i dài", "z": "dét",
}

MAX_LABEL = 16
"""Longest ticket or counter label read (a label is a few letters and digits)."""

_SCALES = ("", "nghìn", "triệu")  # inside one "tỷ" block; index = group position from the right
_SEPARATORS = frozenset(" -._/")


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _check_number(n: int) -> None:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(
            f"Số phải là số nguyên, không phải {type(n).__name__} / "
            f"number must be an int, not {type(n).__name__}"
        )
    if n < 0 or n > MAX_NUMBER:
        raise ValueError(
            f"Không đọc được số {n}: chỉ đọc từ 0 đến {MAX_NUMBER} / "
            f"cannot read {n}: only 0..{MAX_NUMBER} are read"
        )


def _group(value: int, *, full: bool, south: bool, four_as_tu: bool) -> list[str]:
    """Syllables for one group of three digits (1..999).

    ``full`` means a group that follows a spoken group, so its hundreds digit is
    read even when it is 0 ("không trăm") and a lone unit takes "linh"/"lẻ".
    """
    hundreds, rest = divmod(value, 100)
    tens, unit = divmod(rest, 10)
    out: list[str] = []
    spoken_hundreds = full or hundreds > 0
    if spoken_hundreds:
        out += [DIGIT_WORDS[hundreds], "trăm"]
    if tens == 0:
        if unit and spoken_hundreds:
            out += ["lẻ" if south else "linh", DIGIT_WORDS[unit]]
        elif unit:
            out.append(DIGIT_WORDS[unit])
        return out
    if tens == 1:
        out.append("mười")
        if unit == 5:
            out.append("lăm")
        elif unit:
            out.append(DIGIT_WORDS[unit])
        return out
    out += [DIGIT_WORDS[tens], "mươi"]
    if unit == 1:
        out.append("mốt")
    elif unit == 4:
        out.append("tư" if four_as_tu else "bốn")
    elif unit == 5:
        out.append("lăm")
    elif unit:
        out.append(DIGIT_WORDS[unit])
    return out


def _below_billion(n: int, *, leading: bool, south: bool, four_as_tu: bool) -> list[str]:
    """Syllables for 1..999 999 999; ``leading`` is False after a spoken "tỷ"."""
    out: list[str] = []
    first = leading
    for position in (2, 1, 0):
        group = (n // 1000**position) % 1000
        if group == 0:
            continue  # an all-zero group is skipped ("hai triệu không trăm linh năm")
        out += _group(group, full=not first, south=south, four_as_tu=four_as_tu)
        scale = _SCALES[position]
        if scale == "nghìn" and south:
            scale = "ngàn"
        if scale:
            out.append(scale)
        first = False
    return out


def _syllables(n: int, *, leading: bool, south: bool, four_as_tu: bool) -> list[str]:
    if n >= 10**9:
        high, low = divmod(n, 10**9)
        out = _syllables(high, leading=leading, south=south, four_as_tu=four_as_tu)
        out.append("tỷ")
        if low:
            out += _below_billion(low, leading=False, south=south, four_as_tu=four_as_tu)
        return out
    return _below_billion(n, leading=leading, south=south, four_as_tu=four_as_tu)


def _tu(south: bool, four_as_tu: bool | None) -> bool:
    """Whether a 4 after "mươi" is "tư": the dialect decides unless the caller does."""
    return (not south) if four_as_tu is None else four_as_tu


def syllables(n: int, *, south: bool = False, four_as_tu: bool | None = None) -> list[str]:
    """The number ``n`` as a list of spoken syllables (each one is a clip name).

    >>> syllables(1025)
    ['một', 'nghìn', 'không', 'trăm', 'hai', 'mươi', 'lăm']
    """
    _check_number(n)
    if n == 0:
        return ["không"]
    return _syllables(n, leading=True, south=south, four_as_tu=_tu(south, four_as_tu))


def words(n: int, *, south: bool = False, four_as_tu: bool | None = None) -> str:
    """Read ``n`` in Vietnamese words (NFC).

    ``south`` chooses the southern reading ("ngàn", "lẻ") over the northern one
    ("nghìn", "linh"); a 4 after a tens digit >= 2 is "tư" in the north and "bốn" in
    the south unless ``four_as_tu`` says otherwise.

    >>> words(1025)
    'một nghìn không trăm hai mươi lăm'
    >>> words(105, south=True)
    'một trăm lẻ năm'
    >>> words(24, south=True)
    'hai mươi bốn'
    """
    return _nfc(" ".join(syllables(n, south=south, four_as_tu=four_as_tu)))


def digit_words(s: str) -> list[str]:
    """Each digit of ``s`` as its word: "025" -> ["không", "hai", "năm"]."""
    text = _nfc(s).strip()
    if not text or not all(ch in "0123456789" for ch in text):
        raise ValueError(
            f"'{s}' không phải một dãy chữ số / '{s}' is not a string of digits"
        )
    return [DIGIT_WORDS[int(ch)] for ch in text]


def digits(s: str) -> str:
    """Read ``s`` digit by digit: "025" -> "không hai năm"."""
    return " ".join(digit_words(s))


def letter_name(letter: str, letter_names: Mapping[str, str] | None = None) -> str:
    """The spoken name of one letter ("B" -> "bê"), from ``letter_names`` or the default."""
    key = _nfc(letter).casefold()
    table = LETTER_NAMES if letter_names is None else {**LETTER_NAMES, **letter_names}
    try:
        return _nfc(table[key])
    except KeyError:
        raise ValueError(
            f"Không biết đọc chữ '{letter}' / no spoken name for letter '{letter}'"
        ) from None


def _check_label(label: str) -> str:
    """The label, NFC and stripped, or a ValueError that says what is wrong with it."""
    text = _nfc(str(label)).strip()
    if not text:
        raise ValueError("Số thứ tự trống / empty ticket number")
    if len(text) > MAX_LABEL:
        raise ValueError(
            f"Số thứ tự quá dài ({len(text)} ký tự, tối đa {MAX_LABEL}): '{text}' / "
            f"ticket number too long ({len(text)} characters, at most {MAX_LABEL})"
        )
    if text[0] in "-+" or text[0] in "−":
        raise ValueError(
            f"Không đọc số có dấu '{text[0]}': '{text}' (số thứ tự không âm) / "
            f"'{text}' has a sign: ticket numbers are never negative"
        )
    if not any(ch.isalnum() for ch in text):
        raise ValueError(
            f"'{text}' không có chữ hay chữ số nào để đọc / '{text}' has nothing to read"
        )
    return text


def parse_spoken(value: str) -> int | str:
    """Check a value typed by a person: a whole number (returned as int) or a label.

    Refuses, with a message, what cannot be a ticket number or counter: a sign
    ("-5"), a fraction ("2.5" reads as a label only if it has a letter), more digits
    than :data:`MAX_NUMBER` has, text without letters or digits, and anything longer
    than :data:`MAX_LABEL`.
    """
    text = _nfc(str(value)).strip()
    if text and all(ch in "0123456789" for ch in text):
        if len(text) > len(str(MAX_NUMBER)):
            raise ValueError(
                f"Số quá dài ({len(text)} chữ số, tối đa {len(str(MAX_NUMBER))}) / "
                f"number too long ({len(text)} digits, at most {len(str(MAX_NUMBER))})"
            )
        return int(text)
    text = _check_label(text)
    if not any(ch.isalpha() for ch in text):
        raise ValueError(
            f"'{text}' không phải số hay số thứ tự (chỉ gồm chữ cái và chữ số) / "
            f"'{text}' is neither a number nor a ticket number"
        )
    for ch in text:
        if not (ch.isalpha() or ch in "0123456789" or ch in _SEPARATORS):
            raise ValueError(
                f"Số thứ tự '{text}' có ký tự '{ch}' không đọc được / "
                f"ticket number '{text}' has a character '{ch}' that cannot be read"
            )
    return text


def _runs(label: str) -> list[str]:
    """Split "A025" into ["A", "025"]: each letter alone, digits in runs."""
    runs: list[str] = []
    for ch in label:
        if ch in _SEPARATORS:
            runs.append("")  # a separator ends a digit run ("1-2" is two numbers)
        elif ch in "0123456789" and runs and runs[-1].isdigit():
            runs[-1] += ch
        else:
            runs.append(ch)
    return [run for run in runs if run]


def ticket_words(
    label: str,
    *,
    digits: bool = False,
    south: bool = False,
    four_as_tu: bool | None = None,
    letter_names: Mapping[str, str] | None = None,
) -> list[str]:
    """Spoken parts of a ticket (or counter) label, one entry per letter or number.

    Letters are read by name; a run of digits is read as a whole number
    ("A025" -> ["a", "hai mươi lăm"]) or, with ``digits=True``, digit by digit
    ("A025" -> ["a", "không", "hai", "năm"]). Separators (space - . _ /) are skipped.
    """
    text = _check_label(label)
    out: list[str] = []
    for run in _runs(text):
        if run.isdigit() and all(ch in "0123456789" for ch in run):
            if digits:
                out += digit_words(run)
            else:
                out.append(words(int(run), south=south, four_as_tu=four_as_tu))
        elif run.isalpha():
            out.append(letter_name(run, letter_names))
        else:
            raise ValueError(
                f"Số thứ tự '{label}' có ký tự '{run}' không đọc được / "
                f"ticket number '{label}' has a character '{run}' that cannot be read"
            )
    return out
