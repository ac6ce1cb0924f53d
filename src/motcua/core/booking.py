"""Booking codes that a centre can check without asking anyone (docs/booking.md).

A booking made online on the provincial server is handed to the citizen twice:

* a **QR token** ``MCB1.<payload>.<signature>``: the booking itself (centre, field, day,
  slot, code) signed with the province's Ed25519 key. Every hub holds only the province's
  *public* key, so a kiosk can verify and honour a booking made after its centre's last
  sync (or while the centre is offline), and a stolen centre box cannot mint bookings;
* a short **typed code** (8 letters and digits, e.g. ``BT7K-3QXM``) for a citizen without
  the QR: it is checked against the bookings the centre has synced.

:class:`BookingPolicy` decides what a check-in at the kiosk gets, by a named rule.
"""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from motcua.core.text import nfc

__all__ = ["Booking", "BookingError", "BookingPolicy", "CheckIn", "new_code", "peek", "sign",
           "verify"]

TOKEN_PREFIX = "MCB1"
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
CODE_LENGTH = 8
_LOOK_ALIKE = str.maketrans("OIL", "011")


class BookingError(ValueError):
    """A booking that cannot be honoured, with the reason in words and a code."""

    def __init__(self, code: str, vi: str, en: str) -> None:
        super().__init__(f"{vi} / {en}")
        self.code = code
        self.vi = vi
        self.en = en


@dataclass(frozen=True)
class Booking:
    """One booked slot. No personal data: the phone/ID hash stays on the province server."""

    code: str
    """The short typed code, also the booking's identity (unique per province)."""
    site: str
    """The centre's id (its ``centre.id``)."""
    field: str
    """Field code, e.g. ``"A"``."""
    day: date
    """The booked business day."""
    start: time
    """Start of the booked slot, centre local time."""
    minutes: int
    """Length of the slot."""
    procedure: str | None = None
    """Procedure id chosen when booking, if any."""

    def slot_start(self, tz_day: datetime) -> datetime:
        """The slot's start as an aware datetime in the zone of ``tz_day``."""
        return datetime.combine(self.day, self.start, tzinfo=tz_day.tzinfo)

    def to_dict(self) -> dict[str, object]:
        d = asdict(self)
        d["day"] = self.day.isoformat()
        d["start"] = self.start.strftime("%H:%M")
        return d

    @classmethod
    def from_dict(cls, d: dict[str, object]) -> Booking:
        try:
            return cls(code=normalise_code(str(d["code"])), site=str(d["site"]),
                       field=str(d["field"]), day=date.fromisoformat(str(d["day"])),
                       start=time.fromisoformat(str(d["start"])), minutes=int(str(d["minutes"])),
                       procedure=None if d.get("procedure") in (None, "") else str(d["procedure"]))
        except (KeyError, TypeError, ValueError):
            raise BookingError("malformed", "Mã đặt lịch không đúng dạng",
                               "The booking code is malformed") from None


def load_public_key(path: Path) -> Ed25519PublicKey:
    """The province's public key (PEM, ``booking.pub``), or :class:`BookingError` in words."""
    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise BookingError("bad_key", f"Không đọc được khoá đặt lịch {path}",
                           f"Cannot read the booking key {path}: {exc}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise BookingError("bad_key", f"{path} không phải khoá Ed25519",
                           f"{path} is not an Ed25519 key")
    return key


def new_code() -> str:
    """A fresh random typed code (40 bits): 8 characters of Crockford's base32."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """What a person typed, as the canonical code: upper case, no dashes or spaces, and the
    letters people confuse with digits read as those digits (O→0, I/L→1)."""
    t = nfc(text).upper().replace("-", "").replace(" ", "")
    return t.translate(_LOOK_ALIKE)


def format_code(code: str) -> str:
    """``BT7K3QXM`` -> ``BT7K-3QXM`` (how it is printed and shown)."""
    return f"{code[:4]}-{code[4:]}"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(booking: Booking, key: Ed25519PrivateKey) -> str:
    """The QR token of ``booking`` signed with the province's private key."""
    payload = json.dumps(booking.to_dict(), separators=(",", ":"), sort_keys=True,
                         ensure_ascii=False).encode("utf-8")
    return f"{TOKEN_PREFIX}.{_b64(payload)}.{_b64(key.sign(payload))}"


