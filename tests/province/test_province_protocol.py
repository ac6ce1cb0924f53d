"""Checking a BATCH before it reaches the database: every bad input is a clear refusal."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from motcua.province.protocol import MAX_EVENTS, ProtocolError, parse_batch

SID = str(uuid.uuid4())


def _event(seq: int, **over: Any) -> dict[str, Any]:
    ev = {"seq": seq, "type": "ticket.called", "ts": "2025-07-01T08:00:00+07:00",
          "day": "2025-07-01", "body": {"ticket": f"A{seq}", "counter": 1}}
    ev.update(over)
    return ev


def _payload(events: list[Any] | None = None, **over: Any) -> bytes:
    events = events if events is not None else [_event(1), _event(2)]
    body: dict[str, Any] = {"site": "79-xa-an-phu", "stream_id": SID, "first_seq": 1,
                            "last_seq": len(events), "hub_now": None, "events": events}
    body.update(over)
    return json.dumps(body, ensure_ascii=False).encode()


def _code(payload: bytes) -> str:
    with pytest.raises(ProtocolError) as info:
        parse_batch(payload)
    assert " / " in info.value.message  # Vietnamese / English
    return info.value.code


def test_good_batch_parses() -> None:
    b = parse_batch(_payload())
    assert (b.site, b.stream_id, b.first_seq, b.last_seq) == ("79-xa-an-phu", SID, 1, 2)
    assert b.events[0].ts == "2025-07-01T08:00:00+07:00"


def test_naive_timestamp_is_read_as_vietnam_time() -> None:
    b = parse_batch(_payload([_event(1, ts="2025-07-01T08:00:00")], last_seq=1))
    assert b.events[0].ts == "2025-07-01T08:00:00+07:00"


@pytest.mark.parametrize(("payload", "code"), [
    (b"not json", "bad_json"),
    (b"\xff\xfe", "bad_json"),
    (b"[1, 2]", "bad_json"),
    (_payload(site=""), "bad_field"),
    (_payload(site=None), "bad_field"),
    (_payload(stream_id="centre-1"), "bad_field"),
    (_payload(first_seq="1"), "bad_field"),
    (_payload(first_seq=True), "bad_field"),
    (_payload([]), "bad_field"),
    (_payload(last_seq=5), "not_contiguous"),
    (_payload([_event(1), _event(3)], last_seq=2), "not_contiguous"),
    (_payload([_event(1), _event(1)]), "not_contiguous"),
    (_payload([_event(0)], first_seq=0, last_seq=0), "not_contiguous"),
    (_payload([_event(1, day="01/07/2025")], last_seq=1), "bad_event"),
    (_payload([_event(1, day="1900-01-01")], last_seq=1), "bad_event"),
    (_payload([_event(1, ts="yesterday")], last_seq=1), "bad_event"),
    (_payload([_event(1, body=[1, 2])], last_seq=1), "bad_event"),
    (_payload([_event(1, body={"x": "a\x00b"})], last_seq=1), "bad_event"),
    (_payload([_event(1, type="")], last_seq=1), "bad_field"),
    (_payload(["seq 1"], last_seq=1), "bad_event"),
])
def test_bad_batches_are_refused_with_a_code(payload: bytes, code: str) -> None:
    assert _code(payload) == code


def test_too_many_events_is_refused() -> None:
    events = [_event(i) for i in range(1, MAX_EVENTS + 2)]
    assert _code(_payload(events)) == "too_large"


def test_literal_backslash_u0000_text_is_fine() -> None:
    b = parse_batch(_payload([_event(1, body={"note": "\\u0000"})], last_seq=1))
    assert json.loads(b.events[0].body) == {"note": "\\u0000"}


def test_a_refusal_names_the_key_in_both_languages() -> None:
    with pytest.raises(ProtocolError) as info:
        parse_batch(_payload([_event(1), _event(2, day="14/07/2025")]))
    assert info.value.code == "bad_event"
    vi, en = info.value.message.split(" / ")
    assert "'events[1].day'" in vi and "'events[1].day'" in en and "YYYY-MM-DD" in en
    with pytest.raises(ProtocolError) as info:
        parse_batch(_payload(colour="red"))
    assert info.value.code == "bad_field" and "Unknown key 'colour'" in info.value.message
