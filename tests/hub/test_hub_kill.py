"""Kill -9 the hub process in the middle of a burst, restart it, check nothing was lost."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import defaultdict
from pathlib import Path

import pytest

from motcua.link.client import HubClient, HubError
from tests.support.hubs import HubProcess, free_port

pytestmark = pytest.mark.slow  # a long drill: started first, beside the short tests

FIELDS = "ABCDEGHKLMN"


def test_kill_9_during_a_burst_loses_no_acknowledged_ticket(tmp_path: Path) -> None:
    cp, ep = free_port(), free_port()
    proc = HubProcess(tmp_path, cp, ep)
    acked: dict[str, dict] = {}  # type: ignore[type-arg]
    unanswered: list[tuple[str, str]] = []
    lock = threading.Condition()  # notified on every answer: the kill waits on answers
    go = threading.Event()

    def client(n: int) -> None:
        with HubClient(f"tcp://127.0.0.1:{cp}", "kiosk-1", timeout=1.0, retries=0) as c:
            go.wait()
            for i in range(90):
                rid = f"burst-{n}-{i}"
                field = FIELDS[(n * 90 + i) % len(FIELDS)]
                try:
                    r = c.request("ticket.take", {"field": field}, request_id=rid)
                except HubError:
                    # The hub is gone: this request and the rest of this kiosk's burst
                    # wait for the restart (as a kiosk's queue of citizens would).
                    with lock:
                        unanswered.extend((f"burst-{n}-{k}", FIELDS[(n * 90 + k) % len(FIELDS)])
                                          for k in range(i, 90))
                    break
                with lock:
                    acked[rid] = r["ticket"]
                    lock.notify_all()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]  # 720 requests
    for t in threads:
        t.start()
    go.set()
    with lock:
        assert lock.wait_for(lambda: len(acked) >= 250, 30), "the burst did not get going"
    proc.kill()  # SIGKILL in the middle of the burst
    for t in threads:
        t.join()
    assert 250 <= len(acked) < 720, "the kill must land mid-burst"
    assert unanswered, "some requests must have been cut off by the kill"

    # Restart on the same database and retry every request that got no answer.
    proc = HubProcess(tmp_path, cp, ep)
    try:
        with HubClient(f"tcp://127.0.0.1:{cp}", "kiosk-1", timeout=3.0, retries=3) as c:
            for rid, field in unanswered:
                acked[rid] = c.request("ticket.take", {"field": field}, request_id=rid)["ticket"]
            # retrying an id that WAS answered gives the very same ticket
            some = next(iter(acked))
            assert c.request("ticket.take", {"field": "A"}, request_id=some)["ticket"] == \
                acked[some]
    finally:
        proc.terminate()

    db = sqlite3.connect(tmp_path / "hub.sqlite")
    seqs = [r[0] for r in db.execute("SELECT seq FROM events ORDER BY seq")]
    assert seqs == list(range(1, len(seqs) + 1)), "the outbox sequence has a hole"
    issued = [json.loads(b) for (b,) in
              db.execute("SELECT body FROM events WHERE type='ticket.issued' ORDER BY seq")]
    ids = [b["ticket"] for b in issued]
    assert len(ids) == len(set(ids)) == 720, "every request is exactly one ticket"
    by_field: dict[str, list[int]] = defaultdict(list)
    for b in issued:
        by_field[b["field"]].append(b["number"])
    for field, numbers in by_field.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), f"gap or reuse in {field}"
    assert {t["id"] for t in acked.values()} == set(ids)
    db.close()
