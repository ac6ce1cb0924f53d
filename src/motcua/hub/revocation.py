"""Allow-list changes take effect in the running hub at once, and the tool is told so.

``motcua keys revoke`` / ``enrol`` write ``devices.json`` and then ask the running hub,
over a local admin socket, to reload it. The hub answers only after:

1. the new allow-list is in force for ZAP (new connections) and for the per-message key
   check (open sessions: every command is authorised by the key of its connection);
2. its loop has finished any turn that began under the old list, so no reply decided
   with a withdrawn key can leave the hub after the answer;
3. if a key was withdrawn, the event PUB socket has been closed and bound again, so every
   subscriber reconnects through ZAP: a revoked key's SUB gets nothing more, and its
   reconnection fails. Followers see a sequence gap or a missed heartbeat and take a
   fresh snapshot, as after any hub restart.

The admin socket is ``ipc://DATA/keys/run/admin.sock`` in a 0700 folder, the socket
itself 0600: only the hub's own account (and root) can reach it. Its address is written
to ``DATA/keys/hub-admin.endpoint`` so the tool finds it (a very long data path, beyond
the 107 bytes a Unix socket path may have, gets a private temporary folder instead). The
only request is ``reload``, which merely re-reads the file the caller could write anyway.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import zmq

from motcua.hub.security import Registry, secure_server_socket

log = logging.getLogger(__name__)
ENDPOINT_FILE = "hub-admin.endpoint"
CONFIRM_TIMEOUT_S = 5.0
MAX_IPC_PATH = 100
REBIND_TRIES_S = 5.0
COPIED_OPTIONS = (zmq.LINGER, zmq.SNDHWM, zmq.SNDBUF, zmq.MAXMSGSIZE, zmq.IPV6,
                  zmq.HEARTBEAT_IVL, zmq.HEARTBEAT_TIMEOUT, zmq.HEARTBEAT_TTL,
                  zmq.TCP_KEEPALIVE, zmq.TCP_KEEPALIVE_IDLE, zmq.TCP_KEEPALIVE_INTVL,
                  zmq.TCP_KEEPALIVE_CNT)
"""Options the re-bound PUB takes over from the old one (CURVE is set from the hub key)."""


class KeyControl:
    """The hub side: the admin socket's thread, and the loop's turn-boundary check."""

    def __init__(self, ctx: zmq.Context[Any], registry: Registry, keys_dir: Path,
                 wake: Callable[[], None], secret_key: bytes) -> None:
        self.ctx = ctx
        self.secret_key = secret_key
        self.registry = registry
        self.keys_dir = keys_dir
        self.wake = wake
        self.endpoint = ""
        self.rebinds = 0
        self._confirmed = registry.generation
        self._rings = 0
        """Wake-ups sent to the hub loop by ``reload`` (counted by the admin thread)."""
        self._taken = 0
        """...and taken off the wake-up socket by the loop."""
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._sock: zmq.Socket[Any] | None = None
        self._tmpdir: Path | None = None

    # -- the loop's side ---------------------------------------------------------------
    def at_turn_boundary(self, pub: zmq.Socket[Any],
                         wake: zmq.Socket[Any]) -> zmq.Socket[Any]:
        """Called by the hub loop between turns; returns the PUB to use from now on.

        Cheap when nothing changed (a few attribute reads), so it runs every iteration;
        it also empties the loop's wake-up socket, which ``reload`` rings.
        """
        generation = self.registry.generation
        # Take our own rings off the wake-up socket (left there, every poll would return at
        # once), and no more: the others are the hub's stop() and must wake the loop.
        while self._taken < self._rings and cast(int, wake.getsockopt(zmq.EVENTS)) & zmq.POLLIN:
            wake.recv(zmq.NOBLOCK)
            self._taken += 1
        if self.registry.take_removed():
            pub = rebind_pub(pub, self.secret_key)
            self.rebinds += 1
        if generation != self._confirmed:
            with self._cond:
                self._confirmed = generation
                self._cond.notify_all()
        return pub

    # -- the admin socket ---------------------------------------------------------------
    def start(self) -> None:
        """Open the admin socket. If that is impossible (a read-only key folder), the hub
        still serves: it then applies changes on its own re-read within two seconds."""
        try:
            self._open()
        except (OSError, zmq.ZMQError) as exc:
            log.error("key admin channel not available (%s): a revocation takes effect at "
                      "the hub's next re-read of devices.json, within 2 s", exc)
            if self._sock is not None:
                self._sock.close(0)
                self._sock = None
            self.endpoint = ""
            return
        self._thread = threading.Thread(target=self._serve, name="hub-admin", daemon=True)
        self._thread.start()
        log.info("key admin channel on %s", self.endpoint)

    def _open(self) -> None:
        path = self.keys_dir / "run" / "admin.sock"
        if len(str(path)) > MAX_IPC_PATH:
            self._tmpdir = Path(tempfile.mkdtemp(prefix="motcua-admin-"))  # 0700 already
            path = self._tmpdir / "admin.sock"
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(path.parent, 0o700)  # nobody else may even reach the socket file
        sock = self.ctx.socket(zmq.REP)
        sock.linger = 0
        self._sock = sock
        self.endpoint = f"ipc://{path}"
        sock.bind(self.endpoint)
        os.chmod(path, 0o600)
        tmp = self.keys_dir / (ENDPOINT_FILE + ".tmp")
        tmp.write_text(self.endpoint + "\n", "utf-8")
        os.replace(tmp, self.keys_dir / ENDPOINT_FILE)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
        marker = self.keys_dir / ENDPOINT_FILE
        try:
            if marker.read_text("utf-8").strip() == self.endpoint:
                marker.unlink()
        except OSError:
            pass
        if self._tmpdir is not None:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
        elif self.endpoint:
            Path(self.endpoint[len("ipc://"):]).unlink(missing_ok=True)

    def _serve(self) -> None:
        sock = self._sock
        assert sock is not None
        try:
            while not self._stop.is_set():
                if not sock.poll(200):
                    continue
                request = sock.recv()
                if request.strip() == b"reload":
                    try:
                        reply = self.reload()
                    except Exception as exc:  # the channel must outlive any one request
                        log.exception("allow-list reload failed")
                        reply = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
                else:
                    reply = {"ok": False, "error": "unknown request; only 'reload'"}
                sock.send(json.dumps(reply).encode("utf-8"))
        finally:
            sock.close(0)

    def reload(self) -> dict[str, Any]:
        """Reload the allow-list and wait until the hub's loop has it in force."""
        try:
            generation = self.registry.reload()
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.error("allow-list could not be reloaded: %s", exc)
            return {"ok": False, "error": f"devices.json unreadable ({exc}); previous list kept"}
        self._rings += 1  # before ringing: the loop may take the ring at once
        self.wake()
        with self._cond:
            ok = self._cond.wait_for(lambda: self._confirmed >= generation, CONFIRM_TIMEOUT_S)
        if not ok:
            log.error("the hub loop did not confirm allow-list generation %d", generation)
        return {"ok": ok, "generation": generation, "active": self.registry.active_count(),
                "rebinds": self.rebinds}


