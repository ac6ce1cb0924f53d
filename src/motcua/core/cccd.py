"""The QR code on Vietnam's chip-based citizen ID card (CCCD / Căn cước), read at the kiosk.

The card's QR holds seven fields separated by ``|``::

    079090001234|025123456|Nguyễn Văn An|01011950|Nam|12 Lê Lợi, Phường Bến Thành, TP.HCM|15082021

ID number (12 digits), old 9-digit ID (often empty), full name, date of birth ``ddmmyyyy``,
sex, permanent address, date of issue ``ddmmyyyy``. Some readers append empty fields; the
newer "Căn cước" card uses the same order.

What motcua keeps of a card (Decree 13/2023 on personal data; docs/privacy.md): only a keyed
hash of the ID number (:func:`citizen_key`, per-centre secret) and whether the citizen is old
enough for priority. The name, address and dates are used at the kiosk for the moment of the
scan and never stored, logged, shown on a board or sent to the province.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from motcua.core.text import nfc

__all__ = ["CardError", "CitizenCard", "citizen_key", "load_or_create_secret", "parse_card"]

SEPARATOR = "|"
FIELDS = 7
_ID = re.compile(r"\d{12}")
_OLD_ID = re.compile(r"(\d{9})?")
_DATE = re.compile(r"\d{8}")
ELDERLY_AGE = 60
"""Law on the Elderly (Luật Người cao tuổi 2009, Art 2): a citizen of 60 or more."""


class CardError(ValueError):
    """A scanned text that is not a readable ID card QR, with the reason in words."""

    def __init__(self, vi: str, en: str) -> None:
        super().__init__(f"{vi} / {en}")
        self.vi = vi
        self.en = en


@dataclass(frozen=True, repr=False)
class CitizenCard:
    """What the kiosk reads off a card. Never stored: see the module docstring."""

    id_number: str
    old_id: str
    name: str
    born: date
    sex: str
    address: str
    issued: date

    def __repr__(self) -> str:  # keep personal data out of logs and tracebacks
        return "CitizenCard(<redacted>)"

    def age_on(self, day: date) -> int:
        """Completed years of age on ``day``."""
        years = day.year - self.born.year
        if (day.month, day.day) < (self.born.month, self.born.day):
            years -= 1
        return years

    def is_elderly(self, day: date, threshold: int = ELDERLY_AGE) -> bool:
        """Does the citizen qualify for the priority counter by age on ``day``?"""
        return self.age_on(day) >= threshold


def _date(text: str, what_vi: str, what_en: str) -> date:
    if not _DATE.fullmatch(text):
        raise CardError(f"{what_vi} phải có dạng ngày tháng năm ddmmyyyy",
                        f"{what_en} must be ddmmyyyy")
    try:
        return date(int(text[4:]), int(text[2:4]), int(text[:2]))
    except ValueError:
        raise CardError(f"{what_vi} không phải một ngày có thật",
                        f"{what_en} is not a real date") from None


def parse_card(text: str, *, today: date) -> CitizenCard:
    """Parse the QR text of an ID card, or raise :class:`CardError` saying what is wrong."""
    text = nfc(text.strip().replace("\r", "").replace("\n", ""))
    if not text:
        raise CardError("Không đọc được mã QR trên thẻ", "The card's QR code could not be read")
    parts = text.split(SEPARATOR)
    while len(parts) > FIELDS and parts[-1] == "":
        parts.pop()  # some scanners and card versions add empty trailing fields
    if len(parts) != FIELDS:
        raise CardError(
            f"Mã QR không phải của thẻ căn cước (có {len(parts)} trường, cần {FIELDS})",
            f"Not an ID card QR ({len(parts)} fields, expected {FIELDS})")
    id_number, old_id, name, born_s, sex, address, issued_s = (p.strip() for p in parts)
    if not _ID.fullmatch(id_number):
        raise CardError("Số định danh phải có đúng 12 chữ số",
                        "The ID number must be exactly 12 digits")
    if not _OLD_ID.fullmatch(old_id):
        raise CardError("Số CMND cũ phải có 9 chữ số hoặc để trống",
                        "The old ID number must be 9 digits or empty")
    if not name:
        raise CardError("Thẻ không có họ tên", "The card has no name")
    born = _date(born_s, "Ngày sinh", "The date of birth")
    issued = _date(issued_s, "Ngày cấp", "The date of issue")
    if born > today:
        raise CardError("Ngày sinh ở tương lai", "The date of birth is in the future")
    if issued < born or issued > today:
        raise CardError("Ngày cấp thẻ không hợp lệ", "The date of issue is not valid")
    return CitizenCard(id_number, old_id, name, born, sex, address, issued)


def citizen_key(id_number: str, secret: bytes) -> str:
    """The only trace of a citizen motcua keeps: HMAC-SHA256 of the ID number under the
    centre's secret (hex). Without the secret it cannot be turned back into an ID number
    by trying all 10^12 of them, and two centres' keys for one person differ."""
    if len(secret) < 16:
        raise ValueError("the citizen secret must be at least 16 bytes")
    return hmac.new(secret, id_number.encode("ascii"), hashlib.sha256).hexdigest()


def load_or_create_secret(path: Path) -> bytes:
    """Read the centre's citizen secret, making a random one (0600) on first use."""
    try:
        return bytes.fromhex(path.read_text("ascii").strip())
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(value.hex() + "\n")
    return value
