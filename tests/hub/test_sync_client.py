"""SyncClient against a scripted in-memory province (no database): the hub-side rules."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
import zmq

from motcua.hub.sync import OutboxEvent, SyncClient
from motcua.province.sim import MemoryOutbox, centre_day
from tests.support.wait import wait_until

Handler = Callable[[bytes, dict[str, Any]], tuple[bytes, dict[str, Any]] | None]


class FakeProvince:
    """A ROUTER in a thread that keeps a per-stream cursor like the real province.

    ``hook(batch_id, body)`` may return a reply to send instead (or None to use the
    cursor rule); ``drop_replies`` swallows that many replies first (lost acks).
    """

    def __init__(self, hook: Handler | None = None, drop_replies: int = 0) -> None:
        self.ctx: zmq.Context[zmq.Socket[bytes]] = zmq.Context()
        self.sock = self.ctx.socket(zmq.ROUTER)
        self.sock.linger = 0
        self.sock.bind("tcp://127.0.0.1:*")
        self.endpoint = self.sock.last_endpoint.decode()  # type: ignore[union-attr]
        self.hook = hook
        self.drop_replies = drop_replies
        self.cursor: dict[str, int] = {}
        self.stored: dict[str, list[int]] = {}
        self.received: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _rule(self, body: dict[str, Any]) -> tuple[bytes, dict[str, Any]]:
        sid = body["stream_id"]
        cur = self.cursor.get(sid, 0)
        if body["first_seq"] > cur + 1:
            return b"GAP", {"resume_from": cur + 1, "stream_id": sid}
        for ev in body["events"]:
            if ev["seq"] > cur:
                self.stored.setdefault(sid, []).append(ev["seq"])
        self.cursor[sid] = max(cur, body["last_seq"])
        return b"ACK", {"ack_seq": self.cursor[sid], "stream_id": sid}

    def _run(self) -> None:
        while not self._stop.is_set():
            if not self.sock.poll(50):
                continue
            ident, proto, kind, bid, payload = self.sock.recv_multipart()
            assert (proto, kind) == (b"MCS1", b"BATCH")
            self.received.append(bid)
            body = json.loads(payload)
            answer = self.hook(bid, body) if self.hook else None
            if answer is None:
                answer = self._rule(body)
            if self.drop_replies > 0:
                self.drop_replies -= 1
                continue
            self.sock.send_multipart([ident, b"MCS1", answer[0], bid,
                                      json.dumps(answer[1]).encode()])

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close(0)
        self.ctx.term()


@pytest.fixture
def outbox() -> MemoryOutbox:
    box = MemoryOutbox("79-xa-binh-chanh")
    box.extend(centre_day(date(2025, 7, 1), 120))
    return box


def _client(box: MemoryOutbox, endpoint: str, **kw: Any) -> SyncClient:
    opts: dict[str, Any] = {"batch_size": 100, "window": 3, "timeout_s": 0.3,
                            "idle_poll_s": 0.05, "max_backoff_s": 0.3, "reconnect_max_s": 0.3}
    opts.update(kw)
    return SyncClient(box, endpoint, **opts)


@pytest.fixture
def province() -> Iterator[FakeProvince]:
    p = FakeProvince()
    yield p
    p.close()


def test_event_is_a_frozen_dataclass_with_wire_form() -> None:
    ev = OutboxEvent(1, "ticket.called", "2025-07-01T08:00:00+07:00", "2025-07-01",
                     {"ticket": "A1", "counter": 2, "officer": "cb02"})
    with pytest.raises(AttributeError):
        ev.seq = 2  # type: ignore[misc]
    assert ev.to_wire()["body"]["counter"] == 2


def test_sends_everything_in_order_and_marks_on_ack(outbox: MemoryOutbox,
                                                    province: FakeProvince) -> None:
    with _client(outbox, province.endpoint) as client:
        assert client.wait_synced(10)
        st = client.status()
    assert province.stored[outbox.stream_id] == list(range(1, outbox.last_seq() + 1))
    assert outbox.acked_seq() == outbox.last_seq()
    assert outbox.ack_history == sorted(outbox.ack_history)  # the mark only moves forward
    assert st["connected"] and st["backlog"] == 0 and st["last_error"] is None
    assert st["last_ack_at"].endswith("+07:00")


def test_new_events_are_picked_up_while_running(outbox: MemoryOutbox,
                                                province: FakeProvince) -> None:
    with _client(outbox, province.endpoint) as client:
        assert client.wait_synced(10)
        outbox.extend(centre_day(date(2025, 7, 2), 30))
        assert client.wait_synced(10)
    assert province.stored[outbox.stream_id] == list(range(1, outbox.last_seq() + 1))


def test_no_ack_means_no_mark_and_resend_with_same_batch_id(outbox: MemoryOutbox) -> None:
    silent = FakeProvince(drop_replies=10**6)
    try:
        with _client(outbox, silent.endpoint, window=1) as client:
            wait_until(lambda: len(silent.received) >= 3)
            st = client.status()
        assert outbox.acked_seq() == 0 and st["acked_seq"] == 0
        assert st["backlog"] == outbox.last_seq()
        assert silent.received[0] == silent.received[1] == silent.received[2]
        assert st["resends"] >= 2
    finally:
        silent.close()


def test_lost_acks_are_recovered_by_resend(outbox: MemoryOutbox) -> None:
    lossy = FakeProvince(drop_replies=4)
    try:
        with _client(outbox, lossy.endpoint) as client:
            assert client.wait_synced(10)
        # Stored exactly once even though several batches arrived twice.
        assert lossy.stored[outbox.stream_id] == list(range(1, outbox.last_seq() + 1))
        assert len(lossy.received) > len(set(lossy.received))
    finally:
        lossy.close()


def test_gap_resumes_from_the_province_cursor(outbox: MemoryOutbox,
                                              province: FakeProvince) -> None:
    # The hub believes 200 are upstream but the province (restored backup) holds 50.
    province.cursor[outbox.stream_id] = 50
    province.stored[outbox.stream_id] = list(range(1, 51))
    outbox.set_acked_seq(200)
    with _client(outbox, province.endpoint) as client:
        assert client.wait_synced(10)
    assert province.stored[outbox.stream_id] == list(range(1, outbox.last_seq() + 1))
    assert 50 in outbox.ack_history  # the mark was brought back to the truth first


def test_refused_is_reported_and_retried_with_backoff(outbox: MemoryOutbox) -> None:
    def refuse(bid: bytes, body: dict[str, Any]) -> tuple[bytes, dict[str, Any]]:
        return b"REFUSED", {"code": "site_mismatch", "reason": "sai điểm / wrong site"}

    p = FakeProvince(hook=refuse)
    try:
        with _client(outbox, p.endpoint, max_backoff_s=0.2) as client:
            # Refused, reported, and tried again after a back-off (beyond the window of 3).
            wait_until(lambda: client.status()["last_error"] is not None
                       and len(p.received) > 3, "refused, reported and tried again")
            st = client.status()
        assert "wrong site" in st["last_error"]
        assert outbox.acked_seq() == 0
    finally:
        p.close()


def test_ack_beyond_hub_last_seq_does_not_move_mark_past_it(outbox: MemoryOutbox) -> None:
    def too_far(bid: bytes, body: dict[str, Any]) -> tuple[bytes, dict[str, Any]]:
        return b"ACK", {"ack_seq": 10**9, "stream_id": body["stream_id"]}

    p = FakeProvince(hook=too_far)
    try:
        with _client(outbox, p.endpoint) as client:
            wait_until(lambda: "restored" in (client.status()["last_error"] or ""))
        assert outbox.acked_seq() == outbox.last_seq()
    finally:
        p.close()


def test_province_down_never_blocks_and_reports_backlog(outbox: MemoryOutbox) -> None:
    client = _client(outbox, "tcp://127.0.0.1:9")  # nothing listens there
    started = time.monotonic()
    client.start()
    wait_until(lambda: client.status()["last_seq"] == outbox.last_seq())
    outbox.extend(centre_day(date(2025, 7, 2), 10))  # the hub keeps writing meanwhile
    wait_until(lambda: client.status()["last_seq"] == outbox.last_seq())  # backlog grows
    wait_until(lambda: "not reachable" in (client.status()["last_error"] or ""))
    st = client.status()
    client.stop()
    assert time.monotonic() - started < 60  # start/stop returned; nothing hung
    assert not st["connected"] and st["acked_seq"] == 0 and st["backlog"] > 0


def test_replies_that_are_garbage_are_ignored(outbox: MemoryOutbox) -> None:
    calls = {"n": 0}

    def garbage_first(bid: bytes, body: dict[str, Any]) -> tuple[bytes, dict[str, Any]] | None:
        calls["n"] += 1
        if calls["n"] == 1:
            return b"WHAT", {"nonsense": True}
        return None

    p = FakeProvince(hook=garbage_first)
    try:
        with _client(outbox, p.endpoint) as client:
            assert client.wait_synced(10)
    finally:
        p.close()


class FlakyOutbox(MemoryOutbox):
    """An outbox whose database is 'locked' for the first few reads."""

    def __init__(self, failures: int) -> None:
        super().__init__("79-xa-flaky")
        self.failures = failures

    def read_after(self, seq: int, limit: int) -> list[OutboxEvent]:
        if self.failures > 0:
            self.failures -= 1
            raise RuntimeError("database is locked")
        return super().read_after(seq, limit)


def test_outbox_errors_are_reported_and_retried(province: FakeProvince) -> None:
    box = FlakyOutbox(failures=2)
    box.extend(centre_day(date(2025, 7, 1), 20))
    with _client(box, province.endpoint, max_backoff_s=0.05) as client:
        assert client.wait_synced(10)
    assert box.failures == 0
    assert province.stored[box.stream_id] == list(range(1, box.last_seq() + 1))


def test_partial_curve_keys_are_rejected(outbox: MemoryOutbox) -> None:
    pub, _sec = zmq.curve_keypair()
    with pytest.raises(ValueError, match="CURVE"):
        SyncClient(outbox, "tcp://127.0.0.1:5580", server_public_key=pub)
