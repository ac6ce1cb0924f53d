"""Drill: back up the hub database while it works, then restore it (deploy/motcua-backup).

The backup is taken while a kiosk takes tickets as fast as it can; the copy must be one
consistent moment (integrity_check, outbox 1..N, every ticket with its report row). The
restored database must get a new stream id at the next start (docs/sync.md), keep every
ticket of the backup, and go on numbering after the backup's last number.
"""

from __future__ import annotations

import stat
import threading
from importlib.machinery import SourceFileLoader
from importlib.util import module_from_spec, spec_from_loader
from pathlib import Path
from types import ModuleType
from typing import Any

from motcua.hub.storage.db import sqlite_url
from motcua.link.client import HubClient
from tests.support.drills import check_database
from tests.support.hubs import ROOT, start_hub, stop_hub


def _script() -> ModuleType:
    loader = SourceFileLoader("motcua_backup", str(ROOT / "deploy" / "motcua-backup"))
    spec = spec_from_loader("motcua_backup", loader)
    assert spec is not None
    module = module_from_spec(spec)
    loader.exec_module(module)
    return module


def test_online_backup_under_load_then_restore_with_a_new_stream(tmp_path: Path, centre: Any,
                                                                 clock: Any) -> None:
    tool = _script()
    data = tmp_path / "var"
    (data / "keys").mkdir(parents=True)
    (data / "keys" / "hub.key_secret").write_text("secret\n")
    server, store = start_hub(centre, sqlite_url(data / "hub.sqlite"), clock)
    endpoint = f"tcp://127.0.0.1:{server.command_port}"
    old_stream = store.stream_id
    stop = threading.Event()
    taken: list[str] = []

    def kiosk() -> None:
        with HubClient(endpoint, "kiosk-1", timeout=3.0) as k:
            while not stop.is_set() and len(taken) < 600:
                taken.append(k.request("ticket.take", {"field": "AB"[len(taken) % 2]})
                             ["ticket"]["label"])

    worker = threading.Thread(target=kiosk)
    worker.start()
    try:
        while len(taken) < 50:
            stop.wait(0.01)
        copy = tool.backup(data, tmp_path / "backups", keep_days=30)  # while tickets flow
    finally:
        stop.set()
        worker.join(10)
        stop_hub(server, store)
    saved = check_database(copy)  # one consistent moment: 1..N, numbering, report rows
    assert 50 <= len(saved.issued) <= len(taken)
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert list((tmp_path / "backups").glob("keys-*.tar.gz"))

    tool.restore(copy, data)
    assert list(data.glob("hub.sqlite.replaced-*")), "the replaced database is kept"
    server, store = start_hub(centre, sqlite_url(data / "hub.sqlite"), clock)
    try:
        assert store.stream_id != old_stream, "a restored hub must start a new stream"
        assert store.acked_seq() == 0
        assert set(server.engine.state.tickets) == set(saved.issued)
        last_a = max(b["number"] for b in saved.issued.values() if b["field"] == "A")
        with HubClient(f"tcp://127.0.0.1:{server.command_port}", "kiosk-1") as k:
            label = k.request("ticket.take", {"field": "A"})["ticket"]["label"]
        # Restored the same day: numbers handed out after the backup are in citizens'
        # hands, so numbering jumps past them instead of issuing them again (F5).
        assert label == f"A{last_a + 1 + server.restore_skip:03d}"
        handed_out_a = [int(lb[1:]) for lb in taken if lb.startswith("A")]
        assert int(label[1:]) > max(handed_out_a)
        assert store.restored_from is None  # acted on once
        assert [e.type for e in store.read_after(0, 10**6)].count("numbers.skipped") == 1
    finally:
        stop_hub(server, store)
