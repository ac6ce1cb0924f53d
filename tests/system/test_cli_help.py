"""``motcua --help`` lists every command, in the summary and in the command list."""

from __future__ import annotations

import re

import pytest

from motcua import cli


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    text = capsys.readouterr().out
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if a.dest == "cmd")
    commands = set(sub.choices)  # type: ignore[arg-type]
    assert {"live", "demo", "hub", "kiosk", "report", "simulate"} <= commands
    listed = set(re.findall(r"^    (\w+)\s{2,}", text, flags=re.M))
    assert commands <= listed
    summary = text.split("positional arguments")[0]
    for name in commands:
        assert re.search(rf"\b{name}\b", summary), name
