"""Vietnamese mobile numbers, as citizens type them."""

from __future__ import annotations

import re

__all__ = ["PhoneError", "normalise_phone"]

_PHONE = re.compile(r"0[35789]\d{8}")


class PhoneError(ValueError):
    """A phone number that cannot be messaged, with the reason in words."""

    def __init__(self, vi: str, en: str) -> None:
        super().__init__(f"{vi} / {en}")
        self.vi = vi
        self.en = en


def normalise_phone(text: str) -> str:
    """A Vietnamese mobile number as ``0XXXXXXXXX``, or :class:`PhoneError`."""
    digits = re.sub(r"[\s.\-()]", "", text)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if not digits.isdigit():
        raise PhoneError("Số điện thoại chỉ gồm chữ số", "A phone number has digits only")
    if not _PHONE.fullmatch(digits):
        raise PhoneError("Số điện thoại di động phải có 10 chữ số, bắt đầu bằng 03, 05, 07, "
                         "08 hoặc 09", "A mobile number has 10 digits starting with 03, 05, "
                         "07, 08 or 09")
    return digits
