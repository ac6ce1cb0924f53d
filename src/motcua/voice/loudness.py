"""Loudness of a call: ITU-R BS.1770 measurement and EBU R128 normalisation, in numpy.

A hall loudspeaker plays calls one after another, generated or recorded, so every call
is brought to the same loudness: **-16 LUFS integrated** (EBU R128's level for speech
on small loudspeakers and mobile playback; a hall amplifier is set once for it) with a
**true peak at most -1 dBTP**, so no amplifier or resampler clips it.

Measurement (ITU-R BS.1770-4, mono):

* K-weighting: the standard's two biquads (a high shelf of +4 dB above ~1.7 kHz, then a
  high-pass at ~38 Hz), with coefficients derived for any sample rate from the
  analogue prototypes (as libebur128 does) instead of the 48 kHz table. The filters
  are applied exactly as IIR filters, by their frequency response on a zero-padded
  FFT (a linear, not circular, convolution: the padding outlasts the filters' tail);
* mean square over 400 ms blocks overlapping by 75 %; loudness of a block
  ``-0.691 + 10 log10(z)``; absolute gate -70 LUFS, relative gate -10 LU;
* true peak: the signal 4x oversampled (a 24-tap windowed-sinc polyphase interpolator,
  as the standard's Annex 2 describes) and its largest magnitude, in dBTP.

A clip shorter than one 400 ms block (a syllable) is measured over its whole length.

Normalisation applies the gain that reaches the target and, where the peaks would
then pass the ceiling, a look-ahead limiter (gain from a sliding minimum, smoothed by
a moving average, so it never overshoots) instead of lowering the whole call.
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from motcua.voice.wav import Audio

__all__ = [
    "PEAK_CEILING_DBTP",
    "TARGET_LUFS",
    "Loudness",
    "integrated_loudness",
    "measure",
    "normalise",
    "true_peak_dbtp",
]

TARGET_LUFS = -16.0
"""Integrated loudness of every rendered call."""
PEAK_CEILING_DBTP = -1.0
"""Highest true peak allowed in a rendered call."""
FULL_SCALE = 32768.0

Signal = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Loudness:
    """What :func:`measure` found."""

    lufs: float
    """Integrated loudness (LUFS); -inf for silence."""
    true_peak: float
    """True peak (dBTP); -inf for silence."""
    sample_peak: float
    """Largest sample magnitude (dBFS)."""


def _as_float(audio: Audio) -> Signal:
    return np.asarray(audio.samples, dtype=np.float64) / FULL_SCALE


def _biquads(rate: int) -> list[tuple[tuple[float, float, float], tuple[float, float, float]]]:
    """The two K-weighting stages (b, a) for ``rate`` Hz."""
    # Stage 1: high shelf (head effects), from the analogue prototype.
    f0, gain_db, q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
    k = math.tan(math.pi * f0 / rate)
    vh = 10 ** (gain_db / 20)
    vb = vh ** 0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf_b = ((vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0)
    shelf_a = (1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0)
    # Stage 2: high-pass (RLB weighting).
    f0, q = 38.13547087602444, 0.5003270373238773
    k = math.tan(math.pi * f0 / rate)
    a0 = 1 + k / q + k * k
    hp_b = (1.0, -2.0, 1.0)
    hp_a = (1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0)
    return [(shelf_b, shelf_a), (hp_b, hp_a)]


@lru_cache(maxsize=8)
def _response(size: int, rate: int) -> npt.NDArray[np.complex128]:
    """The K-weighting filters' frequency response on the bins of a ``size``-point rFFT."""
    z = np.exp(-1j * np.pi * np.arange(size // 2 + 1) / (size // 2))  # e^{-jw}
    response = np.ones(z.size, dtype=np.complex128)
    for b, a in _biquads(rate):
        response *= (b[0] + b[1] * z + b[2] * z * z) / (a[0] + a[1] * z + a[2] * z * z)
    response.flags.writeable = False
    return response


def k_weighted(x: Signal, rate: int) -> Signal:
    """``x`` through the K-weighting filters (exact IIR response, via FFT)."""
    if x.size == 0:
        return x
    # 0.2 s of padding: the filters' tail (time constant ~4 ms) has died out by then
    size = _fast_size(x.size + rate // 5)
    return np.fft.irfft(np.fft.rfft(x, size) * _response(size, rate), size)[: x.size]


def _block_loudness(z: Signal) -> Signal:
    with np.errstate(divide="ignore"):
        return -0.691 + 10 * np.log10(z)


def integrated_loudness(audio: Audio) -> float:
    """Integrated loudness of ``audio`` in LUFS (gated, BS.1770-4); -inf for silence."""
    return _integrated(_as_float(audio), audio.rate)


def _integrated(x: Signal, rate: int) -> float:
    y = k_weighted(x, rate)
    block, step = round(0.4 * rate), round(0.1 * rate)
    if y.size == 0:
        return -math.inf
    if y.size < block:  # a syllable: shorter than one block, measured whole
        power = float(np.mean(y * y))
        return float(_block_loudness(np.array([power]))[0]) if power > 0 else -math.inf
    squares = np.concatenate(([0.0], np.cumsum(y * y)))
    starts = np.arange(0, y.size - block + 1, step)
    z = (squares[starts + block] - squares[starts]) / block
    levels = _block_loudness(z)
    kept = z[levels > -70.0]
    if kept.size == 0:
        return -math.inf
    relative = float(_block_loudness(np.array([kept.mean()]))[0]) - 10.0
    kept = z[(levels > -70.0) & (levels > relative)]
    return float(_block_loudness(np.array([kept.mean()]))[0])


def _fast_size(n: int) -> int:
    """The smallest 2^a 3^b 5^c >= n: an FFT length numpy transforms quickly."""
    best = 1 << (n - 1).bit_length()
    five = 1
    while five < best:
        three = five
        while three < best:
            size = three
            while size < n:
                size *= 2
            best = min(best, size)
            three *= 3
        five *= 5
    return best


_TAPS = 12
"""Half-length of the interpolation filter (24 taps per phase)."""


def _phase_filters(factor: int = 4) -> Signal:
    """Windowed-sinc fractional-delay filters, one row per oversampling phase."""
    k = np.arange(-_TAPS + 1, _TAPS + 1, dtype=np.float64)
    rows = []
    for phase in range(factor):
        t = k - phase / factor
        span = np.clip(t / (_TAPS + 1), -1.0, 1.0)
        window = np.i0(8.0 * np.sqrt(1.0 - span * span)) / np.i0(8.0)  # Kaiser, beta 8
        taps = np.sinc(t) * window
        rows.append(taps / taps.sum())
    return np.array(rows)


_PHASES = _phase_filters()


def _oversampled_peak(x: Signal) -> float:
    """Largest magnitude of ``x`` 4x oversampled (BS.1770 Annex 2 style polyphase)."""
    if x.size == 0:
        return 0.0
    padded = np.concatenate((np.zeros(_TAPS), x, np.zeros(_TAPS)))
    peak = float(np.max(np.abs(x)))
    for taps in _PHASES[1:]:
        peak = max(peak, float(np.max(np.abs(np.convolve(padded, taps[::-1], mode="same")))))
    return peak


def true_peak_dbtp(audio: Audio) -> float:
    """True peak of ``audio`` in dBTP (4x oversampled); -inf for silence."""
    peak = _oversampled_peak(_as_float(audio))
    return 20 * math.log10(peak) if peak > 0 else -math.inf


def measure(audio: Audio) -> Loudness:
    """Integrated loudness, true peak and sample peak of ``audio``."""
    x = _as_float(audio)
    sample = float(np.max(np.abs(x), initial=0.0))
    return Loudness(integrated_loudness(audio), true_peak_dbtp(audio),
                    20 * math.log10(sample) if sample > 0 else -math.inf)


def _sliding_min(a: Signal, size: int) -> Signal:
    """``out[i] = min(a[i : i + size])`` in O(n log size) (windows doubled, then two
    overlapping power-of-two windows cover any size)."""
    span, m = 1, a
    while span * 2 <= size:
        m = np.minimum(m[:-span], m[span:])  # m[i] = min(a[i : i + 2 * span])
        span *= 2
    count = a.size - size + 1
    return np.minimum(m[:count], m[size - span : size - span + count])


def _limit(x: Signal, ceiling: float, rate: int) -> Signal:
    """Look-ahead limiter: no sample above ``ceiling`` (linear). Between samples a
    band-limited signal can rise a little higher: the caller keeps a margin and checks
    the true peak afterwards."""
    need = np.minimum(1.0, ceiling / np.maximum(np.abs(x), 1e-12))
    if float(need.min()) >= 1.0:
        return x
    w = max(1, round(0.005 * rate))  # 5 ms: attack ahead of the peak, release after it
    padded = np.concatenate((np.ones(w), need, np.ones(w)))
    gain = _sliding_min(padded, 2 * w + 1)  # lowest gain needed within +-w samples
    kernel = np.ones(w) / w
    # Padded with its own edge values: each averaged gain then only mixes minima whose
    # windows hold the sample, so it never exceeds what that sample needs.
    smooth = np.convolve(np.pad(gain, w, mode="edge"), kernel, mode="same")
    gain = np.minimum(smooth[w:-w], 1.0)
    return x * gain


def normalise(audio: Audio, *, target: float = TARGET_LUFS,
              ceiling: float = PEAK_CEILING_DBTP) -> Audio:
    """``audio`` at ``target`` LUFS integrated with a true peak of at most ``ceiling`` dBTP.

    Silence is returned unchanged.
    """
    x = _as_float(audio)
    level = integrated_loudness(audio)
    if not math.isfinite(level):
        return audio
    # Limit samples 0.5 dB under the ceiling: peaks between samples (measured after)
    # and rounding to 16 bits must not carry the true peak over it.
    limit = 10 ** ((ceiling - 0.5) / 20)
    # Find the gain whose limited result is at the target. The limiter takes loudness
    # back as the gain rises (and gating makes the curve uneven), so step by the
    # difference until the target is bracketed, then halve the bracket.
    low: float | None = None
    high: float | None = None
    gain = target - level
    y = x
    for _ in range(12):  # a usual call needs one or two passes
        y = _limit(x * 10 ** (gain / 20), limit, audio.rate)
        current = _integrated(y, audio.rate)
        if abs(current - target) < 0.15 or not math.isfinite(current):
            break
        if current < target:
            low = gain
        else:
            high = gain
        if low is not None and high is not None:
            gain = (low + high) / 2
        else:
            step = target - current
            gain += math.copysign(max(abs(step), 0.5), step)
    out = _to_audio(y, audio.rate)
    peak = true_peak_dbtp(out)
    if peak > ceiling:  # a last inter-sample overshoot: trim the whole call slightly
        out = _to_audio(y * 10 ** ((ceiling - 0.05 - peak) / 20), audio.rate)
    return out


def _to_audio(x: Signal, rate: int) -> Audio:
    ints = np.clip(np.round(x * FULL_SCALE), -32768, 32767).astype("<i2")
    return Audio(array("h", ints.tobytes()), rate)
