"""The hub's wire protocol: frames, message types and body checks (docs/protocol.md).

Every device imports this module; nothing else knows how bytes look on the wire.

Frames (ZeroMQ multipart)::

    command  device DEALER -> hub ROUTER   [b"MC1"] [type] [request id] [body JSON]
    reply    hub ROUTER -> device DEALER   [b"MC1"] [b"OK" | b"ERR"] [request id] [body JSON]
    event    hub PUB -> device SUB         [b"e." + type] [stream id] [seq, 8 bytes BE] [JSON]
    heartbeat on the PUB, every second     [b"hb"] [stream id] [current seq, 8 bytes BE] [b"{}"]

An event's JSON is ``{"ts": ISO time, "day": "YYYY-MM-DD", "data": {...}}``.
"""

from __future__ import annotations

import json
import struct
import unicodedata
from dataclasses import dataclass
from typing import Any

VERSION = b"MC1"
OK = b"OK"
ERR = b"ERR"
HEARTBEAT = b"hb"
EVENT_PREFIX = b"e."
MAX_BODY_BYTES = 64 * 1024
MAX_ID_BYTES = 64
COMMAND_PORT = 5570
EVENT_PORT = 5571

# Body schema per command type: key -> (accepted JSON types, required).
_STR = (str,)
_INT = (int,)
_OPT_STR = (str, type(None))
Schema = dict[str, tuple[tuple[type, ...], bool]]
SCHEMAS: dict[str, Schema] = {
    "ping": {},
    "snapshot": {"staff": ((bool,), False)},
    "ticket.take": {"field": (_STR, True), "procedure": (_OPT_STR, False),
                    "priority": (_OPT_STR, False)},
    "ticket.cancel": {"ticket": (_STR, True), "reason": (_STR, False)},
    "counter.open": {"counter": (_INT, False), "officer": (_STR, True)},
    "counter.close": {"counter": (_INT, False)},
    "counter.pause": {"counter": (_INT, False), "reason": (_OPT_STR, False)},
    "counter.resume": {"counter": (_INT, False)},
    "counter.call_next": {"counter": (_INT, False)},
    "counter.call_ticket": {"counter": (_INT, False), "ticket": (_STR, True),
                            "reason": (_STR, True)},
    "counter.recall": {"counter": (_INT, False)},
    "counter.start": {"counter": (_INT, False)},
    "counter.finish": {"counter": (_INT, False)},
    "counter.no_show": {"counter": (_INT, False)},
    "counter.hold": {"counter": (_INT, False)},
    "counter.unhold": {"counter": (_INT, False), "ticket": (_STR, True)},
    "counter.transfer": {"counter": (_INT, False), "to_field": (_OPT_STR, False),
                         "to_counter": ((int, type(None)), False), "note": (_STR, False),
                         "return": ((bool,), False)},
    "counter.issue": {"counter": (_INT, False), "field": (_STR, True),
                      "procedure": (_OPT_STR, False), "priority": (_OPT_STR, False),
                      "printer": (_OPT_STR, False), "serve": ((bool,), False)},
    "counter.waiting": {"counter": (_INT, False), "limit": (_INT, False)},
    "rating.submit": {"counter": (_INT, False), "value": (_INT, True)},
    "device.status": {"status": (_STR, True), "detail_vi": (_STR, False),
                      "detail_en": (_STR, False)},
    "printer.printed": {"ticket": (_STR, True), "reprint": ((bool,), False)},
    "printer.failed": {"ticket": (_STR, True), "reason": (_STR, False)},
    "printer.pending": {},
    "report.summary": {"date_from": (_STR, False), "date_to": (_STR, False)},
}
QUERY_TYPES = frozenset({"ping", "snapshot", "counter.waiting", "printer.pending",
                         "report.summary"})
"""Commands that change nothing: answered without storing events or the reply."""


class ProtocolError(ValueError):
    """A message that does not follow the protocol; carries a typed code and words."""

    def __init__(self, code: str, vi: str, en: str) -> None:
        super().__init__(f"{code}: {en}")
        self.code = code
        self.vi = vi
        self.en = en

    def to_body(self) -> dict[str, Any]:
        return {"code": self.code, "message_vi": self.vi, "message_en": self.en, "details": {}}


@dataclass(frozen=True)
class Command:
    type: str
    request_id: str
    body: dict[str, Any]


@dataclass(frozen=True)
class EventMessage:
    type: str
    stream_id: str
    seq: int
    ts: str
    day: str
    data: dict[str, Any]


