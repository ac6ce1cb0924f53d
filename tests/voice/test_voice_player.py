"""The queued announcer: order, no overlap, recall, no sound device, failures."""

from __future__ import annotations

import itertools
import logging
import math
import stat
import threading
from array import array
from pathlib import Path

import pytest

from motcua.core.centre.model import Announcement
from motcua.voice.announce import all_clip_names
from motcua.voice.clips import ClipSet
from motcua.voice.errors import VoiceError
from motcua.voice.player import Announcer, CommandSink, SilentSink, Sink, detect_sink
from motcua.voice.wav import Audio, write_wav
from tests.support.twins import SpeakerTwin


def tone(seconds: float, freq: float, rate: int = 16000) -> Audio:
    count = round(seconds * rate)
    return Audio(array("h", (round(8000 * math.sin(2 * math.pi * freq * i / rate))
                             for i in range(count))), rate)


@pytest.fixture(scope="module")
def clip_set(tmp_path_factory: pytest.TempPathFactory) -> ClipSet:
    """A recorded clip set (short tones, one per name): no espeak-ng needed here."""
    folder = tmp_path_factory.mktemp("recorded-set")
    for i, name in enumerate(all_clip_names()):
        write_wav(folder / "recorded" / f"{name}.wav", tone(0.05, 300 + 10 * i))
    return ClipSet(folder)


def make(clip_set: ClipSet, sink: Sink, keep_wavs: Path | None = None) -> Announcer:
    return Announcer(clip_set, Announcement(repeats=1), sink=sink, generate_missing=False,
                     keep_wavs=keep_wavs)


def test_calls_are_played_in_order_without_overlap(clip_set: ClipSet) -> None:
    sink = SpeakerTwin(hold=0.03)
    with make(clip_set, sink) as announcer:
        labels = [f"A{n:03d}" for n in range(1, 7)]
        for n, label in enumerate(labels):
            announcer.announce(label, n % 3 + 1)  # returns at once: queued
        assert announcer.wait_idle(10)
        played = announcer.played
    assert [p.call.number_label for p in played] == labels
    assert sink.max_active == 1
    for before, after in itertools.pairwise(played):
        assert before.ended_at <= after.started_at
    for (_, start, end, _), record in zip(sink.events, played, strict=True):
        assert record.started_at <= start < end <= record.ended_at
    assert all(p.audible and p.error is None and p.duration > 0.3 for p in played)


def test_calls_from_many_threads_never_overlap(clip_set: ClipSet) -> None:
    sink = SpeakerTwin(hold=0.01)
    with make(clip_set, sink) as announcer:
        def officer(counter: int) -> None:
            for n in range(4):
                announcer.announce(f"B{counter}{n}", counter)

        threads = [threading.Thread(target=officer, args=(c,)) for c in range(1, 5)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert announcer.wait_idle(10)
        played = announcer.played
    assert len(played) == 16 and sink.max_active == 1
    spans = sorted((p.started_at, p.ended_at) for p in played)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in itertools.pairwise(spans))
    # each officer's own calls keep their order
    for counter in range(1, 5):
        mine = [p.call.number_label for p in played if p.call.counter == str(counter)]
        assert mine == [f"B{counter}{n}" for n in range(4)]


def test_a_recall_is_announced_again(clip_set: ClipSet) -> None:
    with make(clip_set, SpeakerTwin(hold=0)) as announcer:
        first = announcer.announce("A025", 3)
        again = announcer.announce("A025", 3, recall=True)
        assert announcer.wait_idle(10)
        played = announcer.played
    assert [p.recall for p in played] == [False, True]
    assert first.clips == again.clips == played[1].call.clips
    assert played[1].call.text == "Mời công dân có số thứ tự a hai mươi lăm đến quầy số ba"


def test_without_a_sound_device_calls_are_still_rendered_and_logged_once(
    clip_set: ClipSet, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="motcua.voice.player")
    with make(clip_set, SilentSink("test"), keep_wavs=tmp_path) as announcer:
        for n in range(3):
            announcer.announce(f"C{n}", 2)
        assert announcer.wait_idle(10)
        played = announcer.played
    assert [p.call.number_label for p in played] == ["C0", "C1", "C2"]
    assert not any(p.audible for p in played)
    assert all(p.wav is not None and p.wav.is_file() for p in played)
    warnings = [r for r in caplog.records if "No sound device" in r.getMessage()]
    assert len(warnings) == 1


def test_a_failing_call_is_recorded_and_the_next_one_still_plays(tmp_path: Path) -> None:
    empty = ClipSet(tmp_path / "empty")
    sink = SpeakerTwin(hold=0)
    with make(empty, sink) as announcer:
        announcer.announce("A1", 1)
        assert announcer.wait_idle(10)
        write_wav(tmp_path / "empty" / "recorded" / "chime.wav", tone(0.1, 500))
        for name in ("mời công dân có số thứ tự", "a", "một", "đến quầy số"):
            write_wav(tmp_path / "empty" / "recorded" / f"{name}.wav", tone(0.05, 400))
        empty.reload()
        announcer.announce("A1", 1)
        assert announcer.wait_idle(10)
        played = announcer.played
    assert played[0].error is not None and "lacks" in played[0].error
    assert not played[0].audible
    assert played[1].error is None and played[1].audible


def test_bad_ticket_numbers_fail_in_the_callers_thread(clip_set: ClipSet) -> None:
    with make(clip_set, SpeakerTwin(hold=0)) as announcer:
        with pytest.raises(ValueError, match="cannot be read"):
            announcer.announce("A?1", 1)
        assert announcer.played == []


def test_closed_announcer_refuses_calls_and_close_can_drop_the_queue(clip_set: ClipSet) -> None:
    sink = SpeakerTwin(hold=0.05)
    announcer = make(clip_set, sink)
    for n in range(5):
        announcer.announce(f"D{n}", 1)
    announcer.close(drain=False)
    assert len(announcer.played) < 5
    with pytest.raises(VoiceError, match="closed"):
        announcer.announce("D9", 1)
    announcer.close()  # twice is fine


def test_command_sink_plays_through_a_player_program(tmp_path: Path,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    log = tmp_path / "played.txt"
    player = tmp_path / "player"
    player.write_text(f'#!/bin/sh\necho "$1" >> {log}\n', encoding="utf-8")
    player.chmod(player.stat().st_mode | stat.S_IEXEC)
    wav = tmp_path / "x.wav"
    write_wav(wav, tone(0.1, 440))
    assert CommandSink([str(player)]).play(wav, 0.1)
    assert log.read_text(encoding="utf-8").split() == [str(wav)]

    broken = tmp_path / "broken"
    broken.write_text("#!/bin/sh\necho 'no device' >&2\nexit 1\n", encoding="utf-8")
    broken.chmod(broken.stat().st_mode | stat.S_IEXEC)
    caplog.set_level(logging.WARNING, logger="motcua.voice.player")
    sink = CommandSink([str(broken)])
    assert not sink.play(wav, 0.1)
    assert not sink.play(wav, 0.1)
    assert len([r for r in caplog.records if "could not play" in r.getMessage()]) == 1


def test_detect_sink_without_any_device_is_silent(monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path) -> None:
    monkeypatch.setenv("MOTCUA_AUDIO", "none")
    assert isinstance(detect_sink(), SilentSink)
    monkeypatch.delenv("MOTCUA_AUDIO")
    monkeypatch.delenv("PULSE_SERVER", raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path))  # no paplay, pw-play or aplay here
    assert isinstance(detect_sink(), SilentSink)
