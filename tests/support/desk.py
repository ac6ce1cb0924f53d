"""Drive the pure queue Engine by hand (domain tests): a Desk with a clock and its events."""

from __future__ import annotations

from datetime import datetime, timedelta

from motcua.hub.domain.engine import Actor, Engine, Outcome
from tests.support.clock import VN

__all__ = ["ADMIN", "KIOSK", "MON_9", "Actor", "Desk", "counter"]

KIOSK = Actor("kiosk-1", "kiosk", kiosk="kiosk-1")
ADMIN = Actor("admin", "admin")
MON_9 = datetime(2025, 11, 24, 9, 0, tzinfo=VN)


def counter(n: int) -> Actor:
    return Actor(f"counter-{n}", "counter", counter=n)


class Desk:
    """Drives an Engine with a clock, keeping every event for replay checks."""

    def __init__(self, centre, **kw) -> None:  # type: ignore[no-untyped-def]
        self.engine = Engine(centre, **kw)
        self.now = MON_9
        self.events = []  # type: ignore[var-annotated]

    def do(self, actor: Actor, kind: str, **body) -> Outcome:  # type: ignore[no-untyped-def]
        out = self.engine.handle(actor, kind, body, self.now)
        self.events.extend(out.events)
        return out

    def ok(self, actor: Actor, kind: str, **body):  # type: ignore[no-untyped-def]
        out = self.do(actor, kind, **body)
        assert out.ok, out.reply
        return out.reply

    def refused(self, actor: Actor, kind: str, **body) -> str:  # type: ignore[no-untyped-def]
        out = self.do(actor, kind, **body)
        assert not out.ok, out.reply
        assert out.reply["message_vi"] and out.reply["message_en"]
        return str(out.reply["code"])

    def take(self, field: str = "A", **body) -> str:  # type: ignore[no-untyped-def]
        return str(self.ok(KIOSK, "ticket.take", field=field, **body)["ticket"]["label"])

    def tick(self, minutes: float = 1) -> None:
        self.now += timedelta(minutes=minutes)
