"""The provincial sync server: one ROUTER for every centre's hub, PostgreSQL behind it.

Threads, all on one ZeroMQ context (the ZAP authenticator must live on it too):

* **front**: owns the ROUTER (CURVE server, ZAP domain ``motcua-sync``). It reads each
  message's ``User-Id`` (the hub's public key, set by the authenticator), maps it to
  the site bound to that key *on every message* (so a revoked key stops at once, even
  on an open session), and hands the batch to a worker chosen by key (or connection
  without CURVE): one hub's batches are always handled in order by one worker.
* **workers** (``workers`` of them, each with its own database connection): check the
  batch, ingest it in one transaction, and pass the reply back to the front thread,
  which alone sends on the ROUTER (ZeroMQ sockets are not thread-safe).
* **zap**: pyzmq's ThreadAuthenticator, started before the ROUTER binds; it accepts a
  CURVE client only if its public key is on the allow-list (never CURVE_ALLOW_ANY).

Bad input never stops the server: it is refused with a reason (REFUSED) when the
envelope is readable, otherwise dropped with a log line.
"""

from __future__ import annotations

import json
import logging
import threading
import zlib
from collections.abc import Mapping
from typing import Any, cast

import zmq
from sqlalchemy import Engine, create_engine
from sqlalchemy.exc import DBAPIError, OperationalError
from zmq.auth.thread import ThreadAuthenticator

from motcua.core.text import nfc
from motcua.province.booking.store import BookingStore
from motcua.province.protocol import (
    BATCH,
    BOOKINGS,
    MAX_BATCH_ID,
    PROTOCOL,
    ProtocolError,
    parse_batch,
    reply,
)
from motcua.province.store import Store

__all__ = ["ZAP_DOMAIN", "ProvinceServer"]

log = logging.getLogger(__name__)

ZAP_DOMAIN = "motcua-sync"
KeyMap = Mapping[str, str] | Mapping[bytes, str]
"""Hub public key (Z85, text or bytes) -> the site it may speak for."""
MAX_MESSAGE_BYTES = 32 * 1024 * 1024


def _z85(key: str | bytes) -> str:
    return key.decode("ascii") if isinstance(key, bytes) else key


class _AllowList:
    """Hub public key (Z85) -> site; the ZAP callback and the front thread both read it."""

    def __init__(self, mapping: KeyMap | None) -> None:
        self._map: dict[str, str] = {}
        if mapping is not None:
            self.replace(mapping)

    def replace(self, mapping: KeyMap) -> None:
        # Swap the whole dict: readers in other threads see the old or the new one.
        self._map = {_z85(k): nfc(v) for k, v in mapping.items()}

    def site(self, key: str) -> str | None:
        return self._map.get(key)

    def callback(self, domain: str, key: bytes) -> bool:
        """pyzmq credentials-provider hook: is this Z85 key allowed?"""
        allowed = key.decode("ascii", "replace") in self._map
        if not allowed:
            log.warning("refused hub key %s (not on the allow-list)",
                        key.decode("ascii", "replace"))
        return allowed


