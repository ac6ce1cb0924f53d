"""The announcer: calls go into a queue and one worker speaks them, never two at once.

Device I/O sits behind one seam, :class:`Sink` (``play(wav, duration) -> bool``):

* :class:`CommandSink` plays through ``paplay`` (PulseAudio/PipeWire), ``pw-play`` or
  ``aplay`` (ALSA), whichever :func:`detect_sink` finds working;
* :class:`SilentSink` is the twin used when there is no sound device: nothing is
  heard, which is logged once, and the call is still rendered and recorded in
  :attr:`Announcer.played`, so a display without speakers keeps working;
* tests pass their own sink (e.g. one that records start and end times).
"""

from __future__ import annotations

import logging
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from motcua.core.centre.model import Announcement
from motcua.voice.announce import SpokenCall, all_clip_names, build_call
from motcua.voice.clips import ClipSet, default_clip_dir
from motcua.voice.errors import VoiceError
from motcua.voice.pack import VoicePack
from motcua.voice.render import render

__all__ = [
    "Announcer",
    "CommandSink",
    "PlayedCall",
    "SilentSink",
    "Sink",
    "detect_sink",
]

log = logging.getLogger(__name__)


class Sink(Protocol):
    """Where rendered calls are played. ``play`` blocks until the sound has finished."""

    name: str

    def play(self, wav: Path, duration: float) -> bool:
        """Play ``wav`` (``duration`` seconds long); True when it was actually heard."""
        ...


class SilentSink:
    """No sound device: nothing is played; said once in the log, not per call."""

    name = "silent"

    def __init__(self, reason: str = "no sound device found") -> None:
        self.reason = reason
        self._told = False

    def play(self, wav: Path, duration: float) -> bool:
        if not self._told:
            log.warning(
                "Không có thiết bị âm thanh (%s): lời gọi chỉ được ghi lại, không phát ra loa. / "
                "No sound device (%s): calls are rendered and recorded, not played.",
                self.reason, self.reason,
            )
            self._told = True
        return False


