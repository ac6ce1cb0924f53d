"""A program that cannot start says why in words and exits non-zero, without a traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from tests.support.hubs import ROOT, free_port


def _motcua(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    return subprocess.run([sys.executable, "-m", "motcua.cli", *args], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=60)


def _clean_failure(done: subprocess.CompletedProcess[str], *words: str) -> None:
    assert done.returncode != 0
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout, done.stderr
    for w in words:
        assert w in done.stderr, done.stderr


def test_a_port_already_in_use(tmp_path: Path) -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    try:
        done = _motcua("hub", "--data", str(tmp_path), "--command-port", str(port),
                       "--event-port", str(free_port()), cwd=tmp_path)
    finally:
        taken.close()
    _clean_failure(done, "Cổng mạng đang được", "Address already in use", str(port))


def test_a_database_folder_that_does_not_exist(tmp_path: Path) -> None:
    db = tmp_path / "missing" / "folder" / "hub.sqlite"
    done = _motcua("hub", "--data", str(tmp_path), "--db", f"sqlite:///{db}", cwd=tmp_path)
    _clean_failure(done, "Không mở được cơ sở dữ liệu", "Cannot open the database", str(db))


def test_a_data_folder_that_cannot_be_made(tmp_path: Path) -> None:
    done = _motcua("hub", "--data", "/proc/nope", cwd=tmp_path)
    _clean_failure(done, "Không mở hoặc tạo được", "/proc/nope", "--data")


def test_other_programs_too_the_provincial_server_on_a_taken_port(tmp_path: Path) -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    try:
        done = _motcua("province", "serve", "--db", "postgresql+psycopg://postgres@127.0.0.1/test",
                       "--bind", f"tcp://127.0.0.1:{port}", "--insecure", cwd=tmp_path)
    finally:
        taken.close()
    _clean_failure(done, "Address already in use")
