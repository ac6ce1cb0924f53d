"""The one client library every device uses to talk to the hub.

* :class:`HubClient`: request/reply over a DEALER. Every request has an id that is
  reused on retry, so a kiosk that times out and retries never gets two tickets.
  ``IMMEDIATE=1``: while the hub is unreachable a send fails at once (no silent
  queue that would deliver a ticket request minutes later, after the citizen left).
* :class:`EventFollower`: the ZeroMQ Guide's Clone pattern. It subscribes, asks for a
  snapshot, applies newer events to a local copy of the hub's state (with the hub's
  own domain code), and re-snapshots on any gap, on a heartbeat that is ahead of
  what it applied, and on a new stream id (hub reinstalled).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import zmq

from motcua.core import protocol
from motcua.core.centre.load import centre_from_dict
from motcua.core.centre.model import Centre
from motcua.core.state import DayState, Event, apply
from motcua.core.state_snapshot import state_from_dict

log = logging.getLogger(__name__)
PRESENCE_PING_S = 4.0
REFUSED_RETRY_S = 5.0
"""A refused device asks for a snapshot again after this long (it may be enrolled)."""
"""How often a following device tells the hub it is alive (the hub lists it online)."""


class HubError(Exception):
    """The hub refused a command; ``vi``/``en`` say why in words."""

    def __init__(self, code: str, vi: str, en: str, details: dict[str, Any] | None = None):
        super().__init__(f"{code}: {en}")
        self.code, self.vi, self.en = code, vi, en
        self.details = details or {}


class HubUnavailable(HubError):
    """The hub could not be reached (the device shows "Mất kết nối")."""

    def __init__(self, en: str = "connection to the hub lost") -> None:
        super().__init__("unavailable", "Mất kết nối với máy chủ", en)


@dataclass(frozen=True)
class ClientKeys:
    """CURVE keys of a device and the hub's public key it pins."""

    public: bytes
    secret: bytes
    server_public: bytes

    @classmethod
    def from_dir(cls, directory: Path, device: str) -> ClientKeys:
        def read(p: Path) -> bytes:
            return p.read_text("ascii").strip().encode("ascii")

        return cls(read(directory / f"{device}.key"), read(directory / f"{device}.key_secret"),
                   read(directory / "hub.key"))


@dataclass
class Endpoints:
    command: str = f"tcp://127.0.0.1:{protocol.COMMAND_PORT}"
    events: str = f"tcp://127.0.0.1:{protocol.EVENT_PORT}"


def _tune(sock: zmq.Socket[Any], keys: ClientKeys | None) -> None:
    sock.linger = 0
    sock.setsockopt(zmq.RECONNECT_IVL, 100)
    sock.setsockopt(zmq.RECONNECT_IVL_MAX, 2000)
    sock.setsockopt(zmq.HEARTBEAT_IVL, 1000)
    sock.setsockopt(zmq.HEARTBEAT_TIMEOUT, 3000)
    sock.setsockopt(zmq.HEARTBEAT_TTL, 3000)
    if keys is not None:
        sock.curve_publickey = keys.public
        sock.curve_secretkey = keys.secret
        sock.curve_serverkey = keys.server_public


