"""``counter.finish``: end the current service with an outcome and dossier numbers.

Body: ``{"outcome": "received", "dossiers": ["000.00.21.H56-251124-0001"],
"reason": "…"}``, all optional unless the centre's ``[dossier]`` says so. The checks are
:func:`motcua.core.dossier.check_finish`; a refusal names the problem in words and
changes nothing. Accepted values travel in ``ticket.done`` (``outcome``, ``dossiers``,
``outcome_reason``), so they are in the ticket's record, its facts and the upward sync.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from motcua.core.centre.model import Centre, Counter
from motcua.core.dossier import DossierError, check_finish
from motcua.core.state import CALLED, SERVING, Event, Ticket
from motcua.hub.domain.errors import refuse
from motcua.hub.domain.outcome import Actor, ticket_public


class Engine(Protocol):
    """What finishing needs of :class:`motcua.hub.domain.engine.Engine` (which imports
    this module, so it is described here rather than imported)."""

    centre: Centre

    def counter_for(self, actor: Actor, b: dict[str, Any]) -> Counter: ...

    def current_ticket(self, c: Counter, allowed: frozenset[str]) -> Ticket: ...

    def finish_current(self, c: Counter, now: datetime, pending: list[Event],
                       record: dict[str, Any] | None = None) -> None: ...

__all__ = ["finish"]

_FINISHABLE = frozenset({CALLED, SERVING})


def finish(e: Engine, actor: Actor, b: dict[str, Any], now: datetime,
           p: list[Event]) -> dict[str, Any]:
    c = e.counter_for(actor, b)
    t = e.current_ticket(c, _FINISHABLE)
    try:
        done = check_finish(e.centre.dossier, b.get("outcome"), b.get("dossiers") or (),
                            b.get("reason", ""))
    except DossierError as exc:
        raise refuse(exc.code, exc.vi, exc.en) from None
    e.finish_current(c, now, p, done.body() if done.outcome else None)
    # the engine adds "counter" (its view of the counter) to this reply
    return {"ticket": ticket_public(t, now), "counter_number": c.number,
            "outcome": done.outcome, "dossiers": list(done.dossiers)}
