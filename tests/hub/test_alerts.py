"""Manager alerts fire and clear as a simulated day changes, each with its log."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from motcua.hub.domain.engine import Actor, Engine
from motcua.reports.operations import alert_log
from tests.support.clock import VN

KIOSK = Actor("kiosk-1", "kiosk", kiosk="kiosk-1")
MANAGER = Actor("manager-1", "manager")
HUB = Actor("hub", "admin")
PRINTER = Actor("printer-1", "printer", kiosk="kiosk-1")
RATING1 = Actor("rating-1", "rating", counter=1)


class Day:
    def __init__(self, centre: Any) -> None:
        self.engine = Engine(centre)
        self.now = datetime(2025, 11, 24, 7, 30, tzinfo=VN)
        self.log: list[tuple[str, datetime, dict[str, Any]]] = []

    def do(self, actor: Actor, kind: str, **body: Any) -> dict[str, Any]:
        out = self.engine.handle(actor, kind, body, self.now)
        assert out.ok, out.reply
        self.log += [(e.type, e.ts, e.body) for e in out.events]
        return out.reply

    def tick(self, minutes: float = 1, **body: Any) -> set[str]:
        self.now += timedelta(minutes=minutes)
        self.do(HUB, "hub.tick", **body)
        return set(self.engine.state.alerts)


def counter(n: int) -> Actor:
    return Actor(f"counter-{n}", "counter", counter=n)


def test_alerts_fire_and_clear_through_a_day(centre: Any) -> None:
    day = Day(centre)
    # 07:30 six citizens for land (C) and nobody at counters 2, 3 or 6 yet.
    for _ in range(6):
        day.do(KIOSK, "ticket.take", field="C")
    assert day.tick() == {"unserved:C"}
    day.do(counter(3), "counter.open", officer="cb03")
    assert day.tick() == set()  # a counter serving C is open
    # Nobody called for 30 minutes: the oldest C has waited too long.
    assert day.tick(30) == {"wait:C"}
    assert "đã chờ 32 phút" in day.engine.state.alerts["wait:C"]["detail_vi"]
    for _ in range(6):
        day.do(counter(3), "counter.call_next")
    assert day.tick() == set()
    # A counter paused for a meeting longer than 20 minutes.
    day.do(counter(1), "counter.open", officer="cb01")
    day.do(counter(1), "counter.pause", reason="meeting")
    assert day.tick(21) == {"paused:1"}
    assert day.engine.state.alerts["paused:1"]["detail_vi"].endswith("(Họp)")
    day.do(counter(1), "counter.resume")
    assert day.tick() == set()
    # The kiosk printer runs low, then out, then is refilled.
    day.do(PRINTER, "device.status", status="paper_near_end")
    assert day.tick() == {"printer:printer-1"}
    day.do(PRINTER, "device.status", status="ok")
    assert day.tick() == set()
    # A display the hub heard falls silent, then comes back.
    assert day.tick(heard=["display-hall"], online=[]) == {"offline:display-hall"}
    assert day.tick(heard=["display-hall"], online=["display-hall"]) == set()
    # A low rating stays until the manager has seen it, and is not raised again.
    day.do(KIOSK, "ticket.take", field="A")
    day.do(counter(1), "counter.call_next")
    day.do(counter(1), "counter.finish")
    day.do(RATING1, "rating.submit", value=1)
    rating_key = next(iter(day.tick()))
    assert rating_key.startswith("rating:")
    assert day.tick(60) == {rating_key}  # nothing ends it but the manager
    day.do(MANAGER, "alert.seen", alert=rating_key)
    assert day.tick() == set()
    assert day.tick() == set()
    # The log: every alert with start, seen (the rating) and end.
    rows = alert_log(day.log)
    assert [(r["kind"], r["subject"]) for r in rows] == [
        ("unserved", "C"), ("wait", "C"), ("paused", "1"), ("printer", "printer-1"),
        ("offline", "display-hall"), ("rating", "A001")]
    assert all(r["started"] and r["ended"] for r in rows)
    assert rows[-1]["seen"] and not rows[0]["seen"]
    assert rows[2]["minutes"] == 1.0  # raised at 21 min paused, cleared a minute later


def test_unknown_alert_and_wrong_role_are_refused(centre: Any) -> None:
    engine = Engine(centre)
    now = datetime(2025, 11, 24, 9, 0, tzinfo=VN)
    out = engine.handle(MANAGER, "alert.seen", {"alert": "wait:Z"}, now)
    assert out.reply["code"] == "not_found" and "wait:Z" in out.reply["message_vi"]
    out = engine.handle(KIOSK, "alert.seen", {"alert": "wait:A"}, now)
    assert out.reply["code"] == "forbidden"
