"""Rendering a call to one WAV file, measured with the wave module."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest

from motcua.core.centre.model import Announcement
from motcua.voice.announce import PAUSE, build_call
from motcua.voice.clips import ClipSet, generate_clips
from motcua.voice.errors import VoiceError
from motcua.voice.render import EDGE_SECONDS, GAP_SECONDS, PAUSE_SECONDS, render, render_audio
from motcua.voice.wav import Audio, silence, write_wav

CALL = build_call("A025", 3, Announcement(repeats=1))
TWICE = build_call("A025", 3, Announcement(repeats=2))


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> ClipSet:
    return generate_clips(tmp_path_factory.mktemp("clips"), CALL.clips)


def wav_info(path: Path) -> tuple[int, int, int, float]:
    with wave.open(str(path), "rb") as w:
        return (w.getnchannels(), w.getsampwidth(), w.getframerate(),
                w.getnframes() / w.getframerate())


def test_one_call_renders_to_a_plausible_wav(clips: ClipSet, tmp_path: Path) -> None:
    out = tmp_path / "call.wav"
    duration = render(CALL.clips, clips, out)
    channels, width, rate, seconds = wav_info(out)
    assert (channels, width, rate) == (1, 2, 22050)
    assert seconds == pytest.approx(duration)
    assert 2.0 < seconds < 15.0


def test_duration_is_the_clips_plus_gaps_and_pauses(clips: ClipSet) -> None:
    audio = render_audio(CALL.clips, clips)
    spoken = [n for n in CALL.clips if n != PAUSE]
    expected = (sum(clips.audio(n).duration for n in spoken) + 2 * EDGE_SECONDS
                + PAUSE_SECONDS + GAP_SECONDS * (len(spoken) - 2))  # no gap around the pause
    assert audio.duration == pytest.approx(expected, abs=0.001)


def test_repeats_lengthen_the_call(clips: ClipSet, tmp_path: Path) -> None:
    once = render(CALL.clips, clips, tmp_path / "once.wav")
    twice = render(TWICE.clips, clips, tmp_path / "twice.wav")
    assert 2.0 < twice < 15.0
    assert twice > once * 1.5


def test_a_recorded_clip_at_another_rate_is_rendered_at_the_set_rate(
    clips: ClipSet, tmp_path: Path
) -> None:
    folder = clips.directory
    recorded = folder / "recorded" / "ba.wav"
    write_wav(recorded, silence(0.4, 16000))
    try:
        clips.reload()
        out = tmp_path / "mixed.wav"
        render(CALL.clips, clips, out)
        assert wav_info(out)[2] == 22050
        assert clips.audio("ba") == Audio(silence(0.4, 22050).samples, 22050)
    finally:
        recorded.unlink()
        clips.reload()


def test_rendering_a_missing_clip_or_nothing_is_a_clear_error(clips: ClipSet,
                                                              tmp_path: Path) -> None:
    with pytest.raises(VoiceError, match="lacks 'chín'"):
        render(["chín"], clips, tmp_path / "x.wav")
    with pytest.raises(ValueError, match="no clips"):
        render([], clips, tmp_path / "x.wav")
    assert not (tmp_path / "x.wav").exists()