class CommandSink:
    """Plays a WAV file with a command-line player (``paplay``, ``pw-play``, ``aplay``)."""

    def __init__(self, command: list[str]) -> None:
        self.command = command
        self.name = Path(command[0]).name
        self._failed_once = False

    def play(self, wav: Path, duration: float) -> bool:
        try:
            result = subprocess.run(
                [*self.command, str(wav)], capture_output=True, timeout=duration + 15, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return self._failed(str(exc))
        if result.returncode != 0:
            return self._failed(result.stderr.decode("utf-8", "replace").strip())
        return True

    def _failed(self, detail: str) -> bool:
        # A loudspeaker unplugged mid-day must not stop the calls: log once, keep going.
        if not self._failed_once:
            log.warning("Phát âm thanh bằng %s lỗi / %s could not play: %s",
                        self.name, self.name, detail)
            self._failed_once = True
        return False


def _pulse_running() -> bool:
    if os.environ.get("PULSE_SERVER"):
        return True
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if not runtime:
        return False
    return Path(runtime, "pulse", "native").exists() or Path(runtime, "pipewire-0").exists()


def _alsa_has_card() -> bool:
    cards = Path("/proc/asound/cards")
    try:
        text = cards.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return "no soundcards" not in text and bool(text.strip())


def detect_sink() -> Sink:
    """The best working player here, or a :class:`SilentSink` saying why there is none.

    ``MOTCUA_AUDIO=none`` forces silence (a display in a room without speakers).
    """
    if os.environ.get("MOTCUA_AUDIO", "").lower() in ("none", "off", "0"):
        return SilentSink("MOTCUA_AUDIO=none")
    if _pulse_running():
        for program in ("paplay", "pw-play"):
            path = shutil.which(program)
            if path:
                return CommandSink([path])
    aplay = shutil.which("aplay")
    if aplay and _alsa_has_card():
        return CommandSink([aplay, "-q"])
    return SilentSink("no PulseAudio/PipeWire server and no ALSA sound card")


@dataclass(frozen=True)
class PlayedCall:
    """One call the announcer handled, in the order it handled them."""

    call: SpokenCall
    recall: bool
    queued_at: float
    """``time.monotonic()`` when :meth:`Announcer.announce` was called."""
    started_at: float
    """When the sink started playing (after rendering)."""
    ended_at: float
    """When the sink returned."""
    duration: float
    """Length of the rendered audio in seconds (0 when it failed)."""
    audible: bool
    """True when a sound device played it."""
    wav: Path | None = None
    """The rendered file, kept only when the announcer was given ``keep_wavs``."""
    error: str | None = None
    """Why the call could not be rendered (missing clip, no espeak-ng ...)."""


@dataclass(frozen=True)
class _Job:
    call: SpokenCall
    recall: bool
    queued_at: float


class Announcer:
    """Queued announcer: ``announce()`` returns at once; a worker plays calls in order."""

    def __init__(
        self,
        clip_set: ClipSet | Path | str | None = None,
        settings: Announcement | None = None,
        *,
        sink: Sink | None = None,
        generate_missing: bool = True,
        keep_wavs: Path | str | None = None,
        four_as_tu: bool | None = None,
        letter_names: Mapping[str, str] | None = None,
        history: int = 1000,
        pack: VoicePack | Path | str | None = None,
    ) -> None:
        """``clip_set`` defaults to the user cache (:func:`motcua.voice.clips.default_clip_dir`);
        ``generate_missing`` makes clips a call needs with espeak-ng on first use;
        ``keep_wavs`` keeps each rendered call as a WAV file in that folder; ``pack`` is a
        recorded voice pack played first (espeak-ng speaks, clip by clip, what it lacks;
        default: $MOTCUA_VOICE_PACK when set)."""
        if pack is None and os.environ.get("MOTCUA_VOICE_PACK"):
            pack = Path(os.environ["MOTCUA_VOICE_PACK"]).expanduser()  # the box's own voice
        if not isinstance(clip_set, ClipSet):
            clip_set = ClipSet(clip_set if clip_set is not None else default_clip_dir(),
                               pack=pack)
        elif pack is not None:
            clip_set.pack = pack if isinstance(pack, VoicePack) else VoicePack.load(pack)
            clip_set.reload()
        self.clip_set = clip_set
        self.settings = settings or Announcement()
        self.sink: Sink = sink if sink is not None else detect_sink()
        self.generate_missing = generate_missing
        self.keep_wavs = Path(keep_wavs) if keep_wavs is not None else None
        self._four_as_tu = four_as_tu
        self._letter_names = letter_names
        self._queue: queue.Queue[_Job | None] = queue.Queue()  # None stops the worker
        self._played: deque[PlayedCall] = deque(maxlen=history)
        self._idle = threading.Condition()
        self._pending = 0
        self._closed = False
        self._count = 0
        self._tmp = tempfile.TemporaryDirectory(prefix="motcua-voice-")
        self._worker = threading.Thread(target=self._run, name="motcua-announcer", daemon=True)
        self._worker.start()
        log.info("Announcer ready: clips in %s, sound through %s",
                 clip_set.directory, self.sink.name)

    # -- public -------------------------------------------------------------------
    def announce(self, number_label: str, counter: int | str, *, recall: bool = False) -> SpokenCall:
        """Queue a call of ``number_label`` to ``counter``; a recall is simply spoken again.

        Bad input (a ticket number that cannot be read) raises ``ValueError`` here, in
        the caller's thread; problems while rendering are logged and recorded.
        """
        call = build_call(
            number_label, counter, self.settings,
            four_as_tu=self._four_as_tu, letter_names=self._letter_names,
        )
        with self._idle:
            if self._closed:
                raise VoiceError("Bộ đọc đã tắt / the announcer is closed")
            self._pending += 1
            self._queue.put(_Job(call, recall, time.monotonic()))
        return call

    def prepare(self) -> list[str]:
        """Make every clip the template can need now (at start-up), not at the first call."""
        return self.clip_set.ensure(all_clip_names(self.settings.template_vi,
                                                   letter_names=self._letter_names))

    @property
    def played(self) -> list[PlayedCall]:
        """Calls handled so far, oldest first (a copy)."""
        with self._idle:
            return list(self._played)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until every queued call has been handled; False on time-out."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def close(self, *, drain: bool = True, timeout: float | None = 30.0) -> None:
        """Stop the worker: after the queued calls (``drain``) or dropping them."""
        with self._idle:
            if self._closed:
                return
            self._closed = True
            if not drain:
                self._drop_queued()
        self._queue.put(None)
        self._worker.join(timeout)
        self._tmp.cleanup()

    def __enter__(self) -> Announcer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- worker -------------------------------------------------------------------
    def _drop_queued(self) -> None:
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return
            if item is not None:
                self._pending -= 1
                self._idle.notify_all()

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            try:
                record = self._speak(job.call, job.recall, job.queued_at)
            except Exception as exc:  # the worker must survive anything one call does
                log.exception("Không đọc được lời gọi %s / call failed", job.call.text)
                now = time.monotonic()
                record = PlayedCall(
                    job.call, job.recall, job.queued_at, now, now, 0.0, False, None, str(exc)
                )
            with self._idle:
                self._played.append(record)
                self._pending -= 1
                self._idle.notify_all()

    def _speak(self, call: SpokenCall, recall: bool, queued_at: float) -> PlayedCall:
        try:
            if self.generate_missing:
                self.clip_set.ensure(call.clips)
            self._count += 1
            folder = self.keep_wavs or Path(self._tmp.name)
            wav = folder / f"call-{self._count:05d}-{_safe(call.number_label)}.wav"
            duration = render(call.clips, self.clip_set, wav)
        except VoiceError as exc:
            log.error("%s", exc)
            now = time.monotonic()
            return PlayedCall(call, recall, queued_at, now, now, 0.0, False, None, str(exc))
        started = time.monotonic()
        audible = self.sink.play(wav, duration)
        ended = time.monotonic()
        log.info("%s: %s (%.1f s)", "Gọi lại" if recall else "Gọi", call.text, duration)
        kept = wav if self.keep_wavs is not None else None
        if kept is None:
            wav.unlink(missing_ok=True)
        return PlayedCall(call, recall, queued_at, started, ended, duration, audible, kept)


def _safe(label: str) -> str:
    return "".join(ch if ch.isascii() and ch.isalnum() else "_" for ch in label)[:20]
