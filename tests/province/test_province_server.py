"""Hub SyncClient -> ProvinceServer -> PostgreSQL, end to end over loopback with CURVE.

Real PostgreSQL at 127.0.0.1:5432 (database ``test``), one throw-away schema per test.
"""

from __future__ import annotations

import json
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
import zmq
from sqlalchemy import Engine

from motcua.hub.sync import SyncClient
from motcua.province.server import ProvinceServer
from motcua.province.sim import MemoryOutbox, centre_day, days_from
from tests.support.province import FAST
from tests.support.wait import wait_until

SITE = "79-phuong-sai-gon"


class Keys:
    def __init__(self) -> None:
        self.server_public, self.server_secret = zmq.curve_keypair()
        self.hub_public, self.hub_secret = zmq.curve_keypair()

    def client(self, box: MemoryOutbox, endpoint: str, **kw: Any) -> SyncClient:
        return SyncClient(box, endpoint, server_public_key=self.server_public,
                          client_secret_key=self.hub_secret,
                          client_public_key=self.hub_public, **{**FAST, **kw})


@pytest.fixture
def keys() -> Keys:
    return Keys()


@pytest.fixture
def make_server(engine: Engine, keys: Keys) -> Iterator[Callable[..., ProvinceServer]]:
    schema = f"t_srv_{uuid.uuid4().hex[:12]}"
    servers: list[ProvinceServer] = []

    def make(endpoint: str = "tcp://127.0.0.1:*", curve: bool = True,
             allowed: dict[Any, str] | None = None) -> ProvinceServer:
        kw: dict[str, Any] = {}
        if curve:
            kw = {"secret_key": keys.server_secret, "public_key": keys.server_public,
                  "allowed_sites": {keys.hub_public: SITE} if allowed is None else allowed}
        srv = ProvinceServer(None, endpoint, engine=engine, schema=schema, **kw)
        srv.start()
        servers.append(srv)
        return srv

    yield make
    for srv in servers:
        srv.stop()
    if servers:
        servers[-1].store.drop_schema()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _outbox(days: int = 1, tickets: int = 60, site: str = SITE) -> MemoryOutbox:
    box = MemoryOutbox(site)
    for d in days_from(date(2025, 7, 14), days):
        box.extend(centre_day(d, tickets))
    return box


def test_backlog_of_three_days_offline_arrives_once_in_order(
        make_server: Callable[..., ProvinceServer], keys: Keys) -> None:
    port = _free_port()
    endpoint = f"tcp://127.0.0.1:{port}"
    box = MemoryOutbox(SITE)
    client = keys.client(box, endpoint)
    client.start()
    try:
        # Province is down while the centre works three days (~1,000 events a day).
        for day in days_from(date(2025, 7, 30), 3):
            box.extend(centre_day(day, 270))
        assert box.last_seq() >= 3000
        wait_until(lambda: client.status()["last_seq"] == box.last_seq(), timeout=20)
        assert client.status()["acked_seq"] == 0 and not client.status()["connected"]
        srv = make_server(f"tcp://127.0.0.1:{port}")
        assert client.wait_synced(30)
    finally:
        client.stop()
    assert srv.store.seqs(box.stream_id) == list(range(1, box.last_seq() + 1))
    info = srv.store.stream(box.stream_id)
    assert info is not None and info.last_seq == box.last_seq() == box.acked_seq()
    assert srv.stats()["refused"] == 0
    assert srv.store.partitions() == ["events_2025_07", "events_2025_08"]


