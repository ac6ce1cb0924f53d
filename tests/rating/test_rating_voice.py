"""The spoken rating prompt, through a recording sink (no loudspeaker)."""

from __future__ import annotations

import threading
from pathlib import Path

from motcua.rating.voice_prompt import PROMPT_CLIP, VoicePrompt
from motcua.voice.wav import read_wav, silence, write_wav
from tests.support.wait import wait_until


class RecordingSink:
    name = "recording"

    def __init__(self) -> None:
        self.played: list[float] = []
        self.gate = threading.Event()

    def play(self, wav: Path, duration: float) -> bool:
        assert read_wav(wav).duration == duration
        self.played.append(duration)
        self.gate.wait(5)
        return True


def test_the_prompt_is_spoken_from_a_recorded_clip(tmp_path: Path) -> None:
    assert PROMPT_CLIP == "quý vị có hài lòng với cách phục vụ"
    write_wav(tmp_path / "recorded" / f"{PROMPT_CLIP}.wav", silence(0.4, 22050))
    sink = RecordingSink()
    prompt = VoicePrompt(tmp_path, sink=sink, generate_missing=False)
    try:
        prompt.ask()
        wait_until(lambda: len(sink.played) == 1, "the prompt")
        prompt.ask()  # asked again while the first is still playing ...
        prompt.ask()  # ... and again: one more prompt, not two
        sink.gate.set()
        wait_until(lambda: prompt.played == 2, "the second prompt")
        # Nothing more is queued: a third prompt would still be waiting on the wake flag.
        assert not prompt._wake.is_set() and prompt.played == 2
        assert len(sink.played) == 2
        assert sink.played[0] >= 0.4 and prompt.errors == []
    finally:
        sink.gate.set()
        prompt.close()


def test_a_missing_clip_is_reported_in_words_not_raised(tmp_path: Path) -> None:
    sink = RecordingSink()
    prompt = VoicePrompt(tmp_path, sink=sink, generate_missing=False)
    try:
        prompt.ask()
        wait_until(lambda: prompt.errors, "the error")
        assert "thiếu" in prompt.errors[0] and sink.played == []
    finally:
        prompt.close()