def verify(token: str, key: Ed25519PublicKey) -> Booking:
    """The booking in a QR token, or :class:`BookingError` if it is malformed or forged."""
    parts = token.strip().split(".")
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        raise BookingError("malformed", "Mã QR không phải mã đặt lịch",
                           "This QR code is not a booking")
    try:
        payload, signature = _unb64(parts[1]), _unb64(parts[2])
    except (ValueError, UnicodeEncodeError):
        raise BookingError("malformed", "Mã đặt lịch không đúng dạng",
                           "The booking code is malformed") from None
    try:
        key.verify(signature, payload)
    except InvalidSignature:
        raise BookingError("forged", "Mã đặt lịch không hợp lệ (chữ ký sai)",
                           "The booking code is not genuine (bad signature)") from None
    try:
        data = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BookingError("malformed", "Mã đặt lịch không đúng dạng",
                           "The booking code is malformed") from None
    if not isinstance(data, dict):
        raise BookingError("malformed", "Mã đặt lịch không đúng dạng",
                           "The booking code is malformed")
    return Booking.from_dict(data)


def peek(token: str) -> Booking | None:
    """What a QR token says, WITHOUT checking its signature (the kiosk uses it to know the
    field before asking the hub, which verifies). None if it is not readable."""
    parts = token.strip().split(".")
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    try:
        data = json.loads(_unb64(parts[1]).decode("utf-8"))
        return Booking.from_dict(data) if isinstance(data, dict) else None
    except (ValueError, UnicodeDecodeError, BookingError):
        return None


Placement = Literal["booked", "wait_for_window", "normal"]


@dataclass(frozen=True)
class CheckIn:
    """What a check-in gets: where the ticket goes in its field's queue, and why (in words)."""

    placement: Placement
    """``booked``: called next in its field; ``wait_for_window``: booked, but not called
    before ``window_opens``; ``normal``: too late for the slot, an ordinary ticket."""
    window_opens: datetime
    window_closes: datetime
    vi: str
    en: str


@dataclass(frozen=True)
class BookingPolicy:
    """The named rule for booked citizens (``booking.policy`` in the centre's settings).

    ``window``: a booked ticket is served next in its field from ``early`` minutes before
    its slot until ``late`` minutes after it; a citizen who comes earlier gets the booked
    ticket at once but it is not called before the window opens; one who comes after the
    window gets an ordinary ticket (the slot is released).
    """

    name: Literal["window"] = "window"
    early_minutes: int = 15
    late_minutes: int = 15

    def check_in(self, booking: Booking, *, site: str, now: datetime,
                 used: bool = False) -> CheckIn:
        """Decide a check-in at ``now`` (an aware local time) at centre ``site``."""
        if used:
            raise BookingError("used", "Mã đặt lịch này đã được dùng để lấy số",
                               "This booking has already been checked in")
        if booking.site != site:
            raise BookingError("other_centre", "Lịch hẹn này ở trung tâm khác",
                               "This booking is for another centre")
        if booking.day != now.date():
            when = booking.day.strftime("%d/%m/%Y")
            raise BookingError("other_day", f"Lịch hẹn này vào ngày {when}, không phải hôm nay",
                               f"This booking is for {when}, not today")
        start = booking.slot_start(now)
        opens = start - timedelta(minutes=self.early_minutes)
        closes = start + timedelta(minutes=self.late_minutes)
        hhmm = start.strftime("%H:%M")
        if now < opens:
            return CheckIn("wait_for_window", opens, closes,
                           f"Ông/Bà đến sớm: sẽ được gọi từ {opens:%H:%M} (hẹn lúc {hhmm})",
                           f"You are early: you will be called from {opens:%H:%M} "
                           f"(booked for {hhmm})")
        if now <= closes:
            return CheckIn("booked", opens, closes,
                           f"Đúng hẹn lúc {hhmm}: Ông/Bà được ưu tiên gọi tiếp theo",
                           f"On time for {hhmm}: you will be called next")
        return CheckIn("normal", opens, closes,
                       f"Đã quá giờ hẹn {hhmm}: Ông/Bà nhận số thường",
                       f"Past your {hhmm} slot: you get an ordinary ticket")
