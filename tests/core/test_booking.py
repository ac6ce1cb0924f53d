"""Booking tokens a centre verifies offline, typed codes, and the named check-in policy."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from motcua.core.booking import (
    Booking,
    BookingError,
    BookingPolicy,
    format_code,
    new_code,
    normalise_code,
    sign,
    verify,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PROVINCE = Ed25519PrivateKey.generate()
BOOKING = Booking(code="BT7K3QXM", site="ben-thanh", field="A", day=date(2025, 11, 24),
                  start=time(9, 30), minutes=15, procedure="A.1")


def at(h: int, m: int) -> datetime:
    return datetime(2025, 11, 24, h, m, tzinfo=VN)


def test_a_signed_token_verifies_with_the_public_key_alone() -> None:
    token = sign(BOOKING, PROVINCE)
    assert verify(token, PROVINCE.public_key()) == BOOKING


@pytest.mark.parametrize("mangle", [
    lambda t: t.replace("MCB1", "MCB9"),
    lambda t: t[:-4] + ("AAAA" if not t.endswith("AAAA") else "BBBB"),
    lambda t: "hello",
    lambda t: t.split(".")[0] + ".@@@." + t.split(".")[2],
])
def test_forged_or_broken_tokens_are_refused(mangle) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(BookingError) as e:
        verify(mangle(sign(BOOKING, PROVINCE)), PROVINCE.public_key())
    assert e.value.code in {"forged", "malformed"} and e.value.vi


def test_a_token_signed_by_another_key_is_forged() -> None:
    other = Ed25519PrivateKey.generate()
    with pytest.raises(BookingError) as e:
        verify(sign(BOOKING, other), PROVINCE.public_key())
    assert e.value.code == "forged" and "chữ ký" in e.value.vi


def test_typed_codes_forgive_dashes_case_and_look_alikes() -> None:
    code = new_code()
    assert len(code) == 8 and normalise_code(format_code(code).lower()) == code
    assert normalise_code("bt7k-3qxo") == "BT7K3QX0"


def test_the_window_policy_in_words() -> None:
    policy = BookingPolicy()
    early = policy.check_in(BOOKING, site="ben-thanh", now=at(9, 0))
    assert early.placement == "wait_for_window" and "09:15" in early.vi
    assert policy.check_in(BOOKING, site="ben-thanh", now=at(9, 15)).placement == "booked"
    assert policy.check_in(BOOKING, site="ben-thanh", now=at(9, 45)).placement == "booked"
    late = policy.check_in(BOOKING, site="ben-thanh", now=at(9, 46))
    assert late.placement == "normal" and "số thường" in late.vi
    for kw, code in [({"site": "other"}, "other_centre"),
                     ({"site": "ben-thanh", "used": True}, "used")]:
        with pytest.raises(BookingError) as e:
            policy.check_in(BOOKING, now=at(9, 30), **kw)  # type: ignore[arg-type]
        assert e.value.code == code
    with pytest.raises(BookingError) as e:
        policy.check_in(BOOKING, site="ben-thanh", now=datetime(2025, 11, 25, 9, 30, tzinfo=VN))
    assert e.value.code == "other_day" and "24/11/2025" in e.value.vi
