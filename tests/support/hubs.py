"""The one way tests start a hub: in-process (:func:`start_hub`) or as the real program in
its own process (:class:`HubProcess`), both on 127.0.0.1.

In-process hubs stop at once (the serving loop is woken, not waited out), so a test may
start as many as it needs; explicit ports let a test restart a hub in place.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.wait import OutputLines

ROOT = Path(__file__).resolve().parents[2]
"""The repository (config/centre.toml, docs/, scripts/)."""


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (for a hub a test restarts on the same port)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class RunningHub:
    """A hub serving in this process: ``hub.command`` / ``hub.events`` are its endpoints."""

    server: Any
    store: Any
    command: str
    events: str
    db_path: Path | None = None
    clients: list[Any] = dataclasses.field(default_factory=list)
    restart_with: dict[str, Any] = dataclasses.field(default_factory=dict)
    """How :func:`start_hub` made this hub, so :meth:`restart` can make it again."""

    def __iter__(self) -> Iterator[Any]:
        """``server, store = start_hub(...)`` for tests that need only those two."""
        return iter((self.server, self.store))

    def client(self, device: str = "admin", **kw: Any) -> Any:
        """A HubClient for ``device``; closed by :meth:`stop` (the fixture calls it)."""
        from motcua.link.client import HubClient

        c = HubClient(self.command, device, **kw)
        self.clients.append(c)
        return c

    @property
    def endpoints(self) -> Any:
        from motcua.link.client import Endpoints

        return Endpoints(self.command, self.events)

    def stop(self) -> None:
        for c in self.clients:
            c.close()
        self.clients.clear()
        stop_hub(self.server, self.store)

    def restart(self) -> None:
        """Stop, then a new hub on the same ports and the same database (a reboot)."""
        ports = (self.server.command_port, self.server.event_port)
        stop_hub(self.server, self.store)
        kw = self.restart_with
        fresh = start_hub(kw["centre"], kw["db_url"], kw["clock"], *ports, **kw["options"])
        self.server, self.store = fresh.server, fresh.store


_TEMPLATE: list[Path] = []
"""A migrated, empty hub database made once per test process (see :func:`_new_sqlite`)."""


def _new_sqlite(db_url: str) -> None:
    """Give a new SQLite hub database the schema by copying an empty migrated one.

    Running the Alembic migrations costs about 0.1 s per database and the tests make
    hundreds; a copy costs a millisecond. The copy has no stream id yet, so every hub
    still gets its own (HubStore writes it on first open).
    """
    prefix = "sqlite:///"
    if not db_url.startswith(prefix):
        return
    path = Path(db_url[len(prefix):])
    if path.exists() or not path.parent.is_dir():
        return
    if not _TEMPLATE:
        import atexit
        import shutil
        import tempfile

        from motcua.hub.storage.db import make_engine, migrate

        folder = Path(tempfile.mkdtemp(prefix="motcua-test-template-"))
        atexit.register(shutil.rmtree, folder, True)
        engine = make_engine(prefix + str(folder / "hub.sqlite"))
        migrate(engine)
        engine.dispose()  # the last connection checkpoints the WAL into the file
        _TEMPLATE.append(folder / "hub.sqlite")
    import shutil

    shutil.copyfile(_TEMPLATE[0], path)


def start_hub(centre: Any, db_url: str, clock: Any, command_port: int = 0,
              event_port: int = 0, *, db_path: Path | None = None,
              **options: Any) -> RunningHub:
    """A real hub on 127.0.0.1 (port 0: any free port; explicit ports for a restart)."""
    from motcua.hub.server import HubOptions, HubServer
    from motcua.hub.storage.db import HubStore

    _new_sqlite(db_url)
    store = HubStore(db_url, site_id=centre.id)
    cmd = f"tcp://127.0.0.1:{command_port or '*'}"
    ev = f"tcp://127.0.0.1:{event_port or '*'}"
    server = HubServer(centre, store, HubOptions(cmd, ev, **options), clock=clock)
    server.start()
    return RunningHub(server, store, f"tcp://127.0.0.1:{server.command_port}",
                      f"tcp://127.0.0.1:{server.event_port}", db_path,
                      restart_with={"centre": centre, "db_url": db_url, "clock": clock,
                                    "options": options})


def stop_hub(server: Any, store: Any) -> None:
    """Stop an in-process hub (also one already stopped), even when its loop is stuck in a
    blocking send (finding F2): terminating its ZeroMQ context makes the blocked call
    return (ETERM) so the thread ends instead of outliving the test."""
    thread = server._thread
    if thread is not None and thread.is_alive() and not server.ctx.closed:
        server._stop.set()
        server._wake()  # as HubServer.stop does: never wait out a poll
        thread.join(3)
        if thread.is_alive():
            server.ctx.term()
            thread.join(10)
    if not server.ctx.closed:
        server.stop()
    store.close()


class HubProcess:
    """``motcua hub`` in its own process, as a centre runs it; ready once it says so.

    ``program`` is the command that starts motcua (default: this interpreter's
    ``-m motcua.cli``; a hub-only install passes its own ``motcua`` script);
    ``global_args`` go before ``hub`` (``-v``), ``args`` after it.
    """

    READY = "motcua hub:"
    """The first line the hub prints once both sockets are bound."""

    def __init__(self, data: Path, command_port: int, event_port: int, *,
                 program: Sequence[str] | None = None, args: Sequence[str] = (),
                 global_args: Sequence[str] = (),
                 env: dict[str, str] | None = None, timeout: float = 30.0) -> None:
        self.command_port, self.event_port = command_port, event_port
        self.command = f"tcp://127.0.0.1:{command_port}"
        self.events = f"tcp://127.0.0.1:{event_port}"
        cmd = [*(program or (sys.executable, "-m", "motcua.cli")), *global_args, "hub",
               "--data", str(data),
               "--open-all-hours", "--command-port", str(command_port),
               "--event-port", str(event_port),
               "--config", str(ROOT / "config" / "centre.toml"), *args]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     cwd=ROOT, env=env if env is not None else os.environ.copy())
        self.output = OutputLines(self.proc)
        try:
            self.output.wait_for(self.READY, timeout)
        except AssertionError:
            self.kill()
            raise

    @property
    def pid(self) -> int:
        return self.proc.pid

    def kill(self) -> None:
        """SIGKILL: a power cut, no clean-up of any kind."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self.output.close()

    def terminate(self, timeout: float = 20.0) -> int:
        """SIGTERM, as systemd stops it; returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise
        self.output.close()
        return code

    def __enter__(self) -> HubProcess:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.kill()


def alerts_off(hub: Any) -> None:
    """Alerts raise events on the hub's own tick; a test that counts the events its
    commands make (or replays them at a given moment) runs without them."""
    import dataclasses

    from motcua.core.centre.model import AlertRules

    off = AlertRules(wait_minutes=0, field_waiting=0, paused_minutes=0, low_rating=0,
                     printer=False, device_offline=False)
    hub.server.engine.centre = dataclasses.replace(hub.server.engine.centre, alerts=off)
