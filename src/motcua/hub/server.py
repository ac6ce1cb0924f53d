"""The hub's ZeroMQ loop: commands in on a ROUTER, events out on a PUB.

One thread owns the sockets, the engine and the store. Each turn it drains the
waiting commands, decides them one after another, commits all their events and
replies in ONE transaction (group commit: many requests share one fsync), and only
then replies and publishes. A crash before the commit loses nothing that was
acknowledged; a crash after it loses nothing at all.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import zmq
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from motcua.core import protocol
from motcua.core.booking import BookingError
from motcua.core.calendar import business_day, local
from motcua.core.centre.model import Centre
from motcua.core.facts import fact_row
from motcua.core.state import DayState, Event, apply
from motcua.hub import health, limits
from motcua.hub.bookings import HubBookings
from motcua.hub.citizens import CitizenCaps
from motcua.hub.domain.engine import Actor, Engine, Outcome
from motcua.hub.domain.errors import Refusal
from motcua.hub.heavy import HeavyReads
from motcua.hub.queries import Queries, _internal, _request_id, _unauthorised
from motcua.hub.replies import ReplySender, device_of, tcp_keepalive
from motcua.hub.revocation import KeyControl
from motcua.hub.security import Registry, secure_server_socket, start_authenticator
from motcua.hub.storage.db import HubStore, StoredReply
from motcua.hub.upkeep import Upkeep
from motcua.hub.watchdog import Watchdog

log = logging.getLogger(__name__)
MAX_BATCH = 256
REPLY_HWM = 100
QUERY_BUDGET_S = 0.010
"""A turn answers queries for at most this long (then the rest waits for the next turn)."""
REPLY_WINDOW = timedelta(days=2)
"""How long a request id keeps its first answer (see HubServer.prune, docs/protocol.md)."""
PRUNE_EVERY_S = 600.0
HEARTBEAT_S = 1.0
TICK_S = 2.0
RESTORE_SKIP = 100
"""How far today's numbering jumps after a same-day restore (see _after_restore)."""
OFFLINE_AFTER_S = 10.0
"""A device not heard from for this long is no longer listed as online."""
Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass
class HubOptions:
    command_endpoint: str = f"tcp://127.0.0.1:{protocol.COMMAND_PORT}"
    """Where devices send commands (ROUTER binds here)."""
    event_endpoint: str = f"tcp://127.0.0.1:{protocol.EVENT_PORT}"
    """Where devices subscribe to events (PUB binds here)."""
    open_all_hours: bool = False
    """Issue tickets at any hour (demos, training)."""
    curve_secret_key: bytes | None = None
    """The hub's CURVE secret key; None runs the open mode (see motcua.hub.security)."""
    config_dir: Path | None = None
    """Folder of the centre file: officers' photos are found relative to it."""
    booking_key: Ed25519PublicKey | None = None
    """The province's public key for booking QR codes; None takes typed codes only."""
    citizen_cap: int = 2
    """Tickets one citizen (by ID card) may take per field and day (motcua.hub.citizens)."""


