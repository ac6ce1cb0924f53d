"""Printer cells: how wide a text is on paper in a text mode, and word wrap by cells.

A thermal printer's Font A puts every byte of text in one cell (12 dots wide at normal
size, ``GS !`` multiplies it) and wraps by itself when a line is full. Counting
characters is not enough: in Windows-1258 a letter such as "ẫ" is two bytes (base "â"
plus a combining tilde), and whether the printer gives the combining byte a cell of
its own depends on its firmware (Epson overprints it, many clones advance a cell). The
profile says which (:attr:`~motcua.printer.profile.PrinterProfile.mark_cells`); the
default counts a cell for it, which can only make a line end a little early, never
let the printer break it in the middle of a letter.

Wrapping is greedy by words: a word goes to the next line whole when it fits there;
only a word longer than a whole line is cut, and then between letters (an NFC
character is one Vietnamese letter with all its marks, so a mark never leaves its
base). Continuation lines of a list item are indented (hanging indent).
"""

from __future__ import annotations

from collections.abc import Callable

from motcua.core.text import nfc
from motcua.printer.codepages import CP1258_TONES, encode_cp1258, printable
from motcua.printer.profile import PrinterProfile

__all__ = ["cell_counter", "char_cells", "text_cells", "wrap_cells"]

CellCounter = Callable[[str], int]

_CP1258_MARK_BYTES = frozenset("".join(sorted(CP1258_TONES)).encode("cp1258"))


def char_cells(ch: str, mode: str, profile: PrinterProfile) -> int:
    """Cells one NFC character takes at normal size in ``mode``."""
    if mode == "tcvn3":
        return len(printable(ch, "tcvn3"))  # one byte per letter ("..." for an ellipsis)
    if mode == "cp1258":
        data = encode_cp1258(ch)
        marks = sum(1 for b in data if b in _CP1258_MARK_BYTES)
        return len(data) - marks + marks * profile.mark_cells
    return len(ch.encode("ascii", errors="replace"))


def cell_counter(mode: str, profile: PrinterProfile) -> CellCounter:
    """A function giving the cells a text takes at normal size in ``mode``."""
    cache: dict[str, int] = {}

    def count(text: str) -> int:
        total = 0
        for ch in text:
            if ch not in cache:
                cache[ch] = char_cells(ch, mode, profile)
            total += cache[ch]
        return total

    return count


def text_cells(text: str, mode: str, profile: PrinterProfile) -> int:
    """Cells ``text`` takes at normal size in ``mode``."""
    return cell_counter(mode, profile)(nfc(text))


def _split_long(word: str, width: int, cells: CellCounter) -> list[str]:
    """Cut a word longer than a line between letters (never inside one)."""
    pieces: list[str] = []
    current = ""
    for ch in word:
        if current and cells(current + ch) > width:
            pieces.append(current)
            current = ch
        else:
            current += ch
    if current:
        pieces.append(current)
    return pieces


def wrap_cells(text: str, width: int, cells: CellCounter, *, hanging: int = 0) -> list[str]:
    """Wrap ``text`` into lines of at most ``width`` cells, by words.

    ``hanging`` indents every line after the first by that many spaces (for a list
    item "- Giấy tờ ..." whose second line starts under the text, not under the dash).
    """
    width = max(1, width)
    indent = " " * min(hanging, width - 1)
    lines: list[str] = []
    current = ""
    # Only a plain space breaks a line: a no-break space (U+00A0) keeps words together
    # ("Xin cảm ơn!") and prints as a space.
    for word in [w for w in nfc(text).split(" ") if w]:
        prefix = indent if lines else ""
        candidate = f"{current} {word}" if current else prefix + word
        if cells(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        prefix = indent if lines else ""
        if cells(prefix + word) <= width:
            current = prefix + word
            continue
        # Longer than a whole line: cut between letters, filling each line.
        pieces = _split_long(word, width - len(indent), cells)
        for piece in pieces[:-1]:
            lines.append((indent if lines else "") + piece)
        current = (indent if lines else "") + pieces[-1]
    if current or not lines:
        lines.append(current)
    return lines
