"""Drill 3: oversize messages and a flood of requests from one device.

* bodies just under and just over the 64 KiB command limit, and a message over the
  socket's 256 KiB limit: the first is read (and refused for what it says), the second
  refused as too large in words, the third dropped by ZeroMQ with its connection, which
  heals by itself; nobody else notices;
* one DEALER pipelining 5,000 requests (4,000 ``ping`` + 1,000 ``ticket.take``) without
  waiting: every request gets its answer, every ticket is valid and numbered without a
  gap, and meanwhile the counters and the other kiosk keep being served (latency before
  and during the flood is printed, not asserted);
* a device that sends requests and never reads the answers (a hung display asking for
  snapshots): the others are still served (finding F2, fixed: it froze the hub).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import zmq

from motcua.core import protocol
from motcua.hub.storage.db import sqlite_url
from motcua.link.client import HubClient
from tests.support.drills import FIELDS, check_database, latency_line, raw_dealer
from tests.support.hubs import start_hub, stop_hub
from tests.support.wait import LogWatch, wait_until


def _ask(sock: zmq.Socket[Any], frames: list[bytes], wait_ms: int = 3000) -> list[bytes] | None:
    sock.send_multipart(frames)
    return sock.recv_multipart() if sock.poll(wait_ms) else None


def _body_of_size(size: int) -> bytes:
    """A ticket.take body of exactly ``size`` bytes (a long, unknown procedure id)."""
    head, tail = b'{"field":"A","procedure":"', b'"}'
    return head + b"x" * (size - len(head) - len(tail)) + tail


def test_bodies_at_the_limits_and_beyond_the_socket_limit(hub: Any) -> None:
    kiosk = hub.client("kiosk-1")
    sock = raw_dealer(hub.command, b"kiosk-1#big")
    try:
        at_limit = _body_of_size(protocol.MAX_BODY_BYTES)
        reply = _ask(sock, [b"MC1", b"ticket.take", b"at-limit", at_limit])
        assert reply is not None
        ok, _rid, body = protocol.decode_reply(reply)
        # read, then refused for its content: a procedure id is at most 64 characters
        assert not ok and body["code"] == "bad_request" and body["details"]["key"] == "procedure"

        over = _body_of_size(protocol.MAX_BODY_BYTES + 1)
        reply = _ask(sock, [b"MC1", b"ticket.take", b"over-limit", over])
        assert reply is not None
        ok, _rid, body = protocol.decode_reply(reply)
        assert not ok and body["code"] == "too_large"
        assert "quá lớn" in body["message_vi"] and "too large" in body["message_en"]

        # Four frames of 100 KiB each: every frame is under the socket limit, the message
        # is not; the hub reads it and refuses it in words.
        reply = _ask(sock, [b"MC1", b"t" * 100_000, b"r" * 100_000, b"{" * 100_000])
        assert reply is not None
        ok, _rid, body = protocol.decode_reply(reply)
        assert not ok and body["code"] in ("bad_frame", "too_large")

        # Over 256 KiB in one frame: ZeroMQ drops it and the connection; no answer.
        assert _ask(sock, [b"MC1", b"ticket.take", b"huge", b"x" * (300 * 1024)], 500) is None
        assert kiosk.request("ticket.take", {"field": "A"})["ticket"]["label"] == "A001"
        # The same socket reconnects by itself and is served again.
        deadline = time.monotonic() + 10
        answered = None
        while answered is None and time.monotonic() < deadline:
            answered = _ask(sock, [b"MC1", b"ping", b"again", b"{}"], 500)
        assert answered is not None and answered[1] == b"OK"
    finally:
        sock.close()
    check_database(hub.db_path)


def test_a_flood_from_one_device_does_not_stop_the_others(hub: Any) -> None:
    desk = hub.client("counter-1", timeout=10.0, retries=0)
    other = hub.client("manager-1", timeout=10.0, retries=0)
    desk.request("counter.open", {"officer": "cb01"})

    def sample(n: int) -> list[float]:
        out = []
        for i in range(n):
            t = time.perf_counter()
            if i % 2:
                desk.request("counter.call_next", {})
            else:
                other.request("ticket.take", {"field": "B"})
            out.append(time.perf_counter() - t)
        return out

    baseline = sample(40)
    during: list[float] = []
    flooding = threading.Event()
    done = threading.Event()

    def measure() -> None:
        flooding.wait()
        while not done.is_set():
            during.extend(sample(2))

    watcher = threading.Thread(target=measure)
    watcher.start()
    flood = raw_dealer(hub.command, b"kiosk-1#flood")
    flood.setsockopt(zmq.SNDHWM, 0)
    frames: list[list[bytes]] = []
    for i in range(5000):
        if i % 5 == 4:
            body = json.dumps({"field": FIELDS[i % len(FIELDS)]}).encode()
            frames.append([b"MC1", b"ticket.take", b"t%d" % i, body])
        else:
            frames.append([b"MC1", b"ping", b"p%d" % i, b"{}"])
    replies: dict[str, tuple[bool, dict[str, Any]]] = {}
    started = time.perf_counter()
    try:
        flooding.set()
        for request in frames:  # pipelined: nothing is read until everything is sent
            flood.send_multipart(request)
        while len(replies) < len(frames):
            assert flood.poll(20_000), f"the flood stalled after {len(replies)} answers"
            ok, rid, answer = protocol.decode_reply(flood.recv_multipart())
            assert rid not in replies, f"two answers to {rid}"
            replies[rid] = (ok, answer)
    finally:
        elapsed = time.perf_counter() - started
        done.set()
        watcher.join(30)
        flood.close()
    takes = {rid: answer for rid, (_ok, answer) in replies.items() if rid.startswith("t")}
    assert all(ok for ok, _b in replies.values()), Counter(
        b.get("code") for ok, b in replies.values() if not ok)
    assert len(takes) == 1000
    check = check_database(hub.db_path)
    for answer in takes.values():
        assert check.issued[answer["ticket"]["id"]]["label"] == answer["ticket"]["label"]
    assert during, "no request from the other devices completed during the flood"
    print(f"\nflood: 5,000 pipelined requests answered in {elapsed:.2f} s "
          f"({5000 / elapsed:,.0f}/s)")
    print("  " + latency_line("others before the flood", baseline))
    print("  " + latency_line("others during the flood", during))


def test_a_device_that_never_reads_its_replies_cannot_freeze_the_hub(
        tmp_path: Path, centre: Any, clock: Any) -> None:
    server, store = start_hub(centre, sqlite_url(tmp_path / "hub.sqlite"), clock)
    endpoint = f"tcp://127.0.0.1:{server.command_port}"
    hung = raw_dealer(endpoint, b"display-hall#hung")
    kiosk = HubClient(endpoint, "kiosk-1", timeout=2.0, retries=0)
    try:
        with LogWatch("motcua.hub.server", logging.WARNING) as hub_log:
            for i in range(3000):  # a display stuck in a loop, its reading thread dead
                hung.send_multipart([b"MC1", b"snapshot", b"s%d" % i, b"{}"])
            # The hub has filled the display's pipe and now drops what it cannot send.
            hub_log.wait_for("is not reading its replies")
        # The citizen at the kiosk must still get a number...
        assert kiosk.request("ticket.take", {"field": "A"})["ticket"]["label"] == "A001"
        # ...and once the broken display is unplugged, everything must be as before.
        hung.close()
        wait_until(lambda: kiosk.request("ping")["role"] == "kiosk", "hub answers", 5)
    finally:
        hung.close()
        kiosk.close()
        stop_hub(server, store)
