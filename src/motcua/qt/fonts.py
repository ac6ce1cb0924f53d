"""The bundled font (DejaVu Sans, regular and bold) for every Qt program.

Every screen shows Vietnamese with all its diacritics whatever fonts the machine has, so
the programs never rely on system fonts: they register these files with Qt once.
"""

from __future__ import annotations

import logging

from motcua.paths import FONT_DIR

log = logging.getLogger(__name__)


FONT_FAMILY = "DejaVu Sans"
FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
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
