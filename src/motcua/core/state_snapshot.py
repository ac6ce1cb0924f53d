"""State to plain JSON data and back, for the snapshot devices start from."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from motcua.core.state import CounterState, DayState, Period, RatingWindow, Ticket

_TIMES = ("issued_at", "order_at", "first_called_at", "served_at", "finished_at", "not_before")


def _dt(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def ticket_to_dict(t: Ticket) -> dict[str, Any]:
    d = asdict(t)
    for key in _TIMES:
        d[key] = _iso(getattr(t, key))
    d["periods"] = [{"state": p.state, "start": _iso(p.start), "end": _iso(p.end),
                     "counter": p.counter, "officer": p.officer} for p in t.periods]
    return d


def ticket_from_dict(d: dict[str, Any]) -> Ticket:
    data = dict(d)
    for key in _TIMES:
        data[key] = _dt(data.get(key))
    data["periods"] = [Period(p["state"], datetime.fromisoformat(p["start"]), _dt(p["end"]),
                              p["counter"], p["officer"]) for p in d.get("periods", [])]
    return Ticket(**data)


def state_to_dict(s: DayState) -> dict[str, Any]:
    counters = []
    for c in sorted(s.counters.values(), key=lambda c: c.number):
        rating = None
        if c.rating is not None:
            rating = {"ticket": c.rating.ticket, "officer": c.rating.officer,
                      "field": c.rating.field, "until": c.rating.until.isoformat()}
        counters.append({"number": c.number, "status": c.status, "officer": c.officer,
                         "current": c.current, "normals_in_a_row": c.normals_in_a_row,
                         "served": c.served, "rating": rating,
                         "pause_reason": c.pause_reason, "paused_at": _iso(c.paused_at)})
    return {
        "day": s.day,
        "tickets": [ticket_to_dict(t) for t in s.tickets.values()],
        "last_number": dict(s.last_number),
        "issued": dict(s.issued),
        "counters": counters,
        "service_seconds": dict(s.service_seconds),
        "devices": dict(s.devices),
        "recent_calls": list(s.recent_calls),
        "help_requests": dict(s.help_requests),
        "alerts": {k: dict(v) for k, v in s.alerts.items()},
        "alerts_done": sorted(s.alerts_done),
    }


def state_from_dict(d: dict[str, Any]) -> DayState:
    s = DayState(day=d["day"])
    for td in d["tickets"]:
        t = ticket_from_dict(td)
        s.tickets[t.id] = t
    s.last_number = {k: int(v) for k, v in d["last_number"].items()}
    s.issued = {k: int(v) for k, v in d.get("issued", {}).items()}
    for cd in d["counters"]:
        rating = None
        if cd.get("rating"):
            r = cd["rating"]
            rating = RatingWindow(r["ticket"], r["officer"], r["field"],
                                  datetime.fromisoformat(r["until"]))
        s.counters[cd["number"]] = CounterState(cd["number"], cd["status"], cd["officer"],
                                                cd["current"], cd["normals_in_a_row"],
                                                cd["served"], rating,
                                                cd.get("pause_reason"),
                                                _dt(cd.get("paused_at")))
    s.service_seconds = {k: float(v) for k, v in d["service_seconds"].items()}
    s.devices = dict(d["devices"])
    s.recent_calls = list(d["recent_calls"])
    s.help_requests = {str(k): str(v) for k, v in d.get("help_requests", {}).items()}
    s.alerts = {str(k): dict(v) for k, v in d.get("alerts", {}).items()}
    s.alerts_done = set(d.get("alerts_done", []))
    s.rebuild_indexes()
    return s
