"""The sync wire protocol, province side: parse and check a BATCH, build the replies.

Frames (see docs/sync.md for examples)::

    hub -> province   [b"MCS1"] [b"BATCH"] [batch id] [JSON batch]
    province -> hub   [b"MCS1"] [b"ACK" | b"GAP" | b"REFUSED"] [batch id] [JSON reply]

Everything a hub sends is checked here before it reaches the database, so a bad
batch is refused with a reason in words (Vietnamese / English) instead of raising
deep inside a transaction.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from motcua.core.text import nfc

__all__ = [
    "MAX_EVENTS",
    "PROTOCOL",
    "Batch",
    "EventRow",
    "ProtocolError",
    "parse_batch",
    "reply",
]

PROTOCOL = b"MCS1"
BATCH = b"BATCH"
MAX_EVENTS = 5000
"""Largest batch accepted; the hub sends 500 by default."""
MAX_BATCH_ID = 128
VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_MIN_DAY = date(2000, 1, 1)
_MAX_DAY = date(2099, 12, 31)
# One encoder for every body: json.dumps with options builds a new one per call.
_BODY_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
# Event types repeat endlessly; remember the checked ones (bounded).
_TYPES: dict[str, str] = {}
# An escaped NUL in JSON text: an odd number of backslashes before u0000.
_JSON_NUL = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")


class ProtocolError(ValueError):
    """A batch the province will not store; ``code`` is machine-readable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class EventRow:
    """One checked event, ready for COPY (all text but ``seq``)."""

    seq: int
    type: str
    ts: str  # ISO 8601 with offset
    day: date
    body: str  # JSON text, NFC


@dataclass(frozen=True, slots=True)
class Batch:
    """A checked batch: ``events`` are exactly ``first_seq`` .. ``last_seq``, ascending."""

    site: str
    stream_id: str
    first_seq: int
    last_seq: int
    hub_now: str | None
    events: list[EventRow]


def _int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProtocolError("bad_field", f"{what} phải là số nguyên / {what} must be an integer")
    return value


def _storable(text: str) -> bool:
    """PostgreSQL text and jsonb take neither NUL nor lone surrogates."""
    if "\x00" in text or ("\\u0000" in text and _JSON_NUL.search(text)):
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _text(value: Any, what: str, limit: int = 200) -> str:
    if (not isinstance(value, str) or not value.strip() or len(value) > limit
            or not _storable(value)):
        raise ProtocolError(
            "bad_field", f"{what} phải là chuỗi không rỗng / {what} must be a non-empty string")
    return nfc(value.strip())


def _event_type(value: Any, where: str) -> str:
    known = _TYPES.get(value) if isinstance(value, str) else None
    if known is None:
        known = _text(value, f"{where} type", limit=64)
        if len(_TYPES) < 1000:
            _TYPES[value] = known
    return known


def _timestamp(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise ProtocolError("bad_event", f"{what}: thời điểm không hợp lệ / invalid timestamp")
    try:
        ts = datetime.fromisoformat(value)
    except ValueError:
        raise ProtocolError(
            "bad_event", f"{what}: thời điểm không hợp lệ / invalid timestamp {value!r}"
        ) from None
    if ts.tzinfo is None:  # the hub should send +07:00; a bare time is Vietnam time
        ts = ts.replace(tzinfo=VN_TZ)
    return ts.isoformat()


def _day(value: Any, what: str) -> date:
    try:
        day = date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        day = None
    if day is None or not _MIN_DAY <= day <= _MAX_DAY:
        raise ProtocolError(
            "bad_event", f"{what}: ngày làm việc không hợp lệ / invalid business day {value!r}")
    return day


def parse_batch(payload: bytes) -> Batch:
    """Check a BATCH's JSON; raise :class:`ProtocolError` saying what is wrong.

    A batch must hold at least one event, at most :data:`MAX_EVENTS`, with sequences
    exactly ``first_seq``, ``first_seq + 1``, ... ``last_seq`` (the hub's outbox has no
    holes, so a hole in a batch means a lost event and must not be papered over).
    """
    try:
        raw = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProtocolError("bad_json", f"JSON không đọc được / unreadable JSON: {exc}") from None
    if not isinstance(raw, dict):
        raise ProtocolError("bad_json", "lô phải là đối tượng JSON / batch must be a JSON object")
    site = _text(raw.get("site"), "site")
    try:
        stream_id = str(uuid.UUID(str(raw.get("stream_id"))))
    except ValueError:
        raise ProtocolError(
            "bad_field", "stream_id phải là UUID / stream_id must be a UUID") from None
    first = _int(raw.get("first_seq"), "first_seq")
    last = _int(raw.get("last_seq"), "last_seq")
    hub_now = raw.get("hub_now")
    hub_now = _timestamp(hub_now, "hub_now") if hub_now is not None else None
    events = raw.get("events")
    if not isinstance(events, list) or not events:
        raise ProtocolError("bad_field", "lô không có sự kiện / batch has no events")
    if len(events) > MAX_EVENTS:
        raise ProtocolError(
            "too_large", f"lô quá lớn (tối đa {MAX_EVENTS}) / batch too large "
            f"({len(events)} > {MAX_EVENTS} events)")
    if first < 1 or last - first + 1 != len(events):
        raise ProtocolError(
            "not_contiguous", f"lô phải chứa đúng các số {first}..{last} / batch must hold "
            f"exactly seq {first}..{last}, it holds {len(events)} events")
    rows: list[EventRow] = []
    expected = first
    for ev in events:
        if not isinstance(ev, dict):
            raise ProtocolError("bad_event", "sự kiện phải là đối tượng / event must be an object")
        seq = _int(ev.get("seq"), "seq")
        if seq != expected:
            raise ProtocolError(
                "not_contiguous", f"thiếu hoặc lặp số {expected} / expected seq {expected}, "
                f"got {seq}")
        where = f"seq {seq}"
        body = ev.get("body")
        if not isinstance(body, dict):
            raise ProtocolError(
                "bad_event", f"{where}: body phải là đối tượng / body must be a JSON object")
        text = nfc(_BODY_JSON.encode(body))
        if not _storable(text):
            raise ProtocolError(
                "bad_event", f"{where}: body chứa ký tự không lưu được / body holds NUL or a "
                "lone surrogate")
        rows.append(EventRow(
            seq=seq,
            type=_event_type(ev.get("type"), where),
            ts=_timestamp(ev.get("ts"), where),
            day=_day(ev.get("day"), where),
            body=text,
        ))
        expected += 1
    return Batch(site, stream_id, first, last, hub_now, rows)


def reply(kind: bytes, batch_id: bytes, body: dict[str, Any]) -> list[bytes]:
    """Frames of a reply to one batch."""
    return [PROTOCOL, kind, batch_id, json.dumps(body, ensure_ascii=False).encode()]
