"""Clip sets: generation with the real espeak-ng, the index, recorded drop-ins, bad files."""

from __future__ import annotations

import itertools
import json
import math
import struct
import unicodedata
import wave
from pathlib import Path

import pytest

from motcua.core.centre.model import Announcement
from motcua.voice.announce import CHIME, PAUSE, build_call
from motcua.voice.clips import ClipSet, default_clip_dir, generate_clips
from motcua.voice.errors import VoiceError
from motcua.voice.wav import read_wav

CALL = build_call("A025", 3, Announcement(repeats=1))


def write_tone(path: Path, *, rate: int, channels: int = 1, width: int = 2,
               seconds: float = 0.2) -> None:
    """A 440 Hz tone in any integer PCM format (what a recording program may export)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frames = bytearray()
    for i in range(round(seconds * rate)):
        value = math.sin(2 * math.pi * 440 * i / rate) * 0.5
        if width == 1:
            sample = bytes([round(128 + value * 127)])
        else:
            sample = round(value * (2 ** (8 * width - 1) - 1)).to_bytes(width, "little",
                                                                         signed=True)
        frames += sample * channels
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(bytes(frames))


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> ClipSet:
    """The clips of one announcement, made with the real espeak-ng (fast: ~10 clips)."""
    return generate_clips(tmp_path_factory.mktemp("clips"), CALL.clips)


def test_generation_makes_every_clip_of_a_call_as_mono_16_bit(generated: ClipSet) -> None:
    assert generated.missing(CALL.clips) == []
    assert set(CALL.clips) - {PAUSE} == generated.names()
    for name in generated.names():
        with wave.open(str(generated.path(name)), "rb") as w:
            assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 22050)
            seconds = w.getnframes() / w.getframerate()
        assert 0.1 < seconds < 4.0, name
        peak = max(abs(s) for s in read_wav(generated.path(name)).samples)
        assert peak > 3000, f"clip {name!r} is silent"


def test_index_maps_nfc_names_to_files(generated: ClipSet) -> None:
    index = json.loads((generated.directory / "index.json").read_text(encoding="utf-8"))
    assert index["format"] == "motcua-voice-clips" and index["sample_rate"] == 22050
    assert "mời công dân có số thứ tự" in index["clips"]
    for name, file in index["clips"].items():
        assert unicodedata.is_normalized("NFC", name)
        assert file.isascii() and (generated.directory / file).is_file()


def test_espeak_clips_are_trimmed_of_padding(generated: ClipSet) -> None:
    audio = generated.audio("ba")
    edge = round(0.005 * audio.rate)
    assert max(abs(s) for s in audio.samples[:edge]) < 330
    assert audio.duration < 0.6  # espeak's untrimmed "ba" is ~0.6 s with its padding


def test_chime_is_three_rising_tones(generated: ClipSet) -> None:
    chime = generated.audio(CHIME)
    assert 0.8 < chime.duration < 1.5

    def pitch(start: float) -> float:
        seg = chime.samples[round(start * chime.rate): round((start + 0.05) * chime.rate)]
        crossings = sum(1 for a, b in itertools.pairwise(seg) if a < 0 <= b)
        return crossings / 0.05

    first, second, third = pitch(0.05), pitch(0.29), pitch(0.53)
    assert first < second < third
    assert abs(first - 659) < 40


def test_second_generation_only_fills_gaps(generated: ClipSet) -> None:
    before = {n: generated.path(n).stat().st_mtime_ns for n in generated.names()}
    assert generated.ensure(CALL.clips) == []
    again = generate_clips(generated.directory, [*CALL.clips, "bảy"])
    assert again.missing(["bảy"]) == []
    assert {n: again.path(n).stat().st_mtime_ns for n in before} == before


def test_nfd_names_are_stored_as_nfc(tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", "mười")
    clips = generate_clips(tmp_path, [nfd])
    assert clips.names() == {"mười"}
    assert clips.audio(nfd).duration > 0.1


def test_recorded_clip_overrides_and_is_resampled(tmp_path: Path) -> None:
    folder = tmp_path / "set"
    clips = generate_clips(folder, ["ba", CHIME])
    write_tone(folder / "recorded" / "ba.wav", rate=8000, channels=2, seconds=0.5)
    write_tone(folder / "recorded" / "moi.wav", rate=44100, width=3, seconds=0.3)
    (folder / "recorded" / "index.json").write_text(
        json.dumps({"clips": {"Mời công dân có số thứ tự": "moi.wav"}}), encoding="utf-8"
    )
    clips.reload()
    assert clips.is_recorded("ba") and not clips.is_recorded(CHIME)
    assert clips.path("ba") == folder / "recorded" / "ba.wav"
    ba = clips.audio("ba")
    assert ba.rate == 22050 and abs(ba.duration - 0.5) < 0.01
    moi = clips.audio("mời công dân có số thứ tự")
    assert moi.rate == 22050 and abs(moi.duration - 0.3) < 0.01
    assert max(moi.samples) > 10000  # 24-bit samples kept their loudness


def test_recorded_file_names_may_be_nfd_or_capitalised(tmp_path: Path) -> None:
    name = unicodedata.normalize("NFD", "Đến Quầy Số")
    write_tone(tmp_path / "recorded" / f"{name}.wav", rate=22050)
    clips = ClipSet(tmp_path)
    assert clips.names() == {"đến quầy số"}
    assert clips.missing(["đến quầy số", "ba"]) == ["ba"]


def test_unusable_recording_is_refused_with_advice(tmp_path: Path) -> None:
    folder = tmp_path / "set"
    bad = folder / "recorded" / "hai.wav"
    bad.parent.mkdir(parents=True)
    # a 32-bit float WAV (format 3), as some editors export by default
    data = struct.pack("<4f", 0.0, 0.5, -0.5, 0.0)
    header = struct.pack("<4sI4s4sIHHIIHH4sI", b"RIFF", 36 + len(data), b"WAVE", b"fmt ", 16,
                         3, 1, 16000, 64000, 4, 32, b"data", len(data))
    bad.write_bytes(header + data)
    clips = ClipSet(folder)
    with pytest.raises(VoiceError, match="16-bit PCM WAV"):
        clips.audio("hai")


def test_missing_clip_and_missing_espeak_are_explained(tmp_path: Path) -> None:
    clips = ClipSet(tmp_path)
    with pytest.raises(VoiceError, match="lacks 'hai'"):
        clips.audio("hai")
    with pytest.raises(VoiceError, match=r"espeak-ng was not found.*apt-get install espeak-ng"):
        generate_clips(tmp_path, ["hai"], espeak="/nonexistent/espeak-ng")
    with pytest.raises(VoiceError, match="Không tìm thấy chương trình espeak-ng"):
        clips.ensure(["chime", "hai"], espeak="/nonexistent/espeak-ng")
    # the chime needs no espeak-ng
    assert generate_clips(tmp_path, [CHIME], espeak="/nonexistent/espeak-ng").names() == {CHIME}


def test_damaged_index_is_explained(tmp_path: Path) -> None:
    (tmp_path / "index.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(VoiceError, match="damaged"):
        ClipSet(tmp_path)


def test_default_clip_dir_follows_environment(monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: Path) -> None:
    monkeypatch.setenv("MOTCUA_VOICE_CLIPS", str(tmp_path / "v"))
    assert default_clip_dir() == tmp_path / "v"
    monkeypatch.delenv("MOTCUA_VOICE_CLIPS")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert default_clip_dir() == tmp_path / "cache" / "motcua" / "voice-clips"
