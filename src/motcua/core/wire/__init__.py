"""Typed wire messages shared by the hub and every device (msgspec Structs).

* ``requests.REQUESTS``: command type -> body model (what a device may send);
* ``replies.REPLIES``: command type -> ``OK`` reply model; ``ErrorReply`` for ``ERR``;
* ``events.EVENTS``: event type -> data model.

docs/protocol.md is generated from these models (``python -m motcua.core.wire.doc``)
and a test fails when the two differ.
"""

from __future__ import annotations

from typing import Any

import msgspec

from motcua.core.wire.errors import ProtocolError, explain
from motcua.core.wire.events import EVENTS, EventData
from motcua.core.wire.replies import REPLIES, ErrorReply, Reply
from motcua.core.wire.requests import QUERY_TYPES, REQUESTS, Request

__all__ = [
    "EVENTS",
    "QUERY_TYPES",
    "REPLIES",
    "REQUESTS",
    "ProtocolError",
    "check_event",
    "check_reply",
    "decode_request",
]


def decode_request(kind: str, body: dict[str, Any]) -> Request:
    """The typed body of command ``kind``; :class:`ProtocolError` says what is wrong."""
    model = REQUESTS.get(kind)
    if model is None:
        raise ProtocolError("unknown_type", f"Lệnh không được hỗ trợ: {kind}",
                            f"Unknown command type: {kind}")
    try:
        return msgspec.convert(body, model)
    except msgspec.ValidationError as exc:
        raise explain(exc, kind) from None


def check_reply(kind: str, ok: bool, body: dict[str, Any]) -> Reply:
    """Check a reply body against its model (tests, tools; the hub does not re-check)."""
    model = REPLIES[kind] if ok else ErrorReply
    try:
        return msgspec.convert(body, model)
    except msgspec.ValidationError as exc:
        raise explain(exc, f"reply to {kind}", code="bad_reply") from None


def check_event(kind: str, data: dict[str, Any]) -> EventData:
    """Check an event's data against its model."""
    model = EVENTS.get(kind)
    if model is None:
        raise ProtocolError("unknown_type", f"Sự kiện lạ: {kind}", f"Unknown event type: {kind}")
    try:
        return msgspec.convert(data, model)
    except msgspec.ValidationError as exc:
        raise explain(exc, f"event {kind}", code="bad_event") from None
