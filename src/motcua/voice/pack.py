"""Voice packs: a person's recorded clips for every word and phrase a centre's calls use.

A voice pack is a folder (format in docs/voice.md)::

    manifest.json   {"format": "motcua-voice-pack", "version": 1, "name": "...",
                     "dialect": "north" | "south", "source": "recorded" | "espeak-ng",
                     "sample_rate": 22050, "clip_lufs": -20.0,
                     "clips": {"hai": {"file": "clips/hai-….wav", "seconds": 0.41,
                                       "lufs": -20.0, "peak_dbfs": -3.2}, ...}}
    clips/*.wav     one mono 16-bit clip per syllable or word ("hai", "mươi", "bê") and
                    per fixed phrase of the template ("mời công dân có số thứ tự")

Clip names are the words spoken (NFC, lower case, single spaces), exactly the names
:func:`motcua.voice.announce.build_call` puts in a call, so a pack, the generated
clips and the recorded/ drop-ins of a clip set are interchangeable clip for clip.

Every clip enters a pack through :func:`add_clip`, which checks it (not silent, not
too quiet, not clipped, not too short or long), trims the silence around it and
brings it to :data:`CLIP_LUFS`, so a call joined from clips recorded on different days
keeps one level. :func:`required_clips` lists what a centre needs (its template, the
numbers its fields can reach, its prefixes and counters); :func:`pack_report` says
what is missing. The announcer plays a pack's clips and speaks anything missing with
espeak-ng, clip by clip (:class:`motcua.voice.clips.ClipSet`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from motcua.core.centre.model import Announcement, Centre
from motcua.core.text import fold
from motcua.voice.announce import CHIME, PAUSE, build_call, clip_name
from motcua.voice.errors import VoiceError
from motcua.voice.loudness import measure, normalise
from motcua.voice.wav import Audio, read_wav, resample, write_wav

__all__ = [
    "CLIP_LUFS",
    "ClipProblem",
    "VoicePack",
    "add_clip",
    "check_clip",
    "clip_file_name",
    "create_pack",
    "pack_report",
    "required_clips",
    "trim",
]

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
PACK_FORMAT = "motcua-voice-pack"
PACK_VERSION = 1
CLIP_LUFS = -20.0
"""Loudness every clip is stored at (the whole call is brought to -16 LUFS later)."""
QUIET_DBFS = -30.0
"""A clip whose loudest sample is below this was recorded too far from the microphone."""
CLIPPED_RUN = 3
"""This many consecutive samples at full scale mean the recording clipped."""
MIN_SECONDS, MAX_SECONDS = 0.08, 6.0
"""A word or phrase after trimming lasts at least / at most this long."""


class ClipProblem(VoiceError):
    """A clip was refused: ``reason_vi`` / ``reason_en`` say why and what to do."""

    def __init__(self, name: str, reason_vi: str, reason_en: str) -> None:
        super().__init__(f"Đoạn '{name}': {reason_vi} / clip '{name}': {reason_en}")
        self.name = name
        self.reason_vi = reason_vi
        self.reason_en = reason_en


def clip_file_name(name: str) -> str:
    """An ASCII file name for a clip: folded text plus a hash ("má" and "ma" differ)."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")[:40] or "clip"
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
    return f"{slug}-{digest}.wav"


def _file_name(name: str) -> str:
    return "clips/" + clip_file_name(name)


# ------------------------------------------------------------------ checking one clip


def trim(audio: Audio, *, margin: float = 0.03) -> Audio:
    """Cut the silence (room noise) before and after the speech of a recording.

    Works on 10 ms frames: speech is any frame within 40 dB of the loudest one and
    above -60 dBFS, so a quiet hum is cut however loud the speaker was.
    """
    x = np.asarray(audio.samples, dtype=np.float64) / 32768.0
    frame = max(1, round(0.01 * audio.rate))
    count = x.size // frame
    if count == 0:
        return audio
    rms = np.sqrt(np.mean(x[: count * frame].reshape(count, frame) ** 2, axis=1))
    loudest = float(rms.max())
    if loudest <= 0:
        return Audio(audio.samples[:0], audio.rate)
    floor = max(loudest * 10 ** (-40 / 20), 10 ** (-60 / 20))
    voiced = np.flatnonzero(rms >= floor)
    if voiced.size == 0:
        return Audio(audio.samples[:0], audio.rate)
    pad = round(margin * audio.rate)
    start = max(0, int(voiced[0]) * frame - pad)
    end = min(len(audio.samples), (int(voiced[-1]) + 1) * frame + pad)
    return Audio(audio.samples[start:end], audio.rate)


