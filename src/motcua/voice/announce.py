"""Turn a call (ticket number + counter) into a clip sequence and a sentence.

Clip granularity, chosen so a small, finite clip set speaks every call:

* each fixed phrase of the template is one clip ("mời công dân có số thứ tự",
  "đến quầy số"), so the bulk of the sentence sounds natural;
* numbers are spoken one syllable per clip ("hai", "mươi", "lăm"): about twenty
  syllables (:data:`motcua.voice.numbers.NUMBER_SYLLABLES`) cover every number, north and south;
* a ticket-prefix letter is one clip named by its spoken name ("bê", "e-lờ");
* two reserved names: :data:`CHIME` (a clip like any other, so a centre can replace it)
  and :data:`PAUSE` (silence made by the renderer, not a file).

Clip names are NFC, lower case, single-spaced.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from motcua.core.centre.model import Announcement
from motcua.core.text import nfc
from motcua.voice.numbers import LETTER_NAMES, NUMBER_SYLLABLES, ticket_words

__all__ = [
    "CHIME",
    "DEFAULT_TEMPLATE",
    "PAUSE",
    "SpokenCall",
    "all_clip_names",
    "build_call",
    "clip_name",
    "counter_words",
    "template_phrases",
]

CHIME = "chime"
"""Clip name of the chime played before a call."""
PAUSE = "pause"
"""Reserved name: a longer silence (after the chime, between repeats), not a file."""
DEFAULT_TEMPLATE = Announcement().template_vi
""""Mời công dân có số thứ tự {number} đến quầy số {counter}"."""

_FIELDS = ("number", "counter")
# Punctuation splits a fixed phrase into separate clips: a recorded voice reads
# "Xin mời, số" with a breath at the comma, and the clip names stay free of marks.
_PUNCTUATION = re.compile(r"[,.;:!?…]+")


@dataclass(frozen=True)
class SpokenCall:
    """One announcement: what to play, and what is said."""

    number_label: str
    """The ticket number as printed, e.g. ``"A025"``."""
    counter: str
    """The counter as given, e.g. ``"3"``."""
    clips: tuple[str, ...]
    """Clip names in play order, chime and repeats included."""
    text: str
    """The sentence spoken once, in NFC words ("Mời công dân ... a hai mươi lăm ... ba")."""
    repeats: int
    """How many times the sentence is in :attr:`clips`."""


def clip_name(text: str) -> str:
    """Normalise a phrase to a clip name: NFC, lower case, single spaces."""
    return " ".join(nfc(text).lower().split())


def _parse(template: str) -> list[tuple[str, str]]:
    """Split a template into ("phrase", clip name) and ("field", field name) parts."""
    try:
        pieces = list(string.Formatter().parse(nfc(template)))
    except ValueError as exc:
        raise ValueError(
            f"Mẫu câu gọi không hợp lệ ({exc}): '{template}' / invalid call template"
        ) from None
    parts: list[tuple[str, str]] = []
    for literal, field, spec, conversion in pieces:
        for chunk in _PUNCTUATION.split(literal):
            name = clip_name(chunk)
            if name:
                parts.append(("phrase", name))
        if field is None:
            continue
        if field not in _FIELDS or spec or conversion:
            raise ValueError(
                f"Mẫu câu gọi chỉ dùng {{number}} và {{counter}}, không dùng "
                f"'{{{field}}}' / the call template may use only {{number}} and {{counter}}"
            )
        parts.append(("field", field))
    if not any(kind == "field" and value == "number" for kind, value in parts):
        raise ValueError(
            f"Mẫu câu gọi thiếu {{number}}: '{template}' / the call template lacks {{number}}"
        )
    return parts


def template_phrases(template: str = DEFAULT_TEMPLATE) -> list[str]:
    """The fixed-phrase clip names of a template, in order."""
    return [value for kind, value in _parse(template) if kind == "phrase"]


def counter_words(
    counter: int | str,
    *,
    south: bool = False,
    four_as_tu: bool | None = None,
    letter_names: Mapping[str, str] | None = None,
) -> list[str]:
    """Spoken parts of a counter: always read whole ("3" -> ["ba"], "01" -> ["một"])."""
    label = str(counter)
    if isinstance(counter, bool) or (isinstance(counter, int) and counter < 0):
        raise ValueError(f"Số quầy không hợp lệ: {counter} / invalid counter: {counter}")
    return ticket_words(
        label, digits=False, south=south, four_as_tu=four_as_tu, letter_names=letter_names
    )


def _as_clips(parts: Iterable[str]) -> list[str]:
    """Number words become one clip per syllable; a letter name stays one clip."""
    out: list[str] = []
    for part in parts:
        syllables = clip_name(part).split()
        if all(s in NUMBER_SYLLABLES for s in syllables):
            out += syllables
        else:
            out.append(" ".join(syllables))  # a letter name such as "i dài"
    return out


def build_call(
    number_label: str,
    counter: int | str,
    settings: Announcement | None = None,
    *,
    four_as_tu: bool | None = None,
    letter_names: Mapping[str, str] | None = None,
) -> SpokenCall:
    """Build the clip sequence and sentence for calling ``number_label`` to ``counter``.

    ``settings`` (the centre's :class:`motcua.core.centre.model.Announcement`) gives the
    template, repeats, chime, digit-by-digit and southern reading.

    >>> build_call("A025", 3, Announcement(repeats=1)).clips
    ('chime', 'pause', 'mời công dân có số thứ tự', 'a', 'hai', 'mươi', 'lăm', 'đến quầy số', 'ba')
    """
    settings = settings or Announcement()
    if settings.repeats < 1:
        raise ValueError(
            f"Số lần đọc phải >= 1, không phải {settings.repeats} / repeats must be >= 1"
        )
    number = ticket_words(
        number_label, digits=settings.digits, south=settings.south,
        four_as_tu=four_as_tu, letter_names=letter_names,
    )
    where = counter_words(
        counter, south=settings.south, four_as_tu=four_as_tu, letter_names=letter_names
    )
    sentence_clips: list[str] = []
    for kind, value in _parse(settings.template_vi):
        if kind == "phrase":
            sentence_clips.append(value)
            continue
        spoken = number if value == "number" else where
        sentence_clips += _as_clips(spoken)
    text = _sentence_text(settings.template_vi, number, where)
    clips: list[str] = [CHIME, PAUSE] if settings.chime else []
    for i in range(settings.repeats):
        if i:
            clips.append(PAUSE)
        clips += sentence_clips
    return SpokenCall(
        number_label=nfc(number_label).strip(),
        counter=str(counter).strip(),
        clips=tuple(clips),
        text=text,
        repeats=settings.repeats,
    )


def _sentence_text(template: str, number: list[str], where: list[str]) -> str:
    text = nfc(template).format(number=" ".join(number), counter=" ".join(where))
    return nfc(" ".join(text.split()))


def all_clip_names(
    template: str = DEFAULT_TEMPLATE,
    *,
    letter_names: Mapping[str, str] | None = None,
) -> list[str]:
    """Every clip a template can need: chime, its phrases, number syllables, letters."""
    table = {**LETTER_NAMES, **(letter_names or {})}
    names = [CHIME, *template_phrases(template), *sorted(NUMBER_SYLLABLES)]
    names += sorted({clip_name(v) for v in table.values()})
    return list(dict.fromkeys(names))  # keeps order, drops repeats