class HubServer(Queries, Upkeep):
    def __init__(self, centre: Centre, store: HubStore, options: HubOptions | None = None,
                 *, registry: Registry | None = None, clock: Clock = system_clock) -> None:
        self.centre = centre
        self.store = store
        self.options = options or HubOptions()
        self.registry = registry or Registry(centre)
        self.clock = clock
        self.engine = Engine(centre, open_all_hours=self.options.open_all_hours)
        self.bookings = HubBookings(store.engine, self.options.booking_key)
        self.citizens = CitizenCaps(store.engine, self.options.citizen_cap)
        self._replies: dict[tuple[str, str], StoredReply] = {}
        self._presence: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._wake_endpoint = f"inproc://hub-wake-{id(self)}"
        self._ready = threading.Event()
        self._start_error: Exception | None = None
        self.ctx: zmq.Context[Any] = zmq.Context()
        self._auth: Any = None
        self._keys: KeyControl | None = None
        """Applies allow-list changes at once (CURVE with a keys file; motcua.hub.revocation)."""
        self.command_port = 0
        self.event_port = 0
        self.commands_handled = 0
        self.offline_after_s = OFFLINE_AFTER_S
        self._centre_dicts: dict[str, dict[str, Any]] = {}
        self._snapshot_cache: dict[str, tuple[tuple[int, str | None], bytes]] = {}
        self._last_now: datetime | None = None
        self._clock_held = False
        self.restore_skip = RESTORE_SKIP
        self.waiting = limits.FairQueue()
        self._reply_budget = limits.ByteBudget(limits.REPLY_BYTES_PER_S)
        self.sender = ReplySender()
        self._bad_input = limits.ThrottledLog()
        self.health = health.StorageHealth()
        self._stale = False
        """The in-memory state may hold events whose commit failed: reload before use."""
        self.reply_window = REPLY_WINDOW
        self._next_prune = 0.0
        self._hb_now = False
        self.watchdog = Watchdog.from_env()
        self._load()
        self._after_restore()
        self._probe_storage()

    def now(self) -> datetime:
        """The hub clock in the centre's time zone (events carry +07:00 times).

        It never goes backwards: when the machine's clock is stepped back (a wrong clock
        corrected by NTP), the hub holds its time until the clock catches up, so no wait
        is negative and nobody who came later is called earlier.
        """
        t = local(self.centre, self.clock())
        if self._last_now is not None and t < self._last_now:
            if not self._clock_held:
                log.warning("system clock went back %s; holding hub time at %s",
                            self._last_now - t, self._last_now.isoformat())
                self._clock_held = True
            return self._last_now
        self._clock_held = False
        self._last_now = t
        return t

    # -- state from disk -----------------------------------------------------------
    def _load(self) -> None:
        state = DayState()
        for _seq, e in self.store.day_events():
            apply(state, e)
            if self._last_now is None or e.ts > self._last_now:
                self._last_now = local(self.centre, e.ts)
        self.engine.state = state
        since = (local(self.centre, self.clock()) - self.reply_window).isoformat()
        self._replies = self.store.recent_replies(since)
        self._stale = False
        log.info("state rebuilt: day %s, %d tickets, seq %d", state.day or "-",
                 len(state.tickets), self.store.last_seq())

    def _after_restore(self) -> None:
        """A database restored from a backup of *today* does not know the numbers handed
        out after the backup; they are in citizens' hands, so today's numbering jumps
        ``restore_skip`` past the last one it knows (the jump is an event like any other)."""
        if self.store.restored_from is None:
            return
        now = self.now()
        if self.engine.state.day == business_day(self.centre, now).isoformat():
            out = self.engine.handle(Actor("hub", "admin"), "hub.skip_numbers", {
                "by": self.restore_skip,
                "reason": f"restored from backup: {self.store.restored_from}"}, now)
            self.store.commit([(e, self.engine.state.day) for e in out.events], [], [])
            log.warning("restored from a backup of today: numbering jumps %d ahead",
                        self.restore_skip)
        self.store.clear_restored()

    # -- lifecycle -------------------------------------------------------------------
    def start(self) -> None:
        """Bind and serve in a background thread; returns once the sockets are bound."""
        self._thread = threading.Thread(target=self._serve, name="hub", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._ready.wait(0.05):
            if self._start_error is not None:  # e.g. the port is taken: say which
                self._thread.join(1)
                self.ctx.term()
                raise self._start_error
            if time.monotonic() > deadline:
                raise RuntimeError("hub did not start within 10 s")

    def _serve(self) -> None:
        try:
            self.serve_forever()
        except Exception as exc:
            if not self._ready.is_set():
                self._start_error = exc
                return
            raise

    def alive(self) -> bool:
        """Is the serving thread running? (the process exits, for systemd, when not)"""
        return self._thread is not None and self._thread.is_alive()

    def stop(self) -> None:
        """Stop serving at once: the loop is woken through its wake-up pipe, so stopping
        never waits out a heartbeat or tick poll (tests start and stop hundreds of hubs)."""
        self._stop.set()
        if self._thread is not None:
            if self._thread.is_alive():
                self._wake()
            self._thread.join(10)
        if self._keys is not None:
            self._keys.stop()
        if self._auth is not None:
            self._auth.stop()
        self.watchdog.close()
        self.ctx.term()

    def _wake(self) -> None:
        # A socket of its own: ZeroMQ sockets belong to one thread, the loop's are not ours.
        bell = self.ctx.socket(zmq.PUSH)
        bell.linger = 0
        try:
            bell.connect(self._wake_endpoint)
            bell.send(b"", zmq.NOBLOCK)
        except zmq.ZMQError:  # the loop has already gone: nothing to wake
            pass
        finally:
            bell.close(0)

    def _bind(self) -> tuple[zmq.Socket[Any], zmq.Socket[Any]]:
        curve = self.options.curve_secret_key is not None
        if curve:
            self._auth = start_authenticator(self.ctx, self.registry)
        router = self.ctx.socket(zmq.ROUTER)
        pub = self.ctx.socket(zmq.PUB)
        for s in (router, pub):
            s.linger = 0
            # No ZMTP heartbeats on the hub's side: libzmq 4.3.5 aborts the whole process
            # (`!_io_error`, stream_engine_base.cpp:310) when a heartbeat or a buffered
            # PING makes an engine write after a peer vanished while its input was
            # stopped. Dead peers are found by TCP keep-alive instead, and by the
            # heartbeat TTL the devices themselves ask for (that path only closes).
            tcp_keepalive(s)
            if curve:
                assert self.options.curve_secret_key is not None
                secure_server_socket(s, self.options.curve_secret_key)
        router.setsockopt(zmq.ROUTER_MANDATORY, 1)
        router.setsockopt(zmq.MAXMSGSIZE, limits.MAX_FRAME_BYTES)
        # The input of an engine stops only when its pipe to the hub is full; a stopped
        # engine whose peer goes away is the half-dead state behind that abort. With no
        # receive limit it never stops: the hub reads everything at once and bounds each
        # device's backlog itself (motcua.hub.limits), refusing the excess as `busy`.
        router.setsockopt(zmq.RCVHWM, 0)
        # Replies waiting for a device that does not read: few, since a snapshot can be
        # large; beyond this they are dropped (a retry gets the stored answer).
        router.setsockopt(zmq.SNDHWM, REPLY_HWM)
        pub.setsockopt(zmq.SNDHWM, 100_000)
        for sock, endpoint in ((router, self.options.command_endpoint),
                               (pub, self.options.event_endpoint)):
            try:
                sock.bind(endpoint)
            except zmq.ZMQError as exc:  # close first, or terminating the context hangs
                router.close(0)
                pub.close(0)
                if self._auth is not None:
                    self._auth.stop()
                    self._auth = None
                log.error("cannot bind %s: %s", endpoint, exc)
                raise
        self.command_port = _port(router)
        self.event_port = _port(pub)
        if self.options.curve_secret_key is not None and self.registry.keys_file is not None:
            self._keys = KeyControl(self.ctx, self.registry, self.registry.keys_file.parent,
                                    self._wake, self.options.curve_secret_key)
            self._keys.start()
        if not curve:
            log.warning("hub running WITHOUT CURVE (open mode): devices are trusted by name")
        log.info("hub serving commands on %s, events on %s",
                 router.getsockopt_string(zmq.LAST_ENDPOINT),
                 pub.getsockopt_string(zmq.LAST_ENDPOINT))
        return router, pub

    def serve_forever(self) -> None:
        router, pub = self._bind()
        self.router, self.pub = router, pub
        # Reports can take a second for a year: a worker process makes them on a
        # read-only connection (docs/architecture.md, "Heavy reads"); the loop only
        # forwards the request and the answer, so the queue never waits for them.
        self.heavy = HeavyReads(self.ctx, self.store.url, self.centre)
        reports_in = self.heavy.socket
        wake = self.ctx.socket(zmq.PULL)
        wake.bind(self._wake_endpoint)
        self._ready.set()
        poller = zmq.Poller()
        poller.register(router, zmq.POLLIN)
        poller.register(reports_in, zmq.POLLIN)
        poller.register(wake, zmq.POLLIN)
        next_hb = next_tick = time.monotonic()
        try:
            while not self._stop.is_set():
                self.watchdog.ping()  # from the loop itself: a hung loop stops pinging
                if self._keys is not None:  # allow-list changes: in force before any turn
                    pub = self.pub = self._keys.at_turn_boundary(pub, wake)
                wake_at = min(next_hb, next_tick, self.waiting.next_ready_at() or next_tick)
                timeout = max(0.0, wake_at - time.monotonic())
                waiting = self.waiting.ready()
                ready = dict(poller.poll(0 if waiting else int(timeout * 1000) + 1))
                if router in ready or waiting or self.waiting.ready():
                    try:
                        self._turn(router, pub)
                    except Exception:  # the loop must outlive any one bad turn
                        log.exception("a hub turn failed; state reloaded from the database")
                        self._reload()
                if reports_in in ready:
                    for identity, rid, ok, body in self.heavy.receive():
                        self._send(router, identity, ok, rid, body)
                t = time.monotonic()
                if t >= next_tick:
                    next_tick = t + TICK_S
                    self._tick(pub)
                    for identity, rid, ok, body in self.heavy.check():
                        self._send(router, identity, ok, rid, body)
                if t >= next_hb or self._hb_now:
                    next_hb = t + HEARTBEAT_S
                    self._hb_now = False
                    pub.send_multipart(protocol.encode_heartbeat(
                        self.store.stream_id, self.store.last_seq(), self.health.to_dict()))
        finally:
            self.heavy.close()
            wake.close(0)
            router.close(0)
            pub.close(0)

    # -- one turn --------------------------------------------------------------------
    def _read(self, router: zmq.Socket[Any]) -> None:
        """Read what waits on the socket into the per-device queues (cheap, no parsing)."""
        curve = self.options.curve_secret_key is not None
        for _ in range(limits.READ_BUDGET):
            try:
                frames = router.recv_multipart(zmq.NOBLOCK, copy=False)
            except zmq.Again:
                break
            identity = frames[0].bytes
            user_id: str | None = None
            if curve:
                try:
                    user_id = str(frames[0].get("User-Id"))
                except zmq.ZMQError:
                    user_id = None
            rest = [f.bytes for f in frames[1:]]
            device = _queue_key((identity, user_id, rest))
            if not self.waiting.offer(device, (identity, user_id, rest)):
                self.sender.send(router, identity, False, _request_id(rest), limits.busy_body())

    def _drain(self, router: zmq.Socket[Any]) -> list[limits.Incoming]:
        self._read(router)
        return self.waiting.take(MAX_BATCH)

    def _actor(self, identity: bytes, user_id: str | None) -> Actor | None:
        if self.options.curve_secret_key is not None:
            # user_id is the connection's public key (ZAP): the role comes from the key.
            return self.registry.actor_for_key(user_id, identity)
        try:
            name = identity.decode("ascii").split("#", 1)[0]
        except UnicodeDecodeError:
            return None
        return self.registry.actor_for_device(name)

    def _turn(self, router: zmq.Socket[Any], pub: zmq.Socket[Any]) -> None:
        batch = self._drain(router)
        if self._stale:
            self._reload()
            if self._stale:
                for identity, _user, frames in batch:
                    self._send(router, identity, False, _request_id(frames),
                               self.health.refusal())
                return
        now = self.now()
        outgoing: list[tuple[bytes, bool, str, dict[str, Any]]] = []
        queries: list[tuple[bytes, Actor, protocol.Command, limits.Incoming]] = []
        new_events: list[tuple[Event, str]] = []
        new_replies: list[tuple[str, str, bool, dict[str, Any]]] = []
        touched: dict[str, None] = {}
        expired: list[str] = []
        seen: dict[tuple[str, str], tuple[bool, dict[str, Any]]] = {}
        waiters: list[tuple[bytes, tuple[str, str]]] = []
        keys: dict[bytes, str | None] = {}
        broken = False
        for identity, user_id, frames in batch:
            rid = _request_id(frames)
            actor = self._actor(identity, user_id)
            if actor is None:
                outgoing.append((identity, False, rid, _unauthorised()))
                continue
            keys[identity] = user_id
            self._presence[actor.device] = time.monotonic()
            try:
                cmd = protocol.decode_command(frames)
            except protocol.ProtocolError as exc:
                self._bad_input.warn(actor.device, f"bad message: {exc.en}")
                outgoing.append((identity, False, rid, exc.to_body()))
                continue
            if cmd.type in protocol.QUERY_TYPES:
                queries.append((identity, actor, cmd, (identity, user_id, frames)))
                continue
            key = (actor.device, cmd.request_id)
            if key in seen:
                waiters.append((identity, key))
                continue
            stored = self._replies.get(key)
            if stored is not None:  # a retry: the first answer, nothing done again
                outgoing.append((identity, stored.ok, cmd.request_id, stored.body))
                continue
            try:
                prepared, refusal = self._prepare(cmd, now)
                if refusal is not None:
                    outcome = Outcome(False, refusal, [])
                else:
                    outcome = self.engine.handle(actor, cmd.type, prepared, now)
                    if outcome.ok and prepared.get("citizen"):
                        ticket = outcome.reply["ticket"]
                        self.citizens.add(self.engine.state.day, ticket["field"],
                                          prepared["citizen"], ticket["id"])
                ok, body = outcome.ok, outcome.reply
                for e in outcome.events:
                    day = e.body["day"] if e.type.startswith("day.") else self.engine.state.day
                    new_events.append((e, day))
                    if "ticket" in e.body:
                        touched[e.body["ticket"]] = None
                    if e.type == "day.closed":
                        expired.extend(e.body.get("expired", []))
                        touched.clear()
            except Exception:
                log.exception("command %s from %s failed", cmd.type, actor.device)
                ok, body = False, _internal()
                broken = True
            if not ok and body.get("code") == "forbidden":
                self.registry.refused_role(actor, user_id, cmd.type)
            seen[key] = (ok, body)
            new_replies.append((actor.device, cmd.request_id, ok, body))
            outgoing.append((identity, ok, cmd.request_id, body))
            self.commands_handled += 1
        for identity, key in waiters:
            ok, body = seen[key]
            outgoing.append((identity, ok, key[1], body))
        if new_events or new_replies:
            self._commit_and_publish(pub, new_events, new_replies, touched, expired, outgoing)
        if broken:
            self._reload()
        for identity, ok, rid, body in outgoing:
            self._send(router, identity, ok, rid, body)
        started = time.perf_counter()
        deferred: list[limits.Incoming] = []
        held: set[str] = set()
        for n, (identity, actor, cmd, incoming) in enumerate(queries):
            if n and time.perf_counter() - started > QUERY_BUDGET_S:
                # Queries are answered from memory, but a busy day's snapshot is not
                # free: what is left waits for the next turn, at the front of its
                # device's queue, so a device asking for thousands of snapshots cannot
                # make everyone else's turn long.
                deferred.extend(q[3] for q in queries[n:])
                break
            device = _queue_key(incoming)
            if device in held:  # keep a held device's requests in their order
                deferred.append(incoming)
                continue
            if cmd.type == "report.summary" and actor.role in ("manager", "admin"):
                refused = self.heavy.submit(identity, cmd.request_id, cmd.body)
                if refused is not None:
                    r_identity, r_rid, r_ok, r_body = refused
                    self._send(router, r_identity, r_ok, r_rid, r_body)
                continue
            if cmd.type == "snapshot":
                wait_s = self._reply_budget.wait_s(device)
                if wait_s > 0:  # this device had its share of the hub's bandwidth
                    deferred.append(incoming)
                    held.add(device)
                    self.waiting.hold(device, time.monotonic() + wait_s)
                    continue
                body_bytes = self.snapshot_bytes(actor, staff=bool(cmd.body.get("staff")))
                self._reply_budget.spend(device, len(body_bytes))
                self.sender.send_frames(router, identity, [
                    protocol.VERSION, protocol.OK, cmd.request_id.encode("ascii"), body_bytes])
                continue
            try:
                ok, body = True, self._query(actor, cmd, now)
            except Refusal as r:
                ok, body = False, r.to_body()
                if r.code == "forbidden":
                    self.registry.refused_role(actor, keys.get(identity), cmd.type)
            self._send(router, identity, ok, cmd.request_id, body)
        for later in reversed(deferred):  # back to the front of their queues, in order
            self.waiting.push_front(_queue_key(later), later)

    def _commit_and_publish(self, pub: zmq.Socket[Any], new_events: list[tuple[Event, str]],
                            new_replies: list[tuple[str, str, bool, dict[str, Any]]],
                            touched: dict[str, None], expired: list[str],
                            outgoing: list[tuple[bytes, bool, str, dict[str, Any]]]) -> None:
        tickets = self.engine.state.tickets
        facts = [fact_row(tickets[t]) for t in touched if t in tickets]
        try:
            seqs = self.store.commit(new_events, new_replies, facts, expired,
                                     created_at=self.now().isoformat())
        except Exception as exc:
            refusal = self._storage_failed(exc)
            if refusal["code"] == "internal":
                log.exception("commit failed; nothing of this batch was acknowledged")
            self.citizens.forget_unflushed()
            self._reload()
            outgoing[:] = [(i, False, r, refusal) for i, _ok, r, _b in outgoing]
            return
        try:
            self.citizens.flush()
        except Exception:  # the tickets are committed; only the cap may count one short
            log.exception("per-citizen marks not written")
        if self.health.recover():
            self._hb_now = True
        created = self.now().isoformat()
        for device, rid, ok, body in new_replies:
            self._replies[(device, rid)] = StoredReply(ok, body, created)
        for seq, (e, day) in zip(seqs, new_events, strict=True):
            pub.send_multipart(protocol.encode_event(e.type, self.store.stream_id, seq,
                                                     e.ts.isoformat(), day, e.body))

    def _send(self, router: zmq.Socket[Any], identity: bytes, ok: bool, rid: str,
              body: dict[str, Any]) -> None:
        self.sender.send(router, identity, ok, rid, body)

    def _tick(self, pub: zmq.Socket[Any]) -> None:
        self.registry.on_tick()
        if not self.health.ok or self._stale:
            self._probe_storage()
            if not self.health.ok:
                return  # nothing can be stored: no printer marks, no day changes
        if time.monotonic() >= self._next_prune:
            self._next_prune = time.monotonic() + PRUNE_EVERY_S
            try:
                self.prune()
            except Exception as exc:
                self._storage_failed(exc)
        for printer in self._silent_printers():
            log.warning("printer %s silent: marked offline", printer.device)
            out = self.engine.handle(printer, "device.status", {
                "status": "offline",
                "detail_vi": "Máy chủ không còn nhận được tín hiệu từ máy in",
                "detail_en": "The hub no longer hears from the printer"}, self.now())
            if out.events:
                self._commit_and_publish(pub, [(e, self.engine.state.day) for e in out.events],
                                         [], {}, [], [])
        try:
            t = time.monotonic()  # the alert rules need who is heard (device offline)
            heard = {"heard": list(self._presence), "online": [
                d for d, seen in self._presence.items() if t - seen < self.offline_after_s]}
            outcome = self.engine.handle(Actor("hub", "admin"), "hub.tick", heard, self.now())
        except Exception:
            log.exception("tick failed")
            return
        if outcome.events:
            expired = [t for e in outcome.events if e.type == "day.closed"
                       for t in e.body.get("expired", [])]
            evs = [(e, e.body.get("day") or self.engine.state.day) for e in outcome.events]
            self._commit_and_publish(pub, evs, [], {}, expired, [])
        released = self.engine.handle(Actor("hub", "admin"), "hub.release_bookings", {},
                                      self.now())
        if released.events:
            self._commit_and_publish(pub, [(e, self.engine.state.day) for e in released.events],
                                     [], {}, [], [])

    def _prepare(self, cmd: protocol.Command,
                 now: datetime) -> tuple[dict[str, Any], dict[str, Any] | None]:
        """What the engine cannot know, checked here at the boundary: a booking verified
        (QR) or looked up (typed code) (motcua.hub.bookings), and the per-citizen cap
        (motcua.hub.citizens). Returns the body for the engine, or a refusal."""
        if cmd.type != "ticket.take":
            return cmd.body, None
        body = cmd.body
        scanned = body.get("booking")
        if scanned:
            try:
                booking = self.bookings.resolve(str(scanned), self.centre.id)
            except BookingError as exc:
                body = {**body, "_booking_error": {"code": exc.code, "vi": exc.vi,
                                                   "en": exc.en}}
            else:
                body = {**body, "_booking": booking.to_dict()}
        citizen = body.get("citizen")
        if citizen and self.citizens.reached(business_day(self.centre, now).isoformat(),
                                             str(body.get("field")), str(citizen)):
            n = self.citizens.cap
            return body, Refusal("citizen_cap", f"Mỗi công dân được lấy tối đa {n} số mỗi "
                                 "lĩnh vực trong ngày", f"Each citizen may take {n} tickets "
                                 "per field a day", {"cap": n}).to_body()
        return body, None

def _port(sock: zmq.Socket[Any]) -> int:
    endpoint = str(sock.getsockopt_string(zmq.LAST_ENDPOINT))
    try:
        return int(endpoint.rsplit(":", 1)[1])
    except (IndexError, ValueError):
        return 0


def _queue_key(message: limits.Incoming) -> str:
    """Whose queue a message waits in: the CURVE key, else the device name in its id."""
    identity, user_id, _frames = message
    return user_id or device_of(identity)
