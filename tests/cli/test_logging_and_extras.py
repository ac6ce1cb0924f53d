"""One logging set-up, quiet by default; a box without a program's extra is told which."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from motcua import extras
from motcua.logs import level_for, logging_config, split_verbosity
from tests.support.hubs import HubProcess, free_port


def test_verbosity_flags_and_levels() -> None:
    assert split_verbosity(["-v", "kiosk", "--windowed"]) == (1, ["kiosk", "--windowed"])
    assert split_verbosity(["-vv", "hub"]) == (2, ["hub"])
    assert split_verbosity(["hub", "-v"]) == (0, ["hub", "-v"])  # the program's own flag
    assert [level_for(n) for n in (0, 1, 2, 5)] == \
        [logging.WARNING, logging.INFO, logging.DEBUG, logging.DEBUG]
    config = logging_config(0)
    assert config["loggers"]["motcua"]["level"] == "WARNING"
    assert config["root"]["level"] == "WARNING"  # libraries stay quiet even with -vv


def test_the_hub_is_quiet_by_default_and_tells_more_with_v(tmp_path: Path) -> None:
    quiet = HubProcess(tmp_path / "quiet", free_port(), free_port())
    assert quiet.terminate() == 0
    text = quiet.output.text()
    assert "WARNING motcua.hub.server: hub running WITHOUT CURVE" in text  # warnings: yes
    assert " INFO " not in text  # what it does: only with -v

    loud = HubProcess(tmp_path / "loud", free_port(), free_port(), global_args=["-v"])
    assert loud.terminate() == 0
    assert "INFO motcua.hub.server: hub serving commands on" in loud.output.text()
    assert " DEBUG " not in loud.output.text()


def test_a_missing_extra_is_named(monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    import importlib

    from motcua.cli import main

    real = importlib.import_module

    def no_qt(name: str, package: str | None = None) -> object:
        if name == "motcua.kiosk.app":
            raise ModuleNotFoundError("No module named 'PySide6'", name="PySide6")
        return real(name, package)

    monkeypatch.setattr(importlib, "import_module", no_qt)
    assert main(["kiosk", "--windowed"]) == 3
    err = capsys.readouterr().err
    assert "pip install 'motcua[kiosk]'" in err and "PySide6" in err
    assert "cần gói PySide6" in err


def test_every_program_has_an_extra_declared_in_pyproject() -> None:
    import tomllib

    from motcua.cli import DELEGATED
    from tests.support.hubs import ROOT

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    names = set(declared["project"]["optional-dependencies"])
    for program in [*DELEGATED, "hub", "demo"]:
        assert extras.EXTRA_OF_PROGRAM[program] in names, program


def test_a_bug_is_not_mistaken_for_a_missing_extra() -> None:
    assert extras.missing_extra("kiosk", ModuleNotFoundError(name="motcua.kiosk.nope")) is None
    assert "motcua[reports]" in (extras.missing_extra(
        "report", ModuleNotFoundError(name="matplotlib.pyplot")) or "")
