"""``motcua rating``: options, bad input in words, headless and tablet runs."""

from __future__ import annotations

import signal
from typing import Any

import pytest

from motcua.rating.app import main
from motcua.rating.virtual_box import VirtualRatingBox


def hub_args(hub: Any) -> list[str]:
    return ["--hub", "127.0.0.1", "--command-port", hub.command.rsplit(":", 1)[1],
            "--event-port", hub.events.rsplit(":", 1)[1]]


@pytest.mark.parametrize(("argv", "words"), [
    (["--counter", "0"], "số quầy phải từ 1 đến 99"),
    (["--counter", "1", "--headless"], "cần --box"),
    (["--counter", "1", "--baud", "0", "--box", "/dev/null"], "tốc độ cổng"),
])
def test_bad_options_are_refused_in_words(argv: list[str], words: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert words in capsys.readouterr().err


def test_a_missing_counter_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "--counter" in capsys.readouterr().err


def test_headless_box_bridge_runs_and_reports_the_box(hub: Any,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    before = signal.getsignal(signal.SIGINT)
    with VirtualRatingBox(counter=3) as twin:
        code = main([*hub_args(hub), "--counter", "3", "--box", twin.path, "--headless",
                     "--seconds", "2"])
    assert code == 0
    assert signal.getsignal(signal.SIGINT) is before  # handlers given back
    assert "Thống kê / stats" in capsys.readouterr().out
    status = hub.server.engine.state.devices["rating-3"]
    assert status["status"] == "disconnected" and "quầy 3" in status["detail_vi"]


def test_tablet_runs_windowed_for_a_while(hub: Any, qapp: Any) -> None:
    assert main([*hub_args(hub), "--counter", "2", "--windowed", "--seconds", "1.5"]) == 0
    assert "rating-2" in hub.server._presence
