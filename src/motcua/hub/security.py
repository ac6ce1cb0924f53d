"""Who is talking to the hub: device identities, CURVE keys and the ZAP allow-list.

Two modes:

* ``curve`` (production): every socket is encrypted; the ZAP handler admits only
  enrolled device keys and sets each connection's User-Id to the device id. The hub
  checks the device's role on EVERY message, so revoking a key also stops a session
  that is already open.
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

from motcua.core.centre.model import Centre
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
    """Device id -> role, and (CURVE) public key -> device id; reloadable at runtime."""

    def __init__(self, centre: Centre, keys_file: Path | None = None) -> None:
        self.centre = centre
        self.keys_file = keys_file
        self._lock = threading.Lock()
        self._by_key: dict[str, Enrolment] = {}
        self._mtime: float | None = None
        self.reload()

    def reload(self) -> None:
        by_key: dict[str, Enrolment] = {}
        for d in self.centre.devices:
            if d.public_key:
                by_key[d.public_key] = Enrolment(d.id, d.role, d.public_key, d.counter, d.kiosk)
        if self.keys_file is not None and self.keys_file.exists():
            data = json.loads(self.keys_file.read_text("utf-8"))
            for item in data.get("devices", []):
                if item.get("revoked"):
                    continue
                e = Enrolment(item["device"], item["role"], item["public_key"],
                              item.get("counter"), item.get("kiosk"))
                by_key[e.public_key] = e
            self._mtime = self.keys_file.stat().st_mtime
        with self._lock:
            self._by_key = by_key

    def reload_if_changed(self) -> bool:
        if self.keys_file is None:
            return False
        try:
            mtime = self.keys_file.stat().st_mtime
        except FileNotFoundError:
            mtime = None
        if mtime != self._mtime:
            self.reload()
            log.info("device keys reloaded from %s", self.keys_file)
            return True
        return False

    def by_key(self, z85_key: str) -> Enrolment | None:
        with self._lock:
            return self._by_key.get(z85_key)

    def actor_for_device(self, device: str, *, curve: bool) -> Actor | None:
        """The role of ``device`` right now, or None if it is not (or no longer) allowed."""
        if curve:
            with self._lock:
                e = next((x for x in self._by_key.values() if x.device == device), None)
            if e is None:
                return None
            return Actor(e.device, e.role, e.counter, e.kiosk)
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
        ok = self.registry.by_key(key.decode("ascii")) is not None
        if not ok:
            log.warning("refused a connection with an unknown key %s", key[:8].decode("ascii"))
        return ok


class DeviceAuthenticator(ThreadAuthenticator):
    """ZAP handler: only enrolled keys, and User-Id = the device id bound to the key."""

    def __init__(self, context: zmq.Context[Any], registry: Registry) -> None:
        super().__init__(context)
        self.registry = registry

    def curve_user_id(self, client_public_key: bytes) -> str:
        from zmq.utils import z85

        e = self.registry.by_key(z85.encode(client_public_key).decode("ascii"))
        return e.device if e is not None else "?"


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