def rebind_pub(old: zmq.Socket[Any], secret_key: bytes) -> zmq.Socket[Any]:
    """Close the PUB and bind a fresh one on the same address: every subscriber has to
    pass ZAP again, so a withdrawn key hears nothing more (its session was dropped).

    The new socket takes over the old one's options (whatever the hub set at start) and
    is a CURVE server under the hub's key and ZAP domain."""
    endpoint = str(old.getsockopt_string(zmq.LAST_ENDPOINT))
    sock: zmq.Socket[Any] = old.context.socket(zmq.PUB)
    for option in COPIED_OPTIONS:
        value = old.getsockopt(option)
        if value != sock.getsockopt(option):
            sock.setsockopt(option, value)
    secure_server_socket(sock, secret_key)
    old.close(0)
    deadline = time.monotonic() + REBIND_TRIES_S
    while True:
        try:
            # libzmq closes the old listener on its I/O thread: the address is usually
            # free at once, sometimes a millisecond later.
            sock.bind(endpoint)
            break
        except zmq.ZMQError as exc:
            if exc.errno != zmq.EADDRINUSE or time.monotonic() > deadline:
                sock.close(0)
                raise
            time.sleep(0.002)
    log.warning("event socket re-bound on %s: every subscriber re-authenticates", endpoint)
    return sock


# -- the tool's side ----------------------------------------------------------------------

def notify_hub(keys_dir: Path, timeout_s: float = CONFIRM_TIMEOUT_S + 1) -> tuple[bool, str]:
    """Ask the running hub to reload the allow-list; (in force, words for the manager).

    ``(True, ...)`` when the hub confirmed, or when no hub is running (it reads the file
    when it starts); ``(False, ...)`` when a hub is running and did not confirm.
    """
    marker = keys_dir / ENDPOINT_FILE
    try:
        endpoint = marker.read_text("utf-8").strip()
    except OSError:
        return True, ("Không thấy kênh quản trị của hub: hub đang chạy sẽ áp dụng trong vòng "
                      "2 giây, nếu không thì khi hub khởi động / no hub admin channel found: a "
                      "running hub applies the change within 2 s, otherwise when it starts")
    state = _listening(endpoint)
    if state == "denied":
        return False, ("Không được phép mở kênh quản trị của hub: chạy bằng tài khoản của hub "
                       "(sudo -u motcua …) / permission denied on the hub's admin socket: run "
                       "as the hub's user (sudo -u motcua …)")
    if state == "no":
        return True, ("Hub không chạy: thay đổi có hiệu lực khi hub khởi động / "
                      "the hub is not running: the change applies when it starts")
    ctx: zmq.Context[Any] = zmq.Context.instance()
    req: zmq.Socket[Any] = ctx.socket(zmq.REQ)
    req.linger = 0
    try:
        req.connect(endpoint)
        req.send(b"reload")
        if not req.poll(int(timeout_s * 1000)):
            return False, ("Hub không xác nhận: hãy kiểm tra hub (sẽ tự đọc lại trong vài "
                           "giây) / the hub did not confirm: check it (it re-reads the list "
                           "within seconds)")
        reply = json.loads(req.recv())
    finally:
        req.close(0)
    if not reply.get("ok"):
        return False, (f"Hub báo lỗi / the hub reported an error: {reply.get('error', '?')}")
    return True, (f"Hub đã áp dụng ngay / in force on the hub now "
                  f"({reply.get('active')} khoá hiệu lực / active keys)")


def _listening(endpoint: str) -> str:
    """Is anyone listening on this ipc endpoint: "yes", "no" (a hub killed with -9
    leaves the file behind) or "denied" (another account's socket)."""
    if not endpoint.startswith("ipc://"):
        return "no"
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(endpoint[len("ipc://"):])
        return "yes"
    except PermissionError:
        return "denied"
    except OSError:
        return "no"
    finally:
        probe.close()
