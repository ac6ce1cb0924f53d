"""Drill 1: the hub process is killed (SIGKILL) at random instants while it writes.

Eight rounds on one data folder: start ``python -m motcua.cli hub``, let two kiosks, the
manager and four counters work at once (takes, calls, recalls, starts, finishes,
no-shows), kill -9 the hub after a random number of answered requests (while seven devices are
mid-request), start it again. Devices retry every
request that got no answer with the same request id, as the client library does.

After all rounds the SQLite file must pass ``integrity_check``, the outbox must be 1..N,
every acknowledged ticket must exist with the number the citizen was given, numbers must
be unique and gap-free per field, every acknowledged call/finish must be in the outbox,
and the restarted hub must hold exactly the state its events describe.

``MOTCUA_DRILL_SEED`` replays one run's kill instants; ``MOTCUA_DRILL_ROUNDS`` changes
the number of rounds. (tests/test_hub_kill.py kills once in a take-only burst.)
"""

from __future__ import annotations

import logging
import os
import random
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from motcua.core.state_snapshot import state_from_dict, state_to_dict
from motcua.link.client import HubClient, HubError, HubUnavailable
from tests.support.drills import FIELDS, check_database, replay_day
from tests.support.hubs import HubProcess, free_port

pytestmark = pytest.mark.slow  # a long drill: started first, beside the short tests

log = logging.getLogger(__name__)
ROUNDS = int(os.environ.get("MOTCUA_DRILL_ROUNDS", "8"))
TAKES_PER_ROUND = 100
"""Shared by the kiosks each round; 8 rounds stay below every field's daily cap."""
COUNTERS = (1, 2, 3, 4)


@dataclass
class Sent:
    device: str
    kind: str
    body: dict[str, Any]
    rid: str


@dataclass
class Ledger:
    """What the devices were told: acknowledged replies and requests left unanswered."""

    acked: list[tuple[Sent, bool, dict[str, Any]]] = field(default_factory=list)
    unanswered: list[Sent] = field(default_factory=list)
    lock: threading.Condition = field(default_factory=threading.Condition)
    """Guards both lists; notified on every answer (the drill waits on answers)."""

    def wait_answers(self, count: int, timeout: float = 30.0) -> None:
        """Block until ``count`` answers in all have come back."""
        with self.lock:
            assert self.lock.wait_for(lambda: len(self.acked) >= count, timeout), \
                f"only {len(self.acked)} of {count} answers"

    def send(self, client: HubClient, sent: Sent) -> dict[str, Any] | None:
        """One request, recorded; None when the hub did not answer (killed)."""
        try:
            reply = client.request(sent.kind, sent.body, request_id=sent.rid)
        except HubUnavailable:
            with self.lock:
                self.unanswered.append(sent)
            return None
        except HubError as exc:  # a refusal is an answer too (e.g. nobody at the counter)
            with self.lock:
                self.acked.append((sent, False, {"code": exc.code}))
                self.lock.notify_all()
            return {}
        with self.lock:
            self.acked.append((sent, True, reply))
            self.lock.notify_all()
        return reply


def _kiosk(endpoint: str, device: str, ledger: Ledger, budget: list[int], stop: threading.Event,
           rng: random.Random) -> None:
    with HubClient(endpoint, device, timeout=0.5, retries=0) as c:
        while not stop.is_set():
            with ledger.lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
            body = {"field": rng.choice(FIELDS)}
            if ledger.send(c, Sent(device, "ticket.take", body, uuid.uuid4().hex)) is None:
                return
            stop.wait(rng.uniform(0.0, 0.01))  # the next citizen walks up (or the round ends)


def _counter(endpoint: str, number: int, ledger: Ledger, stop: threading.Event,
             rng: random.Random) -> None:
    device = f"counter-{number}"
    with HubClient(endpoint, device, timeout=0.5, retries=0) as c:
        def send(kind: str) -> dict[str, Any] | None:
            body = {"officer": f"cb0{number}"} if kind == "counter.open" else {}
            return ledger.send(c, Sent(device, kind, body, uuid.uuid4().hex))

        if send("counter.open") is None:
            return
        while not stop.is_set():  # keeps writing until the kill: a reply row per command
            called = send("counter.call_next")
            if called is None:
                return
            if not called.get("ticket"):
                stop.wait(0.003)  # nobody waiting: the officer looks again in a moment
                continue
            steps = rng.choice([["counter.finish"], ["counter.start", "counter.finish"],
                                ["counter.recall", "counter.no_show"], ["counter.recall"],
                                []])  # [] : the next call_next finishes it
            for kind in steps:
                if send(kind) is None:
                    return


def _retry_unanswered(endpoint: str, ledger: Ledger) -> int:
    """What every device does after the hub comes back: resend with the same id."""
    pending, ledger.unanswered = ledger.unanswered, []
    clients: dict[str, HubClient] = {}
    try:
        for sent in pending:
            c = clients.setdefault(sent.device, HubClient(endpoint, sent.device, timeout=3.0,
                                                          retries=3))
            assert ledger.send(c, sent) is not None, "the restarted hub did not answer a retry"
    finally:
        for c in clients.values():
            c.close()
    return len(pending)


