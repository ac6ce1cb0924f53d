"""Printer profiles: paper width, code-page numbers and quirks of one printer model.

A profile is what differs between an 80 mm Epson-compatible printer and a 58 mm one, or
between an Epson and a Chinese-firmware clone. The ticket template stays the same.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Literal

from escpos.capabilities import CAPABILITIES, BaseProfile

__all__ = ["PROFILES", "PrinterProfile", "code_tables", "escpos_profile", "get_profile"]


@dataclass(frozen=True)
class PrinterProfile:
    """What the renderer must know about one printer model."""

    name: str
    """Short name used on the command line and in configuration ("default", "58mm")."""
    dots: int = 576
    """Printable width in dots (576 for 80 mm paper at 203 dpi, 384 for 58 mm)."""
    columns: int = 48
    """Characters per line of Font A (12 x 24 dots) at normal size."""
    tcvn3_lower: int = 30
    """``ESC t`` table number of TCVN-3 lower case (Epson: 30)."""
    tcvn3_upper: int = 31
    """``ESC t`` table number of TCVN-3 capitals (Epson: 31)."""
    cp1258_table: int = 52
    """``ESC t`` table number of Windows-1258 (Epson WPC1258: 52; many clones: 94 or 27)."""
    ascii_table: int = 0
    """``ESC t`` table used for the plain ASCII lines in raster mode (PC437: 0)."""
    cancel_chinese: bool = False
    """Send ``FS .`` after ``ESC @``: Chinese-firmware printers otherwise read bytes
    0x80-0xFF as halves of GB18030 characters."""
    raster_align: Literal["esc_a", "pad"] = "esc_a"
    """How raster lines are centred: ``ESC a`` (small; most printers honour it for
    ``GS v 0``) or left padding with blank bytes (larger; for printers that ignore it)."""
    mark_cells: int = 1
    """Cells a Windows-1258 combining tone mark takes: 1 when the printer advances for
    it (many clones; the safe default: a line then ends early instead of being broken
    by the printer inside a letter), 0 when it overprints the letter before (Epson)."""
    qr_module: int = 6
    """QR module size in dots (GS ( k function 167), 1-16."""
    cut: Literal["FULL", "PART"] = "PART"
    """Cut mode; a partial cut leaves a hinge so the ticket does not fall on the floor."""
    escpos_name: str = "default"
    """python-escpos / escpos-printer-db profile used for the native commands."""

    @property
    def line_height(self) -> int:
        """Default line feed in dots (1/6 inch at 203 dpi ~ 30 dots, as after ``ESC 2``)."""
        return 30


PROFILES: dict[str, PrinterProfile] = {
    "default": PrinterProfile(name="default"),
    "58mm": PrinterProfile(name="58mm", dots=384, columns=32, qr_module=5),
    "clone80": PrinterProfile(
        name="clone80", cancel_chinese=True, cp1258_table=94, raster_align="pad"
    ),
}
"""Known profiles. "clone80" is a typical 80 mm Chinese-firmware printer."""


def get_profile(name: str | PrinterProfile) -> PrinterProfile:
    """Look up a profile by name; a clear error lists the known ones."""
    if isinstance(name, PrinterProfile):
        return name
    try:
        return PROFILES[name]
    except KeyError:
        known = ", ".join(sorted(PROFILES))
        raise ValueError(
            f"Không có cấu hình máy in '{name}' (có: {known}) / "
            f"unknown printer profile '{name}' (known: {known})"
        ) from None


def escpos_profile(profile: PrinterProfile) -> BaseProfile:
    """A python-escpos profile restricted to the tables we select ourselves.

    Only the ASCII table and the two TCVN-3 tables are left in it, and the media width
    is set from our profile, so python-escpos never picks another code page behind our
    back (its magic-encode state also goes stale after ``ESC @``).
    """
    data: dict[str, Any] = copy.deepcopy(CAPABILITIES["profiles"][profile.escpos_name])
    data["codePages"] = {
        str(profile.ascii_table): "CP437",
        str(profile.tcvn3_lower): "TCVN-3-1",
        str(profile.tcvn3_upper): "TCVN-3-2",
    }
    data.setdefault("media", {})["width"] = {"pixels": profile.dots, "mm": "Unknown"}
    cls = type("MotcuaProfile", (BaseProfile,), {"profile_data": data})
    return cls()


def code_tables(profile: PrinterProfile) -> dict[int, str]:
    """``ESC t`` table number -> codec name (see :func:`motcua.printer.codepages.decode_bytes`)."""
    return {
        0: "cp437",
        16: "cp1252",
        profile.ascii_table: "cp437",
        profile.tcvn3_lower: "tcvn3-lower",
        profile.tcvn3_upper: "tcvn3-upper",
        profile.cp1258_table: "cp1258",
    }
