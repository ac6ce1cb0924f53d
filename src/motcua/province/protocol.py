"""The sync wire protocol, province side: parse and check a BATCH, build the replies.

Frames (see docs/sync.md for examples)::

    hub -> province   [b"MCS1"] [b"BATCH"] [batch id] [JSON batch]
    province -> hub   [b"MCS1"] [b"ACK" | b"GAP" | b"REFUSED"] [batch id] [JSON reply]

Everything a hub sends is checked here before it reaches the database, so a bad
batch is refused with a reason in words (Vietnamese / English) instead of raising
deep inside a transaction. The batch's shape is the typed model
:class:`motcua.core.wire.sync.SyncBatch`; this module adds what a type cannot say.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import msgspec

from motcua.core.text import nfc
from motcua.core.wire.errors import explain
from motcua.core.wire.sync import MAX_EVENTS, SyncBatch

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
BOOKINGS = b"BOOKINGS"
"""A hub pulling its centre's bookings: ``{"site", "after": cursor}`` (docs/booking.md)."""
MAX_BATCH_ID = 128
VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_MIN_DAY = date(2000, 1, 1)
_MAX_DAY = date(2099, 12, 31)
_DECODER = msgspec.json.Decoder(SyncBatch)
_ENCODER = msgspec.json.Encoder()
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


def _storable(text: str) -> bool:
    """PostgreSQL text and jsonb take neither NUL nor lone surrogates."""
    if "\x00" in text or ("\\u0000" in text and _JSON_NUL.search(text)):
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _text(value: str, what: str) -> str:
    if not value.strip() or not _storable(value):
        raise ProtocolError(
            "bad_field", f"{what} phải là chuỗi không rỗng / {what} must be a non-empty string")
    return nfc(value.strip())


def _event_type(value: str, where: str) -> str:
    known = _TYPES.get(value)
    if known is None:
        known = _text(value, f"{where} type")
        if len(_TYPES) < 1000:
            _TYPES[value] = known
    return known


def _timestamp(value: str, what: str) -> str:
    try:
        ts = datetime.fromisoformat(value)
    except ValueError:
        raise ProtocolError(
            "bad_event", f"{what}: thời điểm không hợp lệ / invalid timestamp {value!r}"
        ) from None
    if ts.tzinfo is None:  # the hub should send +07:00; a bare time is Vietnam time
        ts = ts.replace(tzinfo=VN_TZ)
    return ts.isoformat()


def _refusal(exc: msgspec.ValidationError) -> ProtocolError:
    """A model's complaint as the province's codes: what is wrong where, in vi / en."""
    err = explain(exc, "the batch", what_vi="lô")
    key = str(err.details.get("key", ""))
    if key == "events" and "at most" in err.en:
        code = "too_large"
    elif key.startswith("events[") and not key.endswith(".type"):
        code = "bad_event"
    elif not key:
        code = "bad_json"
    else:
        code = "bad_field"
    return ProtocolError(code, f"{err.vi} / {err.en}")


def parse_batch(payload: bytes) -> Batch:
    """Check a BATCH's JSON; raise :class:`ProtocolError` saying what is wrong.

    The shape and types are the :class:`~motcua.core.wire.sync.SyncBatch` model's; on top,
    a batch must hold sequences exactly ``first_seq``, ``first_seq + 1``, ... ``last_seq``
    (the hub's outbox has no holes, so a hole in a batch means a lost event and must not
    be papered over), business days in range and text PostgreSQL can store.
    """
    try:
        raw = _DECODER.decode(payload)
    except msgspec.ValidationError as exc:
        raise _refusal(exc) from None
    except (msgspec.DecodeError, RecursionError) as exc:
        raise ProtocolError("bad_json", f"JSON không đọc được / unreadable JSON: {exc}") from None
    site = _text(raw.site, "site")
    first, last, events = raw.first_seq, raw.last_seq, raw.events
    hub_now = _timestamp(raw.hub_now, "hub_now") if raw.hub_now is not None else None
    if first < 1 or last - first + 1 != len(events):
        raise ProtocolError(
            "not_contiguous", f"lô phải chứa đúng các số {first}..{last} / batch must hold "
            f"exactly seq {first}..{last}, it holds {len(events)} events")
    rows: list[EventRow] = []
    expected = first
    for ev in events:
        if ev.seq != expected:
            raise ProtocolError(
                "not_contiguous", f"thiếu hoặc lặp số {expected} / expected seq {expected}, "
                f"got {ev.seq}")
        where = f"seq {ev.seq}"
        text = nfc(_ENCODER.encode(ev.body).decode("utf-8"))
        if not _storable(text):
            raise ProtocolError(
                "bad_event", f"{where}: body chứa ký tự không lưu được / body holds NUL or a "
                "lone surrogate")
        if not _MIN_DAY <= ev.day <= _MAX_DAY:
            raise ProtocolError(
                "bad_event", f"{where}: ngày làm việc không hợp lệ / invalid business day "
                f"{ev.day:%d/%m/%Y}")
        rows.append(EventRow(seq=ev.seq, type=_event_type(ev.type, where),
                             ts=_timestamp(ev.ts, where), day=ev.day, body=text))
        expected += 1
    return Batch(site, str(raw.stream_id), first, last, hub_now, rows)


def reply(kind: bytes, batch_id: bytes, body: dict[str, Any]) -> list[bytes]:
    """Frames of a reply to one batch."""
    return [PROTOCOL, kind, batch_id, json.dumps(body, ensure_ascii=False).encode()]