def _start_round(endpoint: str, ledger: Ledger,
                 rng: random.Random) -> tuple[threading.Event, list[threading.Thread]]:
    """Two kiosks and the manager take tickets; four counters call and finish."""
    stop = threading.Event()
    budget = [TAKES_PER_ROUND]
    threads = [threading.Thread(target=_kiosk, args=(endpoint, d, ledger, budget, stop,
                                                     random.Random(rng.random())))
               for d in ("kiosk-1", "kiosk-1", "manager-1")]
    threads += [threading.Thread(target=_counter, args=(endpoint, n, ledger, stop,
                                                        random.Random(rng.random())))
                for n in COUNTERS]
    for t in threads:
        t.start()
    return stop, threads


def test_repeated_kill_9_at_random_instants_loses_nothing_acknowledged(tmp_path: Path) -> None:
    seed = int(os.environ.get("MOTCUA_DRILL_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    print(f"\npower-cut drill: seed {seed} (MOTCUA_DRILL_SEED={seed} replays it), "
          f"{ROUNDS} rounds")
    cp, ep = free_port(), free_port()
    endpoint = f"tcp://127.0.0.1:{cp}"
    ledger = Ledger()
    cut_mid_request = 0
    for n in range(ROUNDS):
        proc = HubProcess(tmp_path, cp, ep)
        retried = _retry_unanswered(endpoint, ledger)
        stop, threads = _start_round(endpoint, ledger, rng)
        answers = rng.randint(5, 250)
        ledger.wait_answers(len(ledger.acked) + answers)
        proc.kill()  # the power cut (SIGKILL): no clean-up of any kind
        stop.set()
        for t in threads:
            t.join(10)
        cut_mid_request += bool(ledger.unanswered)
        print(f"  round {n + 1}: killed after {answers} answers; retried {retried} from "
              f"the round before; {len(ledger.unanswered)} requests cut off; "
              f"{len(ledger.acked)} answers so far")
    proc = HubProcess(tmp_path, cp, ep)
    try:
        _retry_unanswered(endpoint, ledger)
        with HubClient(endpoint, "manager-1", timeout=3.0, retries=3) as m:
            snap = m.request("snapshot", {})
    finally:
        proc.terminate()
    assert cut_mid_request >= 1, "no kill landed while a request was in flight"

    check = check_database(tmp_path / "hub.sqlite")  # integrity, 1..N, numbering
    events = check.events
    called = {(e.body["ticket"], e.body["counter"]) for e in events
              if e.type in ("ticket.called", "ticket.recalled")}
    ended = {(e.type, e.body["ticket"]) for e in events
             if e.type in ("ticket.done", "ticket.no_show", "ticket.serving")}
    takes = 0
    for sent, ok, reply in ledger.acked:
        if sent.kind != "counter.open":
            assert (sent.device, sent.rid) in check.replies, f"reply to {sent} not stored"
        if not ok:
            assert sent.kind != "ticket.take", f"a take was refused: {reply}"
            continue
        ticket: dict[str, Any] = reply.get("ticket") or {}
        if sent.kind == "ticket.take":
            takes += 1
            # The citizen's paper: the number printed from this reply exists, in its field.
            issued = check.issued[ticket["id"]]
            assert (issued["label"], issued["field"]) == (ticket["label"], sent.body["field"])
        elif sent.kind in ("counter.call_next", "counter.recall") and ticket:
            # The hall board and the loudspeaker: every acknowledged call is in the outbox.
            number = int(sent.device.rsplit("-", 1)[1])
            assert (ticket["id"], number) in called, f"acknowledged call lost: {sent}"
        elif sent.kind in ("counter.finish", "counter.no_show", "counter.start"):
            kind = {"counter.finish": "ticket.done", "counter.no_show": "ticket.no_show",
                    "counter.start": "ticket.serving"}[sent.kind]
            assert (kind, ticket["id"]) in ended, f"acknowledged {sent.kind} lost: {sent}"
    take_rids = {(s.device, s.rid) for s, _ok, _r in ledger.acked if s.kind == "ticket.take"}
    assert takes == len(take_rids) == len(check.issued), "each take is exactly one ticket"

    # The restarted hub (what every screen shows after the last restart) holds exactly
    # the state its own events describe, and the manager's report rows agree with it.
    rebuilt = replay_day(events)
    assert state_to_dict(state_from_dict(snap["state"])) == state_to_dict(rebuilt)
    for tid, ticket_state in rebuilt.tickets.items():
        assert check.facts[tid]["status"] == ticket_state.status, f"report row of {tid} is stale"
    print(f"  after {ROUNDS} kills: {len(events)} events, {len(check.issued)} tickets, "
          f"{len(ledger.acked)} answered requests, all accounted for")
