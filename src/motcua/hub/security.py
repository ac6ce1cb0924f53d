"""Who is talking to the hub: device identities, CURVE keys and the ZAP allow-list.

Two modes:

* ``curve`` (production): every socket is encrypted; the ZAP handler admits only
  enrolled device keys and sets each connection's User-Id to its public key. The hub
  looks that key up on EVERY message, so revoking or replacing a key also stops a
  session that is already open (``motcua.hub.revocation`` makes it immediate).
* ``open`` (demo on one machine, tests): no encryption; a device names itself with
  its ZeroMQ routing id. Anyone on the network could claim any name, so this mode
  binds to 127.0.0.1 by default and says so in the log.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import zmq
from zmq.auth.thread import ThreadAuthenticator
from zmq.utils import z85

from motcua.core.centre.model import Centre
from motcua.hub.audit import (
    AUDIT_FILE,
    REFUSED_KEY,
    REFUSED_ROLE,
    REFUSED_ROUTING_ID,
    AuditLog,
    fingerprint,
)
from motcua.hub.domain.engine import Actor

log = logging.getLogger(__name__)
ZAP_DOMAIN = "motcua"
ADMIN_DEVICE = "admin"


@dataclass(frozen=True)
class Enrolment:
    device: str
    role: str
    public_key: str
    counter: int | None = None
    kiosk: str | None = None


class Registry:
    """Public key -> enrolment (CURVE), device id -> role (open mode); reloadable at runtime.

    Under CURVE a request is authorised by the key that authenticated its connection,
    looked up again on every message: a revoked or replaced key stops working on the
    message after the reload, whatever name the device presents.
    """

    def __init__(self, centre: Centre, keys_file: Path | None = None) -> None:
        self.centre = centre
        self.keys_file = keys_file
        self.audit = AuditLog(keys_file.parent / AUDIT_FILE) if keys_file is not None else None
        self._lock = threading.Lock()
        self._reload_lock = threading.Lock()
        self._by_key: dict[str, Enrolment] = {}
        self._actors: dict[str, tuple[Actor, bytes]] = {}
        """Key -> (actor, device name as bytes), built once per reload for the hot path."""
        self._retired: dict[str, Enrolment] = {}
        self._mtime: float | None = None
        self.generation = 0
        """Bumped by every reload; the hub confirms a reload once its loop has seen it."""
        self._removed_pending = False
        self.reload()

    def reload(self) -> int:
        """Re-read the allow-list; returns the new generation. Safe from any thread."""
        with self._reload_lock:
            by_key: dict[str, Enrolment] = {}
            retired: dict[str, Enrolment] = {}
            mtime = None
            listed: set[str] = set()
            if self.keys_file is not None and self.keys_file.exists():
                mtime = self.keys_file.stat().st_mtime
                data = json.loads(self.keys_file.read_text("utf-8"))
                for item in data.get("devices", []):
                    e = Enrolment(item["device"], item["role"], item["public_key"],
                                  item.get("counter"), item.get("kiosk"))
                    (retired if item.get("revoked") else by_key)[e.public_key] = e
                    listed.add(e.device)
            for d in self.centre.devices:
                # A key written in centre.toml counts only for devices the allow-list does
                # not mention: once a device is enrolled, replaced or revoked with
                # `motcua keys`, that file decides, or re-enrolling would leave the old key.
                if d.public_key and d.id not in listed and d.public_key not in by_key:
                    by_key[d.public_key] = Enrolment(d.id, d.role, d.public_key, d.counter,
                                                     d.kiosk)
            for key in retired:
                by_key.pop(key, None)  # a key once revoked stays revoked
            actors = {k: (Actor(e.device, e.role, e.counter, e.kiosk), e.device.encode())
                      for k, e in by_key.items()}
            with self._lock:
                removed = set(self._by_key) - set(by_key)
                self._by_key = by_key
                self._actors = actors
                self._retired = retired
                self._mtime = mtime
                if removed:
                    self._removed_pending = True
                self.generation += 1
                generation = self.generation
            if removed:
                log.warning("keys withdrawn: %s", ", ".join(
                    f"{retired[k].device if k in retired else '?'} {fingerprint(k)}"
                    for k in sorted(removed)))
            return generation

    def reload_if_changed(self) -> bool:
        if self.keys_file is None:
            return False
        try:
            mtime: float | None = self.keys_file.stat().st_mtime
        except FileNotFoundError:
            mtime = None
        if mtime != self._mtime:
            try:
                self.reload()
            except (OSError, ValueError, KeyError, TypeError) as exc:
                # A hand-edited file with a mistake: keep the list in force, say so, and
                # do not try again until the file changes once more.
                self._mtime = mtime
                log.error("device keys in %s unreadable, previous list kept: %s",
                          self.keys_file, exc)
                return False
            log.info("device keys reloaded from %s", self.keys_file)
            return True
        return False

    def on_tick(self) -> None:
        """The hub's periodic duties here: re-read a hand-edited allow-list (the tool
        notifies at once; this is the fallback), write held-back refusal counts."""
        self.reload_if_changed()
        if self.audit is not None:
            self.audit.flush()

    def take_removed(self) -> bool:
        """Was a key withdrawn since the last call? (the hub then re-binds its PUB)"""
        if not self._removed_pending:  # read without the lock: the common, cheap case
            return False
        with self._lock:
            removed, self._removed_pending = self._removed_pending, False
        return removed

    def by_key(self, z85_key: str) -> Enrolment | None:
        with self._lock:
            return self._by_key.get(z85_key)

    def active_count(self) -> int:
        with self._lock:
            return len(self._by_key)

    def admits(self, z85_key: str) -> bool:
        """ZAP: may this key connect? A refusal is audited with the device it belonged to."""
        with self._lock:
            ok = z85_key in self._by_key
            old = self._retired.get(z85_key)
        if not ok:
            device = old.device if old is not None else "?"
            why = "revoked or replaced key" if old is not None else "unknown key"
            log.warning("refused a connection: %s (%s, %s)", why, device, fingerprint(z85_key))
            if self.audit is not None:
                self.audit.refusal(REFUSED_KEY, device, fingerprint(z85_key),
                                   role=old.role if old is not None else "",
                                   detail=f"connection: {why}")
        return ok

    def actor_for_key(self, z85_key: str | None, routing_id: bytes) -> Actor | None:
        """The actor for one message under CURVE: the enrolment of the key that
        authenticated its connection, or None if that key is not (or no longer) enrolled.

        The routing id must carry the key's own device name (``device#random``) or be one
        ZeroMQ generated (starts with a zero byte): a device cannot pose as another in the
        hub's logs, presence list or replies.
        """
        if not z85_key:
            return None
        # One read of the current map (replaced whole on reload, never changed in place).
        found = self._actors.get(z85_key)
        if found is None:
            with self._lock:
                old = self._retired.get(z85_key)
            if self.audit is not None:
                device = old.device if old is not None else "?"
                self.audit.refusal(REFUSED_KEY, device, fingerprint(z85_key),
                                   role=old.role if old is not None else "",
                                   detail="message on an open session: key revoked or replaced")
            return None
        actor, name = found
        if routing_id[:1] != b"\x00" and routing_id.split(b"#", 1)[0] != name:
            log.warning("key of %s sent with routing id %r: refused", actor.device,
                        routing_id[:32])
            if self.audit is not None:
                self.audit.refusal(REFUSED_ROUTING_ID, actor.device, fingerprint(z85_key),
                                   role=actor.role,
                                   detail=f"routing id {routing_id[:32].decode('ascii', 'replace')}")
            return None
        return actor

    def refused_role(self, actor: Actor, z85_key: str | None, kind: str) -> None:
        """Audit a command the key's role does not allow (throttled per key)."""
        if self.audit is not None:
            self.audit.refusal(REFUSED_ROLE, actor.device,
                               fingerprint(z85_key) if z85_key else "", role=actor.role,
                               detail=kind)

    def actor_for_device(self, device: str) -> Actor | None:
        """Open mode only: the role of the device that names itself ``device``."""
        if device == ADMIN_DEVICE or device.startswith(ADMIN_DEVICE + "-"):
            return Actor(device, "admin")
        d = self.centre.device_by_id(device)
        if d is None:
            return None
        return Actor(d.id, d.role, d.counter, d.kiosk)


