"""Hypothesis drives random command sequences through the domain and checks invariants."""

from __future__ import annotations

from collections import Counter as Tally
from datetime import datetime, timedelta

import hypothesis.strategies as st
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from motcua.core.centre.load import load_centre
from motcua.core.state import ACTIVE_STATES, WAITING, DayState, apply
from motcua.core.state_snapshot import state_to_dict
from motcua.hub.domain.engine import Actor, Engine
from tests.support.clock import VN
from tests.support.hubs import ROOT

CENTRE = load_centre(ROOT / "config" / "centre.toml")
FIELDS = [f.code for f in CENTRE.fields]
PRIORITIES = [None, None, None] + [p.code for p in CENTRE.priority_categories]
COUNTERS = [c.number for c in CENTRE.counters]
OFFICERS = [o.id for o in CENTRE.officers]
KIOSK = Actor("kiosk-1", "kiosk", kiosk="kiosk-1")


def desk(n: int) -> Actor:
    return Actor(f"counter-{n}", "counter", counter=n)


class QueueMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.engine = Engine(CENTRE, open_all_hours=True)
        self.now = datetime(2025, 11, 24, 8, 0, tzinfo=VN)
        self.events: list = []  # type: ignore[type-arg]
        self.order_at: dict[str, datetime] = {}
        self.labels_by_day: dict[str, list[str]] = {}

    def _do(self, actor: Actor, kind: str, **body):  # type: ignore[no-untyped-def]
        before = {tid: (t.status, t.priority, t.field, t.target_counter)
                  for tid, t in self.engine.state.tickets.items()}
        out = self.engine.handle(actor, kind, body, self.now)
        self.events.extend(out.events)
        if kind == "counter.call_next" and out.ok and out.reply.get("ticket"):
            self._check_call_order(actor.counter, out.reply["ticket"]["id"], before)
        return out

    def _check_call_order(self, number: int | None, picked: str,
                          before: dict[str, tuple[str, str | None, str, int | None]]) -> None:
        """Strict policy: a normal ticket is called only if no eligible priority one waits,
        and the picked one is the earliest eligible of its class."""
        c = CENTRE.counter_by_number(number or 0)
        assert c is not None
        eligible = [tid for tid, (status, _p, field, target) in before.items()
                    if status == WAITING and (target == c.number or
                                              (target is None and field in c.fields))]
        pri = [tid for tid in eligible if before[tid][1]]
        chosen_is_priority = before[picked][1] is not None
        if pri:
            assert chosen_is_priority, "a normal ticket was called while a priority one waited"
        pool = pri if chosen_is_priority else eligible
        t = self.engine.state.tickets
        # same instant: the tie is broken by number, then by ticket id (as the queues do)
        first = min(pool, key=lambda tid: (t[tid].order_at, t[tid].number, tid))
        assert first == picked

    @rule(field=st.sampled_from(FIELDS), priority=st.sampled_from(PRIORITIES))
    def take(self, field: str, priority: str | None) -> None:
        out = self._do(KIOSK, "ticket.take", field=field, priority=priority)
        if out.ok:
            t = out.reply["ticket"]
            self.order_at[t["id"]] = datetime.fromisoformat(t["issued_at"])
            self.labels_by_day.setdefault(self.engine.state.day, []).append(t["label"])

    @rule(n=st.sampled_from(COUNTERS), officer=st.sampled_from(OFFICERS))
    def open_counter(self, n: int, officer: str) -> None:
        self._do(desk(n), "counter.open", officer=officer)

    @rule(n=st.sampled_from(COUNTERS))
    def call_next(self, n: int) -> None:
        self._do(desk(n), "counter.call_next")

    @rule(n=st.sampled_from(COUNTERS),
          action=st.sampled_from(["counter.finish", "counter.no_show", "counter.recall",
                                  "counter.start", "counter.hold", "counter.pause",
                                  "counter.resume", "counter.close"]))
    def act(self, n: int, action: str) -> None:
        self._do(desk(n), action)

    @rule(n=st.sampled_from(COUNTERS), to_field=st.sampled_from(FIELDS))
    def transfer_field(self, n: int, to_field: str) -> None:
        self._do(desk(n), "counter.transfer", to_field=to_field)

    @rule(n=st.sampled_from(COUNTERS), to=st.sampled_from(COUNTERS))
    def transfer_counter(self, n: int, to: int) -> None:
        self._do(desk(n), "counter.transfer", to_counter=to)

    @rule(n=st.sampled_from(COUNTERS), data=st.data())
    def unhold(self, n: int, data: st.DataObject) -> None:
        held = sorted(t.label for t in self.engine.state.tickets.values() if t.status == "held")
        if held:
            self._do(desk(n), "counter.unhold", ticket=data.draw(st.sampled_from(held)))

    @rule(minutes=st.integers(1, 90))
    def wait(self, minutes: int) -> None:
        self.now += timedelta(minutes=minutes)

    @precondition(lambda self: len(self.events) > 5)
    @rule()
    def next_day(self) -> None:
        self.now += timedelta(days=1)

    # -- invariants ---------------------------------------------------------------
    @invariant()
    def numbers_unique_and_gap_free_per_field_and_day(self) -> None:
        for labels in self.labels_by_day.values():
            assert len(labels) == len(set(labels))
            per_field = Tally(label[0] for label in labels)
            for prefix, n in per_field.items():
                nums = sorted(int(lb[1:]) for lb in labels if lb[0] == prefix)
                assert nums == list(range(1, n + 1))

    @invariant()
    def no_ticket_at_two_counters(self) -> None:
        s = self.engine.state
        currents = [c.current for c in s.counters.values() if c.current]
        assert len(currents) == len(set(currents))
        for c in s.counters.values():
            if c.current:
                t = s.tickets[c.current]
                assert t.status in ACTIVE_STATES and t.counter == c.number
        for t in s.tickets.values():
            if t.status in ACTIVE_STATES:
                assert s.counters[t.counter].current == t.id  # type: ignore[index]

    @invariant()
    def transfers_keep_their_place_in_time(self) -> None:
        for t in self.engine.state.tickets.values():
            assert t.order_at == self.order_at[t.id] == t.issued_at

    @invariant()
    def counts_add_up(self) -> None:
        s = self.engine.state
        by_status = Tally(t.status for t in s.tickets.values())
        assert sum(by_status.values()) == len(s.tickets) == sum(s.last_number.values())
        indexed = sum(len(q) for book in (s.waiting_normal, s.waiting_priority, s.targeted)
                      for q in book.values())
        assert indexed == by_status.get(WAITING, 0)
        assert sum(s.waiting_count(f) for f in FIELDS) == by_status.get(WAITING, 0)

    def teardown(self) -> None:
        replayed = DayState()
        for e in self.events:
            apply(replayed, e)
        assert state_to_dict(replayed) == state_to_dict(self.engine.state)


QueueMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=60,
                                          deadline=None,
                                          suppress_health_check=[HealthCheck.too_slow])
TestQueueProperties = QueueMachine.TestCase
