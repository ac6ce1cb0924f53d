"""Small audio toolkit on the standard library (``wave`` + ``array``), no numpy.

Audio inside motcua's voice is always mono, signed 16-bit, at one sample rate per
clip set. :func:`read_wav` brings a dropped-in recording to that shape (8/16/24/32-bit
integer PCM, any channel count, any rate) or refuses it with a message that says
how to export it; ``audioop`` is not used because Python 3.13 removed it.
"""

from __future__ import annotations

import math
import os
import sys
import tempfile
import wave
from array import array
from dataclasses import dataclass
from pathlib import Path

from motcua.voice.errors import VoiceError

__all__ = [
    "Audio",
    "concatenate",
    "read_wav",
    "resample",
    "silence",
    "synth_chime",
    "trim_silence",
    "write_wav",
]


@dataclass(frozen=True)
class Audio:
    """Mono signed 16-bit samples at ``rate`` Hz."""

    samples: array[int]
    """Signed 16-bit samples (typecode "h")."""
    rate: int

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return len(self.samples) / self.rate


def _to_int16(frames: bytes, width: int) -> array[int]:
    """Little-endian PCM frames of ``width`` bytes per sample -> array('h')."""
    if width == 2:
        out = array("h", frames)
    elif width == 1:  # WAV 8-bit is unsigned
        out = array("h", ((b - 128) << 8 for b in frames))
    elif width in (3, 4):  # keep the two most significant bytes of each sample
        top = bytearray(len(frames) // width * 2)
        top[0::2] = frames[width - 2 :: width]
        top[1::2] = frames[width - 1 :: width]
        out = array("h", bytes(top))
    else:
        raise ValueError(width)
    if sys.byteorder == "big" and width != 1:
        out.byteswap()
    return out


def _downmix(samples: array[int], channels: int) -> array[int]:
    if channels == 1:
        return samples
    lanes = [samples[c::channels] for c in range(channels)]
    return array("h", (sum(frame) // channels for frame in zip(*lanes, strict=True)))


def read_wav(path: Path, *, rate: int | None = None) -> Audio:
    """Read a PCM WAV file as mono 16-bit, resampled to ``rate`` when given."""
    try:
        with wave.open(str(path), "rb") as w:
            channels, width, src_rate = w.getnchannels(), w.getsampwidth(), w.getframerate()
            frames = w.readframes(w.getnframes())
    except FileNotFoundError:
        raise VoiceError(
            f"Không có tệp âm thanh {path} / audio file {path} does not exist"
        ) from None
    except (wave.Error, EOFError, OSError) as exc:
        raise VoiceError(
            f"Không đọc được tệp âm thanh {path} ({exc}). Hãy xuất lại dạng WAV PCM 16-bit, "
            f"mono / cannot read {path}: export it again as 16-bit PCM WAV, mono"
        ) from None
    if width not in (1, 2, 3, 4) or channels < 1 or src_rate < 1000:
        raise VoiceError(
            f"Tệp {path} có định dạng không dùng được ({channels} kênh, {8 * width}-bit, "
            f"{src_rate} Hz); cần WAV PCM 16-bit / unusable format, use 16-bit PCM WAV"
        )
    samples = _downmix(_to_int16(frames, width), channels)
    audio = Audio(samples, src_rate)
    return resample(audio, rate) if rate else audio


def write_wav(path: Path, audio: Audio) -> int:
    """Write ``audio`` as a mono 16-bit WAV (atomically: temp file + rename); returns bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    samples = audio.samples
    if sys.byteorder == "big":
        samples = array("h", samples)
        samples.byteswap()
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".wav", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as raw, wave.open(raw, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(audio.rate)
            w.writeframes(samples.tobytes())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path.stat().st_size


def resample(audio: Audio, rate: int) -> Audio:
    """Linear-interpolation resampling: plenty for speech clips played in a hall."""
    if audio.rate == rate:
        return audio
    src = audio.samples
    if not src:
        return Audio(array("h"), rate)
    count = max(1, round(len(src) * rate / audio.rate))
    step = audio.rate / rate
    last = len(src) - 1
    out = array("h", bytes(2 * count))
    for i in range(count):
        pos = i * step
        j = int(pos)
        if j >= last:
            out[i] = src[last]
            continue
        a = src[j]
        out[i] = int(a + (src[j + 1] - a) * (pos - j))
    return Audio(out, rate)


def silence(seconds: float, rate: int) -> Audio:
    """``seconds`` of silence."""
    return Audio(array("h", bytes(2 * round(seconds * rate))), rate)


def concatenate(parts: list[Audio]) -> Audio:
    """Join clips that share one rate."""
    if not parts:
        raise ValueError("nothing to concatenate")
    rate = parts[0].rate
    out = array("h")
    for part in parts:
        if part.rate != rate:
            raise ValueError(f"rates differ: {part.rate} != {rate}")
        out.extend(part.samples)
    return Audio(out, rate)


def trim_silence(audio: Audio, *, threshold: int = 330, margin: float = 0.012) -> Audio:
    """Cut leading and trailing near-silence (below ``threshold``, ~1 % of full scale).

    espeak-ng pads each word with silence; trimmed syllables run together like
    speech instead of like a list.
    """
    s = audio.samples
    loud = [i for i in range(len(s)) if abs(s[i]) >= threshold]
    if not loud:
        return audio
    pad = round(margin * audio.rate)
    start, end = max(0, loud[0] - pad), min(len(s), loud[-1] + 1 + pad)
    return Audio(s[start:end], audio.rate)


def synth_chime(rate: int, *, volume: float = 0.45) -> Audio:
    """A three-note rising chime (E5, G#5, B5: an E major arpeggio), about 1.1 s.

    Each note is a sine with a softer octave overtone and an exponential decay, so
    it rings like a bell instead of beeping; notes overlap slightly.
    """
    notes = (659.25, 830.61, 987.77)
    spacing, ring, last_ring = 0.24, 0.45, 0.65
    total = spacing * (len(notes) - 1) + last_ring
    mix = [0.0] * round(total * rate)
    for k, freq in enumerate(notes):
        start = round(k * spacing * rate)
        length = round((last_ring if k == len(notes) - 1 else ring) * rate)
        release = 0.03 * rate
        for i in range(min(length, len(mix) - start)):
            t = i / rate
            # 6 ms attack and 30 ms release: no click at either end of a note
            edges = min(1.0, t / 0.006, (length - i) / release)
            envelope = edges * math.exp(-5.0 * t)
            wave_ = math.sin(2 * math.pi * freq * t) + 0.3 * math.sin(4 * math.pi * freq * t)
            mix[start + i] += envelope * wave_
    peak = max(abs(v) for v in mix) or 1.0
    scale = volume * 32767 / peak
    return Audio(array("h", (round(v * scale) for v in mix)), rate)