class _KeyCheck:
    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    def callback(self, domain: str, key: bytes) -> bool:
        return self.registry.admits(key.decode("ascii"))


class DeviceAuthenticator(ThreadAuthenticator):
    """ZAP handler: only enrolled keys; User-Id = the Z85 public key itself, so every
    message carries the key that authenticated it (the hub looks the role up per message)."""

    def __init__(self, context: zmq.Context[Any], registry: Registry) -> None:
        super().__init__(context)
        self.registry = registry

    def curve_user_id(self, client_public_key: bytes) -> str:
        return z85.encode(client_public_key).decode("ascii")


def start_authenticator(context: zmq.Context[Any], registry: Registry) -> DeviceAuthenticator:
    """Start ZAP on ``context`` BEFORE any socket binds (CURVE without ZAP admits anyone)."""
    auth = DeviceAuthenticator(context, registry)
    auth.start()
    # Only our domain gets the callback; there is deliberately no allow-any anywhere.
    auth.configure_curve_callback(ZAP_DOMAIN, credentials_provider=_KeyCheck(registry))
    return auth


def secure_server_socket(sock: zmq.Socket[Any], secret_key: bytes) -> None:
    sock.curve_server = True
    sock.curve_secretkey = secret_key
    sock.zap_domain = ZAP_DOMAIN.encode()


def write_key_pair(directory: Path, name: str) -> tuple[bytes, bytes]:
    """Make a CURVE key pair; the secret file is readable by its owner only (0600)."""
    public, secret = zmq.curve_keypair()
    directory.mkdir(parents=True, exist_ok=True)
    pub = directory / f"{name}.key"
    sec = directory / f"{name}.key_secret"
    pub.write_text(public.decode("ascii") + "\n", "ascii")
    fd = os.open(sec, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(secret.decode("ascii") + "\n")
    os.chmod(sec, 0o600)
    return public, secret


def read_key(path: Path) -> bytes:
    """A Z85 key from a bare key file or from a pyzmq certificate file
    (``public-key = "..."`` / ``secret-key = "..."``, as ``motcua province keys`` writes)."""
    text = path.read_text("ascii")
    for line in text.splitlines():
        line = line.strip()
        for name in ("secret-key", "public-key"):
            if line.startswith(name) and "=" in line:
                return line.split("=", 1)[1].strip().strip('"').encode("ascii")
    return text.strip().encode("ascii")