class HubClient:
    """Blocking request/reply to the hub. Thread-safe (one request at a time)."""

    def __init__(self, endpoint: str, device: str, *, keys: ClientKeys | None = None,
                 timeout: float = 2.0, retries: int = 2,
                 context: zmq.Context[Any] | None = None) -> None:
        self.endpoint = endpoint
        self.device = device
        self.keys = keys
        self.timeout = timeout
        self.retries = retries
        self._ctx = context or zmq.Context.instance()
        self._lock = threading.Lock()
        self._sock: zmq.Socket[Any] | None = None
        self._monitor: zmq.Socket[Any] | None = None
        self.refused = False
        """True once the hub's ZAP handler refused our key (not enrolled or revoked)."""

    def _auth_refused(self) -> bool:
        """Did the CURVE handshake fail on authentication? (read from the socket monitor)"""
        from zmq.utils.monitor import recv_monitor_message

        mon = self._monitor
        while mon is not None and mon.poll(0):
            event = recv_monitor_message(mon)["event"]
            if event == zmq.EVENT_HANDSHAKE_FAILED_AUTH:
                self.refused = True
            elif event == zmq.EVENT_HANDSHAKE_SUCCEEDED:
                self.refused = False
        return self.refused

    def _not_authorised(self) -> HubError:
        return HubError("not_authorised", "Thiết bị chưa được cấp quyền",
                        "Device not authorised (the hub refused this device's key)")

    def _socket(self) -> zmq.Socket[Any]:
        if self._sock is None:
            s = self._ctx.socket(zmq.DEALER)
            _tune(s, self.keys)
            s.setsockopt(zmq.IMMEDIATE, 1)
            # In open mode the hub knows a device by the name before "#"; under CURVE by
            # its key. The random part keeps each connection's routing id unique, so a
            # restarted device never collides with its own stale connection (no
            # ROUTER_HANDOVER, which aborts libzmq under heartbeats).
            rid = f"{self.device}#{uuid.uuid4().hex[:8]}"
            s.setsockopt(zmq.ROUTING_ID, rid.encode("ascii"))
            if self.keys is not None:
                # A refused key shows up only as a failed handshake: watch for it so the
                # device can say "not authorised" instead of retrying silently.
                self._monitor = s.get_monitor_socket(
                    zmq.EVENT_HANDSHAKE_FAILED_AUTH | zmq.EVENT_HANDSHAKE_SUCCEEDED)
            s.connect(self.endpoint)
            self._sock = s
        return self._sock

    def __enter__(self) -> HubClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            self._drop_socket()

    def _drop_socket(self) -> None:
        if self._sock is not None:
            if self._monitor is not None:
                self._sock.disable_monitor()
                self._monitor.close(0)
                self._monitor = None
            self._sock.close(0)
            self._sock = None

    def request(self, kind: str, body: dict[str, Any] | None = None, *,
                request_id: str | None = None, timeout: float | None = None,
                retries: int | None = None) -> dict[str, Any]:
        """Send a command and return the OK body; raise HubError / HubUnavailable."""
        rid = request_id or uuid.uuid4().hex
        frames = protocol.encode_command(kind, rid, body or {})
        wait = self.timeout if timeout is None else timeout
        attempts = 1 + (self.retries if retries is None else retries)
        with self._lock:
            sock = self._socket()
            for attempt in range(attempts):
                try:
                    sock.send_multipart(frames, zmq.NOBLOCK)
                except zmq.Again:
                    # IMMEDIATE: no connected hub yet. A fresh socket needs a moment to
                    # connect (and, under CURVE, to finish the handshake); wait for that,
                    # but never queue the request for later.
                    sock.poll(int(min(wait, 1.0) * 1000), zmq.POLLOUT)
                    try:
                        sock.send_multipart(frames, zmq.NOBLOCK)
                    except zmq.Again:
                        if self._auth_refused():
                            raise self._not_authorised() from None
                        if attempt + 1 < attempts:
                            continue
                        raise HubUnavailable("the hub is not reachable") from None
                deadline = time.monotonic() + wait
                while (left := deadline - time.monotonic()) > 0:
                    if not sock.poll(int(left * 1000) + 1, zmq.POLLIN):
                        break
                    reply = sock.recv_multipart()
                    try:
                        ok, got, data = protocol.decode_reply(reply)
                    except protocol.ProtocolError:
                        log.warning("malformed reply ignored")
                        continue
                    if got != rid:
                        continue  # a late answer to an earlier, abandoned request
                    if ok:
                        return data
                    raise HubError(str(data.get("code", "error")), str(data.get("message_vi", "")),
                                   str(data.get("message_en", "")), data.get("details"))
                if self._auth_refused():
                    raise self._not_authorised()
                log.info("no reply to %s %s (attempt %d); retrying", kind, rid, attempt + 1)
                # Drop the socket so a reply stuck on a dead connection cannot block us.
                self._drop_socket()
                sock = self._socket()
            raise HubUnavailable(f"no reply to {kind} after {attempts} attempts")


