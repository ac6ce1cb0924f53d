"""Clip sets: a folder of WAV clips named by the Vietnamese text they speak.

Layout of a clip set folder::

    index.json          generated clips: {"format": "motcua-voice-clips", "version": 1,
                        "sample_rate": 22050, "voice": "vi", "clips": {name: file}}
    gen/*.wav           clips generated once with espeak-ng (mono, 16-bit)
    recorded/           optional: a centre's own recordings, which override
        hai.wav             ... a file named by its clip name (NFC, lower case), or
        index.json          ... {"clips": {"mời công dân có số thứ tự": "moi.wav"}}

A clip name is the text spoken (see :func:`motcua.voice.announce.clip_name`), so a recorded
clip replaces the generated one of the same name.

A clip set may also play a voice pack (:mod:`motcua.voice.pack`): its clips come first,
then recorded/, then the generated ones; anything the pack lacks is generated with
espeak-ng clip by clip, and every clip is then levelled to the pack's loudness so
the generated words do not jump out of the recorded voice. Recordings at another rate or in
stereo are converted when loaded (resampled to the set's rate, down-mixed to mono).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from motcua.core.text import nfc
from motcua.voice.announce import CHIME, DEFAULT_TEMPLATE, PAUSE, all_clip_names, clip_name
from motcua.voice.errors import VoiceError
from motcua.voice.loudness import normalise
from motcua.voice.pack import CLIP_LUFS, VoicePack, clip_file_name
from motcua.voice.wav import Audio, read_wav, synth_chime, trim_silence, write_wav

try:  # advisory lock so two programs filling one cache do not clobber the index
    import fcntl
except ImportError:  # pragma: no cover - not on Linux
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "ClipSet",
    "default_clip_dir",
    "find_espeak",
    "generate_clips",
    "generate_default_clips",
]

log = logging.getLogger(__name__)

INDEX = "index.json"
FORMAT = "motcua-voice-clips"
VERSION = 1
DEFAULT_VOICE = "vi"
DEFAULT_SPEED = 150
"""espeak-ng words per minute; its default 175 is hurried for a hall loudspeaker."""
DEFAULT_RATE = 22050


def default_clip_dir() -> Path:
    """$MOTCUA_VOICE_CLIPS, else $XDG_CACHE_HOME/motcua/voice-clips (~/.cache/...)."""
    env = os.environ.get("MOTCUA_VOICE_CLIPS")
    if env:
        return Path(env).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "motcua" / "voice-clips"


def find_espeak(espeak: str | None = None) -> str:
    """Path of the espeak-ng program, or a :class:`VoiceError` that says how to get it."""
    found = shutil.which(espeak or "espeak-ng")
    if not found:
        raise VoiceError(
            "Không tìm thấy chương trình espeak-ng để tạo giọng đọc. Cài bằng "
            "'sudo apt-get install espeak-ng', hoặc đặt bộ ghi âm sẵn vào thư mục recorded/. / "
            "espeak-ng was not found, so voice clips cannot be generated: install it with "
            "'sudo apt-get install espeak-ng', or drop recorded clips into recorded/."
        )
    return found


_file_name = clip_file_name


class ClipSet:
    """A clip set folder: look up clips by name, recorded ones first; load them cached."""

    def __init__(self, directory: Path | str, pack: VoicePack | Path | str | None = None,
                 ) -> None:
        self.directory = Path(directory)
        self.pack = pack if isinstance(pack, VoicePack) or pack is None else VoicePack.load(pack)
        """Recorded voice pack played first (None: generated and recorded/ clips only)."""
        self._lock = threading.RLock()
        self._cache: dict[str, Audio] = {}
        self._generated: dict[str, str] = {}
        self._recorded: dict[str, Path] = {}
        self._rate = DEFAULT_RATE
        self.voice = DEFAULT_VOICE
        self.reload()

    # -- lookup -----------------------------------------------------------------
    def reload(self) -> None:
        """Re-read the index and the recorded/ folder (after a centre drops clips in)."""
        with self._lock:
            self._cache.clear()
            index = self._read_index()
            if self.pack is not None:
                self.pack = VoicePack.load(self.pack.directory)
            self._generated = dict(index.get("clips", {}))
            self._rate = int(index.get("sample_rate", DEFAULT_RATE))
            self.voice = str(index.get("voice", DEFAULT_VOICE))
            self._recorded = self._scan_recorded()

    @property
    def sample_rate(self) -> int:
        """The rate every clip is delivered at."""
        return self._rate

    def names(self) -> set[str]:
        """Names of every clip present (generated or recorded)."""
        with self._lock:
            return {n for n in self._generated if self._path(n) is not None} | set(
                self._recorded
            ) | (self.pack.names() if self.pack is not None else set())

    def path(self, name: str) -> Path:
        """File of clip ``name`` (a recording if there is one), or a clear error."""
        with self._lock:
            found = self._path(clip_name(name))
        if found is None:
            raise VoiceError(
                f"Bộ âm thanh {self.directory} thiếu đoạn '{name}'. Chạy 'motcua voice clips "
                f"--out {self.directory}' hoặc thêm tệp ghi âm. / the clip set lacks '{name}'"
            )
        return found

    def is_recorded(self, name: str) -> bool:
        """True when ``name`` comes from the centre's recordings (recorded/ or the pack)."""
        name = clip_name(name)
        with self._lock:
            in_pack = self.pack is not None and self.pack.path(name) is not None
            return in_pack or name in self._recorded

    def from_pack(self, name: str) -> bool:
        """True when ``name`` is played from the voice pack."""
        with self._lock:
            return self.pack is not None and self.pack.path(clip_name(name)) is not None

    def missing(self, names: Iterable[str]) -> list[str]:
        """The names (in order, once each) that have no clip; :data:`PAUSE` is never missing."""
        with self._lock:
            wanted = dict.fromkeys(n for n in names if n != PAUSE)
            return [n for n in wanted if self._path(clip_name(n)) is None]

    def audio(self, name: str) -> Audio:
        """Clip ``name`` as mono 16-bit at :attr:`sample_rate` (loaded once, then cached)."""
        name = clip_name(name)
        with self._lock:
            cached = self._cache.get(name)
            if cached is not None:
                return cached
            path = self.path(name)
            audio = read_wav(path)
            if audio.rate != self._rate:
                log.info("Clip %r is %d Hz; resampled to %d Hz", name, audio.rate, self._rate)
                audio = read_wav(path, rate=self._rate)
            if self.pack is not None and not self.from_pack(name) and name != CHIME:
                # espeak-ng standing in for a word the pack lacks: at the pack's level
                audio = normalise(audio, target=CLIP_LUFS)
            self._cache[name] = audio
            return audio

    def ensure(self, names: Iterable[str], *, espeak: str | None = None) -> list[str]:
        """Generate any missing clip among ``names``; returns the names generated."""
        todo = self.missing(names)
        if todo:
            generate_clips(self.directory, todo, espeak=espeak, voice=self.voice)
            self.reload()
        return todo

    def _path(self, name: str) -> Path | None:
        if self.pack is not None:
            packed = self.pack.path(name)
            if packed is not None:
                return packed
        recorded = self._recorded.get(name)
        if recorded is not None:
            return recorded
        return self._generated_path(name)

    def _generated_path(self, name: str) -> Path | None:
        file = self._generated.get(name)
        if file is None:
            return None
        path = self.directory / file
        return path if path.is_file() else None

    def _read_index(self) -> dict[str, Any]:
        path = self.directory / INDEX
        if not path.exists():
            return {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                raise ValueError("not a motcua clip index")
            clips = data.get("clips")
            if not isinstance(clips, dict) or not isinstance(data.get("sample_rate"), int):
                raise ValueError("no clips or sample_rate")
            data["clips"] = {clip_name(k): str(v) for k, v in clips.items()}
        except (OSError, ValueError) as exc:
            raise VoiceError(
                f"Tệp mục lục {path} hỏng ({exc}); xoá nó rồi tạo lại bằng 'motcua voice "
                f"clips'. / the clip index {path} is damaged: delete it and generate again"
            ) from None
        return data

    def _scan_recorded(self) -> dict[str, Path]:
        folder = self.directory / "recorded"
        if not folder.is_dir():
            return {}
        found: dict[str, Path] = {}
        for wav in sorted(folder.glob("*.wav")) + sorted(folder.glob("*.WAV")):
            found[clip_name(wav.stem)] = wav  # clip_name makes NFD file names NFC
        index = folder / INDEX
        if index.exists():
            try:
                mapping = json.loads(index.read_text(encoding="utf-8"))["clips"]
                for name, file in mapping.items():
                    found[clip_name(name)] = folder / file
            except (OSError, ValueError, KeyError, TypeError) as exc:
                raise VoiceError(
                    f"Tệp {index} không đúng dạng {{\"clips\": {{tên: tệp}}}} ({exc}) / "
                    f"{index} must look like {{\"clips\": {{name: file}}}}"
                ) from None
        if found:
            log.info("Using %d recorded clips from %s", len(found), folder)
        return found


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "w") as handle:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _speak(espeak: str, text: str, voice: str, speed: int, rate: int, out: Path) -> int:
    """Generate one clip with espeak-ng, trimmed of its padding; returns the file's rate."""
    with tempfile.TemporaryDirectory(prefix="motcua-espeak-") as tmp:
        raw = Path(tmp) / "raw.wav"
        # Words arrive on stdin, not argv: a name starting with "-" cannot become an option.
        cmd = [espeak, "-v", voice, "-s", str(speed), "-w", str(raw), "--stdin"]
        result = subprocess.run(
            cmd, input=nfc(text).encode("utf-8"), capture_output=True, timeout=60, check=False
        )
        if result.returncode != 0 or not raw.exists():
            detail = result.stderr.decode("utf-8", "replace").strip()
            raise VoiceError(
                f"espeak-ng không đọc được '{text}' (mã {result.returncode}: {detail}) / "
                f"espeak-ng failed on '{text}'"
            )
        audio = trim_silence(read_wav(raw, rate=rate))
    write_wav(out, audio)
    return audio.rate


