"""The hub's ZeroMQ loop: commands in on a ROUTER, events out on a PUB.

One thread owns the sockets, the engine and the store. Each turn it drains the
waiting commands, decides them one after another, commits all their events and
replies in ONE transaction (group commit: many requests share one fsync), and only
then replies and publishes. A crash before the commit loses nothing that was
acknowledged; a crash after it loses nothing at all.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import zmq

from motcua.core import protocol
from motcua.core.calendar import business_day, local
from motcua.core.centre.load import centre_to_dict
from motcua.core.centre.model import Centre
from motcua.core.facts import fact_row
from motcua.core.state import FINAL_STATES, DayState, Event, apply
from motcua.core.state_snapshot import state_to_dict
from motcua.hub.domain import policy
from motcua.hub.domain.engine import Actor, Engine, ticket_public
from motcua.hub.domain.errors import Refusal
from motcua.hub.security import Registry, secure_server_socket, start_authenticator
from motcua.hub.storage.db import HubStore, StoredReply

log = logging.getLogger(__name__)
MAX_BATCH = 256
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


class HubServer:
    def __init__(self, centre: Centre, store: HubStore, options: HubOptions | None = None,
                 *, registry: Registry | None = None, clock: Clock = system_clock) -> None:
        self.centre = centre
        self.store = store
        self.options = options or HubOptions()
        self.registry = registry or Registry(centre)
        self.clock = clock
        self.engine = Engine(centre, open_all_hours=self.options.open_all_hours)
        self._replies: dict[tuple[str, str], StoredReply] = {}
        self._presence: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._wake_endpoint = f"inproc://hub-wake-{id(self)}"
        self._ready = threading.Event()
        self.ctx: zmq.Context[Any] = zmq.Context()
        self._auth: Any = None
        self.command_port = 0
        self.event_port = 0
        self.commands_handled = 0
        self.offline_after_s = OFFLINE_AFTER_S
        self._centre_dicts: dict[bool, dict[str, Any]] = {}
        self._last_now: datetime | None = None
        self._clock_held = False
        self._report_jobs: queue.Queue[tuple[bytes, str, dict[str, Any]] | None] = queue.Queue()
        self.restore_skip = RESTORE_SKIP
        self._load()
        self._after_restore()

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
        since = (datetime.now().astimezone() - timedelta(days=2)).isoformat()
        self._replies = self.store.recent_replies(since)
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
        self._thread = threading.Thread(target=self.serve_forever, name="hub", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("hub did not start")

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
        if self._auth is not None:
            self._auth.stop()
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
            s.setsockopt(zmq.HEARTBEAT_IVL, 1000)
            s.setsockopt(zmq.HEARTBEAT_TIMEOUT, 3000)
            if curve:
                assert self.options.curve_secret_key is not None
                secure_server_socket(s, self.options.curve_secret_key)
        router.setsockopt(zmq.ROUTER_MANDATORY, 1)
        router.setsockopt(zmq.MAXMSGSIZE, 4 * protocol.MAX_BODY_BYTES)
        pub.setsockopt(zmq.SNDHWM, 100_000)
        router.bind(self.options.command_endpoint)
        pub.bind(self.options.event_endpoint)
        self.command_port = _port(router)
        self.event_port = _port(pub)
        if not curve:
            log.warning("hub running WITHOUT CURVE (open mode): devices are trusted by name")
        log.info("hub serving commands on %s, events on %s",
                 router.getsockopt_string(zmq.LAST_ENDPOINT),
                 pub.getsockopt_string(zmq.LAST_ENDPOINT))
        return router, pub

    def serve_forever(self) -> None:
        router, pub = self._bind()
        self.router, self.pub = router, pub
        # Reports can take a second for a year: they run on their own thread and come
        # back through this pipe, so the queue never waits for a manager's export.
        reports_in = self.ctx.socket(zmq.PULL)
        reports_in.bind(f"inproc://reports-{id(self)}")
        worker = threading.Thread(target=self._report_worker, name="hub-reports", daemon=True)
        worker.start()
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
                timeout = max(0.0, min(next_hb, next_tick) - time.monotonic())
                ready = dict(poller.poll(int(timeout * 1000) + 1))
                if router in ready:
                    try:
                        self._turn(router, pub)
                    except Exception:  # the loop must outlive any one bad turn
                        log.exception("a hub turn failed; state reloaded from the database")
                        self._load()
                if reports_in in ready:
                    while True:
                        try:
                            identity, rid, ok, body = reports_in.recv_multipart(zmq.NOBLOCK)
                        except zmq.Again:
                            break
                        self._send(router, identity, ok == b"1", rid.decode("ascii"),
                                   protocol.loads_object(body, protocol.MAX_REPLY_BYTES))
                t = time.monotonic()
                if t >= next_tick:
                    next_tick = t + TICK_S
                    self._tick(pub)
                if t >= next_hb:
                    next_hb = t + HEARTBEAT_S
                    pub.send_multipart(protocol.encode_heartbeat(self.store.stream_id,
                                                                 self.store.last_seq()))
        finally:
            self._report_jobs.put(None)
            worker.join(5)
            reports_in.close(0)
            wake.close(0)
            router.close(0)
            pub.close(0)

    # -- one turn --------------------------------------------------------------------
    def _drain(self, router: zmq.Socket[Any]) -> list[tuple[bytes, str | None, list[bytes]]]:
        out: list[tuple[bytes, str | None, list[bytes]]] = []
        while len(out) < MAX_BATCH:
            try:
                frames = router.recv_multipart(zmq.NOBLOCK, copy=False)
            except zmq.Again:
                break
            identity = frames[0].bytes
            user_id: str | None = None
            if self.options.curve_secret_key is not None:
                try:
                    user_id = str(frames[0].get("User-Id"))
                except zmq.ZMQError:
                    user_id = None
            out.append((identity, user_id, [f.bytes for f in frames[1:]]))
        return out

    def _actor(self, identity: bytes, user_id: str | None) -> Actor | None:
        if self.options.curve_secret_key is not None:
            return None if user_id is None else self.registry.actor_for_device(user_id, curve=True)
        try:
            name = identity.decode("ascii").split("#", 1)[0]
        except UnicodeDecodeError:
            return None
        return self.registry.actor_for_device(name, curve=False)

    def _turn(self, router: zmq.Socket[Any], pub: zmq.Socket[Any]) -> None:
        batch = self._drain(router)
        now = self.now()
        outgoing: list[tuple[bytes, bool, str, dict[str, Any]]] = []
        queries: list[tuple[bytes, Actor, protocol.Command]] = []
        new_events: list[tuple[Event, str]] = []
        new_replies: list[tuple[str, str, bool, dict[str, Any]]] = []
        touched: dict[str, None] = {}
        expired: list[str] = []
        seen: dict[tuple[str, str], tuple[bool, dict[str, Any]]] = {}
        waiters: list[tuple[bytes, tuple[str, str]]] = []
        broken = False
        for identity, user_id, frames in batch:
            rid = _request_id(frames)
            actor = self._actor(identity, user_id)
            if actor is None:
                outgoing.append((identity, False, rid, _unauthorised()))
                continue
            self._presence[actor.device] = time.monotonic()
            try:
                cmd = protocol.decode_command(frames)
            except protocol.ProtocolError as exc:
                log.warning("bad message from %s: %s", actor.device, exc.en)
                outgoing.append((identity, False, rid, exc.to_body()))
                continue
            if cmd.type in protocol.QUERY_TYPES:
                queries.append((identity, actor, cmd))
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
                outcome = self.engine.handle(actor, cmd.type, cmd.body, now)
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
            self._load()
        for identity, ok, rid, body in outgoing:
            self._send(router, identity, ok, rid, body)
        for identity, actor, cmd in queries:
            if cmd.type == "report.summary" and actor.role in ("manager", "admin"):
                self._report_jobs.put((identity, cmd.request_id, cmd.body))
                continue
            try:
                ok, body = True, self._query(actor, cmd, now)
            except Refusal as r:
                ok, body = False, r.to_body()
            self._send(router, identity, ok, cmd.request_id, body)

    def _commit_and_publish(self, pub: zmq.Socket[Any], new_events: list[tuple[Event, str]],
                            new_replies: list[tuple[str, str, bool, dict[str, Any]]],
                            touched: dict[str, None], expired: list[str],
                            outgoing: list[tuple[bytes, bool, str, dict[str, Any]]]) -> None:
        tickets = self.engine.state.tickets
        facts = [fact_row(tickets[t]) for t in touched if t in tickets]
        try:
            seqs = self.store.commit(new_events, new_replies, facts, expired)
        except Exception:
            log.exception("commit failed; nothing of this batch was acknowledged")
            self._load()
            outgoing[:] = [(i, False, r, _internal()) for i, _ok, r, _b in outgoing]
            return
        for device, rid, ok, body in new_replies:
            self._replies[(device, rid)] = StoredReply(ok, body)
        for seq, (e, day) in zip(seqs, new_events, strict=True):
            pub.send_multipart(protocol.encode_event(e.type, self.store.stream_id, seq,
                                                     e.ts.isoformat(), day, e.body))

    def _send(self, router: zmq.Socket[Any], identity: bytes, ok: bool, rid: str,
              body: dict[str, Any]) -> None:
        try:
            # NOBLOCK: a device that stops reading fills its pipe; it loses its replies
            # (a retry gets the stored one) instead of freezing the hub for everyone.
            router.send_multipart([identity, *protocol.encode_reply(ok, rid, body)],
                                  zmq.NOBLOCK)
        except zmq.Again:
            log.warning("device %r is not reading its replies; one dropped", identity[:32])
        except zmq.ZMQError as exc:  # ROUTER_MANDATORY: the device has gone
            log.warning("could not reply to %r: %s", identity[:32], exc)

    def _silent_printers(self) -> list[Actor]:
        """Printers that were heard from and then fell silent while the hub thinks them fine.

        A printer node pings every few seconds; if its process dies, nobody else would
        tell the kiosk that numbers can no longer be printed.
        """
        t = time.monotonic()
        out: list[Actor] = []
        for d in self.centre.devices:
            seen = self._presence.get(d.id)
            status = self.engine.state.devices.get(d.id, {}).get("status")
            if (d.role == "printer" and seen is not None and t - seen > self.offline_after_s
                    and status not in (None, "offline")):
                out.append(Actor(d.id, "printer", d.counter, d.kiosk))
        return out

    def _tick(self, pub: zmq.Socket[Any]) -> None:
        self.registry.reload_if_changed()
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
            outcome = self.engine.handle(Actor("hub", "admin"), "hub.tick", {}, self.now())
        except Exception:
            log.exception("tick failed")
            return
        if outcome.events:
            expired = [t for e in outcome.events if e.type == "day.closed"
                       for t in e.body.get("expired", [])]
            evs = [(e, e.body["day"]) for e in outcome.events]
            self._commit_and_publish(pub, evs, [], {}, expired, [])

    def _report_worker(self) -> None:
        out = self.ctx.socket(zmq.PUSH)
        out.connect(f"inproc://reports-{id(self)}")
        try:
            while (job := self._report_jobs.get()) is not None:
                identity, rid, body = job
                try:
                    from motcua.reports.figures import (  # loaded on first use
                        REPORT_COLUMNS,
                        summary_rows,
                    )

                    start, end = body.get("date_from"), body.get("date_to")
                    rows = self.store.fact_tuples(REPORT_COLUMNS, start, end)
                    result: dict[str, Any] = summary_rows(self.centre, rows, date_from=start,
                                                          date_to=end)
                    ok = True
                except Exception:
                    log.exception("report failed")
                    ok, result = False, _internal()
                out.send_multipart([identity, rid.encode("ascii"), b"1" if ok else b"0",
                                    protocol.dumps(result)])
        finally:
            out.close(0)

    # -- queries ---------------------------------------------------------------------
    def _query(self, actor: Actor, cmd: protocol.Command, now: datetime) -> dict[str, Any]:
        if cmd.type == "ping":
            return {"hub_now": now.isoformat(), "seq": self.store.last_seq(),
                    "stream_id": self.store.stream_id, "device": actor.device, "role": actor.role}
        if cmd.type == "snapshot":
            return self.snapshot(actor, staff=bool(cmd.body.get("staff")))
        if cmd.type == "counter.waiting":
            if actor.role not in ("counter", "manager", "admin"):
                raise _forbidden(actor, cmd.type)
            c = self.engine.counter_for(actor, cmd.body)
            limit = int(cmd.body.get("limit", 50))
            order = policy.ordered_waiting(self.centre, self.engine.state, c, limit)
            return {"counter": c.number, "waiting": [
                {"ticket": ticket_public(ch.ticket, now), "reason_vi": ch.reason_vi,
                 "reason_en": ch.reason_en} for ch in order]}
        if cmd.type == "printer.pending":
            if actor.role not in ("printer", "admin"):
                raise _forbidden(actor, cmd.type)
            kiosk = actor.kiosk
            pending = [ticket_public(t) for t in self.engine.state.tickets.values()
                       if t.kiosk == kiosk and not t.printed and t.status not in FINAL_STATES]
            return {"tickets": pending}
        raise _forbidden(actor, cmd.type)

    def snapshot(self, actor: Actor, *, staff: bool = False) -> dict[str, Any]:
        with_staff = staff and actor.role in ("counter", "manager", "admin")
        s = self.engine.state
        t = time.monotonic()
        online = sorted(d for d, seen in self._presence.items() if t - seen < self.offline_after_s)
        return {
            "stream_id": self.store.stream_id, "seq": self.store.last_seq(),
            "hub_now": self.now().isoformat(), "open_all_hours": self.engine.open_all_hours,
            "centre": self._centre_dict(with_staff),
            "state": state_to_dict(s),
            "waiting": {f.code: s.waiting_count(f.code) for f in self.centre.fields},
            "online": online, "you": {"device": actor.device, "role": actor.role,
                                      "counter": actor.counter, "kiosk": actor.kiosk},
        }

    def _centre_dict(self, with_staff: bool) -> dict[str, Any]:
        """The centre as snapshots carry it; it never changes while the hub runs."""
        cached = self._centre_dicts.get(with_staff)
        if cached is None:
            cached = self._centre_dicts[with_staff] = centre_to_dict(
                self.centre, include_staff=with_staff)
        return cached

    def prune(self, keep: timedelta = timedelta(days=2)) -> None:
        cutoff = (datetime.now().astimezone() - keep).isoformat()
        self.store.prune_replies(cutoff)


def _port(sock: zmq.Socket[Any]) -> int:
    endpoint = str(sock.getsockopt_string(zmq.LAST_ENDPOINT))
    try:
        return int(endpoint.rsplit(":", 1)[1])
    except (IndexError, ValueError):
        return 0


def _request_id(frames: list[bytes]) -> str:
    if len(frames) >= 3 and 0 < len(frames[2]) <= protocol.MAX_ID_BYTES:
        try:
            text = frames[2].decode("ascii")
            if text.isprintable():
                return text
        except UnicodeDecodeError:
            pass
    return "-"


def _unauthorised() -> dict[str, Any]:
    return {"code": "not_authorised", "message_vi": "Thiết bị chưa được cấp quyền",
            "message_en": "Device not authorised", "details": {}}


def _internal() -> dict[str, Any]:
    return {"code": "internal", "message_vi": "Lỗi nội bộ của máy chủ, xin thử lại",
            "message_en": "Internal hub error, please retry", "details": {}}


def _forbidden(actor: Actor, kind: str) -> Refusal:
    return Refusal("forbidden", f"Thiết bị {actor.device} không được phép: {kind}",
                   f"Device {actor.device} may not send {kind}")