@dataclass
class CentreView:
    """What a device knows: the centre, the day's state and where it is in the stream."""

    centre: Centre
    state: DayState
    seq: int
    stream_id: str
    online: list[str] = field(default_factory=list)
    you: dict[str, Any] = field(default_factory=dict)
    hub_now: str = ""
    health: dict[str, Any] = field(default_factory=lambda: {"storage": "ok"})
    """The hub's own health from snapshots and heartbeats: ``storage`` is ``ok``, or
    ``full`` / ``unavailable`` with ``message_vi`` / ``message_en`` (tickets are not
    issued meanwhile; devices show it)."""
    open_all_hours: bool = False
    """The hub takes tickets at any hour (a demo or a drill): devices show no "closed"."""
    received_at: float = field(default_factory=time.monotonic)
    """``time.monotonic()`` when the snapshot arrived (with ``hub_now``: the hub's clock)."""

    def waiting(self, field_code: str) -> int:
        return self.state.waiting_count(field_code)

    @property
    def storage_fault(self) -> bool:
        return str(self.health.get("storage", "ok")) != "ok"

    def hub_time(self) -> datetime | None:
        """The hub's clock now, from the snapshot's ``hub_now`` plus the time since it came.

        Devices judge "closed today" by the hub's clock, not their own, so a kiosk whose
        clock drifted agrees with the hub that refuses the ticket.
        """
        if not self.hub_now:
            return None
        try:
            then = datetime.fromisoformat(self.hub_now)
        except ValueError:
            return None
        return then + timedelta(seconds=time.monotonic() - self.received_at)


def view_from_snapshot(snap: dict[str, Any]) -> CentreView:
    return CentreView(centre_from_dict(snap["centre"]), state_from_dict(snap["state"]),
                      int(snap["seq"]), str(snap["stream_id"]), list(snap.get("online", [])),
                      dict(snap.get("you", {})), str(snap.get("hub_now", "")),
                      dict(snap.get("health") or {"storage": "ok"}),
                      open_all_hours=bool(snap.get("open_all_hours", False)))