def generate_clips(
    directory: Path | str,
    names: Iterable[str],
    *,
    voice: str = DEFAULT_VOICE,
    speed: int = DEFAULT_SPEED,
    espeak: str | None = None,
    overwrite: bool = False,
    workers: int | None = None,
) -> ClipSet:
    """Generate the clips ``names`` into the set at ``directory`` (only missing ones).

    Speech clips are made by espeak-ng from the NFC words of the name (hyphens in a
    letter name such as "e-lờ" join it into one word); :data:`CHIME` is synthesised.
    """
    folder = Path(directory)
    wanted = [n for n in dict.fromkeys(clip_name(n) for n in names) if n and n != PAUSE]
    with _locked(folder):
        existing = ClipSet(folder)
        # A recorded clip does not stop generation: the generated one stays as a fallback.
        todo = [n for n in wanted if overwrite or existing._generated_path(n) is None]
        rate = existing.sample_rate
        speech = [n for n in todo if n != CHIME]
        program = find_espeak(espeak) if speech else ""
        files: dict[str, str] = {}
        if CHIME in todo:
            files[CHIME] = f"gen/{_file_name(CHIME)}"
            write_wav(folder / files[CHIME], synth_chime(rate))

        def one(name: str) -> tuple[str, str]:
            file = f"gen/{_file_name(name)}"
            _speak(program, name, voice, speed, rate, folder / file)
            return name, file

        with ThreadPoolExecutor(max_workers=workers or min(4, os.cpu_count() or 1)) as pool:
            files.update(pool.map(one, speech))
        clips = {**existing._generated, **files}
        index = {"format": FORMAT, "version": VERSION, "sample_rate": rate, "voice": voice,
                 "speed": speed, "clips": dict(sorted(clips.items()))}
        tmp = folder / f".{INDEX}.tmp"
        tmp.write_text(json.dumps(index, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, folder / INDEX)
    if todo:
        log.info("Generated %d voice clips in %s", len(todo), folder)
    return ClipSet(folder)


def generate_default_clips(
    directory: Path | str,
    *,
    template: str = DEFAULT_TEMPLATE,
    voice: str = DEFAULT_VOICE,
    espeak: str | None = None,
    overwrite: bool = False,
) -> ClipSet:
    """Generate the whole default set: chime, template phrases, number syllables, letters."""
    return generate_clips(
        directory, all_clip_names(template), voice=voice, espeak=espeak, overwrite=overwrite
    )
