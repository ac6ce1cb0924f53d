"""Loudness: the BS.1770 measurement on reference signals, and rendered calls at -16 LUFS."""

from __future__ import annotations

import math
import wave
from array import array
from pathlib import Path

import numpy as np
import pytest

from motcua.core.centre.model import Announcement
from motcua.voice.announce import build_call
from motcua.voice.clips import ClipSet, generate_clips
from motcua.voice.loudness import integrated_loudness, measure, normalise, true_peak_dbtp
from motcua.voice.render import render, render_audio
from motcua.voice.wav import Audio, concatenate, read_wav, silence


def tone(freq: float, dbfs: float, seconds: float, rate: int, phase: float = 0.0) -> Audio:
    t = np.arange(round(seconds * rate)) / rate
    x = 10 ** (dbfs / 20) * np.sin(2 * np.pi * freq * t + phase)
    return Audio(array("h", np.round(x * 32767).astype("<i2").tobytes()), rate)


@pytest.mark.parametrize("rate", [48000, 44100, 22050, 16000])
def test_a_1khz_sine_reads_as_the_standard_says(rate: int) -> None:
    # BS.1770: a 1 kHz sine in one channel reads 3.01 dB below its peak level.
    assert integrated_loudness(tone(1000, -20, 3, rate)) == pytest.approx(-23.01, abs=0.06)
    assert integrated_loudness(tone(1000, -10, 3, rate)) == pytest.approx(-13.01, abs=0.06)


def test_k_weighting_lifts_highs_and_cuts_lows() -> None:
    rate = 48000
    assert integrated_loudness(tone(4000, -20, 2, rate)) > -23.01 + 3  # the +4 dB shelf
    assert integrated_loudness(tone(20, -20, 2, rate)) < -23.01 - 6  # the high-pass


def test_gating_ignores_silence_between_calls() -> None:
    rate = 22050
    speech = tone(1000, -20, 10, rate)
    padded = concatenate([silence(10, rate), speech, silence(20, rate)])
    # Only the few blocks that straddle an edge count a little silence: -0.13 LU here,
    # where an ungated mean over the 40 s would read 6 LU lower.
    assert integrated_loudness(padded) == pytest.approx(integrated_loudness(speech), abs=0.2)
    assert integrated_loudness(silence(2, rate)) == -math.inf


def test_true_peak_sees_between_the_samples() -> None:
    # fs/4 at 45 degrees: every sample sits at 0.707 of the wave's real peak.
    rate = 48000
    t = np.arange(rate) / rate
    fade = np.minimum(1.0, np.minimum(t, t[::-1]) / 0.02)  # no click at either end
    x = 10 ** (-1 / 20) * np.sin(2 * np.pi * rate / 4 * t + math.pi / 4) * fade
    audio = Audio(array("h", np.round(x * 32767).astype("<i2").tobytes()), rate)
    found = measure(audio)
    assert found.sample_peak == pytest.approx(-1 - 3.01, abs=0.05)
    assert found.true_peak == pytest.approx(-1, abs=0.1)
    assert true_peak_dbtp(silence(1, rate)) == -math.inf


def test_normalise_reaches_the_target_under_the_ceiling() -> None:
    rate = 22050
    quiet = tone(440, -35, 2, rate)
    out = normalise(quiet)
    assert measure(out).lufs == pytest.approx(-16, abs=0.3)
    assert measure(out).true_peak <= -1.0
    # a peaky call (short loud bursts over a quiet voice) is limited, not turned down
    # as a whole
    x = np.asarray(tone(440, -30, 4, rate).samples, dtype=np.float64)
    burst = np.asarray(tone(880, -3, 0.02, rate).samples, dtype=np.float64)
    for start in range(0, x.size - burst.size, rate // 2):
        x[start : start + burst.size] += burst
    peaky = Audio(array("h", np.clip(x, -32768, 32767).astype("<i2").tobytes()), rate)
    assert measure(peaky).true_peak - measure(peaky).lufs > 15  # far above -16 + 15
    found = measure(normalise(peaky))
    assert found.lufs == pytest.approx(-16, abs=0.5) and found.true_peak <= -1.0
    assert normalise(silence(1, rate)).samples == silence(1, rate).samples


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> ClipSet:
    calls = [build_call(n, c, Announcement(repeats=1)) for n, c in (("A025", 3), ("N199", 12))]
    return generate_clips(tmp_path_factory.mktemp("clips"), [c for x in calls for c in x.clips])


@pytest.mark.parametrize(("number", "counter"), [("A025", 3), ("N199", 12)])
def test_rendered_calls_are_at_minus_16_lufs_and_under_minus_1_dbtp(
    clips: ClipSet, tmp_path: Path, number: str, counter: int
) -> None:
    call = build_call(number, counter, Announcement(repeats=1))
    raw = measure(render_audio(call.clips, clips, loudness=None))
    out = tmp_path / "call.wav"
    render(call.clips, clips, out)
    with wave.open(str(out), "rb") as w:
        assert (w.getnchannels(), w.getsampwidth()) == (1, 2)
    found = measure(read_wav(out))
    assert found.lufs == pytest.approx(-16.0, abs=0.5)
    assert found.true_peak <= -1.0
    assert raw.true_peak > found.true_peak  # espeak-ng's own level peaked near clipping
