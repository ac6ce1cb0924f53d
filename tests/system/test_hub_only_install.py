"""A hub-only install (``pip install 'motcua[hub]'`` in a fresh venv) runs the hub without Qt.

The wheel is built from this tree with the development environment's setuptools (no
network, no build isolation), then installed with its ``hub`` extra into a new virtual
environment of the same Python; pip resolves pyzmq, SQLAlchemy, alembic and tzdata from
its cache. That environment must not contain PySide6 (nor plotting, serial or PostgreSQL
drivers), ``motcua hub`` must answer a ping, and a program of another box must name the
extra it needs instead of failing with a traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from motcua.link.client import HubClient
from tests.support.hubs import ROOT, HubProcess, free_port

# pip resolves the hub's dependencies from its cache and index: minutes on a busy machine.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

def _plain_python() -> Path:
    """A plain CPython 3.12+ (not the development venv) to make the fresh environment from:
    ``MOTCUA_TEST_PYTHON``, else pyenv's 3.12.1, else the interpreter the venv was made from."""
    for candidate in (os.environ.get("MOTCUA_TEST_PYTHON"),
                      "/root/.pyenv/versions/3.12.1/bin/python",
                      str(Path(sys.base_prefix) / "bin" / "python3")):
        if candidate and Path(candidate).exists():
            return Path(candidate)
    raise AssertionError("no plain Python 3.12 found (set MOTCUA_TEST_PYTHON)")


PYTHON = _plain_python()


def _run(*cmd: str | Path, timeout: float = 600) -> str:
    done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True,
                          timeout=timeout, env={k: v for k, v in os.environ.items()
                                                if k not in ("PYTHONPATH", "VIRTUAL_ENV")})
    assert done.returncode == 0, f"{cmd}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_a_hub_only_install_starts_the_hub_without_qt(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", wheels, ROOT)
    (wheel,) = wheels.glob("motcua-*.whl")
    venv = tmp_path / "hub-venv"
    _run(PYTHON, "-m", "venv", venv)
    _run(venv / "bin" / "python", "-m", "pip", "install", "-q", "--disable-pip-version-check",
         f"motcua[hub] @ {wheel.as_uri()}")
    installed = _run(venv / "bin" / "python", "-m", "pip", "list", "--format=freeze").lower()
    for absent in ("pyside6", "matplotlib", "numpy", "openpyxl", "pyserial", "psycopg",
                   "python-escpos"):
        assert f"{absent}==" not in installed, f"{absent} came with motcua[hub]"
    assert "pyzmq==" in installed and "sqlalchemy==" in installed

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    cp, ep = free_port(), free_port()
    with HubProcess(tmp_path / "data", cp, ep, program=[str(venv / "bin" / "motcua")],
                    env=env) as hub, HubClient(hub.command, "kiosk-1") as kiosk:
        assert kiosk.request("ping", {})["role"] == "kiosk"
        assert hub.terminate() == 0

    kiosk_box = subprocess.run([str(venv / "bin" / "motcua"), "kiosk", "--windowed"],
                               capture_output=True, text=True, timeout=60, env=env)
    assert kiosk_box.returncode == 3
    assert "pip install 'motcua[kiosk]'" in kiosk_box.stderr, kiosk_box.stderr
