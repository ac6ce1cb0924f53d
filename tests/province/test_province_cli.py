"""``motcua province keys | allow | serve`` (serve runs as a real subprocess)."""

from __future__ import annotations

import signal
import socket
import stat
import subprocess
import sys
import uuid
from datetime import date
from pathlib import Path

import pytest
import zmq
import zmq.auth
from sqlalchemy import create_engine, text

from motcua.hub.sync import SyncClient
from motcua.province.cli import load_allow_list, main
from motcua.province.sim import MemoryOutbox, centre_day
from motcua.province.store import Store
from tests.support.province import PG_URL

ROOT = Path(__file__).resolve().parents[2]


def test_keys_are_written_with_a_private_secret(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keys", "--out", str(tmp_path / "k")]) == 0
    secret = tmp_path / "k" / "server.key_secret"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    public, secret_key = zmq.auth.load_certificate(secret)
    assert secret_key is not None and len(public) == 40
    assert zmq.auth.load_certificate(tmp_path / "k" / "server.key") == (public, None)
    assert public.decode() in capsys.readouterr().out


def test_keys_are_not_overwritten_without_force(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keys", "--out", str(tmp_path)]) == 0
    before = (tmp_path / "server.key").read_text()
    assert main(["keys", "--out", str(tmp_path)]) == 2
    assert "--force" in capsys.readouterr().err
    assert (tmp_path / "server.key").read_text() == before
    assert main(["keys", "--out", str(tmp_path), "--force"]) == 0
    assert (tmp_path / "server.key").read_text() != before


def test_allow_binds_a_hub_key_to_its_site(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    pub, _ = zmq.curve_keypair()
    assert main(["allow", "--keys", str(tmp_path), "--site", "79-phường-Bến Thành",
                 f"--public-key={pub.decode()}"]) == 0
    assert load_allow_list(tmp_path / "hubs.toml") == {pub.decode(): "79-phường-Bến Thành"}
    assert main(["allow", "--keys", str(tmp_path), "--site", "x",
                 f"--public-key={pub.decode()}"]) == 2
    assert main(["allow", "--keys", str(tmp_path), "--site", "x",
                 "--public-key", "short"]) == 2
    assert main(["allow", "--keys", str(tmp_path), "--site", "x",
                 "--public-key", "~" * 40]) == 2
    assert "Z85" in capsys.readouterr().err


def test_broken_allow_list_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "hubs.toml").write_text('[[hub]]\nsite = "a"\n', encoding="utf-8")
    with pytest.raises(Exception, match="public_key"):
        load_allow_list(tmp_path / "hubs.toml")


def test_serve_needs_keys_or_insecure(tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--db", PG_URL]) == 2
    assert "--keys" in capsys.readouterr().err
    assert main(["serve", "--db", PG_URL, "--keys", str(tmp_path)]) == 2
    assert "server.key_secret" in capsys.readouterr().err
    assert main(["serve"]) == 2  # argparse: --db missing
    assert main(["serve", "--db", "nonsense://", "--insecure"]) == 2
    assert main(["serve", "--db", PG_URL, "--insecure", "--schema", "Bad-Name"]) == 2
    assert "invalid settings" in capsys.readouterr().err
    assert main(["serve", "--db", "postgresql+psycopg://postgres@127.0.0.1:1/test",
                 "--insecure", "--bind", "tcp://127.0.0.1:*"]) == 2
    assert "cannot use the database" in capsys.readouterr().err


def test_serve_runs_until_sigterm_and_stores_a_hub(tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    assert main(["keys", "--out", str(keys)]) == 0
    hub_pub, hub_sec = zmq.curve_keypair()
    assert main(["allow", "--keys", str(keys), "--site", "79-xa-nha-be",
                 "--public-key", hub_pub.decode()]) == 0
    server_pub, _ = zmq.auth.load_certificate(keys / "server.key")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    schema = f"t_cli_{uuid.uuid4().hex[:12]}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "motcua.province.cli", "serve", "--db", PG_URL, "--bind",
         f"tcp://127.0.0.1:{port}", "--keys", str(keys), "--schema", schema],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    engine = create_engine(PG_URL)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        while line and "listening" not in line:
            line = proc.stdout.readline()
        assert f"127.0.0.1:{port}" in line
        box = MemoryOutbox("79-xa-nha-be")
        box.extend(centre_day(date(2025, 7, 1), 30))
        with SyncClient(box, f"tcp://127.0.0.1:{port}", server_public_key=server_pub,
                        client_secret_key=hub_sec, client_public_key=hub_pub,
                        timeout_s=2.0, idle_poll_s=0.05) as client:
            assert client.wait_synced(30)
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
        assert proc.returncode == 0, out
        assert Store(engine, schema).seqs(box.stream_id) == list(range(1, box.last_seq() + 1))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        engine.dispose()
