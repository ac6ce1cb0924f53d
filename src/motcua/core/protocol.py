"""The hub's wire protocol: frames and strict JSON (docs/protocol.md).

The body of every message is a typed model in :mod:`motcua.core.wire`.

Every device imports this module; nothing else knows how bytes look on the wire.

Frames (ZeroMQ multipart)::

    command  device DEALER -> hub ROUTER   [b"MC1"] [type] [request id] [body JSON]
    reply    hub ROUTER -> device DEALER   [b"MC1"] [b"OK" | b"ERR"] [request id] [body JSON]
    event    hub PUB -> device SUB         [b"e." + type] [stream id] [seq, 8 bytes BE] [JSON]
    heartbeat on the PUB, every second     [b"hb"] [stream id] [current seq, 8 bytes BE] [JSON]

An event's JSON is ``{"v": "MC1", "ts": ISO time, "day": "YYYY-MM-DD", "data": {...}}``;
a heartbeat's is ``{"v": "MC1"}``.
"""

from __future__ import annotations

import json
import re
import struct
import unicodedata
from dataclasses import dataclass
from typing import Any, NoReturn

import msgspec

from motcua.core import wire
from motcua.core.wire.requests import Request

VERSION = b"MC1"
"""Protocol version: frame 0 of every command and reply, ``"v"`` of every event."""
VERSION_TEXT = VERSION.decode("ascii")
OK = b"OK"
ERR = b"ERR"
HEARTBEAT = b"hb"
EVENT_PREFIX = b"e."
MAX_BODY_BYTES = 64 * 1024
MAX_ID_BYTES = 64
COMMAND_PORT = 5570
EVENT_PORT = 5571

# Re-exported: devices and the hub know these names from here.
QUERY_TYPES = wire.QUERY_TYPES
REQUESTS = wire.REQUESTS
ProtocolError = wire.ProtocolError


@dataclass(frozen=True)
class Command:
    """A checked command: ``message`` is the typed body, ``body`` the same as JSON data."""

    type: str
    request_id: str
    body: dict[str, Any]
    message: Request | None = None


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


def loads_object(raw: bytes, limit: int = MAX_BODY_BYTES, *,
                 strict: bool = True) -> dict[str, Any]:
    """A JSON object: UTF-8, at most ``limit`` bytes, NFC strings.

    ``strict`` (every command a device sends) also refuses a key given twice; the hub
    never writes one, so replies and events (which may be megabytes) skip that check.
    """
    if len(raw) > limit:
        raise ProtocolError("too_large", f"Nội dung quá lớn ({len(raw)} byte)",
                            f"Body too large ({len(raw)} bytes, limit {limit})")
    if not raw:
        return {}
    try:
        value = _DECODER.decode(raw)
    except msgspec.DecodeError as exc:
        _refuse_bad_json(raw, exc)
    except RecursionError:  # hostile but well-formed: nesting deeper than the limit
        raise ProtocolError("bad_json", "Nội dung JSON lồng quá sâu",
                            "JSON body refused: nested too deep") from None
    if not isinstance(value, dict):
        raise ProtocolError("bad_json", "Nội dung phải là một đối tượng JSON",
                            "Body must be a JSON object")
    if strict:
        _refuse_duplicate_keys(raw, value)
    if raw.isascii():  # nothing to normalise (most commands)
        return value
    result: dict[str, Any] = nfc_deep(value)
    return result


_DECODER = msgspec.json.Decoder()
# Every key in JSON text is a string followed by a colon. Counting these finds at least
# as many as there are keys (a quoted colon inside a value may add one), so when the
# decoded objects hold as many keys as this count, no key was given twice.
_KEY_END = re.compile(rb'"\s*:')


def _count_keys(value: Any) -> int:
    if isinstance(value, dict):
        return len(value) + sum(_count_keys(v) for v in value.values())
    if isinstance(value, list):
        return sum(_count_keys(v) for v in value)
    return 0


def _refuse_duplicate_keys(raw: bytes, value: dict[str, Any]) -> None:
    """JSON keeps the last of two equal keys; the protocol refuses the message instead."""
    colons = len(_KEY_END.findall(raw))
    if colons == len(value) or colons == _count_keys(value):
        return  # the usual case: flat body, no duplicate
    try:  # the exact (slower) check: which key repeats, if any
        json.loads(raw.decode("utf-8"), object_pairs_hook=_pairs_without_repeats)
    except _DuplicateKey as dup:
        raise ProtocolError("bad_request", f"Khoá {dup.key!r} xuất hiện hai lần",
                            f"Key {dup.key!r} appears twice", key=dup.key) from None
    except (ValueError, RecursionError):  # msgspec read it; json's limits are tighter
        raise ProtocolError("bad_json", "Nội dung JSON quá lớn hoặc lồng quá sâu",
                            "JSON body refused (too large or too deep)") from None


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _pairs_without_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return obj


