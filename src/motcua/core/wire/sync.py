"""The upward sync protocol's BATCH body (MCS1, docs/sync.md), hub -> province.

The hub's ``motcua.hub.sync`` writes it; ``motcua.province.protocol.parse_batch``
reads it through these models, then checks what a type cannot say (sequences without
a hole, days in range, text PostgreSQL can store).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

import msgspec
from msgspec import Meta

__all__ = ["MAX_EVENTS", "SyncBatch", "SyncEvent"]

MAX_EVENTS = 5000
"""Largest batch accepted; the hub sends 500 by default."""


class SyncEvent(msgspec.Struct, forbid_unknown_fields=True):
    """One outbox event as the hub stored it."""

    seq: Annotated[int, Meta(description="outbox sequence number")]
    type: Annotated[str, Meta(min_length=1, max_length=64, description="event type")]
    ts: Annotated[str, Meta(max_length=64, description="ISO 8601 time; no offset = Vietnam")]
    day: Annotated[date, Meta(description="business day, YYYY-MM-DD")]
    body: Annotated[dict[str, Any], Meta(description="the event's data (core/wire/events.py)")]


class SyncBatch(msgspec.Struct, forbid_unknown_fields=True):
    """A run of consecutive outbox events of one hub."""

    site: Annotated[str, Meta(min_length=1, max_length=200, description="the centre's id")]
    stream_id: Annotated[uuid.UUID, Meta(description="the hub database's stream UUID")]
    first_seq: int
    last_seq: int
    events: Annotated[list[SyncEvent], Meta(min_length=1, max_length=MAX_EVENTS)]
    hub_now: Annotated[str | None, Meta(description="the hub's clock when it sent")] = None
