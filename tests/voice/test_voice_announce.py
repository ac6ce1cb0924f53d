"""Announcement building: clip sequence, sentence text, template handling."""

from __future__ import annotations

import unicodedata
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.core.centre.model import Announcement
from motcua.voice.announce import (
    CHIME,
    PAUSE,
    all_clip_names,
    build_call,
    counter_words,
    template_phrases,
)

ONCE = Announcement(repeats=1)


def test_clip_sequence_of_one_call() -> None:
    call = build_call("A025", 3, ONCE)
    assert call.clips == (
        CHIME, PAUSE,
        "mời công dân có số thứ tự", "a", "hai", "mươi", "lăm", "đến quầy số", "ba",
    )
    assert call.text == "Mời công dân có số thứ tự a hai mươi lăm đến quầy số ba"
    assert call.number_label == "A025" and call.counter == "3" and call.repeats == 1


def test_repeats_are_separated_by_a_pause_and_the_chime_comes_once_first() -> None:
    call = build_call("A025", "3")  # the centre default: 2 repeats, chime
    sentence = build_call("A025", "3", replace(ONCE, chime=False)).clips
    assert call.clips == (CHIME, PAUSE, *sentence, PAUSE, *sentence)
    assert call.clips.count(CHIME) == 1


def test_digit_by_digit_and_southern_reading() -> None:
    settings = Announcement(repeats=1, chime=False, digits=True, south=True)
    call = build_call("1025", "01", settings)
    assert call.clips == (
        "mời công dân có số thứ tự", "một", "không", "hai", "năm", "đến quầy số", "một",
    )
    whole = build_call("1025", 12, replace(settings, digits=False))
    assert whole.clips[1:8] == ("một", "ngàn", "không", "trăm", "hai", "mươi", "lăm")
    assert whole.text.endswith("đến quầy số mười hai")


def test_multi_syllable_letter_names_stay_one_clip() -> None:
    call = build_call("Y7", 2, replace(ONCE, chime=False))
    assert call.clips == ("mời công dân có số thứ tự", "i dài", "bảy", "đến quầy số", "hai")


def test_counter_words() -> None:
    assert counter_words("3") == ["ba"]
    assert counter_words("01") == ["một"]
    assert counter_words(15) == ["mười lăm"]
    with pytest.raises(ValueError, match="invalid counter"):
        counter_words(-1)


def test_custom_template_with_punctuation_and_nfd_text() -> None:
    template = unicodedata.normalize("NFD", "Xin mời số {number}, đến quầy {counter}.")
    call = build_call("B12", 4, Announcement(template_vi=template, repeats=1, chime=False))
    assert call.clips == ("xin mời số", "bê", "mười", "hai", "đến quầy", "bốn")
    assert call.text == "Xin mời số bê mười hai, đến quầy bốn."
    assert all(unicodedata.is_normalized("NFC", c) for c in call.clips)
    assert unicodedata.is_normalized("NFC", call.text)
    assert template_phrases(template) == ["xin mời số", "đến quầy"]


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("Mời số {ticket} đến quầy {counter}", "only {number} and {counter}"),
        ("Mời đến quầy {counter}", "lacks {number}"),
        ("Mời số {number đến quầy", "invalid call template"),
        ("Mời số {number:>3}", "only {number} and {counter}"),
    ],
)
def test_bad_templates_are_refused_in_words(template: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("{", r"\{").replace("}", r"\}")):
        build_call("A1", 1, Announcement(template_vi=template))


def test_zero_repeats_and_bad_numbers_are_refused() -> None:
    with pytest.raises(ValueError, match="repeats must be >= 1"):
        build_call("A1", 1, Announcement(repeats=0))
    with pytest.raises(ValueError, match="cannot be read"):
        build_call("A#1", 1)


def test_default_clip_names_are_a_small_finite_set() -> None:
    names = all_clip_names()
    assert len(names) == len(set(names)) < 80
    assert names[0] == CHIME and PAUSE not in names
    assert {"mời công dân có số thứ tự", "đến quầy số", "lăm", "mốt", "tư", "ngàn"} <= set(names)


@given(
    st.sampled_from("ABCDĐEGHKLMNPQRSTUVXY"),
    st.integers(min_value=0, max_value=999_999),
    st.integers(min_value=1, max_value=99),
    st.booleans(),
    st.booleans(),
)
def test_every_call_is_covered_by_the_default_clip_set(
    prefix: str, number: int, counter: int, digits: bool, south: bool
) -> None:
    settings = Announcement(digits=digits, south=south)
    call = build_call(f"{prefix}{number:03d}", counter, settings)
    assert set(call.clips) - {PAUSE} <= set(all_clip_names())
