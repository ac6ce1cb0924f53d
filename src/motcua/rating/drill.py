"""Drive a hub through one service so a rating device has something to rate.

Used by the tests, the screenshots and staff training: sign an officer in at a counter,
take a ticket at the kiosk, call it and finish it; the hub then opens the counter's
rating window. One :class:`~motcua.link.client.HubClient` per device name, kept open and
reused: two live sockets with the same device name must be avoided (docs/rating.md).
"""

from __future__ import annotations

from typing import Any

from motcua.link.client import HubClient

__all__ = ["ServiceDrill"]


class ServiceDrill:
    """Plays the officer at ``counter`` and the citizen at the kiosk."""

    def __init__(self, command_endpoint: str, counter: int = 1, *, officer: str = "cb01",
                 counter_device: str | None = None, kiosk_device: str = "kiosk-1") -> None:
        self.counter = counter
        self.officer = officer
        self.staff = HubClient(command_endpoint, counter_device or f"counter-{counter}")
        self.kiosk = HubClient(command_endpoint, kiosk_device)

    def open(self) -> dict[str, Any]:
        return self.staff.request("counter.open", {"counter": self.counter,
                                                   "officer": self.officer})

    def take(self, field: str = "A") -> dict[str, Any]:
        """A citizen takes a ticket; returns the hub's ticket (id, label, ...)."""
        ticket: dict[str, Any] = self.kiosk.request("ticket.take", {"field": field})["ticket"]
        return ticket

    def call_next(self) -> dict[str, Any]:
        return self.staff.request("counter.call_next", {"counter": self.counter})

    def finish(self) -> dict[str, Any]:
        return self.staff.request("counter.finish", {"counter": self.counter})

    def serve(self, field: str = "A", *, finish: bool = True) -> dict[str, Any]:
        """Open the counter (if needed), take a ticket, call it, and finish it."""
        self.open()
        ticket = self.take(field)
        self.call_next()
        if finish:
            self.finish()
        return ticket

    def close(self) -> None:
        self.staff.close()
        self.kiosk.close()

    def __enter__(self) -> ServiceDrill:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
