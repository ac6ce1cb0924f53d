"""Read a text-mode ticket back as the printer would print it, line by line.

The tests' proof that a text mode is exact: the bytes motcua sends are decoded here,
with the code table each ``ESC t`` selected, into the lines the paper will show. The
printer's own behaviour is modelled where it matters for Vietnamese:

* a line ends at ``LF``, ``ESC J`` or ``ESC d`` (a feed prints the buffer);
* when the text would overflow the line (``columns`` cells of Font A, each cell as wide
  as ``GS !`` makes it) the printer wraps by itself, wherever that falls: in the
  middle of a word, or between a letter and its combining tone mark. Such a line
  shows up here as it would on paper ("Xin cảm ơ" / "n!"), so a test can catch it;
* a combining tone byte takes :attr:`~motcua.printer.profile.PrinterProfile.mark_cells`
  cells, as on the printer the profile describes.

Each line is NFC-normalised; a line that begins with a lone combining mark stays that
way (NFC cannot join it to a letter on the line before).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from motcua.printer.codepages import decode_bytes
from motcua.printer.parse import parse_all
from motcua.printer.profile import PrinterProfile, code_tables, get_profile

__all__ = ["PrintedLine", "decode_text", "printed_lines"]


@dataclass(frozen=True)
class PrintedLine:
    """One line on paper: its text (NFC), character width multiplier and boldness."""

    text: str
    width: int
    bold: bool
    wrapped: bool
    """True when the printer broke this line itself because it was full."""


def printed_lines(data: bytes, profile: PrinterProfile | str = "default") -> list[PrintedLine]:
    """The text lines ``data`` prints, in order (images and QR codes are not text)."""
    prof = get_profile(profile)
    tables = code_tables(prof)
    lines: list[PrintedLine] = []
    chars: list[str] = []
    used = 0
    table, width, bold = 0, 1, False

    def flush(wrapped: bool = False) -> None:
        nonlocal used
        if chars:
            text = unicodedata.normalize("NFC", "".join(chars))
            lines.append(PrintedLine(text, width, bold, wrapped))
        chars.clear()
        used = 0

    for cmd in parse_all(data):
        name = cmd.name
        if name == "text":
            codec = tables.get(table, "cp437")
            for byte in cmd.args:
                ch = decode_bytes(bytes((byte,)), codec)
                cells = (prof.mark_cells if unicodedata.combining(ch) else 1) * width
                if used + cells > prof.columns and chars:
                    flush(wrapped=True)  # the printer's own wrap: wherever it falls
                chars.append(ch)
                used += cells
        elif name in ("LF", "ESC J", "ESC d"):
            flush()
        elif name == "ESC @":
            flush()
            table, width, bold = 0, 1, False
        elif name == "ESC t":
            table = cmd.args[0]
        elif name == "GS !":
            width = (cmd.args[0] >> 4) + 1
        elif name == "ESC E":
            bold = bool(cmd.args[0] & 1)
    flush()
    return lines


def decode_text(data: bytes, profile: PrinterProfile | str = "default") -> str:
    """Text a text-mode ticket prints, one printed line per line (see :func:`printed_lines`)."""
    return "\n".join(line.text for line in printed_lines(data, profile))
