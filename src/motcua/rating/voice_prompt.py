"""The spoken rating prompt: "Quý vị có hài lòng với cách phục vụ" at the counter.

Spoken for citizens who cannot read the screen well (Decree 118/2025 Art. 31.3: help
weak groups take part in rating). It reuses the voice package: the phrase is one clip of
a clip set (generated once with espeak-ng, or the centre's own recording dropped into
``recorded/`` under the same name), rendered to a WAV and played through the same
:class:`motcua.voice.player.Sink` seam as the hall calls. Plays on its own thread, so the
touch screen never waits for the loudspeaker; a prompt asked while one is still playing
is dropped (the citizen is already hearing it).
"""

from __future__ import annotations

import logging
import tempfile
import threading
from pathlib import Path

from motcua.voice.announce import clip_name
from motcua.voice.clips import ClipSet, default_clip_dir
from motcua.voice.errors import VoiceError
from motcua.voice.player import Sink, detect_sink
from motcua.voice.render import render

__all__ = ["PROMPT_CLIP", "VoicePrompt"]

log = logging.getLogger(__name__)

PROMPT_CLIP = clip_name("Quý vị có hài lòng với cách phục vụ")
"""Clip name of the prompt (no question mark: punctuation splits clips)."""


class VoicePrompt:
    """Speaks the rating prompt. Call :meth:`ask` from any thread; it returns at once.

    ``played`` counts prompts the sink played or tried to play; ``errors`` keeps why
    a prompt could not be made (no espeak-ng and no recording, ...), newest last.
    """

    def __init__(self, clip_set: ClipSet | Path | str | None = None, *,
                 sink: Sink | None = None, generate_missing: bool = True,
                 phrase: str = PROMPT_CLIP) -> None:
        if not isinstance(clip_set, ClipSet):
            clip_set = ClipSet(clip_set if clip_set is not None else default_clip_dir())
        self.clip_set = clip_set
        self.sink: Sink = sink if sink is not None else detect_sink()
        self.generate_missing = generate_missing
        self.phrase = clip_name(phrase)
        self.played = 0
        self.errors: list[str] = []
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._tmp = tempfile.TemporaryDirectory(prefix="motcua-rating-voice-")
        self._wav: Path | None = None
        self._duration = 0.0
        self._thread = threading.Thread(target=self._run, name="rating-voice", daemon=True)
        self._thread.start()

    def prepare(self) -> None:
        """Make (or find) the prompt's clip and render it once; raises VoiceError."""
        if self.generate_missing:
            self.clip_set.ensure([self.phrase])
        wav = Path(self._tmp.name) / "prompt.wav"
        self._duration = render([self.phrase], self.clip_set, wav)
        self._wav = wav

    def ask(self) -> None:
        """Speak the prompt soon (dropped if one is already waiting)."""
        self._wake.set()

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(5)
        self._tmp.cleanup()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                if self._wav is None:
                    self.prepare()
                assert self._wav is not None
                self.sink.play(self._wav, self._duration)
                self.played += 1
            except (VoiceError, OSError, ValueError) as exc:
                self.errors.append(str(exc))
                log.warning("Không đọc được lời mời đánh giá / rating prompt not spoken: %s", exc)
