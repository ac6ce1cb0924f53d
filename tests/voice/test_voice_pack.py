"""Voice packs: what a centre needs, the shipped espeak-ng pack end to end, fallback to
espeak-ng for a missing word, recording from a folder and from a (stand-in) microphone."""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from motcua.core.centre.model import Announcement, Centre
from motcua.paths import ESPEAK_PACK
from motcua.voice.announce import CHIME, PAUSE, build_call
from motcua.voice.cli import main
from motcua.voice.clips import ClipSet
from motcua.voice.loudness import measure
from motcua.voice.pack import (
    CLIP_LUFS,
    ClipProblem,
    VoicePack,
    check_clip,
    create_pack,
    pack_report,
    required_clips,
)
from motcua.voice.player import Announcer, PlayedCall
from motcua.voice.record import Recorder, find_source_file, record_pack
from motcua.voice.render import render_audio
from motcua.voice.wav import Audio, concatenate, read_wav, silence, write_wav


def tone(seconds: float, dbfs: float = -12, freq: float = 220, rate: int = 16000) -> Audio:
    """A voice stand-in: a tone with a little vibrato, at a given peak level."""
    t = np.arange(round(seconds * rate)) / rate
    x = 10 ** (dbfs / 20) * np.sin(2 * np.pi * freq * t + 3 * np.sin(2 * np.pi * 5 * t))
    from array import array

    ints = np.clip(np.round(x * 32767), -32768, 32767).astype("<i2")  # as a sound card clips
    return Audio(array("h", ints.tobytes()), rate)


class Sink:
    name = "test"

    def __init__(self) -> None:
        self.played: list[Path] = []

    def play(self, wav: Path, duration: float) -> bool:
        self.played.append(wav)
        return True


def test_required_clips_follow_the_centre(centre: Centre) -> None:
    needed = required_clips(centre)
    assert centre.announcement.south  # the sample centre reads the southern way
    for phrase in ("mời công dân có số thứ tự", "đến quầy số", CHIME):
        assert phrase in needed
    for syllable in ("một", "mười", "mươi", "mốt", "lăm", "trăm", "lẻ", "bốn"):
        assert syllable in needed
    # southern reading, numbers up to the largest daily cap (200): no "tư", "linh", "nghìn"
    assert not {"tư", "linh", "nghìn", "ngàn"} & set(needed)
    for f in centre.fields:
        assert build_call(f"{f.prefix}001", 1).clips[3] in needed  # each prefix's name
    assert PAUSE not in needed and len(needed) == len(set(needed))
    north = required_clips(centre, Announcement(south=False))
    assert {"tư", "linh"} <= set(north) and "lẻ" not in north


def test_the_shipped_pack_is_complete_for_the_sample_centre(centre: Centre) -> None:
    pack = VoicePack.load(ESPEAK_PACK)
    assert pack.source == "espeak-ng" and pack.dialect == "south"
    report = pack_report(pack, required_clips(centre))
    assert report.complete, report.missing
    for name in pack.names() - {CHIME}:
        audio = read_wav(pack.path(name))  # type: ignore[arg-type]
        assert audio.rate == pack.sample_rate
        assert measure(audio).lufs == pytest.approx(CLIP_LUFS, abs=0.5), name


def test_a_complete_pack_speaks_every_call_without_espeak(
    centre: Centre, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")  # espeak-ng cannot be found: not needed
    sink = Sink()
    settings = replace(centre.announcement, repeats=1)
    with Announcer(tmp_path / "cache", settings, sink=sink,
                   pack=ESPEAK_PACK, keep_wavs=tmp_path / "calls") as announcer:
        for number, counter in (("A025", 3), ("N199", 6), ("E104", 1)):
            announcer.announce(number, counter)
        assert announcer.wait_idle(30)
        played: list[PlayedCall] = announcer.played
    assert [p.error for p in played] == [None, None, None]
    assert all(announcer.clip_set.from_pack(c) for p in played for c in p.call.clips
               if c != PAUSE)
    assert "bốn" in played[2].call.text  # 104 in the south: "một trăm lẻ bốn"
    for p in played:
        assert p.wav is not None
        found = measure(read_wav(p.wav))
        assert found.lufs == pytest.approx(-16, abs=0.5) and found.true_peak <= -1.0


def test_a_word_missing_from_the_pack_falls_back_to_espeak(centre: Centre, tmp_path: Path,
                                                          ) -> None:
    folder = tmp_path / "pack"
    shutil.copytree(ESPEAK_PACK, folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    del manifest["clips"]["bê"]
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False),
                                          encoding="utf-8")
    clips = ClipSet(tmp_path / "cache", pack=folder)
    call = build_call("B007", 2, centre.announcement)
    assert clips.missing(call.clips) == ["bê"]
    assert clips.ensure(call.clips) == ["bê"]  # only that word is generated
    assert not clips.from_pack("bê") and clips.from_pack("bảy")
    # the stand-in word is levelled like the pack's clips
    assert measure(clips.audio("bê")).lufs == pytest.approx(CLIP_LUFS, abs=0.5)
    audio = render_audio(call.clips, clips)
    assert measure(audio).lufs == pytest.approx(-16, abs=0.5)


def test_check_clip_trims_silence_and_levels() -> None:
    rate = 16000
    noisy = silence(0.8, rate)
    noise = np.random.default_rng(1).normal(0, 30, len(noisy.samples)).astype("<i2")
    from array import array

    hum = Audio(array("h", noise.tobytes()), rate)
    take = concatenate([hum, tone(0.5, -12), hum])
    out = check_clip("hai", take)
    assert 0.5 <= out.duration <= 0.5 + 2 * 0.03 + 0.02
    assert measure(out).lufs == pytest.approx(CLIP_LUFS, abs=0.3)


