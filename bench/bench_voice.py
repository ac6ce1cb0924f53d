"""Voice benchmark: clip-set generation, call rendering (clips cached), WAV size.

Run: .venv/bin/python bench/bench_voice.py [--calls 40]

Prints p50/p99 render times for random calls (joining the clips alone, and joining plus
loudness normalisation to -16 LUFS / -1 dBTP) against two floors measured in the same
run: writing a silent WAV of the same length (pure file output), and espeak-ng speaking
the whole sentence directly (the alternative to a clip set); and the loudness of the
rendered calls before and after normalisation.
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from motcua.core.centre.model import Announcement
from motcua.voice.announce import all_clip_names, build_call
from motcua.voice.clips import generate_default_clips
from motcua.voice.loudness import measure
from motcua.voice.render import render, render_audio
from motcua.voice.wav import silence, write_wav


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def ms(values: list[float]) -> str:
    return f"p50 {pct(values, 0.5) * 1000:7.2f} ms  p99 {pct(values, 0.99) * 1000:7.2f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=40)
    parser.add_argument("--generations", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(2025)
    work = Path(tempfile.mkdtemp(prefix="motcua-bench-voice-"))
    try:
        # 1. clip-set generation (cold, into empty folders)
        gen_times = []
        for i in range(args.generations):
            started = time.perf_counter()
            clip_set = generate_default_clips(work / f"set{i}")
            gen_times.append(time.perf_counter() - started)
        names = all_clip_names()
        size = sum(p.stat().st_size for p in (work / "set0").rglob("*.wav"))
        print(f"clip set: {len(names)} clips, {size / 1024:.0f} kB on disk, "
              f"generated in median {statistics.median(gen_times):.2f} s "
              f"(min {min(gen_times):.2f} s, {args.generations} runs)")

        # 2. rendering random calls, clips cached after the first call
        settings = Announcement()  # centre default: chime + 2 repeats
        calls = [
            build_call(f"{rng.choice('ABCDE')}{rng.randint(1, 999):03d}", rng.randint(1, 8),
                       settings)
            for _ in range(args.calls)
        ]
        render_audio(calls[0].clips, clip_set)  # warm the clip cache
        in_memory, joined, to_file, floor, durations = [], [], [], [], []
        before, after, peaks_before, peaks_after = [], [], [], []
        out = work / "call.wav"
        for call in calls:
            tj = time.perf_counter()
            raw = render_audio(call.clips, clip_set, loudness=None)
            t0 = time.perf_counter()
            audio = render_audio(call.clips, clip_set)
            t1 = time.perf_counter()
            joined.append(t0 - tj)
            m0, m1 = measure(raw), measure(audio)
            before.append(m0.lufs)
            after.append(m1.lufs)
            peaks_before.append(m0.true_peak)
            peaks_after.append(m1.true_peak)
            duration = render(call.clips, clip_set, out)
            t2 = time.perf_counter()
            write_wav(work / "silence.wav", silence(duration, audio.rate))
            t3 = time.perf_counter()
            in_memory.append(t1 - t0)
            to_file.append(t2 - t1)
            floor.append(t3 - t2)
            durations.append(duration)
        print(f"join clips only, in memory ({args.calls} calls): {ms(joined)}")
        print(f"join + normalise, in memory ({args.calls} calls): {ms(in_memory)}")
        print(f"loudness joined:     {min(before):6.1f} .. {max(before):6.1f} LUFS, "
              f"true peak up to {max(peaks_before):5.2f} dBTP")
        print(f"loudness normalised: {min(after):6.1f} .. {max(after):6.1f} LUFS, "
              f"true peak up to {max(peaks_after):5.2f} dBTP")
        print(f"render to WAV file ({args.calls} calls): {ms(to_file)}")
        print(f"floor: write a silent WAV of equal length: {ms(floor)}")

        # 3. the alternative: espeak-ng speaks the whole sentence each time
        espeak = shutil.which("espeak-ng")
        if espeak:
            direct = []
            for call in calls[:20]:
                t0 = time.perf_counter()
                subprocess.run([espeak, "-v", "vi", "-s", "150", "-w", str(work / "e.wav"),
                                "--stdin"], input=call.text.encode(), check=True)
                direct.append(time.perf_counter() - t0)
            print(f"floor: espeak-ng whole sentence, once (20 calls): {ms(direct)}")

        # 4. size and length of the default call
        one = build_call("A025", 3, settings)
        duration = render(one.clips, clip_set, out)
        nbytes = out.stat().st_size
        print(f"call A025 -> counter 3 (chime + 2 repeats): {duration:.2f} s, {nbytes} bytes "
              f"({nbytes / duration / 1024:.1f} kB/s, mono 16-bit {clip_set.sample_rate} Hz)")
        once = build_call("A025", 3, Announcement(repeats=1))
        d1 = render(once.clips, clip_set, out)
        print(f"call A025 -> counter 3 (chime + 1 repeat): {d1:.2f} s, {out.stat().st_size} bytes")
        print(f"random calls: duration p50 {pct(durations, 0.5):.2f} s, "
              f"max {max(durations):.2f} s")
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS: {rss:.0f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
