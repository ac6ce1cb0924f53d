"""The bundled screen font (Noto Sans, regular and bold) for every Qt program.

Every screen shows Vietnamese with all its diacritics whatever fonts the machine has, so
the programs never rely on system fonts: they register these files with Qt once.

Why Noto Sans and not DejaVu Sans: DejaVu Sans Bold at 26–30 px lost the upper tone mark
of stacked-mark capitals (Ế, Ầ, Ổ, Ẵ …) so "BẾN" read "BÊN". Noto Sans is designed and
hinted for Vietnamese (marks sit inside the font's ascent, stacked marks are placed for
capitals) and is free (SIL OFL 1.1, see assets/fonts/LICENSE-NotoSans.txt).
The printer's raster renderer and the report charts keep their own DejaVu files.
"""

from __future__ import annotations

import logging

from motcua.paths import FONT_DIR

log = logging.getLogger(__name__)


FONT_FAMILY = "Noto Sans"
FONT_FILES = ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf")
_family: list[str] = []


def bundled_family() -> str:
    """Register the bundled fonts with Qt (once per process) and return their family.

    Needs a QGuiApplication.
    """
    if _family:
        return _family[0]
    from PySide6.QtGui import QFontDatabase

    family = FONT_FAMILY
    for name in FONT_FILES:
        font_id = QFontDatabase.addApplicationFont(str(FONT_DIR / name))
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        if families:
            family = families[0]
        else:
            log.error("could not load the bundled font %s", FONT_DIR / name)
    _family.append(family)
    return family


MARK_ROOM_PX = 2
"""Pixels a label keeps free above its line box. Noto Sans places the upper mark of a
stacked capital (Ễ, Ẫ, Ổ …) right at the font's ascent, and antialiasing or hinting can
put one row of ink above it at some sizes (measured: at most 1 px up to 60 px, none
above); a label as tall as its line box would clip that row."""

LABEL_ROOM_QSS = f"QLabel {{ padding-top: {MARK_ROOM_PX}px; }}\n"
"""Style rule every app puts first in its style sheet (a label's own padding overrides
it, and every such padding in the apps is larger)."""