@pytest.mark.parametrize(("audio", "reason"), [
    (silence(1, 16000), "silent"),
    (tone(1, -40), "too quiet"),
    (tone(1, 6), "clipped"),
    (tone(0.03, -12), "too short"),
    (tone(7, -12), "too long"),
])
def test_unusable_takes_are_refused_with_the_reason(audio: Audio, reason: str) -> None:
    with pytest.raises(ClipProblem, match=reason):
        check_clip("hai", audio)


def test_record_from_a_folder_reports_what_is_missing(tmp_path: Path) -> None:
    source = tmp_path / "wavs"
    write_wav(source / "hai mươi.wav", tone(0.6))
    write_wav(source / "Mot.wav", tone(0.4))  # folded ASCII names are found too
    write_wav(source / "ba.wav", tone(0.4, -45))  # too quiet: refused, reported missing
    pack = create_pack(tmp_path / "pack", name="chị Lan")
    said: list[str] = []
    report = record_pack(pack, ["hai mươi", "một", "ba", "bốn"], source=source,
                         say=said.append)
    assert report.present == ["hai mươi", "một"]
    assert report.missing == ["ba", "bốn"]
    assert any("too quiet" in line for line in said)
    assert any("no file" in line for line in said)
    assert find_source_file(source, "bốn") is None
    again = VoicePack.load(tmp_path / "pack")
    assert again.names() == {"hai mươi", "một"} and again.name == "chị Lan"


RECORDER = """
import sys, wave, math
out, seconds, rate = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
level = float(open(sys.argv[4]).read().split()[0])
lines = open(sys.argv[4]).read().split()[1:]
open(sys.argv[4], "w").write(" ".join(lines))
with wave.open(out, "wb") as w:
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(rate)
    frames = bytearray()
    for i in range(int(seconds * rate)):
        voiced = 0.5 < i / rate < 1.2
        v = level * math.sin(2 * math.pi * 220 * i / rate) if voiced else 0.0
        frames += int(max(-32768, min(32767, v * 32767))).to_bytes(2, "little", signed=True)
    w.writeframes(bytes(frames))
"""


def test_record_from_the_microphone_guides_and_retakes(tmp_path: Path) -> None:
    """A stand-in for arecord writes what a microphone would: first take too loud."""
    script = tmp_path / "rec.py"
    script.write_text(RECORDER, encoding="utf-8")
    levels = tmp_path / "levels"
    levels.write_text("1.5 0.3 0.3", encoding="utf-8")  # clipped take, then two good ones
    recorder = Recorder(f"{sys.executable} {script} {{file}} {{seconds}} {{rate}} {levels}")
    answers = iter(["", "", "", "q"])
    prompts: list[str] = []

    def ask(prompt: str) -> str:
        prompts.append(prompt)
        return next(answers)

    said: list[str] = []
    pack = create_pack(tmp_path / "pack")
    report = record_pack(pack, ["mời công dân có số thứ tự", "hai", "ba"], recorder=recorder,
                         ask=ask, say=said.append)
    assert report.present == ["mời công dân có số thứ tự", "hai"]
    assert report.missing == ["ba"]  # the person quit before it
    assert "«mời công dân có số thứ tự»" in prompts[0]
    assert any("clipped" in line for line in said)  # the first take was refused
    assert 0.7 < read_wav(pack.path("hai")).duration < 0.8  # type: ignore[arg-type]


def test_record_cli_check_and_render_with_the_pack(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["record", "--pack", str(tmp_path / "new"), "--check"]) == 1
    out = capsys.readouterr().out
    assert "0/29" in out and "missing: mời công dân có số thứ tự" in out
    assert main(["record", "--pack", str(ESPEAK_PACK), "--check"]) == 0
    wav = tmp_path / "call.wav"
    assert main(["render", "--number", "A024", "--counter", "3", "--south", "-o", str(wav),
                 "--pack", str(ESPEAK_PACK), "--clips", str(tmp_path / "cache")]) == 0
    assert "hai mươi bốn" in capsys.readouterr().out
    assert measure(read_wav(wav)).lufs == pytest.approx(-16, abs=0.5)
    assert not (tmp_path / "cache" / "gen").exists()  # nothing needed espeak-ng


def test_a_folder_without_manifest_is_not_a_pack(tmp_path: Path) -> None:
    from motcua.voice.errors import VoiceError

    with pytest.raises(VoiceError, match="not a voice pack"):
        VoicePack.load(tmp_path)
    (tmp_path / "manifest.json").write_text("{}", encoding="utf-8")
    with pytest.raises(VoiceError, match="damaged"):
        VoicePack.load(tmp_path)


def test_record_cli_imports_a_folder_and_says_what_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "wavs"
    write_wav(source / "đến quầy số.wav", tone(1.0))
    write_wav(source / "moi-cong-dan-co-so-thu-tu.wav", tone(1.5))  # folded name
    pack = tmp_path / "pack"
    assert main(["record", "--pack", str(pack), "--from-folder", str(source),
                 "--name", "chị Lan"]) == 1  # not complete yet: exit 1
    out = capsys.readouterr().out
    assert "«đến quầy số» ← đến quầy số.wav" in out
    assert "still missing 27 clips" in out
    loaded = VoicePack.load(pack)
    assert loaded.names() == {"đến quầy số", "mời công dân có số thứ tự"}
    assert loaded.dialect == "south" and loaded.name == "chị Lan"
    assert main(["record", "--pack", str(pack), "--from-folder", str(tmp_path / "none")]) == 2