class ProvinceServer:
    """Receive batches from every centre and store each event once.

    ``secret_key``/``public_key`` (Z85) turn CURVE on; then ``allowed_sites`` must map
    each hub's public key to the site it may speak for (an empty dict refuses all).
    Without keys the server is in the clear and trusts the ``site`` in each batch: for
    tests and closed networks only. ``endpoint`` may use port ``*``; the real one is
    in :attr:`endpoint` after :meth:`start`.
    """

    def __init__(
        self,
        db_url: str | None,
        endpoint: str = "tcp://*:5580",
        *,
        secret_key: str | bytes | None = None,
        public_key: str | bytes | None = None,
        allowed_sites: KeyMap | None = None,
        schema: str = "province",
        workers: int = 4,
        engine: Engine | None = None,
        refresh_every_s: float | None = 5.0,
    ) -> None:
        if (secret_key is None) != (public_key is None):
            raise ValueError("CURVE needs both the server's secret and public key")
        self.curve = secret_key is not None
        if self.curve and allowed_sites is None:
            raise ValueError("with CURVE an allow-list of hub keys is required "
                             "(allowed_sites={public_key: site}); allow-any is never used")
        if engine is None:
            if db_url is None:
                raise ValueError("give db_url or engine")
            # No pre-ping (a round trip per batch): a dropped connection fails the batch
            # as "unavailable", the pool discards it and the hub simply resends.
            engine = create_engine(db_url, pool_size=workers + 1)
        self.store = Store(engine, schema)
        self.bind_endpoint = endpoint
        self.endpoint = endpoint
        self._secret = secret_key.encode() if isinstance(secret_key, str) else secret_key
        self._public = public_key.encode() if isinstance(public_key, str) else public_key
        self._allowed = _AllowList(allowed_sites)
        self._n_workers = max(1, workers)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._ctx: zmq.Context[zmq.Socket[bytes]] | None = None
        self._auth: ThreadAuthenticator | None = None
        self._stats_lock = threading.Lock()
        self._stats = {"batches": 0, "events_inserted": 0, "acks": 0, "gaps": 0,
                       "refused": 0, "dropped": 0, "fact_refreshes": 0}
        self.refresh_every_s = refresh_every_s
        """Keep the report table (province_facts) current this often, off the ingest path;
        None leaves it to ``motcua report --province``."""

    # ------------------------------------------------------------------ control
    def set_allowed_sites(self, mapping: KeyMap) -> None:
        """Replace the allow-list; removed keys are refused from their next message."""
        self._allowed.replace(mapping)
        log.info("allow-list now holds %d hub keys", len(mapping))

    def stats(self) -> dict[str, int]:
        """Counters since start: batches, events_inserted, acks, gaps, refused, dropped."""
        with self._stats_lock:
            return dict(self._stats)

    def _count(self, **inc: int) -> None:
        with self._stats_lock:
            for k, v in inc.items():
                self._stats[k] += v

    def start(self) -> None:
        """Create the schema, start the authenticator, bind and start the threads."""
        self.store.create_schema()
        ctx: zmq.Context[zmq.Socket[bytes]] = zmq.Context()
        self._ctx = ctx
        router = ctx.socket(zmq.ROUTER)
        router.linger = 0
        router.router_mandatory = 1  # a reply to a vanished hub fails loudly, not silently
        router.maxmsgsize = MAX_MESSAGE_BYTES
        router.heartbeat_ivl = 5000
        router.heartbeat_timeout = 15000
        if self.curve:
            # The authenticator must run on this context before bind, and the socket
            # must name a ZAP domain, or CURVE would accept every key.
            self._auth = ThreadAuthenticator(ctx, log=logging.getLogger(__name__ + ".zap"))
            self._auth.start()
            self._auth.configure_curve_callback(ZAP_DOMAIN, credentials_provider=self._allowed)
            router.zap_domain = ZAP_DOMAIN.encode()
            router.curve_server = True
            router.curve_secretkey = self._secret
            router.curve_publickey = self._public
        else:
            log.warning("province sync running WITHOUT CURVE: any hub may claim any site")
        try:
            router.bind(self.bind_endpoint)
        except zmq.ZMQError:
            router.close(0)
            self._shutdown_context()
            raise
        self.endpoint = cast(bytes, router.last_endpoint).decode()
        results = ctx.socket(zmq.PULL)
        results.bind("inproc://province-results")
        pushes = []
        for i in range(self._n_workers):
            push = ctx.socket(zmq.PUSH)
            push.linger = 0
            push.bind(f"inproc://province-work-{i}")
            pushes.append(push)
            self._threads.append(threading.Thread(
                target=self._worker, args=(i,), name=f"province-worker-{i}", daemon=True))
        self._threads.insert(0, threading.Thread(
            target=self._front, args=(router, results, pushes), name="province-front",
            daemon=True))
        if self.refresh_every_s:
            self._threads.append(threading.Thread(target=self._refresher,
                                                  name="province-facts", daemon=True))
        self._stop.clear()
        for t in self._threads:
            t.start()
        log.info("province sync listening on %s (%s, %d workers, schema %s)", self.endpoint,
                 "CURVE" if self.curve else "clear", self._n_workers, self.store.schema)

    def stop(self) -> None:
        """Stop threads, close sockets; safe to call twice."""
        self._stop.set()
        for t in self._threads:
            t.join(10)
        stuck = [t.name for t in self._threads if t.is_alive()]
        self._threads.clear()
        if stuck:  # terminating the context now would hang on their open sockets
            log.error("threads still busy at stop: %s; leaving their sockets", stuck)
            self._ctx = None
        self._shutdown_context()

    def _refresher(self) -> None:
        """Fold newly stored events into the report facts, a few seconds behind ingest."""
        from motcua.province.reports import (
            refresh_facts,  # reports load the hub's domain code
        )

        done = -1
        assert self.refresh_every_s is not None
        while not self._stop.wait(self.refresh_every_s):
            inserted = self.stats()["events_inserted"]
            if inserted == done:
                continue
            try:
                refresh_facts(self.store.engine, self.store.schema)
                done = inserted
                self._count(fact_refreshes=1)
            except Exception:  # reports must never take ingest down with them
                log.exception("refreshing the report facts failed; will retry")

    def _shutdown_context(self) -> None:
        if self._auth is not None:
            self._auth.stop()
            self._auth = None
        if self._ctx is not None:
            self._ctx.term()
            self._ctx = None

    def __enter__(self) -> ProvinceServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ front
    def _front(self, router: zmq.Socket[bytes], results: zmq.Socket[bytes],
               pushes: list[zmq.Socket[bytes]]) -> None:
        poller = zmq.Poller()
        poller.register(router, zmq.POLLIN)
        poller.register(results, zmq.POLLIN)
        try:
            while not self._stop.is_set():
                ready = dict(poller.poll(50))
                if router in ready:
                    for _ in range(1000):  # bounded, so replies are not starved
                        try:
                            frames = router.recv_multipart(flags=zmq.NOBLOCK, copy=False)
                        except zmq.Again:
                            break
                        self._dispatch(router, pushes, frames)
                if results in ready:
                    while True:
                        try:
                            out = results.recv_multipart(flags=zmq.NOBLOCK)
                        except zmq.Again:
                            break
                        self._send(router, out)
        except Exception:
            log.exception("province front thread failed")
        finally:
            router.close(0)
            results.close(0)
            for p in pushes:
                p.close(0)

    def _send(self, router: zmq.Socket[bytes], frames: list[bytes]) -> None:
        try:
            router.send_multipart(frames, flags=zmq.NOBLOCK)
        except zmq.ZMQError as exc:  # hub gone (EHOSTUNREACH) or its queue is full
            log.info("reply to a hub dropped (%s); it will resend", exc.strerror)

    def _dispatch(self, router: zmq.Socket[bytes], pushes: list[zmq.Socket[bytes]],
                  frames: list[zmq.Frame]) -> None:
        identity = frames[0].bytes
        parts = [f.bytes for f in frames[1:]]
        if len(parts) < 3 or parts[0] != PROTOCOL or parts[1] not in (BATCH, BOOKINGS) \
                or len(parts[2]) > MAX_BATCH_ID:
            self._count(dropped=1)
            log.warning("dropped a message that is not an MCS1 BATCH (%d frames, starts %r)",
                        len(parts), parts[0][:16] if parts else b"")
            return
        batch_id = parts[2]
        if len(parts) != 4:
            self._refuse(router, identity, batch_id, "bad_frames",
                         "lô phải có 4 khung / a batch has exactly 4 frames")
            return
        key = ""
        site = ""
        if self.curve:
            key = str(frames[1].get("User-Id"))
            bound = self._allowed.site(key)
            if bound is None:  # revoked while its session was open
                self._refuse(router, identity, batch_id, "key_revoked",
                             "khóa hub không còn được phép / hub key no longer allowed")
                return
            site = bound
        worker = zlib.crc32(key.encode() if key else identity) % len(pushes)
        try:
            pushes[worker].send_multipart([identity, site.encode(), batch_id, parts[3],
                                           parts[1]], flags=zmq.NOBLOCK)
        except zmq.Again:  # that worker is stuck (database?): keep serving the others
            self._count(dropped=1)
            log.warning("worker %d is overloaded; batch %r dropped, the hub will resend",
                        worker, batch_id[:40])

    def _refuse(self, router: zmq.Socket[bytes], identity: bytes, batch_id: bytes,
                code: str, reason: str) -> None:
        self._count(refused=1)
        log.warning("refused batch %r: %s", batch_id[:40], reason)
        self._send(router, [identity, *reply(b"REFUSED", batch_id,
                                             {"code": code, "reason": reason})])

    # ------------------------------------------------------------------ workers
    def _worker(self, index: int) -> None:
        assert self._ctx is not None
        pull = self._ctx.socket(zmq.PULL)
        pull.linger = 0
        pull.connect(f"inproc://province-work-{index}")
        out = self._ctx.socket(zmq.PUSH)
        out.linger = 0
        out.connect("inproc://province-results")
        try:
            while not self._stop.is_set():
                if not pull.poll(50):
                    continue
                identity, site, batch_id, payload, kind = pull.recv_multipart()
                if kind == BOOKINGS:
                    frames = self._bookings(site.decode(), batch_id, payload)
                else:
                    frames = self._handle(site.decode(), batch_id, payload)
                out.send_multipart([identity, *frames])
        except Exception:
            log.exception("province worker %d failed", index)
        finally:
            pull.close(0)
            out.close(0)

    def _handle(self, bound_site: str, batch_id: bytes, payload: bytes) -> list[bytes]:
        """Check and ingest one batch; return the reply frames. Never raises."""
        stream_id = ""
        try:
            batch = parse_batch(payload)
            stream_id = batch.stream_id
            if self.curve and batch.site != bound_site:
                raise ProtocolError(
                    "site_mismatch", f"khóa này thuộc điểm {bound_site}, lô ghi {batch.site} / "
                    f"this key belongs to site {bound_site!r}, the batch claims {batch.site!r}")
            result = self.store.ingest(batch)
        except ProtocolError as exc:
            self._count(batches=1, refused=1)
            log.warning("refused batch %r from %s: %s", batch_id[:40], bound_site or "?",
                        exc.message)
            return reply(b"REFUSED", batch_id, {"code": exc.code, "reason": exc.message,
                                                "stream_id": stream_id or None})
        except (OperationalError, DBAPIError) as exc:
            self._count(batches=1, refused=1)
            log.error("database error on batch %r: %s", batch_id[:40], exc)
            return reply(b"REFUSED", batch_id, {
                "code": "unavailable", "stream_id": stream_id,
                "reason": "cơ sở dữ liệu tỉnh tạm lỗi, gửi lại sau / province database "
                          "unavailable, retry later"})
        except Exception:
            self._count(batches=1, refused=1)
            log.exception("unexpected error on batch %r", batch_id[:40])
            return reply(b"REFUSED", batch_id, {
                "code": "server_error", "stream_id": stream_id,
                "reason": "lỗi máy chủ tỉnh / province server error"})
        self._count(batches=1, events_inserted=result.inserted,
                    acks=result.kind == "ACK", gaps=result.kind == "GAP",
                    refused=result.kind == "REFUSED")
        if result.new_stream:
            others = [s.stream_id for s in self.store.streams(batch.site)
                      if s.stream_id != batch.stream_id]
            log.info("new stream %s for site %s%s", batch.stream_id, batch.site,
                     f" (earlier streams: {', '.join(others)}; hub reinstalled?)"
                     if others else "")
        if result.kind == "REFUSED":
            log.warning("refused batch %r: %s", batch_id[:40], result.reason)
        return reply(result.kind.encode(), batch_id, result.body(batch.stream_id))

    def _bookings(self, bound_site: str, request_id: bytes, payload: bytes) -> list[bytes]:
        """A hub pulls its centre's bookings changed after its cursor (docs/booking.md)."""
        try:
            body = json.loads(payload)
            site, after = str(body["site"]), int(body["after"])
            if self.curve and site != bound_site:
                raise ProtocolError("site_mismatch", f"khóa này thuộc điểm {bound_site} / "
                                    f"this key belongs to site {bound_site!r}")
            rows = BookingStore(self.store.engine, self.store.schema).since(site, after, 500)
        except ProtocolError as exc:
            return reply(BOOKINGS, request_id, {"error": exc.code, "reason": exc.message})
        except (ValueError, KeyError, TypeError) as exc:
            return reply(BOOKINGS, request_id, {"error": "bad_request",
                                                "reason": f"yêu cầu sai / bad request: {exc}"})
        except Exception:  # no booking tables yet, or the database is down: say so
            log.exception("booking pull for %s failed", bound_site or "?")
            return reply(BOOKINGS, request_id, {"error": "unavailable", "reason":
                                                "chưa lấy được lịch hẹn / bookings unavailable"})
        return reply(BOOKINGS, request_id, {
            "site": site, "more": len(rows) == 500,
            "bookings": [{**r.booking.to_dict(), "status": r.status, "seq": r.seq}
                         for r in rows]})

    def describe(self) -> dict[str, Any]:
        """Where it listens and how (for logs and the CLI)."""
        return {"endpoint": self.endpoint, "curve": self.curve, "schema": self.store.schema,
                "workers": self._n_workers}
