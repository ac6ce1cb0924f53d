"""``motcua display``: options, errors in words, and the screenshot mode against a hub."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from motcua import cli
from motcua.display.app import build_parser, main, parse_size


def _hub_args(hub) -> list[str]:  # type: ignore[no-untyped-def]
    return ["--command-port", hub.command.rsplit(":", 1)[1],
            "--event-port", hub.events.rsplit(":", 1)[1]]


def test_options() -> None:
    args = build_parser().parse_args([])
    assert (args.device, args.counter, args.voice, args.windowed) == (
        "display-hall", None, None, False)
    args = build_parser().parse_args(["--counter", "3", "--voice", "--hub", "10.0.0.2"])
    assert (args.counter, args.voice, args.hub) == (3, True, "10.0.0.2")
    assert build_parser().parse_args(["--no-voice"]).voice is False
    assert "display" in cli.DELEGATED and cli.DELEGATED["display"][0] == "motcua.display.app"


def test_bad_options_are_refused_in_words(capsys: pytest.CaptureFixture[str]) -> None:
    assert parse_size("1280x720") == (1280, 720)
    with pytest.raises(ValueError, match="Kích thước không hợp lệ"):
        parse_size("big")
    for argv in (["--counter", "0"], ["--size", "huge"], ["--voice", "--no-voice"]):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 2
    assert "--counter" in capsys.readouterr().err


def test_missing_keys_are_a_clear_error(tmp_path, capsys, qapp) -> None:  # type: ignore[no-untyped-def]
    assert main(["--keys", str(tmp_path), "--no-voice"]) == 2
    assert "Không đọc được khoá" in capsys.readouterr().err


def test_screenshots_of_the_hall_and_a_counter_board(hub, tmp_path: Path, qapp) -> None:  # type: ignore[no-untyped-def]
    desk = hub.client("counter-2")
    desk.request("counter.open", {"officer": "cb02"})
    label = hub.client("kiosk-1").request("ticket.take", {"field": "C"})["ticket"]["label"]
    desk.request("counter.call_next", {})
    hall = tmp_path / "hall.png"
    assert main([*_hub_args(hub), "--no-voice", "--screenshot", str(hall)]) == 0
    image = QImage(str(hall))
    assert (image.width(), image.height()) == (1920, 1080)
    board = tmp_path / "counter.png"
    assert main([*_hub_args(hub), "--counter", "2", "--size", "800x480",
                 "--screenshot", str(board)]) == 0
    assert (QImage(str(board)).width(), QImage(str(board)).height()) == (800, 480)
    assert label == "C001"
