"""A real HTTP server on 127.0.0.1 that stands in for an SMS gateway, Zalo ZNS or the
provincial dossier system: it records what arrives, de-duplicates by idempotency key as a
real gateway does, and can be taken down and brought back on the same port."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: Any
    key: str | None


@dataclass
class HttpReceiver:
    """Start with :meth:`up`; ``received`` holds every accepted request, once per key."""

    port: int = 0
    received: list[Received] = field(default_factory=list)
    attempts: int = 0
    fail_next: int = 0
    """Answer this many requests with 503 before accepting again (a gateway in trouble)."""
    changed: threading.Condition = field(default_factory=threading.Condition)
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def up(self) -> HttpReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet test output
                return

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.changed:
                    receiver.attempts += 1
                    if receiver.fail_next > 0:
                        receiver.fail_next -= 1
                        self.send_response(503)
                        self.end_headers()
                        receiver.changed.notify_all()
                        return
                    try:
                        body: Any = json.loads(raw)
                    except ValueError:
                        body = raw.decode("utf-8", "replace")
                    key = self.headers.get("Idempotency-Key") or (
                        body.get("tracking_id") if isinstance(body, dict) else None)
                    if key is None or all(r.key != key for r in receiver.received):
                        receiver.received.append(Received(self.path, dict(self.headers),
                                                          body, key))
                    receiver.changed.notify_all()
                answer = json.dumps({"error": 0, "message": "Success"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def down(self) -> None:
        """Stop answering: connections are refused until :meth:`up` again."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """Block until ``count`` requests were accepted (woken by each arrival)."""
        with self.changed:
            if not self.changed.wait_for(lambda: len(self.received) >= count, timeout):
                raise AssertionError(f"{len(self.received)} of {count} messages arrived")
            return list(self.received)

    def wait_attempts(self, count: int, timeout: float = 10.0) -> None:
        with self.changed:
            if not self.changed.wait_for(lambda: self.attempts >= count, timeout):
                raise AssertionError(f"{self.attempts} of {count} attempts arrived")


@contextmanager
def http_receiver() -> Iterator[HttpReceiver]:
    r = HttpReceiver().up()
    try:
        yield r
    finally:
        r.down()
