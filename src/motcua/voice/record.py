"""Guide a person through recording a voice pack: every clip a centre's calls need.

``motcua voice record`` (see :mod:`motcua.voice.cli`) runs :func:`record_pack`:

* it lists the clips the centre needs (:func:`motcua.voice.pack.required_clips`) and
  skips those the pack already has (``redo`` records them again);
* with a folder of WAV files (``source``) it imports each clip whose file is named
  after it ("hai mươi.wav", "hai_mươi.wav", "hai-muoi.wav" or the pack's own file
  name), so a studio can record everything in one session and hand the files over;
* otherwise it records from the microphone, one clip at a time: it shows the words
  to say, waits for Enter, records for a few seconds through the sound system's
  recorder (``arecord`` from ALSA, or any command given), then checks the take
  (:func:`motcua.voice.pack.check_clip`: not silent, not too quiet, not clipped, not
  too short or long), trims it and stores it levelled; a take that fails is explained
  and asked for again;
* at the end it reports what is still missing (the announcer speaks those words with
  espeak-ng until they are recorded).

The recorder is one seam (:class:`Recorder`); tests give it a command that writes a
WAV file, as ``arecord`` would.
"""

from __future__ import annotations

import logging
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from motcua.core.text import fold
from motcua.voice.announce import CHIME, clip_name
from motcua.voice.errors import VoiceError
from motcua.voice.pack import (
    ClipProblem,
    PackReport,
    VoicePack,
    add_clip,
    clip_file_name,
    pack_report,
)
from motcua.voice.wav import read_wav

__all__ = ["Recorder", "find_source_file", "record_pack", "take_seconds"]

log = logging.getLogger(__name__)

ATTEMPTS = 3
"""Takes of one clip before the guide moves on (the clip is then reported missing)."""