def test_lost_acks_through_a_lossy_relay_store_nothing_twice(
        make_server: Callable[..., ProvinceServer]) -> None:
    srv = make_server(curve=False)
    ctx: zmq.Context[zmq.Socket[bytes]] = zmq.Context()
    front, back = ctx.socket(zmq.ROUTER), ctx.socket(zmq.DEALER)
    front.bind("tcp://127.0.0.1:*")
    back.connect(srv.endpoint)
    stop = threading.Event()
    dropped = {"n": 0}

    hub_identity = [b""]

    def relay() -> None:  # hub <-> relay <-> province; swallows the first 5 replies
        poller = zmq.Poller()
        poller.register(front, zmq.POLLIN)
        poller.register(back, zmq.POLLIN)
        while not stop.is_set():
            ready = dict(poller.poll(50))
            if front in ready:
                hub_identity[0], *frames = front.recv_multipart()
                back.send_multipart(frames)
            if back in ready:
                frames = back.recv_multipart()
                if dropped["n"] < 5:
                    dropped["n"] += 1
                else:
                    front.send_multipart([hub_identity[0], *frames])

    t = threading.Thread(target=relay, daemon=True)
    t.start()
    box = _outbox(days=2)
    try:
        relay_endpoint = str(front.last_endpoint.decode())  # type: ignore[union-attr]
        with SyncClient(box, relay_endpoint, **FAST) as client:
            assert client.wait_synced(30)
    finally:
        stop.set()
        t.join(2)
        front.close(0)
        back.close(0)
        ctx.term()
    assert dropped["n"] == 5
    assert srv.store.seqs(box.stream_id) == list(range(1, box.last_seq() + 1))
    assert srv.stats()["refused"] == 0


def test_duplicated_batch_and_skipped_range_over_the_wire(
        make_server: Callable[..., ProvinceServer], keys: Keys) -> None:
    srv = make_server()
    box = _outbox()

    def payload(first: int, last: int) -> bytes:
        evs = [e.to_wire() for e in box.read_after(first - 1, last - first + 1)]
        return json.dumps({"site": SITE, "stream_id": box.stream_id, "first_seq": first,
                           "last_seq": last, "hub_now": None, "events": evs}).encode()

    ctx: zmq.Context[zmq.Socket[bytes]] = zmq.Context()
    d = ctx.socket(zmq.DEALER)
    d.linger = 0
    d.curve_serverkey, d.curve_secretkey, d.curve_publickey = (
        keys.server_public, keys.hub_secret, keys.hub_public)
    d.connect(srv.endpoint)
    d.rcvtimeo = 10_000

    def ask(bid: bytes, first: int, last: int) -> tuple[bytes, dict[str, Any]]:
        d.send_multipart([b"MCS1", b"BATCH", bid, payload(first, last)])
        proto, kind, rbid, body = d.recv_multipart()
        assert (proto, rbid) == (b"MCS1", bid)
        return kind, json.loads(body)

    try:
        assert ask(b"a", 1, 50) == (b"ACK", {"ack_seq": 50, "stream_id": box.stream_id})
        assert ask(b"a", 1, 50)[1]["ack_seq"] == 50  # the same batch again: nothing new
        assert ask(b"c", 101, 150) == (b"GAP", {"resume_from": 51,
                                                "stream_id": box.stream_id})
        assert srv.store.count_events(box.stream_id) == 50
        assert ask(b"b", 51, 100)[1]["ack_seq"] == 100
        assert ask(b"c", 101, 150)[1]["ack_seq"] == 150
    finally:
        d.close(0)
        ctx.term()
    assert srv.store.seqs(box.stream_id) == list(range(1, 151))


def test_hub_resumes_after_gap_when_its_mark_is_ahead(
        make_server: Callable[..., ProvinceServer], keys: Keys) -> None:
    srv = make_server()
    box = _outbox()
    box.set_acked_seq(100)  # e.g. the province database was restored from an old backup
    with keys.client(box, srv.endpoint) as client:
        assert client.wait_synced(20)
    assert srv.store.seqs(box.stream_id) == list(range(1, box.last_seq() + 1))
    assert srv.stats()["gaps"] >= 1


def test_reinstalled_hub_is_a_new_stream_of_the_same_site(
        make_server: Callable[..., ProvinceServer], keys: Keys) -> None:
    srv = make_server()
    old = _outbox()
    with keys.client(old, srv.endpoint) as client:
        assert client.wait_synced(20)
    new = _outbox(tickets=10)  # same site and key, fresh database: new stream, seq 1..
    with keys.client(new, srv.endpoint) as client:
        assert client.wait_synced(20)
    streams = srv.store.streams(SITE)
    assert [s.stream_id for s in streams] == [old.stream_id, new.stream_id]
    assert [s.last_seq for s in streams] == [old.last_seq(), new.last_seq()]
    assert srv.store.seqs(new.stream_id) == list(range(1, new.last_seq() + 1))


