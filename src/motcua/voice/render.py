"""Render a clip sequence to one WAV file: clips joined with short gaps.

Everything is mono 16-bit at the clip set's rate; a recorded clip at another rate is
resampled when the clip set loads it (:meth:`motcua.voice.clips.ClipSet.audio`), so the
output always has a single rate.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from motcua.voice.announce import PAUSE
from motcua.voice.clips import ClipSet
from motcua.voice.wav import Audio, concatenate, silence, write_wav

__all__ = ["GAP_SECONDS", "PAUSE_SECONDS", "render", "render_audio"]

GAP_SECONDS = 0.05
"""Silence between two clips: short, so syllables of a number run like speech."""
PAUSE_SECONDS = 0.5
"""Silence for the reserved :data:`motcua.voice.announce.PAUSE` (after the chime, between repeats)."""
EDGE_SECONDS = 0.1
"""Silence at both ends: some amplifiers wake up late and clip the first syllable."""


def render_audio(
    clips: Sequence[str],
    clip_set: ClipSet,
    *,
    gap: float = GAP_SECONDS,
    pause: float = PAUSE_SECONDS,
) -> Audio:
    """Join the clips named in ``clips`` into one :class:`Audio` (in memory)."""
    if not clips:
        raise ValueError("Không có đoạn âm thanh nào để ghép / no clips to render")
    rate = clip_set.sample_rate
    parts: list[Audio] = [silence(EDGE_SECONDS, rate)]
    previous_was_clip = False
    for name in clips:
        if name == PAUSE:
            parts.append(silence(pause, rate))
            previous_was_clip = False
            continue
        if previous_was_clip:
            parts.append(silence(gap, rate))
        parts.append(clip_set.audio(name))
        previous_was_clip = True
    parts.append(silence(EDGE_SECONDS, rate))
    return concatenate(parts)


def render(
    clips: Sequence[str],
    clip_set: ClipSet,
    out: Path | str,
    *,
    gap: float = GAP_SECONDS,
    pause: float = PAUSE_SECONDS,
) -> float:
    """Render ``clips`` to the WAV file ``out``; returns its duration in seconds."""
    audio = render_audio(clips, clip_set, gap=gap, pause=pause)
    write_wav(Path(out), audio)
    return audio.duration
