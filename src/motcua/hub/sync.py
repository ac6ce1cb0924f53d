"""Upward sync: send the hub's outbox to the provincial server, in order, exactly once.

The hub writes every state change as an outbox event in the same transaction as the
change itself (see docs/sync.md). This module owns the other half: a background thread
that reads the outbox from the last sequence the province acknowledged and ships it in
batches over one outbound ZeroMQ DEALER connection, encrypted with CURVE and pinned to
the province's public key.

Guarantees, and where they come from:

* **In order, no gaps.** Batches are contiguous ranges of the hub's gap-free sequence.
  The province stores a batch only if it starts right after its cursor for this
  stream; otherwise it answers GAP with the sequence it needs, and we resume there.
* **Exactly once upstream.** The province skips sequences it already has, so a resent
  batch (time-out, lost ack, hub restart) inserts nothing twice.
* **The mark only moves on proof.** ``set_acked_seq`` is called only with a sequence
  the province reported as stored (ACK, or the cursor implied by GAP).
* **Never blocks the hub.** Everything runs in this module's own thread; when the
  province is unreachable the socket (IMMEDIATE=1) refuses sends at once and we retry
  with back-off. ``status()`` only reads cached values.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import zmq
from zmq.utils.monitor import recv_monitor_message

from motcua.core.outbox import OutboxEvent

__all__ = ["PROTOCOL", "OutboxEvent", "OutboxSource", "SyncClient"]

log = logging.getLogger(__name__)

PROTOCOL = b"MCS1"
"""First frame of every sync message; bump it if the frames ever change shape."""

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class BookingSink(Protocol):
    """Where pulled bookings go (:class:`motcua.hub.bookings.HubBookings`)."""

    def cursor(self) -> int: ...

    def store(self, rows: Iterable[dict[str, Any]]) -> int: ...


class OutboxSource(Protocol):
    """What the sync client needs from the hub's storage.

    Called only from the sync thread, so an implementation needs its own database
    connection/session per call (not the hub's request session). Requirements:
    ``read_after`` returns only events whose lower sequences are all committed (true
    for SQLite's single writer) and sequences are never reused; a restored backup or a
    reinstalled hub must get a new ``stream_id``.
    """

    site_id: str
    stream_id: str

    def read_after(self, seq: int, limit: int) -> list[OutboxEvent]:
        """Events with sequence > ``seq``, ascending, at most ``limit``."""
        ...

    def last_seq(self) -> int:
        """Highest sequence written so far (0 when the outbox is empty)."""
        ...

    def acked_seq(self) -> int:
        """High-water mark acknowledged by the province (0 at first)."""
        ...

    def set_acked_seq(self, seq: int) -> None:
        """Store the high-water mark durably (it survives a restart)."""
        ...


@dataclass(slots=True)
class _Batch:
    """A batch sent and not yet answered."""

    batch_id: bytes
    first: int
    last: int
    frames: list[bytes]
    sent: bool = False
    deadline: float = 0.0
    attempts: int = 0


@dataclass(slots=True)
class _Status:
    connected: bool = False
    acked_seq: int = 0
    last_seq: int = 0
    last_error: str | None = None
    last_ack_at: str | None = None
    batches_sent: int = 0
    resends: int = 0
    bytes_sent: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def _as_key(key: str | bytes | None) -> bytes | None:
    if key is None:
        return None
    return key.encode("ascii") if isinstance(key, str) else key


class SyncClient:
    """Background sender of one hub's outbox to the provincial server.

    ``endpoint`` is e.g. ``"tcp://province.example.vn:5580"``. With the three keys
    (Z85 text, as made by ``zmq.curve_keypair()``) the link is CURVE-encrypted and the
    server is authenticated by its public key; with all three ``None`` it runs in the
    clear (tests, a closed LAN). ``window`` batches of at most ``batch_size`` events
    may be unanswered at once; an unanswered batch is resent with the same id after
    ``timeout_s`` (doubling on each retry, up to 8x).
    """

    def __init__(
        self,
        source: OutboxSource,
        endpoint: str,
        *,
        server_public_key: str | bytes | None = None,
        client_secret_key: str | bytes | None = None,
        client_public_key: str | bytes | None = None,
        batch_size: int = 500,
        window: int = 4,
        timeout_s: float = 15.0,
        idle_poll_s: float = 0.5,
        max_backoff_s: float = 60.0,
        reconnect_max_s: float = 10.0,
        heartbeat_ivl_s: float = 5.0,
        heartbeat_timeout_s: float = 15.0,
        bookings: BookingSink | None = None,
        site: str = "",
        bookings_every_s: float = 30.0,
    ) -> None:
        keys = (server_public_key, client_secret_key, client_public_key)
        if any(k is None for k in keys) and any(k is not None for k in keys):
            raise ValueError("CURVE needs all three keys (server public, client secret, "
                             "client public) or none")
        if batch_size < 1 or window < 1:
            raise ValueError("batch_size and window must be >= 1")
        self.source = source
        self.endpoint = endpoint
        self._server_key = _as_key(server_public_key)
        self._secret_key = _as_key(client_secret_key)
        self._public_key = _as_key(client_public_key)
        self.batch_size = batch_size
        self.window = window
        self.timeout_s = timeout_s
        self.idle_poll_s = idle_poll_s
        self.max_backoff_s = max_backoff_s
        self.reconnect_max_s = reconnect_max_s
        self.heartbeat_ivl_s = heartbeat_ivl_s
        self.heartbeat_timeout_s = heartbeat_timeout_s

        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._status = _Status()
        # State below is touched only by the sync thread.
        self._inflight: dict[bytes, _Batch] = {}
        self._acked = 0
        self._send_after = 0  # highest sequence already put into a batch
        self._last_seq = 0
        self._last_refresh = 0.0
        self._paused_until = 0.0
        self._refused_backoff = 1.0
        self._send_backoff = 0.2
        self._link_down = False  # sends fail: no authenticated connection
        self._down_since = 0.0
        self._down_reported = False
        self._stream = str(source.stream_id)
        # Bookings pulled down (docs/booking.md): one request at a time, after a cursor.
        self.bookings = bookings
        self.site = site
        self.bookings_every_s = bookings_every_s
        self._booking_request: tuple[bytes, float] | None = None  # (id, deadline)
        self._next_booking_pull = 0.0

    # ----------------------------------------------------------------- public API
    def start(self) -> None:
        """Start the sync thread (returns at once)."""
        if self._thread is not None:
            raise RuntimeError("SyncClient already started")
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="motcua-sync", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the sync thread; unanswered batches are simply resent next time."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def __enter__(self) -> SyncClient:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def status(self) -> dict[str, Any]:
        """Snapshot for the hub's dashboard; never touches the network or database.

        Keys: connected, acked_seq, last_seq, backlog, last_error, last_ack_at
        (ISO 8601, +07:00), batches_sent, resends, bytes_sent.
        """
        with self._lock:
            s = self._status
            return {
                "connected": s.connected,
                "acked_seq": s.acked_seq,
                "last_seq": s.last_seq,
                "backlog": max(0, s.last_seq - s.acked_seq),
                "last_error": s.last_error,
                "last_ack_at": s.last_ack_at,
                "batches_sent": s.batches_sent,
                "resends": s.resends,
                "bytes_sent": s.bytes_sent,
            }

    def wait_synced(self, timeout: float) -> bool:
        """Wait until everything written so far is acknowledged (demo, tests, shutdown)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            st = self.status()
            if st["last_seq"] > 0 and st["backlog"] == 0 and st["last_seq"] >= \
                    self.source.last_seq():
                return True
            time.sleep(0.02)
        return False

    # ------------------------------------------------------------- sync thread
    def _set(self, **changes: Any) -> None:
        with self._lock:
            for name, value in changes.items():
                setattr(self._status, name, value)

    def _error(self, message: str) -> None:
        with self._lock:
            changed = self._status.last_error != message
            self._status.last_error = message
        if changed:  # say it once, not on every retry
            log.warning("sync %s: %s", self._stream, message)

    def _make_socket(self, ctx: zmq.Context[zmq.Socket[bytes]]) -> zmq.Socket[bytes]:
        sock = ctx.socket(zmq.DEALER)
        sock.linger = 0
        sock.immediate = 1  # a send while disconnected fails now instead of queuing
        sock.heartbeat_ivl = int(self.heartbeat_ivl_s * 1000)
        sock.heartbeat_timeout = int(self.heartbeat_timeout_s * 1000)
        sock.heartbeat_ttl = int(self.heartbeat_timeout_s * 1000)
        sock.reconnect_ivl = 500
        sock.reconnect_ivl_max = int(self.reconnect_max_s * 1000)
        sock.connect_timeout = 10_000
        if self._server_key is not None:
            sock.curve_serverkey = self._server_key
            sock.curve_secretkey = self._secret_key
            sock.curve_publickey = self._public_key
        return sock

    def _run(self) -> None:
        ctx: zmq.Context[zmq.Socket[bytes]] = zmq.Context()
        sock = self._make_socket(ctx)
        monitor = sock.get_monitor_socket(
            zmq.EVENT_HANDSHAKE_SUCCEEDED | zmq.EVENT_DISCONNECTED
            | zmq.EVENT_HANDSHAKE_FAILED_AUTH | zmq.EVENT_HANDSHAKE_FAILED_NO_DETAIL
            | zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL)
        sock.connect(self.endpoint)
        poller = zmq.Poller()
        poller.register(sock, zmq.POLLIN)
        poller.register(monitor, zmq.POLLIN)
        started = False
        try:
            while not self._stop.is_set():
                try:
                    if not started:
                        self._acked = self._send_after = self.source.acked_seq()
                        self._set(acked_seq=self._acked)
                        started = True
                        log.info("sync %s -> %s starting after seq %d", self._stream,
                                 self.endpoint, self._acked)
                    self._step(sock)
                    ready = dict(poller.poll(self._wait_ms()))
                    if monitor in ready:
                        self._drain_monitor(monitor)
                    if sock in ready:
                        self._drain_replies(sock)
                except Exception as exc:
                    # A locked or failing outbox database must not end the sync for
                    # good: report, wait, try again (the hub itself keeps running).
                    if self._status.last_error != f"outbox error: {exc}":
                        log.exception("sync %s: error, will retry", self._stream)
                    self._error(f"outbox error: {exc}")
                    self._stop.wait(min(self._refused_backoff, self.max_backoff_s))
                    self._refused_backoff = min(self._refused_backoff * 2, self.max_backoff_s)
        finally:
            sock.disable_monitor()
            monitor.close(0)
            sock.close(0)
            ctx.term()

    def _wait_ms(self) -> int:
        """How long to sleep in poll: until the next deadline, at most 50 ms (stop check)."""
        now = time.monotonic()
        wake = now + 0.05
        if self._paused_until > now:
            wake = min(wake, self._paused_until)
        for b in self._inflight.values():
            if b.sent:
                wake = min(wake, b.deadline)
        return max(1, int((wake - now) * 1000))

    def _refresh_last_seq(self, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._last_refresh >= self.idle_poll_s:
            self._last_seq = self.source.last_seq()
            self._last_refresh = now
            self._set(last_seq=self._last_seq)

    def _step(self, sock: zmq.Socket[bytes]) -> None:
        """Resend what timed out, then fill the window with new batches."""
        # Refresh first: the backlog shown on the dashboard must grow while offline too.
        self._refresh_last_seq()
        now = time.monotonic()
        self._pull_bookings(sock, now)
        if now < self._paused_until:
            return
        for b in self._inflight.values():  # oldest first (dicts keep insertion order)
            if not b.sent or now >= b.deadline:
                if b.sent:
                    self._set(resends=self._status.resends + 1)
                    log.debug("sync %s: batch %s timed out, resending", self._stream,
                              b.batch_id.decode())
                if not self._send(sock, b):
                    return
        while len(self._inflight) < self.window and self._send_after < self._last_seq:
            events = self.source.read_after(self._send_after, self.batch_size)
            if not events:
                return
            if events[0].seq != self._send_after + 1:
                # The hub no longer holds what the province needs: say so, loudly.
                self._error(f"outbox has no event {self._send_after + 1} (next is "
                            f"{events[0].seq}); the province cannot be completed / hộp thư "
                            f"đi thiếu sự kiện {self._send_after + 1}")
                self._pause(self._refused_backoff)
                self._refused_backoff = min(self._refused_backoff * 2, self.max_backoff_s)
                return
            batch = self._make_batch(events)
            self._inflight[batch.batch_id] = batch
            self._send_after = batch.last
            if not self._send(sock, batch):
                return

    def _pull_bookings(self, sock: zmq.Socket[bytes], now: float) -> None:
        """Ask for the centre's bookings changed after our cursor (every
        ``bookings_every_s``, at once again while the province says there are more)."""
        if self.bookings is None or now < self._next_booking_pull:
            return
        if self._booking_request is not None and now < self._booking_request[1]:
            return  # one request at a time; a lost one is asked again after its time-out
        request_id = f"bk-{uuid.uuid4().hex[:12]}".encode()
        body = json.dumps({"site": self.site, "after": self.bookings.cursor()}).encode()
        try:
            sock.send_multipart([PROTOCOL, b"BOOKINGS", request_id, body], flags=zmq.NOBLOCK)
        except zmq.ZMQError:
            self._next_booking_pull = now + 1.0
            return
        self._booking_request = (request_id, now + self.timeout_s)

    def _on_bookings(self, request_id: bytes, body: Mapping[str, Any]) -> None:
        if self._booking_request is None or request_id != self._booking_request[0]:
            return  # an answer we stopped waiting for: the next pull asks again
        self._booking_request = None
        if "error" in body:
            log.warning("sync %s: bookings not pulled: %s", self._stream, body.get("reason"))
            self._next_booking_pull = time.monotonic() + self.bookings_every_s
            return
        assert self.bookings is not None
        stored = self.bookings.store(list(body.get("bookings", [])))
        if stored:
            log.info("sync %s: %d booking change(s) pulled", self._stream, stored)
        self._next_booking_pull = (time.monotonic() if body.get("more")
                                   else time.monotonic() + self.bookings_every_s)

    def _make_batch(self, events: list[OutboxEvent]) -> _Batch:
        # Keep only the contiguous prefix: the province refuses a batch with holes.
        n = 1
        while n < len(events) and events[n].seq == events[n - 1].seq + 1:
            n += 1
        events = events[:n]
        first, last = events[0].seq, events[-1].seq
        batch_id = f"{self._stream[:8]}:{first}-{last}".encode("ascii")
        body = {
            "site": self.source.site_id,
            "stream_id": self._stream,
            "first_seq": first,
            "last_seq": last,
            "hub_now": datetime.now(VN_TZ).isoformat(timespec="seconds"),
            "events": [e.to_wire() for e in events],
        }
        payload = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        return _Batch(batch_id, first, last, [PROTOCOL, b"BATCH", batch_id, payload])

    def _send(self, sock: zmq.Socket[bytes], batch: _Batch) -> bool:
        """Try to send; on a closed link keep the batch and retry after a short pause."""
        try:
            sock.send_multipart(batch.frames, flags=zmq.NOBLOCK)
        except zmq.Again:
            batch.sent = False
            self._set(connected=False)
            now = time.monotonic()
            if not self._link_down:
                self._link_down, self._down_since = True, now
            elif now - self._down_since >= self.reconnect_max_s and not self._down_reported:
                # Only after a whole reconnect cycle: the first sends after start-up
                # always race the connection and are not worth a warning.
                self._down_reported = True
                self._error(f"chưa kết nối được máy chủ tỉnh / province not reachable at "
                            f"{self.endpoint}; retrying")
            self._pause(self._send_backoff)
            self._send_backoff = min(self._send_backoff * 2, self.reconnect_max_s)
            return False
        self._send_backoff = 0.2
        self._link_down = self._down_reported = False
        batch.sent = True
        batch.deadline = time.monotonic() + self.timeout_s * min(2 ** batch.attempts, 8)
        batch.attempts += 1
        with self._lock:
            self._status.batches_sent += 1
            self._status.bytes_sent += len(batch.frames[3])
        return True

    def _pause(self, seconds: float) -> None:
        self._paused_until = time.monotonic() + seconds

    def _restart_from(self, seq: int) -> None:
        """Forget every unanswered batch and send again from ``seq`` + 1."""
        self._inflight.clear()
        self._send_after = seq

    def _drain_monitor(self, monitor: zmq.Socket[bytes]) -> None:
        while monitor.poll(0):
            event = recv_monitor_message(monitor)["event"]
            if event == zmq.EVENT_HANDSHAKE_SUCCEEDED:
                log.info("sync %s: connected to %s", self._stream, self.endpoint)
                self._set(connected=True)
                if self._link_down:  # the link is back: send now, not after the back-off
                    self._link_down = self._down_reported = False
                    self._paused_until = 0.0
                    self._send_backoff = 0.2
            elif event == zmq.EVENT_DISCONNECTED:
                log.info("sync %s: disconnected from %s", self._stream, self.endpoint)
                self._set(connected=False)
                # Replies for batches on the dead connection will never come.
                for b in self._inflight.values():
                    b.sent = False
            elif event == zmq.EVENT_HANDSHAKE_FAILED_AUTH:
                self._set(connected=False)
                self._error("the province refused this hub's key (not on its allow-list) "
                            "/ máy chủ tỉnh từ chối khóa của hub")
            else:
                self._set(connected=False)
                self._error("secure handshake with the province failed (wrong server key?) "
                            "/ bắt tay bảo mật với máy chủ tỉnh thất bại")

    def _drain_replies(self, sock: zmq.Socket[bytes]) -> None:
        while True:
            try:
                frames = sock.recv_multipart(flags=zmq.NOBLOCK)
            except zmq.Again:
                return
            try:
                self._on_reply(frames)
            except (ValueError, KeyError, TypeError) as exc:
                log.warning("sync %s: ignoring malformed reply %r: %s", self._stream,
                            frames[:3], exc)

    def _on_reply(self, frames: list[bytes]) -> None:
        if len(frames) != 4 or frames[0] != PROTOCOL:
            raise ValueError("not an MCS1 reply")
        kind, batch_id = frames[1], frames[2]
        body = json.loads(frames[3])
        if not isinstance(body, Mapping):
            raise ValueError("reply body is not an object")
        if body.get("stream_id", self._stream) != self._stream:
            raise ValueError("reply for another stream")
        self._set(connected=True)
        if kind == b"BOOKINGS":
            self._on_bookings(batch_id, body)
            return
        known = batch_id in self._inflight
        if kind == b"ACK":
            self._on_ack(int(body["ack_seq"]))
        elif kind == b"GAP" and known:
            self._on_gap(int(body["resume_from"]))
        elif kind == b"REFUSED" and known:
            reason = str(body.get("reason", "no reason given"))
            self._error(f"province refused batch {batch_id.decode(errors='replace')}: "
                        f"{reason}")
            self._restart_from(self._acked)
            self._pause(self._refused_backoff)
            self._refused_backoff = min(self._refused_backoff * 2, self.max_backoff_s)
        elif kind not in (b"GAP", b"REFUSED"):
            raise ValueError(f"unknown reply kind {kind!r}")

    def _on_ack(self, ack_seq: int) -> None:
        self._refresh_last_seq(force=True)
        if ack_seq > self._last_seq:
            # Same stream id, more events upstream than here: a restored backup that
            # kept its stream id. Never move the mark past what this hub holds.
            self._error(f"province holds seq {ack_seq} but this hub only {self._last_seq}: "
                        "hub database restored without a new stream id?")
            ack_seq = self._last_seq
        if ack_seq > self._acked:
            self.source.set_acked_seq(ack_seq)
            self._acked = ack_seq
            with self._lock:
                self._status.acked_seq = ack_seq
                self._status.last_ack_at = datetime.now(VN_TZ).isoformat(timespec="seconds")
                self._status.last_error = None
        for bid in [b for b, x in self._inflight.items() if x.last <= self._acked]:
            del self._inflight[bid]
        if self._send_after < self._acked:
            self._send_after = self._acked
        self._refused_backoff = 1.0

    def _on_gap(self, resume_from: int) -> None:
        have = resume_from - 1  # the province's cursor: it holds everything up to here
        self._refresh_last_seq(force=True)
        if have > self._last_seq:
            self._error(f"province asks for seq {resume_from} beyond this hub's "
                        f"{self._last_seq}: hub database restored without a new stream id?")
            have = self._last_seq
        if have != self._acked:
            if have < self._acked:
                log.warning("sync %s: province holds only up to %d (mark was %d); resending",
                            self._stream, have, self._acked)
            self.source.set_acked_seq(have)
            self._acked = have
            self._set(acked_seq=have)
        log.info("sync %s: province asked to resume from %d", self._stream, resume_from)
        self._restart_from(have)