def test_hub_key_not_on_allow_list_is_refused(
        make_server: Callable[..., ProvinceServer], keys: Keys) -> None:
    stranger_pub, _ = zmq.curve_keypair()
    srv = make_server(allowed={stranger_pub: SITE})  # our hub's key is not listed
    box = _outbox()
    with keys.client(box, srv.endpoint) as client:
        wait_until(lambda: "allow-list" in (client.status()["last_error"] or ""), timeout=20)
        st = client.status()
    assert not st["connected"]
    assert srv.store.count_events() == 0 and srv.store.streams() == []
    assert box.acked_seq() == 0


def test_hub_claiming_another_site_is_refused(
        make_server: Callable[..., ProvinceServer], keys: Keys) -> None:
    srv = make_server()
    box = _outbox(site="79-xa-khac")  # its key is bound to SITE
    with keys.client(box, srv.endpoint) as client:
        wait_until(lambda: srv.stats()["refused"] >= 1, timeout=20)
        wait_until(lambda: "79-xa-khac" in (client.status()["last_error"] or ""), timeout=20)
    assert srv.store.count_events() == 0 and box.acked_seq() == 0


def test_revoked_key_is_refused_on_its_open_session(
        make_server: Callable[..., ProvinceServer], keys: Keys) -> None:
    srv = make_server()
    box = _outbox()
    with keys.client(box, srv.endpoint) as client:
        assert client.wait_synced(20)
        srv.set_allowed_sites({})
        done = box.last_seq()
        box.extend(centre_day(date(2025, 7, 15), 5))
        wait_until(lambda: srv.stats()["refused"] >= 1, timeout=20)
    assert srv.store.count_events() == done


def test_garbage_never_stops_the_server(make_server: Callable[..., ProvinceServer],
                                        keys: Keys) -> None:
    srv = make_server()
    ctx: zmq.Context[zmq.Socket[bytes]] = zmq.Context()
    d = ctx.socket(zmq.DEALER)
    d.linger = 0
    d.curve_serverkey, d.curve_secretkey, d.curve_publickey = (
        keys.server_public, keys.hub_secret, keys.hub_public)
    d.connect(srv.endpoint)
    d.rcvtimeo = 10_000
    try:
        for frames in ([b"hello"], [b"MCS1"], [b"MCS9", b"BATCH", b"x", b"{}"]):
            d.send_multipart(frames)  # dropped with a log line
        for bid, body in [(b"1", b"not json"), (b"2", b'{"site": 5}'),
                          (b"3", json.dumps({"site": SITE, "stream_id": str(uuid.uuid4()),
                                             "first_seq": 1, "last_seq": 1,
                                             "events": [{"seq": 1}]}).encode())]:
            d.send_multipart([b"MCS1", b"BATCH", bid, body])
            _proto, kind, rbid, reply = d.recv_multipart()
            assert (kind, rbid) == (b"REFUSED", bid)
            assert json.loads(reply)["reason"]
        d.send_multipart([b"MCS1", b"BATCH", b"4", b"{}", b"extra"])
        assert d.recv_multipart()[1] == b"REFUSED"
    finally:
        d.close(0)
        ctx.term()
    assert srv.stats()["dropped"] == 3
    box = _outbox()  # still serving
    with keys.client(box, srv.endpoint) as client:
        assert client.wait_synced(20)


def test_many_centres_at_once(make_server: Callable[..., ProvinceServer]) -> None:
    pairs = [zmq.curve_keypair() for _ in range(6)]
    sites = [f"79-xa-{i:02d}" for i in range(6)]
    srv = make_server(allowed={pub: site for (pub, _), site in zip(pairs, sites, strict=True)})
    boxes = [_outbox(site=s, tickets=40) for s in sites]
    clients = [SyncClient(b, srv.endpoint, server_public_key=srv._public,
                          client_secret_key=sec, client_public_key=pub, **FAST)
               for b, (pub, sec) in zip(boxes, pairs, strict=True)]
    for c in clients:
        c.start()
    try:
        assert all(c.wait_synced(30) for c in clients)
    finally:
        for c in clients:
            c.stop()
    for b in boxes:
        assert srv.store.seqs(b.stream_id) == list(range(1, b.last_seq() + 1))
    assert {s.site for s in srv.store.streams()} == set(sites)


def test_curve_without_allow_list_is_not_allowed(engine: Engine, keys: Keys) -> None:
    with pytest.raises(ValueError, match="allow-list"):
        ProvinceServer(None, engine=engine, secret_key=keys.server_secret,
                       public_key=keys.server_public)
