"""``motcua voice``: words, render and clips subcommands."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest

from motcua.voice.announce import all_clip_names
from motcua.voice.cli import main
from motcua.voice.clips import ClipSet


def test_words(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["words", "1025"]) == 0
    assert main(["voice", "words", "1025", "--south"]) == 0
    assert main(["words", "A025", "--digits"]) == 0
    assert main(["words", "24", "--bon"]) == 0
    assert main(["words", "025", "--digits"]) == 0
    assert main(["words", "24", "--south"]) == 0
    assert main(["words", "24", "--south", "--tu"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "một nghìn không trăm hai mươi lăm",
        "một ngàn không trăm hai mươi lăm",
        "a không hai năm",
        "hai mươi bốn",
        "không hai năm",
        "hai mươi bốn",
        "hai mươi tư",
    ]


@pytest.mark.parametrize(("value", "message"), [
    ("-5", "never negative"),
    ("+5", "never negative"),
    ("abc%", "cannot be read"),
    ("%%", "nothing to read"),
    ("1" * 19, "number too long"),
    ("A" + "1" * 20, "ticket number too long"),
    ("", "empty ticket number"),
])
def test_invalid_values_are_refused_with_a_message(
    value: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["words", value]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # nothing is read out
    assert message in captured.err
    assert "Dữ liệu không hợp lệ" in captured.err


def test_bad_input_is_explained_with_status_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["words", "A%1"]) == 2
    assert "cannot be read" in capsys.readouterr().err
    assert main(["render", "--number", "A1"]) == 2  # argparse: --counter and -o missing
    assert main([]) == 2


def test_render_generates_missing_clips_on_first_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MOTCUA_VOICE_CLIPS", str(tmp_path / "cache"))
    out = tmp_path / "call.wav"
    assert main(["render", "--number", "A025", "--counter", "3", "-o", str(out),
                 "--repeats", "1"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "Mời công dân có số thứ tự a hai mươi lăm đến quầy số ba"
    assert printed[1].startswith("chime | pause | mời công dân có số thứ tự | a | hai")
    with wave.open(str(out), "rb") as w:
        assert 2.0 < w.getnframes() / w.getframerate() < 15.0
    assert ClipSet(tmp_path / "cache").missing(["hai", "mươi", "lăm", "ba"]) == []


def test_render_with_a_clip_dir_and_options(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "call.wav"
    assert main(["render", "--number", "1005", "--counter", "01", "-o", str(out), "--south",
                 "--no-chime", "--repeats", "1", "--clips", str(tmp_path / "set")]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "Mời công dân có số thứ tự một ngàn không trăm lẻ năm đến quầy số một"
    assert "chime" not in printed[1]


def test_missing_espeak_is_reported_with_status_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # espeak-ng cannot be found
    code = main(["render", "--number", "A1", "--counter", "1", "-o", str(tmp_path / "x.wav"),
                 "--clips", str(tmp_path / "set")])
    assert code == 1
    assert "apt-get install espeak-ng" in capsys.readouterr().err


def test_clips_generates_the_default_set(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clips", "--out", str(tmp_path / "set")]) == 0
    assert ClipSet(tmp_path / "set").missing(all_clip_names()) == []
    assert f"{len(all_clip_names())} clips" in capsys.readouterr().out
