"""What commands are about and what they give back: who sent one, its outcome, and the
public view of a ticket that replies carry."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from motcua.core.state import Event, Ticket
from motcua.hub.domain.errors import Refusal


@dataclass(frozen=True)
class Actor:
    """Who sent a command: the device entry its key (or identity) is bound to."""

    device: str
    role: str
    counter: int | None = None
    kiosk: str | None = None


@dataclass
class Outcome:
    """What a command did: ``ok`` with a reply body, or a refusal's body; and the events.

    A refused command can still carry events: the business day may have rolled over
    before the command was checked.
    """

    ok: bool
    reply: dict[str, Any]
    events: list[Event] = field(default_factory=list)
    refusal: Refusal | None = None


def ticket_public(t: Ticket, now: datetime | None = None) -> dict[str, Any]:
    """What devices see of a ticket (no personal data exists on tickets)."""
    d: dict[str, Any] = {
        "id": t.id, "label": t.label, "field": t.field, "number": t.number,
        "status": t.status, "priority": t.priority, "procedure": t.procedure,
        "counter": t.counter, "issued_at": t.issued_at.isoformat(), "ahead": t.ahead,
        "estimate_minutes": t.estimate_minutes, "estimate_note": t.estimate_note,
        "closes_at": t.closes_at, "calls": t.calls, "transfers": t.transfers,
    }
    if now is not None:
        d["waited_seconds"] = round(((t.first_called_at or now) - t.issued_at).total_seconds())
    return d
