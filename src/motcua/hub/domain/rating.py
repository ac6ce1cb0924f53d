"""``rating.submit``: the citizen's rating of the service that just ended.

Body: ``{"value": 3}`` (the one-tap scale) and optionally ``"criteria"`` (answers to the
centre's Art. 33.1 questions), ``"reason"`` (a code of the low-score reasons, only
after a "not satisfied" tap) and ``"comment"`` (free text, ≤ 300 characters). The
rating binds to the ticket of the counter's rating window, its officer, field and
dossier numbers. One rating per ticket (the window closes with it) and one per dossier:
a ticket whose dossier was already rated today is refused in words.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from motcua.core.centre.model import Centre, Counter
from motcua.core.criteria import RatingError, check_rating_details
from motcua.core.state import DayState, Event
from motcua.hub.domain.errors import refuse
from motcua.hub.domain.outcome import Actor, ticket_public


class Engine(Protocol):
    """What rating needs of :class:`motcua.hub.domain.engine.Engine` (which imports this
    module, so it is described here rather than imported)."""

    centre: Centre
    state: DayState

    def counter_for(self, actor: Actor, b: dict[str, Any]) -> Counter: ...

    def emit(self, pending: list[Event], kind: str, now: datetime,
             body: dict[str, Any]) -> None: ...

__all__ = ["rate"]


def rate(e: Engine, actor: Actor, b: dict[str, Any], now: datetime,
         p: list[Event]) -> dict[str, Any]:
    c = e.counter_for(actor, b)
    value = b.get("value")
    level = next((lv for lv in e.centre.rating_scale if lv.value == value), None)
    if level is None:
        raise refuse("bad_value", f"Mức đánh giá {value!r} không có trong thang",
                     f"Rating {value!r} is not on the scale")
    cs = e.state.counter(c.number)
    w = cs.rating
    if w is None or now > w.until:
        raise refuse("no_rating_window", "Không có lượt phục vụ nào đang chờ đánh giá",
                     "There is no service waiting for a rating")
    t = e.state.tickets[w.ticket]
    try:
        details = check_rating_details(e.centre.ratings, level.satisfied, b.get("criteria"),
                                       b.get("reason"), b.get("comment", ""))
    except RatingError as exc:
        raise refuse(exc.code, exc.vi, exc.en) from None
    rated = {d for other in e.state.tickets.values() if other.rating is not None
             and other.id != t.id for d in other.dossiers}
    already = [d for d in t.dossiers if d in rated]
    if already:
        raise refuse("dossier_already_rated",
                     f"Hồ sơ {already[0]} đã được đánh giá rồi (mỗi hồ sơ một lần)",
                     f"Dossier {already[0]} has already been rated (once per dossier)")
    e.emit(p, "rating.given", now, {
        "ticket": w.ticket, "label": t.label, "counter": c.number, "officer": w.officer,
        "field": w.field, "value": level.value, "satisfied": level.satisfied,
        "dossiers": list(t.dossiers), **details})
    return {"ticket": ticket_public(t), "value": level.value,
            "thanks_vi": "Cảm ơn quý vị đã đánh giá",
            "thanks_en": "Thank you for your rating"}