def check_clip(name: str, audio: Audio) -> Audio:
    """The clip trimmed and levelled for a pack, or a :class:`ClipProblem` saying why not."""
    samples = np.asarray(audio.samples, dtype=np.int32)
    if samples.size == 0 or not samples.any():
        raise ClipProblem(name, "im lặng, không có tiếng", "silent: nothing was recorded")
    at_full = np.abs(samples) >= 32700
    if at_full.any():
        # runs of consecutive full-scale samples: a clipped wave stays flat at the top
        edges = np.diff(np.concatenate(([0], at_full.astype(np.int8), [0])))
        longest = int((np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1)).max())
        if longest >= CLIPPED_RUN:
            raise ClipProblem(name, "bị rè vì quá to; đọc xa micrô hơn hoặc giảm mức thu",
                              "clipped (too loud): move away from the microphone or lower "
                              "the recording level")
    peak = 20 * math.log10(float(np.abs(samples).max()) / 32768.0)
    if peak < QUIET_DBFS:
        raise ClipProblem(name, f"quá nhỏ (đỉnh {peak:.0f} dBFS); đọc gần micrô hơn",
                          f"too quiet (peak {peak:.0f} dBFS): speak closer to the microphone")
    trimmed = trim(audio)
    if trimmed.duration < MIN_SECONDS:
        raise ClipProblem(name, f"quá ngắn ({trimmed.duration:.2f} s)",
                          f"too short ({trimmed.duration:.2f} s)")
    if trimmed.duration > MAX_SECONDS:
        raise ClipProblem(name, f"quá dài ({trimmed.duration:.1f} s, tối đa {MAX_SECONDS:.0f} s)"
                          "; chỉ đọc đúng từ cần ghi", f"too long ({trimmed.duration:.1f} s): "
                          "say just the words asked for")
    return normalise(trimmed, target=CLIP_LUFS)


# ------------------------------------------------------------------ the pack folder