class EventFollower:
    """Keeps a :class:`CentreView` in step with the hub, in its own thread.

    Callbacks run in the follower's thread: ``on_view(view)`` after a (re)snapshot,
    ``on_event(view, event)`` after each applied event, ``on_connection(up)`` when
    the hub is lost or found again, ``on_refused(refused)`` when the hub starts or stops
    refusing this device (show "Thiết bị chưa được cấp quyền").
    """

    def __init__(self, endpoints: Endpoints, device: str, *, keys: ClientKeys | None = None,
                 on_view: Callable[[CentreView], None] | None = None,
                 on_event: Callable[[CentreView, Event], None] | None = None,
                 on_connection: Callable[[bool], None] | None = None,
                 on_batch: Callable[[CentreView, list[Event]], None] | None = None,
                 on_refused: Callable[[bool], None] | None = None,
                 lost_after: float = 3.5, context: zmq.Context[Any] | None = None) -> None:
        self.endpoints = endpoints
        self.device = device
        self.keys = keys
        self.on_view = on_view
        self.on_event = on_event
        self.on_connection = on_connection
        self.on_batch = on_batch
        self.on_refused = on_refused
        self.on_health: Callable[[CentreView], None] | None = None
        """Called when the hub's own health changes (a full disk and its recovery)."""
        self.refused = False
        """True while the hub refuses this device (not enrolled, or revoked)."""
        self._retry_refused_at = 0.0
        self.lost_after = lost_after
        self.lock = threading.RLock()
        """Held while the view changes; take it to copy the view from another thread."""
        self._announced = False
        self._ctx = context or zmq.Context.instance()
        self.view: CentreView | None = None
        self.connected = False
        self.snapshots = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.client = HubClient(endpoints.command, device, keys=keys, timeout=1.0, retries=0,
                                context=self._ctx)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=f"follow-{self.device}",
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
        self.client.close()

    def _set_connected(self, up: bool) -> None:
        # The first state is always announced, so a device that never reaches the hub
        # says "Mất kết nối" too, not only one that lost it.
        if up != self.connected or not self._announced:
            self._announced = True
            self.connected = up
            log.info("%s: hub %s", self.device, "found" if up else "lost (Mất kết nối)")
            if self.on_connection is not None:
                self.on_connection(up)

    def _set_refused(self, refused: bool) -> None:
        """The hub refuses (or accepts again) this device's name or key."""
        if refused != self.refused:
            self.refused = refused
            log.warning("%s: %s", self.device, "not authorised by the hub" if refused
                        else "authorised again")
            if self.on_refused is not None:
                self.on_refused(refused)

    def _ask_if_refused(self) -> None:
        try:
            self.client.request("ping", {}, timeout=0.5, retries=0)
        except HubError as exc:
            if exc.code == "not_authorised":
                self._set_refused(True)

    def _snapshot(self) -> bool:
        if time.monotonic() < self._retry_refused_at:
            return False  # refused a moment ago: do not hammer the hub
        try:
            snap = self.client.request("snapshot", {})
        except HubError as exc:
            log.info("%s: snapshot failed: %s", self.device, exc.en)
            if exc.code == "not_authorised":
                self._retry_refused_at = time.monotonic() + REFUSED_RETRY_S
                self._set_refused(True)
                if self.on_connection is not None:
                    self.on_connection(False)
            return False
        self._set_refused(False)
        with self.lock:
            self.view = view_from_snapshot(snap)
        self.snapshots += 1
        if self.on_view is not None:
            self.on_view(self.view)
        return True

    def _run(self) -> None:
        sub = self._ctx.socket(zmq.SUB)
        _tune(sub, self.keys)
        sub.setsockopt(zmq.SUBSCRIBE, b"")
        sub.connect(self.endpoints.events)
        need_snapshot = True
        # Try the snapshot at once instead of waiting for the first heartbeat; if the hub
        # does not answer, "lost" follows after ``lost_after`` as usual.
        last_heard = time.monotonic()
        last_ping = time.monotonic()
        buffered: list[protocol.EventMessage] = []
        try:
            while not self._stop.is_set():
                if sub.poll(200, zmq.POLLIN):
                    while True:
                        try:
                            frames = sub.recv_multipart(zmq.NOBLOCK)
                        except zmq.Again:
                            break
                        try:
                            msg = protocol.decode_event(frames)
                        except protocol.ProtocolError as exc:
                            log.warning("bad event ignored: %s", exc.en)
                            continue
                        last_heard = time.monotonic()
                        buffered.append(msg)
                if time.monotonic() - last_heard > self.lost_after:
                    just_lost = self.connected
                    self._set_connected(False)
                    need_snapshot = True
                    if just_lost or time.monotonic() - last_ping > PRESENCE_PING_S:
                        # Silence may mean our key was revoked (the hub dropped every
                        # subscriber and refuses ours): ask, so the device can say so.
                        last_ping = time.monotonic()
                        self._ask_if_refused()
                    continue
                if need_snapshot:
                    # Subscribed first, snapshot second: events that raced the snapshot
                    # are in ``buffered`` and the ones it already contains are skipped.
                    if not self._snapshot():
                        continue
                    need_snapshot = False
                    self._set_connected(True)
                need_snapshot = self._apply(buffered)
                buffered = []
                if time.monotonic() - last_ping > PRESENCE_PING_S:
                    # Only commands tell the hub a device is alive (a SUB says nothing):
                    # a quiet board pings so the manager sees it online.
                    last_ping = time.monotonic()
                    try:
                        self.client.request("ping", {}, timeout=0.5, retries=0)
                    except HubError as exc:
                        if exc.code == "not_authorised":  # revoked while connected
                            self._set_refused(True)
                            need_snapshot = True
        finally:
            sub.close(0)

    def _apply(self, messages: list[protocol.EventMessage]) -> bool:
        """Apply events in order; return True when a re-snapshot is needed."""
        view = self.view
        assert view is not None
        applied: list[Event] = []
        try:
            with self.lock:
                return self._apply_each(view, messages, applied)
        finally:
            if applied and self.on_batch is not None:
                self.on_batch(view, applied)

    def _apply_each(self, view: CentreView, messages: list[protocol.EventMessage],
                    applied: list[Event]) -> bool:
        for m in messages:
            if m.stream_id != view.stream_id:
                log.warning("%s: hub stream changed; taking a new snapshot", self.device)
                return True
            if m.type == "hb":
                health = dict(m.data) or {"storage": "ok"}
                if health != view.health:
                    view.health = health
                    if self.on_health is not None:
                        self.on_health(view)
                if m.seq > view.seq:
                    return True  # we missed the newest event(s)
                continue
            if m.seq <= view.seq:
                continue
            if m.seq != view.seq + 1:
                log.info("%s: gap (%d after %d); re-snapshot", self.device, m.seq, view.seq)
                return True
            event = Event(m.type, datetime.fromisoformat(m.ts), m.data)
            apply(view.state, event)
            view.seq = m.seq
            applied.append(event)
            if self.on_event is not None:
                self.on_event(view, event)
        return False