def nfc_deep(value: Any) -> Any:
    """Normalise every string inside a JSON value to NFC."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {nfc_deep(k): nfc_deep(v) for k, v in value.items()}
    if isinstance(value, list):
        return [nfc_deep(v) for v in value]
    return value


def dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


MAX_REPLY_BYTES = 64 * 1024 * 1024
"""Replies and events from the hub may be large (a snapshot of a busy day)."""


def loads_object(raw: bytes, limit: int = MAX_BODY_BYTES) -> dict[str, Any]:
    if len(raw) > limit:
        raise ProtocolError("too_large", f"Nội dung quá lớn ({len(raw)} byte)",
                            f"Body too large ({len(raw)} bytes, limit {MAX_BODY_BYTES})")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError("bad_encoding", "Nội dung không phải UTF-8",
                            f"Body is not UTF-8 ({exc.reason} at byte {exc.start})") from None
    try:
        value = json.loads(text) if text else {}
    except json.JSONDecodeError as exc:
        raise ProtocolError("bad_json", "Nội dung không phải JSON hợp lệ",
                            f"Body is not valid JSON: {exc.msg} at {exc.pos}") from None
    except (ValueError, RecursionError) as exc:
        # Hostile but well-formed JSON: an integer beyond Python's digit limit, or
        # nesting deeper than the parser's recursion limit.
        raise ProtocolError("bad_json", "Nội dung JSON quá lớn hoặc lồng quá sâu",
                            f"JSON body refused: {type(exc).__name__}") from None
    if not isinstance(value, dict):
        raise ProtocolError("bad_json", "Nội dung phải là một đối tượng JSON",
                            "Body must be a JSON object")
    result: dict[str, Any] = nfc_deep(value)
    return result


def _ascii(raw: bytes, what_vi: str, what_en: str) -> str:
    if not raw or len(raw) > MAX_ID_BYTES:
        raise ProtocolError("bad_frame", f"{what_vi} rỗng hoặc quá dài",
                            f"{what_en} is empty or longer than {MAX_ID_BYTES} bytes")
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        raise ProtocolError("bad_frame", f"{what_vi} phải là ASCII",
                            f"{what_en} must be ASCII") from None
    if not text.isprintable():
        raise ProtocolError("bad_frame", f"{what_vi} có ký tự điều khiển",
                            f"{what_en} has control characters")
    return text


def check_body(kind: str, body: dict[str, Any]) -> dict[str, Any]:
    """Check a command body against its schema; unknown keys are an error (typos)."""
    schema = SCHEMAS.get(kind)
    if schema is None:
        raise ProtocolError("unknown_type", f"Lệnh không được hỗ trợ: {kind}",
                            f"Unknown command type: {kind}")
    for key in body:
        if key not in schema:
            raise ProtocolError("bad_request", f"Khoá không hợp lệ {key!r} trong {kind}",
                                f"Unknown key {key!r} in {kind} (known: {', '.join(schema)})")
    for key, (types, required) in schema.items():
        if key not in body:
            if required:
                raise ProtocolError("bad_request", f"Thiếu khoá {key!r} trong {kind}",
                                    f"Missing key {key!r} in {kind}")
            continue
        value = body[key]
        # bool is an int in Python; a counter number must not be True.
        if isinstance(value, bool) and bool not in types:
            ok = False
        else:
            ok = isinstance(value, types)
        if not ok:
            names = " or ".join("null" if t is type(None) else t.__name__ for t in types)
            raise ProtocolError("bad_request", f"Khoá {key!r} sai kiểu (cần {names})",
                                f"Key {key!r} has the wrong type (expected {names}, got "
                                f"{type(value).__name__})")
    return body


def decode_command(frames: list[bytes]) -> Command:
    """Parse a command's frames (after the ROUTER's identity frame)."""
    if len(frames) != 4:
        raise ProtocolError("bad_frame", f"Cần 4 khung, nhận {len(frames)}",
                            f"Expected 4 frames, got {len(frames)}")
    if frames[0] != VERSION:
        raise ProtocolError("bad_version", "Phiên bản giao thức không đúng",
                            f"Unknown protocol version {frames[0][:8]!r}; expected {VERSION!r}")
    kind = _ascii(frames[1], "Loại lệnh", "Command type")
    request_id = _ascii(frames[2], "Mã yêu cầu", "Request id")
    body = loads_object(frames[3])
    return Command(kind, request_id, check_body(kind, body))


def encode_command(kind: str, request_id: str, body: dict[str, Any]) -> list[bytes]:
    return [VERSION, kind.encode("ascii"), request_id.encode("ascii"), dumps(nfc_deep(body))]


def encode_reply(ok: bool, request_id: str | bytes, body: dict[str, Any]) -> list[bytes]:
    rid = request_id if isinstance(request_id, bytes) else request_id.encode("ascii")
    return [VERSION, OK if ok else ERR, rid, dumps(body)]


def decode_reply(frames: list[bytes]) -> tuple[bool, str, dict[str, Any]]:
    if len(frames) != 4 or frames[0] != VERSION or frames[1] not in (OK, ERR):
        raise ProtocolError("bad_frame", "Trả lời không đúng khuôn dạng", "Malformed reply")
    return (frames[1] == OK, frames[2].decode("ascii", "replace"),
            loads_object(frames[3], MAX_REPLY_BYTES))


def encode_event(kind: str, stream_id: str, seq: int, ts: str, day: str,
                 data: dict[str, Any]) -> list[bytes]:
    return [EVENT_PREFIX + kind.encode("ascii"), stream_id.encode("ascii"),
            struct.pack(">Q", seq), dumps({"ts": ts, "day": day, "data": data})]


def encode_heartbeat(stream_id: str, seq: int) -> list[bytes]:
    return [HEARTBEAT, stream_id.encode("ascii"), struct.pack(">Q", seq), b"{}"]


def decode_event(frames: list[bytes]) -> EventMessage:
    """Parse an event or heartbeat (a heartbeat has type ``"hb"`` and empty data)."""
    if len(frames) != 4 or len(frames[2]) != 8:
        raise ProtocolError("bad_frame", "Sự kiện không đúng khuôn dạng", "Malformed event")
    (seq,) = struct.unpack(">Q", frames[2])
    stream = frames[1].decode("ascii", "replace")
    if frames[0] == HEARTBEAT:
        return EventMessage("hb", stream, seq, "", "", {})
    if not frames[0].startswith(EVENT_PREFIX):
        raise ProtocolError("bad_frame", "Chủ đề sự kiện lạ", f"Unknown topic {frames[0][:32]!r}")
    payload = loads_object(frames[3], MAX_REPLY_BYTES)
    return EventMessage(frames[0][len(EVENT_PREFIX):].decode("ascii", "replace"), stream, seq,
                        str(payload.get("ts", "")), str(payload.get("day", "")),
                        dict(payload.get("data", {})))
