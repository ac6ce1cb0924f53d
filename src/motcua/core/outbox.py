"""One outbox row as it travels from a hub to the provincial server."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class OutboxEvent:
    """One row of the hub's outbox, as it travels upward.

    ``seq`` is gap-free and never reused within one hub database (one ``stream_id``);
    ``ts`` is ISO 8601 with its offset (+07:00); ``day`` is the business day
    ``YYYY-MM-DD`` in Asia/Ho_Chi_Minh; ``body`` is opaque JSON for the sync layer.
    """

    seq: int
    type: str
    ts: str
    day: str
    body: dict[str, Any]

    def to_wire(self) -> dict[str, Any]:
        """The event as one element of a batch's ``events`` list."""
        return {"seq": self.seq, "type": self.type, "ts": self.ts, "day": self.day,
                "body": self.body}