def _refuse_bad_json(raw: bytes, exc: msgspec.DecodeError) -> NoReturn:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as bad:
        raise ProtocolError("bad_encoding", "Nội dung không phải UTF-8",
                            f"Body is not UTF-8 ({bad.reason} at byte {bad.start})") from None
    raise ProtocolError("bad_json", "Nội dung không phải JSON hợp lệ",
                        f"Body is not valid JSON: {exc}") from None


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


def check_body(kind: str, body: dict[str, Any]) -> Request:
    """The typed body of ``kind``; unknown keys are an error (they are usually typos)."""
    return wire.decode_request(kind, body)


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
    return Command(kind, request_id, body, check_body(kind, body))


def encode_command(kind: str, request_id: str, body: dict[str, Any]) -> list[bytes]:
    return [VERSION, kind.encode("ascii"), request_id.encode("ascii"), dumps(nfc_deep(body))]


def encode_reply(ok: bool, request_id: str | bytes, body: dict[str, Any]) -> list[bytes]:
    rid = request_id if isinstance(request_id, bytes) else request_id.encode("ascii")
    return [VERSION, OK if ok else ERR, rid, dumps(body)]


def decode_reply(frames: list[bytes]) -> tuple[bool, str, dict[str, Any]]:
    if len(frames) != 4 or frames[0] != VERSION or frames[1] not in (OK, ERR):
        raise ProtocolError("bad_frame", "Trả lời không đúng khuôn dạng", "Malformed reply")
    return (frames[1] == OK, frames[2].decode("ascii", "replace"),
            loads_object(frames[3], MAX_REPLY_BYTES, strict=False))


def encode_event(kind: str, stream_id: str, seq: int, ts: str, day: str,
                 data: dict[str, Any]) -> list[bytes]:
    return [EVENT_PREFIX + kind.encode("ascii"), stream_id.encode("ascii"),
            struct.pack(">Q", seq),
            dumps({"v": VERSION_TEXT, "ts": ts, "day": day, "data": data})]


def encode_heartbeat(stream_id: str, seq: int,
                     health: dict[str, Any] | None = None) -> list[bytes]:
    """A heartbeat; ``health`` (e.g. ``{"storage": "full", ...}``) tells devices of a
    fault of the hub's own, such as a full disk (see motcua.hub.health)."""
    body = dumps({"v": VERSION_TEXT, **health}) if health else _HEARTBEAT_BODY
    return [HEARTBEAT, stream_id.encode("ascii"), struct.pack(">Q", seq), body]


_HEARTBEAT_BODY = dumps({"v": VERSION_TEXT})


def decode_event(frames: list[bytes]) -> EventMessage:
    """Parse an event or heartbeat (a heartbeat has type ``"hb"`` and empty data)."""
    if len(frames) != 4 or len(frames[2]) != 8:
        raise ProtocolError("bad_frame", "Sự kiện không đúng khuôn dạng", "Malformed event")
    (seq,) = struct.unpack(">Q", frames[2])
    stream = frames[1].decode("ascii", "replace")
    if frames[0] == HEARTBEAT:
        try:
            health = loads_object(frames[3])
        except ProtocolError:
            health = {}
        health.pop("v", None)  # the protocol version, not a fault
        return EventMessage("hb", stream, seq, "", "", health)
    if not frames[0].startswith(EVENT_PREFIX):
        raise ProtocolError("bad_frame", "Chủ đề sự kiện lạ", f"Unknown topic {frames[0][:32]!r}")
    payload = loads_object(frames[3], MAX_REPLY_BYTES, strict=False)
    if payload.get("v") != VERSION_TEXT:
        raise ProtocolError("bad_version", "Phiên bản giao thức của sự kiện không đúng",
                            f"Event of protocol version {str(payload.get('v'))[:8]!r}; "
                            f"expected {VERSION_TEXT!r}")
    return EventMessage(frames[0][len(EVENT_PREFIX):].decode("ascii", "replace"), stream, seq,
                        str(payload.get("ts", "")), str(payload.get("day", "")),
                        dict(payload.get("data", {})))
