"""``counter.finish``: end the current service with an outcome and dossier numbers.

Body: ``{"outcome": "received", "dossiers": ["000.00.21.H56-251124-0001"],
"reason": "…"}``, all optional unless the centre's ``[dossier]`` says so. The checks are
:func:`motcua.core.dossier.check_finish`; a refusal names the problem in words and
changes nothing. Accepted values travel in ``ticket.done`` (``outcome``, ``dossiers``,
``outcome_reason``), so they are in the ticket's record, its facts and the upward sync.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from motcua.core.dossier import DossierError, check_finish
from motcua.core.state import CALLED, SERVING, Event
from motcua.hub.domain.errors import refuse
from motcua.hub.domain.outcome import Actor, ticket_public

if TYPE_CHECKING:
    from motcua.hub.domain.engine import Engine

__all__ = ["finish"]

_FINISHABLE = frozenset({CALLED, SERVING})


def finish(e: Engine, actor: Actor, b: dict[str, Any], now: datetime,
           p: list[Event]) -> dict[str, Any]:
    from motcua.hub.domain.engine import _counter_view

    c = e.counter_for(actor, b)
    t = e.current_ticket(c, _FINISHABLE)
    try:
        done = check_finish(e.centre.dossier, b.get("outcome"), b.get("dossiers") or (),
                            b.get("reason", ""))
    except DossierError as exc:
        raise refuse(exc.code, exc.vi, exc.en) from None
    e.finish_current(c, now, p, done.body() if done.outcome else None)
    return {"ticket": ticket_public(t, now), "counter": _counter_view(e, c.number),
            "outcome": done.outcome, "dossiers": list(done.dossiers)}