@dataclass
class VoicePack:
    """A voice pack folder and its manifest."""

    directory: Path
    name: str = ""
    dialect: str = "north"
    source: str = "recorded"
    sample_rate: int = 22050
    clips: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, directory: Path | str) -> VoicePack:
        """Read a pack; a missing or damaged manifest is a :class:`VoiceError`."""
        folder = Path(directory)
        path = folder / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("format") != PACK_FORMAT:
                raise ValueError(f"format is not {PACK_FORMAT!r}")
            if data.get("version") != PACK_VERSION:
                raise ValueError(f"version {data.get('version')!r} is not {PACK_VERSION}")
            clips = data.get("clips")
            if not isinstance(clips, dict):
                raise ValueError("no clips table")
            entries = {}
            for key, entry in clips.items():
                if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
                    raise ValueError(f"clip {key!r} has no file")
                entries[clip_name(key)] = dict(entry)
        except FileNotFoundError:
            raise VoiceError(
                f"{folder} không phải bộ giọng đọc (thiếu {MANIFEST}); tạo bằng 'motcua voice "
                f"record --pack {folder}' / {folder} is not a voice pack (no {MANIFEST})"
            ) from None
        except (OSError, ValueError) as exc:
            raise VoiceError(
                f"Tệp {path} hỏng ({exc}) / the voice pack manifest {path} is damaged ({exc})"
            ) from None
        return cls(folder, str(data.get("name", "")), str(data.get("dialect", "north")),
                   str(data.get("source", "recorded")), int(data.get("sample_rate", 22050)),
                   entries)

    def path(self, name: str) -> Path | None:
        """File of clip ``name`` in this pack, or None when the pack lacks it."""
        entry = self.clips.get(clip_name(name))
        if entry is None:
            return None
        found = self.directory / entry["file"]
        return found if found.is_file() else None

    def names(self) -> set[str]:
        """Names of the clips present."""
        return {name for name in self.clips if self.path(name) is not None}

    def missing(self, names: Iterable[str]) -> list[str]:
        """Names (in order, once each) this pack has no clip for."""
        wanted = dict.fromkeys(clip_name(n) for n in names if n != PAUSE)
        return [n for n in wanted if self.path(n) is None]

    def save(self) -> None:
        """Write the manifest (atomically: a reader never sees half of it)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        data = {"format": PACK_FORMAT, "version": PACK_VERSION, "name": self.name,
                "dialect": self.dialect, "source": self.source,
                "sample_rate": self.sample_rate, "clip_lufs": CLIP_LUFS,
                "clips": dict(sorted(self.clips.items()))}
        tmp = self.directory / f".{MANIFEST}.tmp"
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        os.replace(tmp, self.directory / MANIFEST)


def create_pack(directory: Path | str, *, name: str = "", dialect: str = "north",
                source: str = "recorded", sample_rate: int = 22050) -> VoicePack:
    """Open the pack at ``directory``, creating an empty one if there is none."""
    folder = Path(directory)
    if (folder / MANIFEST).exists():
        return VoicePack.load(folder)
    if dialect not in ("north", "south"):
        raise ValueError(f"Giọng '{dialect}' không có (north, south) / unknown dialect")
    pack = VoicePack(folder, name or folder.name, dialect, source, sample_rate)
    pack.save()
    return pack


def add_clip(pack: VoicePack, name: str, audio: Audio) -> dict[str, Any]:
    """Check, trim and level ``audio`` and store it as clip ``name`` of ``pack``.

    Raises :class:`ClipProblem` (nothing stored) when the clip is unusable.
    """
    name = clip_name(name)
    if not name or name == PAUSE:
        raise ValueError(f"Tên đoạn không hợp lệ: '{name}' / invalid clip name")
    if audio.rate != pack.sample_rate:
        audio = resample(audio, pack.sample_rate)
    levelled = audio if name == CHIME else check_clip(name, audio)
    file = _file_name(name)
    write_wav(pack.directory / file, levelled)
    found = measure(levelled)
    entry = {"file": file, "seconds": round(levelled.duration, 3),
             "lufs": round(found.lufs, 1) if math.isfinite(found.lufs) else None,
             "peak_dbfs": round(found.sample_peak, 1)}
    pack.clips[name] = entry
    pack.save()
    return entry


def import_wav(pack: VoicePack, name: str, path: Path) -> dict[str, Any]:
    """Add the WAV file ``path`` as clip ``name`` (any PCM format; checked like a recording)."""
    return add_clip(pack, name, read_wav(path))


# ------------------------------------------------------------------ what a centre needs


def _labels(centre: Centre) -> list[str]:
    """Every ticket label the centre's fields can issue today (daily caps)."""
    labels = []
    for index, f in enumerate(centre.fields, 1):
        for n in range(1, f.daily_cap + 1):
            if centre.number_format == "digits4":
                labels.append(f"{index}{n:03d}")
            else:
                labels.append(f"{f.prefix}{n:03d}")
    return labels


def required_clips(centre: Centre, settings: Announcement | None = None, *,
                   four_as_tu: bool | None = None) -> list[str]:
    """Every clip the centre's calls need: template phrases, chime, each syllable of
    every number its fields can reach, its prefixes' letter names and its counters.

    Ordered as a person records them: phrases first, then numbers, letters, counters.
    """
    settings = settings or centre.announcement
    labels = _labels(centre) or ["1"]
    counters = [str(c.number) for c in centre.counters] or ["1"]
    names: dict[str, None] = {}
    single = Announcement(template_vi=settings.template_vi, repeats=1, digits=settings.digits,
                          south=settings.south, chime=settings.chime)
    for label in labels:
        for clip in build_call(label, counters[0], single, four_as_tu=four_as_tu).clips:
            names[clip] = None
    for counter in counters:
        for clip in build_call(labels[0], counter, single, four_as_tu=four_as_tu).clips:
            names[clip] = None
    names.pop(PAUSE, None)
    return list(names)


@dataclass(frozen=True)
class PackReport:
    """What a pack holds against what a centre needs."""

    needed: list[str]
    present: list[str]
    missing: list[str]

    @property
    def complete(self) -> bool:
        """True when every needed clip is in the pack."""
        return not self.missing


def pack_report(pack: VoicePack, needed: Iterable[str]) -> PackReport:
    """Which of ``needed`` the pack has and which it lacks."""
    wanted = list(dict.fromkeys(clip_name(n) for n in needed if n != PAUSE))
    missing = pack.missing(wanted)
    return PackReport(wanted, [n for n in wanted if n not in missing], missing)