@dataclass(frozen=True)
class Recorder:
    """Records ``seconds`` of mono 16-bit sound into a WAV file with an external command.

    ``command`` is a template with ``{file}``, ``{seconds}`` and ``{rate}``; the default
    is ALSA's ``arecord``.
    """

    command: str = "arecord -q -f S16_LE -c 1 -r {rate} -d {seconds} {file}"

    @classmethod
    def detect(cls) -> Recorder | None:
        """The ALSA recorder when ``arecord`` is installed, else None."""
        return cls() if shutil.which("arecord") else None

    def record(self, out: Path, seconds: int, rate: int) -> None:
        """Record into ``out``; a :class:`VoiceError` when the command fails."""
        args = [part.format(file=str(out), seconds=seconds, rate=rate)
                for part in shlex.split(self.command)]
        try:
            result = subprocess.run(args, capture_output=True, timeout=seconds + 30,
                                    check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise VoiceError(f"Không ghi âm được ({exc}) / recording failed: {exc}") from None
        if result.returncode != 0 or not out.exists():
            detail = result.stderr.decode("utf-8", "replace").strip()
            raise VoiceError(
                f"Không ghi âm được (mã {result.returncode}: {detail}); kiểm tra micrô / "
                f"recording failed (status {result.returncode}): check the microphone"
            )


def take_seconds(name: str) -> int:
    """How long to record a clip: 3 s for a word, a second more per three words."""
    return 3 + len(name.split()) // 3


def find_source_file(folder: Path, name: str) -> Path | None:
    """The WAV file in ``folder`` that holds clip ``name``, by any of its usual names."""
    stems = {
        name,
        name.replace(" ", "_"),
        name.replace(" ", "-"),
        fold(name).replace(" ", "-"),
        fold(name).replace(" ", "_"),
        clip_file_name(name)[: -len(".wav")],
    }
    for wav in sorted(folder.glob("*.wav")) + sorted(folder.glob("*.WAV")):
        stem = clip_name(wav.stem)
        if stem in stems or stem.replace("_", " ") == name:
            return wav
    return None


Ask = Callable[[str], str]
Say = Callable[[str], None]


def record_pack(
    pack: VoicePack,
    needed: Iterable[str],
    *,
    source: Path | None = None,
    recorder: Recorder | None = None,
    ask: Ask = input,
    say: Say = print,
    redo: bool = False,
) -> PackReport:
    """Fill ``pack`` with the ``needed`` clips from ``source`` WAVs or the microphone."""
    wanted = list(dict.fromkeys(clip_name(n) for n in needed))
    todo = [n for n in wanted if redo or pack.path(n) is None]
    if source is not None and not source.is_dir():
        raise ValueError(f"Không có thư mục {source} / no folder {source}")
    if source is None and recorder is None and todo:
        raise VoiceError(
            "Không có micrô (chưa cài arecord) và không có thư mục tệp WAV; cài 'alsa-utils' "
            "hoặc dùng --from-folder / no recorder (arecord) and no --from-folder given"
        )
    say(f"Bộ giọng {pack.directory}: cần {len(wanted)} đoạn, còn thiếu {len(todo)} / "
        f"{len(wanted)} clips needed, {len(todo)} to record")
    for position, name in enumerate(todo, 1):
        prefix = f"[{position}/{len(todo)}]"
        if source is not None:
            _import_one(pack, name, source, prefix, say)
            continue
        if name == CHIME:
            continue  # not spoken: the synthesised chime plays unless a file is imported
        assert recorder is not None
        if _record_one(pack, name, recorder, prefix, ask, say) == "stop":
            break
    report = pack_report(pack, wanted)
    if report.missing:
        say(f"Còn thiếu {len(report.missing)} đoạn (sẽ đọc bằng espeak-ng) / still missing "
            f"{len(report.missing)} clips (espeak-ng speaks them): "
            + ", ".join(f"«{n}»" for n in report.missing))
    else:
        say(f"Đủ {len(report.needed)} đoạn / complete: all {len(report.needed)} clips")
    return report


def _import_one(pack: VoicePack, name: str, source: Path, prefix: str, say: Say) -> None:
    found = find_source_file(source, name)
    if found is None:
        say(f"{prefix} «{name}»: không có tệp / no file")
        return
    try:
        entry = add_clip(pack, name, read_wav(found))
    except ClipProblem as exc:
        say(f"{prefix} «{name}» ({found.name}): {exc.reason_vi} / {exc.reason_en}")
        return
    except VoiceError as exc:
        say(f"{prefix} «{name}» ({found.name}): {exc}")
        return
    say(f"{prefix} «{name}» ← {found.name} ({entry['seconds']:.2f} s)")


def _record_one(pack: VoicePack, name: str, recorder: Recorder, prefix: str, ask: Ask,
                say: Say) -> str:
    """Record one clip (up to :data:`ATTEMPTS` takes); "stop" when the person quits."""
    seconds = take_seconds(name)
    for attempt in range(1, ATTEMPTS + 1):
        answer = ask(f"{prefix} Đọc / say: «{name}»  — Enter: ghi {seconds} s / record, "
                     f"s: bỏ qua / skip, q: dừng / quit > ").strip().lower()
        if answer == "q":
            return "stop"
        if answer == "s":
            return "skip"
        with tempfile.TemporaryDirectory(prefix="motcua-take-") as tmp:
            take = Path(tmp) / "take.wav"
            try:
                recorder.record(take, seconds, pack.sample_rate)
                entry = add_clip(pack, name, read_wav(take))
            except ClipProblem as exc:
                say(f"  Lần {attempt}: {exc.reason_vi} / take {attempt}: {exc.reason_en}")
                continue
            except VoiceError as exc:
                say(f"  {exc}")
                return "stop"
        say(f"  Đã lưu ({entry['seconds']:.2f} s) / saved")
        return "saved"
    say(f"  Bỏ qua «{name}» sau {ATTEMPTS} lần / skipped after {ATTEMPTS} takes")
    return "skip"


def espeak_pack(pack: VoicePack, needed: Iterable[str], *, voice: str = "vi",
                say: Say = print) -> PackReport:
    """Fill ``pack`` with espeak-ng's reading of every ``needed`` clip it lacks.

    Each generated clip goes through the same checks, trimming and levelling as a
    recording, so a generated pack exercises exactly the path a recorded one takes.
    """
    from motcua.voice.clips import generate_clips

    wanted = list(dict.fromkeys(clip_name(n) for n in needed))
    todo = [n for n in wanted if pack.path(n) is None]
    if todo:
        with tempfile.TemporaryDirectory(prefix="motcua-espeak-pack-") as tmp:
            generated = generate_clips(tmp, todo, voice=voice)
            for name in todo:
                add_clip(pack, name, generated.audio(name))
    say(f"{len(todo)} đoạn espeak-ng mới trong {pack.directory} / {len(todo)} clips generated")
    return pack_report(pack, wanted)
