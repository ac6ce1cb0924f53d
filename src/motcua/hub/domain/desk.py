"""What the command modules outside the engine use of it, as a protocol.

:mod:`motcua.hub.domain.issue` and :mod:`motcua.hub.domain.counter_tools` take the
engine as a :class:`Desk`, so they need not import the engine module (which imports
them to register their commands): no import cycle.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from motcua.core.booking import BookingPolicy
from motcua.core.centre.model import Centre, Counter
from motcua.core.state import CounterState, DayState, Event, Ticket
from motcua.hub.domain.outcome import Actor


class Desk(Protocol):
    """The engine's face to its command handlers."""

    centre: Centre
    state: DayState
    open_all_hours: bool
    booking_policy: BookingPolicy

    def emit(self, pending: list[Event], kind: str, now: datetime,
             body: dict[str, Any]) -> None: ...

    def label(self, field_code: str, number: int) -> str: ...

    def counter_for(self, actor: Actor, body: dict[str, Any]) -> Counter: ...

    def open_counter_state(self, c: Counter) -> CounterState: ...

    def current_ticket(self, c: Counter, allowed: frozenset[str] = ...) -> Ticket: ...

    def finish_current(self, c: Counter, now: datetime, pending: list[Event]) -> None: ...

    def counter_view(self, number: int) -> dict[str, Any]: ...
