"""``motcua voice``: read numbers, render a call to WAV, generate the clip set.

    motcua voice words 1025 [--south] [--digits] [--bon | --tu]
    motcua voice render --number A025 --counter 3 -o call.wav [--south] [--digits]
                        [--clips DIR] [--repeats N] [--no-chime] [--template T] [--play]
    motcua voice clips [--out DIR] [--force] [--voice vi-vn-x-south]
    motcua voice record --pack DIR [--config centre.toml] [--from-folder WAVS]
                        [--recorder CMD] [--redo] [--check] [--south] [--name NAME]
    motcua voice espeak-pack --pack DIR [--config centre.toml] [--south]

Exit status: 0 done, 1 a voice problem (no espeak-ng, missing clip), 2 bad input.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

from motcua.core.centre.model import Announcement
from motcua.voice.announce import build_call
from motcua.voice.clips import ClipSet, default_clip_dir, generate_default_clips
from motcua.voice.errors import VoiceError
from motcua.voice.numbers import digits, parse_spoken, ticket_words, words
from motcua.voice.pack import create_pack, pack_report, required_clips
from motcua.voice.player import SilentSink, detect_sink
from motcua.voice.record import Recorder, espeak_pack, record_pack
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
    r.add_argument("--pack", type=Path, default=None,
                   help="bộ giọng ghi âm / recorded voice pack (missing words: espeak-ng; "
                        "default $MOTCUA_VOICE_PACK)")
    _reading_options(r)

    rec = sub.add_parser("record", help="ghi bộ giọng đọc cho trung tâm / record a voice pack")
    _pack_options(rec)
    rec.add_argument("--from-folder", type=Path, default=None,
                     help="nhập tệp WAV đặt tên theo từ / import WAVs named by their words")
    rec.add_argument("--recorder", default=None,
                     help="lệnh ghi âm với {file} {seconds} {rate} (mặc định arecord)")
    rec.add_argument("--redo", action="store_true", help="ghi lại cả đoạn đã có / record again")
    rec.add_argument("--check", action="store_true",
                     help="chỉ báo đoạn còn thiếu / only report missing clips")
    rec.add_argument("--name", default="", help="tên bộ giọng / pack name")

    gen = sub.add_parser("espeak-pack",
                         help="tạo bộ giọng bằng espeak-ng / generate a pack with espeak-ng")
    _pack_options(gen)

    c = sub.add_parser("clips", help="tạo bộ âm thanh mặc định / generate the default clip set")
    c.add_argument("--out", type=Path, default=None,
                   help=f"folder (default {default_clip_dir()})")
    c.add_argument("--force", action="store_true", help="generate every clip again")
    c.add_argument("--voice", default="vi",
                   help="espeak-ng voice: vi (north), vi-vn-x-central, vi-vn-x-south")
    return parser


def _pack_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--pack", type=Path, required=True, help="thư mục bộ giọng / pack folder")
    p.add_argument("--config", type=Path, default=None,
                   help="centre.toml (mặc định: trung tâm mẫu / the sample centre)")
    p.add_argument("--south", action="store_true", default=None,
                   help="giọng Nam: ngàn, lẻ, bốn / southern reading")
    four = p.add_mutually_exclusive_group()
    four.add_argument("--bon", dest="four_as_tu", action="store_const", const=False)
    four.add_argument("--tu", dest="four_as_tu", action="store_const", const=True)


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
    pack = args.pack or os.environ.get("MOTCUA_VOICE_PACK") or None
    clip_set = ClipSet(args.clips or default_clip_dir(), pack=pack)
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


def _needed(args: argparse.Namespace) -> tuple[list[str], bool]:
    """The clips the centre's calls need, and whether they are read the southern way."""
    from motcua.core.centre.load import load_centre
    from motcua.paths import SAMPLE_CONFIG

    centre = load_centre(args.config or SAMPLE_CONFIG)
    settings = centre.announcement
    if args.south is not None:
        settings = replace(settings, south=args.south)
    return required_clips(centre, settings, four_as_tu=args.four_as_tu), settings.south


def _record(args: argparse.Namespace) -> int:
    needed, south = _needed(args)
    pack = create_pack(args.pack, name=args.name, dialect="south" if south else "north")
    if args.check:
        report = pack_report(pack, needed)
        print(f"{len(report.present)}/{len(report.needed)} đoạn có / clips present")
        for name in report.missing:
            print(f"thiếu / missing: {name}")
        return 0 if report.complete else 1
    recorder = None
    if args.from_folder is None:
        recorder = Recorder(args.recorder) if args.recorder else Recorder.detect()
    report = record_pack(pack, needed, source=args.from_folder, recorder=recorder, redo=args.redo)
    return 0 if report.complete else 1


def _espeak_pack(args: argparse.Namespace) -> int:
    needed, south = _needed(args)
    pack = create_pack(args.pack, name="espeak-ng " + ("south" if south else "north"),
                       dialect="south" if south else "north", source="espeak-ng",
                       sample_rate=16000)
    report = espeak_pack(pack, needed, voice="vi-vn-x-south" if south else "vi")
    print(f"{len(report.present)}/{len(report.needed)} đoạn / clips in {args.pack}")
    return 0 if report.complete else 1


def main(argv: list[str]) -> int:
    """Run ``motcua voice ...``; ``argv`` are the words after "voice" (a leading "voice"
    is accepted too)."""
    if argv and argv[0] == "voice":
        argv = argv[1:]
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # --help or a usage error: argparse already printed why
        return exc.code if isinstance(exc.code, int) else 2
    handlers = {"words": _words, "render": _render, "clips": _clips, "record": _record,
                "espeak-pack": _espeak_pack}
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
