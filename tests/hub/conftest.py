"""A real hub in CURVE mode with keys made by ``motcua keys`` (shared by the security tests)."""

from __future__ import annotations

from pathlib import Path

import pytest

from motcua.hub import keys_cli
from motcua.hub.security import Registry, read_key
from motcua.hub.server import HubOptions, HubServer
from motcua.hub.storage.db import HubStore, sqlite_url
from motcua.link.client import ClientKeys, HubClient


@pytest.fixture
def secure_hub(tmp_path: Path, centre, clock):  # type: ignore[no-untyped-def]
    keys = tmp_path / "keys"
    keys_cli.init(keys)
    for dev, role, counter, kiosk in [("kiosk-1", "kiosk", None, None),
                                      ("counter-1", "counter", 1, None),
                                      ("rating-1", "rating", 1, None),
                                      ("display-hall", "display", None, None)]:
        keys_cli.enrol(keys, dev, role, counter, kiosk, keys / "devices" / dev)
    store = HubStore(sqlite_url(tmp_path / "hub.sqlite"), site_id=centre.id)
    server = HubServer(centre, store, HubOptions("tcp://127.0.0.1:*", "tcp://127.0.0.1:*",
                                                 curve_secret_key=read_key(keys / "hub.key_secret")),
                       registry=Registry(centre, keys / "devices.json"), clock=clock)
    server.start()
    clients: list[HubClient] = []

    def client(dev: str, key_dir: Path | None = None, **kw) -> HubClient:  # type: ignore[no-untyped-def]
        k = ClientKeys.from_dir(key_dir or keys / "devices" / dev, dev)
        c = HubClient(f"tcp://127.0.0.1:{server.command_port}", dev, keys=k, **kw)
        clients.append(c)
        return c

    yield server, keys, client
    for c in clients:
        c.close()
    server.stop()
    store.close()
