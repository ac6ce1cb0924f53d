"""``motcua voice``: read numbers, render a call to WAV, generate the clip set.

    motcua voice words 1025 [--south] [--digits] [--bon | --tu]
    motcua voice render --number A025 --counter 3 -o call.wav [--south] [--digits]
                        [--clips DIR] [--repeats N] [--no-chime] [--template T] [--play]
    motcua voice clips [--out DIR] [--force] [--voice vi-vn-x-south]

Exit status: 0 done, 1 a voice problem (no espeak-ng, missing clip), 2 bad input.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

from motcua.core.centre.model import Announcement
from motcua.voice.announce import build_call
from motcua.voice.clips import ClipSet, default_clip_dir, generate_default_clips
from motcua.voice.errors import VoiceError
from motcua.voice.numbers import digits, parse_spoken, ticket_words, words
from motcua.voice.player import SilentSink, detect_sink
from motcua.voice.render import render

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="motcua voice",
        description="Giọng đọc gọi số tiếng Việt / Vietnamese voice calls",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    w = sub.add_parser("words", help="đọc một số hoặc số thứ tự / read a number or ticket")
    w.add_argument("value", help="e.g. 1025 or A025")
    _reading_options(w)

    r = sub.add_parser("render", help="ghi lời gọi ra tệp WAV / render a call to a WAV file")
    r.add_argument("--number", required=True, help="số thứ tự, e.g. A025")
    r.add_argument("--counter", required=True, help="quầy số, e.g. 3")
    r.add_argument("-o", "--output", required=True, type=Path, help="WAV file to write")
    r.add_argument("--clips", type=Path, default=None,
                   help=f"clip set folder (default {default_clip_dir()})")
    r.add_argument("--repeats", type=int, default=None, help="times the sentence is read")
    r.add_argument("--no-chime", action="store_true", help="no chime before the call")
    r.add_argument("--template", default=None, help="sentence with {number} and {counter}")
    r.add_argument("--play", action="store_true", help="also play it on the sound device")
    _reading_options(r)

    c = sub.add_parser("clips", help="tạo bộ âm thanh mặc định / generate the default clip set")
    c.add_argument("--out", type=Path, default=None,
                   help=f"folder (default {default_clip_dir()})")
    c.add_argument("--force", action="store_true", help="generate every clip again")
    c.add_argument("--voice", default="vi",
                   help="espeak-ng voice: vi (north), vi-vn-x-central, vi-vn-x-south")
    return parser


def _reading_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--south", action="store_true", help="giọng Nam: ngàn, lẻ / southern")
    p.add_argument("--digits", action="store_true", help="đọc từng chữ số / digit by digit")
    four = p.add_mutually_exclusive_group()
    four.add_argument("--bon", dest="four_as_tu", action="store_const", const=False,
                      help="24 = hai mươi bốn (mặc định giọng Nam / southern default)")
    four.add_argument("--tu", dest="four_as_tu", action="store_const", const=True,
                      help="24 = hai mươi tư (mặc định giọng Bắc / northern default)")


def _words(args: argparse.Namespace) -> int:
    value = parse_spoken(args.value)  # refuses "-5", "abc%", 40 digits ... with a message
    four_as_tu = args.four_as_tu
    if isinstance(value, int):
        text = digits(args.value.strip()) if args.digits else words(
            value, south=args.south, four_as_tu=four_as_tu
        )
    else:
        text = " ".join(ticket_words(value, digits=args.digits, south=args.south,
                                     four_as_tu=four_as_tu))
    print(text)
    return 0


def _render(args: argparse.Namespace) -> int:
    settings = Announcement(digits=args.digits, south=args.south)
    if args.repeats is not None:
        settings = replace(settings, repeats=args.repeats)
    if args.no_chime:
        settings = replace(settings, chime=False)
    if args.template:
        settings = replace(settings, template_vi=args.template)
    call = build_call(args.number, args.counter, settings, four_as_tu=args.four_as_tu)
    clip_set = ClipSet(args.clips or default_clip_dir())
    made = clip_set.ensure(call.clips)
    if made:
        print(f"Đã tạo {len(made)} đoạn âm thanh trong {clip_set.directory} / "
              f"generated {len(made)} clips", file=sys.stderr)
    duration = render(call.clips, clip_set, args.output)
    print(call.text)
    print(" | ".join(call.clips))
    print(f"{args.output}: {duration:.2f} s, {args.output.stat().st_size} bytes")
    if args.play:
        sink = detect_sink()
        if isinstance(sink, SilentSink) or not sink.play(args.output, duration):
            print("Không phát được: không có thiết bị âm thanh / not played: no sound device",
                  file=sys.stderr)
    return 0


def _clips(args: argparse.Namespace) -> int:
    folder = args.out or default_clip_dir()
    started = time.perf_counter()
    clip_set = generate_default_clips(folder, overwrite=args.force, voice=args.voice)
    elapsed = time.perf_counter() - started
    print(f"{len(clip_set.names())} đoạn âm thanh trong {folder} ({elapsed:.1f} s) / "
          f"{len(clip_set.names())} clips in {folder}")
    return 0


def main(argv: list[str]) -> int:
    """Run ``motcua voice ...``; ``argv`` are the words after "voice" (a leading "voice"
    is accepted too)."""
    if argv and argv[0] == "voice":
        argv = argv[1:]
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # --help or a usage error: argparse already printed why
        return exc.code if isinstance(exc.code, int) else 2
    handlers = {"words": _words, "render": _render, "clips": _clips}
    try:
        return handlers[args.command](args)
    except VoiceError as exc:
        print(f"Lỗi / error: {exc}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"Dữ liệu không hợp lệ / bad input: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"Lỗi tệp / file error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover - python -m motcua.voice.cli
    raise SystemExit(main(sys.argv[1:]))
