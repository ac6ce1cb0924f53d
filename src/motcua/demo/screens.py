"""``motcua demo --screens PROGRAM``: the documentation pictures of one program.

Each tour starts a private hub on 127.0.0.1 (temporary database, random ports) and the
program's real window on its link, plays what the pictures need and saves PNGs at the
program's real resolution. The product packages know nothing of this module.

    motcua demo --screens kiosk   --out docs/images    every kiosk screen, both orientations
    motcua demo --screens counter --out docs/images    the counter app through a morning
    motcua demo --screens display --out docs/images    hall board, counter board, lost hub
    motcua demo --screens rating  --out docs/images    the rating tablet's states
    motcua demo --screens live    --out docs/images    the manager's live view on a busy day
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

__all__ = ["TOURS", "run_screens"]

TOURS: tuple[str, ...] = ("kiosk", "counter", "display", "rating", "live")


def _kiosk(out: Path) -> list[Path]:
    from motcua.demo.kiosk_tour import take_screenshots

    return take_screenshots(out)


def _counter(out: Path) -> list[Path]:
    from motcua.demo.counter_tour import take_screenshots

    return take_screenshots(out)


def _display(out: Path) -> list[Path]:
    from motcua.demo.display_tour import run

    run(out)
    return sorted(out.glob("display-*.png"))


def _rating(out: Path) -> list[Path]:
    from motcua.demo.rating_tour import take_screenshots

    return take_screenshots(out)


def _live(out: Path) -> list[Path]:
    from motcua.demo.live_tour import picture

    return [picture(out, "live-morning.png", (9, 40), paper_out=True),
            picture(out, "live-afternoon.png", (15, 20)),
            picture(out, "live-lost.png", (10, 15), lose_hub=True)]


_RUNNERS: dict[str, Callable[[Path], list[Path]]] = {
    "kiosk": _kiosk, "counter": _counter, "display": _display, "rating": _rating,
    "live": _live,
}


def run_screens(program: str, out: Path) -> int:
    """Save ``program``'s pictures into ``out`` and list them; 0 on success."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    out.mkdir(parents=True, exist_ok=True)
    paths = _RUNNERS[program](out)
    for path in paths:
        print(path, flush=True)
    print(f"Đã lưu {len(paths)} ảnh / saved {len(paths)} pictures in {out}", flush=True)
    return 0
