"""The chip ID card's QR: parsing, refusals in words, priority by age, privacy."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

import pytest
import qrcode
import zxingcpp
from PIL import Image

from motcua.core.cccd import CardError, citizen_key, load_or_create_secret, parse_card

TODAY = date(2025, 11, 24)
CARD = "079050001234|025123456|Nguyễn Văn An|24111965|Nam|12 Lê Lợi, Phường Bến Thành|15082021"


def test_a_card_is_read_and_its_age_counted() -> None:
    card = parse_card(CARD, today=TODAY)
    assert card.id_number == "079050001234" and card.name == "Nguyễn Văn An"
    assert card.born == date(1965, 11, 24) and card.issued == date(2021, 8, 15)
    assert card.age_on(TODAY) == 60 and card.is_elderly(TODAY)
    assert not card.is_elderly(date(2025, 11, 23))  # the day before the 60th birthday
    assert card.is_elderly(TODAY, threshold=60) and not card.is_elderly(TODAY, threshold=61)
    assert "Nguyễn" not in repr(card) and "079050001234" not in repr(card)


def test_decomposed_names_become_nfc_and_trailing_fields_are_tolerated() -> None:
    nfd = unicodedata.normalize("NFD", CARD)
    card = parse_card(nfd + "||", today=TODAY)
    assert card.name == "Nguyễn Văn An" and unicodedata.is_normalized("NFC", card.name)
    assert parse_card(CARD.replace("|025123456|", "||"), today=TODAY).old_id == ""


@pytest.mark.parametrize(("text", "words"), [
    ("", "Không đọc được"),
    ("079050001234|Nguyễn Văn An|24111965", "có 3 trường, cần 7"),
    (CARD.replace("079050001234", "07905000123"), "12 chữ số"),
    (CARD.replace("025123456", "02512"), "9 chữ số"),
    (CARD.replace("24111965", "1965-11-24"), "ddmmyyyy"),
    (CARD.replace("24111965", "31021965"), "không phải một ngày có thật"),
    (CARD.replace("24111965", "24112030"), "tương lai"),
    (CARD.replace("15082021", "15081960"), "Ngày cấp"),
    (CARD.replace("Nguyễn Văn An", " "), "họ tên"),
])
def test_malformed_card_texts_are_refused_in_words(text: str, words: str) -> None:
    with pytest.raises(CardError) as e:
        parse_card(text, today=TODAY)
    assert words in e.value.vi and e.value.en


def test_the_kept_key_is_keyed_and_reveals_nothing(tmp_path: Path) -> None:
    secret = load_or_create_secret(tmp_path / "citizen.secret")
    assert load_or_create_secret(tmp_path / "citizen.secret") == secret
    assert (tmp_path / "citizen.secret").stat().st_mode & 0o777 == 0o600
    key = citizen_key("079050001234", secret)
    assert len(key) == 64 and "079050001234" not in key
    assert key != citizen_key("079050001234", b"another centre's secret!")
    assert key == citizen_key("079050001234", secret)


def test_from_a_card_image_to_the_parsed_card(tmp_path: Path) -> None:
    """The path a scanner takes: a QR image of the card text, decoded by zxing-cpp."""
    image = qrcode.make(CARD.encode("utf-8"), border=2).get_image()
    path = tmp_path / "card.png"
    image.save(path)
    (found,) = zxingcpp.read_barcodes(Image.open(path))
    assert parse_card(found.text, today=TODAY).name == "Nguyễn Văn An"
