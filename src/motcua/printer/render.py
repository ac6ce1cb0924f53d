"""Render a :class:`~motcua.printer.ticket.TicketPrint` to the exact ESC/POS bytes of one ticket.

Three ways to get Vietnamese onto paper:

``raster`` (default, always right)
    Each Vietnamese line is drawn with the bundled DejaVu Sans font into a 1-bit bitmap
    and sent as ``GS v 0``. Only ink is sent: blank rows above and below a line become a
    paper feed (``ESC J``), blank columns are cut off and the line is centred with
    ``ESC a``. Plain ASCII lines (the date), the big number and the QR code stay native
    printer commands.
``tcvn3`` (smallest)
    Text in the Epson TCVN-3 tables (``ESC t 30`` lower case, ``ESC t 31`` capitals).
``cp1258``
    Text in Windows-1258 with combining tone marks (``ESC t 52`` on Epson).

Native commands (styles, QR, cut) come from python-escpos' ``Dummy`` printer. Text bytes
are encoded here (:mod:`motcua.printer.codepages`), never by python-escpos' magic encoder, whose
code-page state goes stale after ``ESC @``.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal, get_args

from escpos.constants import QR_ECLEVEL_M
from escpos.magicencode import MagicEncode
from escpos.printer import Dummy
from PIL import Image, ImageDraw, ImageFont

from motcua.printer.codepages import encode_cp1258, encode_tcvn3
from motcua.printer.decode import decode_text
from motcua.printer.layout import cell_counter, wrap_cells
from motcua.printer.profile import PrinterProfile, escpos_profile, get_profile
from motcua.printer.ticket import TICKET_TEMPLATE, Align, Block, Line, TicketPrint, fill

__all__ = [
    "MODES",
    "Mode",
    "decode_text",
    "draw_text",
    "font_path",
    "line_canvas",
    "load_font",
    "render",
    "render_line_image",
    "stack_ascent",
]

log = logging.getLogger(__name__)

Mode = Literal["raster", "tcvn3", "cp1258"]
MODES: tuple[str, ...] = get_args(Mode)

INIT = b"\x1b@"
CANCEL_CHINESE = b"\x1c."
_ALIGN_CODE = {"left": 0, "center": 1, "right": 2}


def font_path(bold: bool = False) -> Path:
    """Path of the bundled DejaVu Sans font (full Vietnamese coverage)."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return Path(str(resources.files("motcua").joinpath("assets", "fonts", name)))


@lru_cache(maxsize=32)
def load_font(px: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """The bundled DejaVu Sans at ``px`` dots (cached)."""
    return ImageFont.truetype(str(font_path(bold)), px)


class _Writer:
    """python-escpos ``Dummy`` plus the printer state we set, so nothing is sent twice."""

    def __init__(self, profile: PrinterProfile) -> None:
        self.profile = profile
        self.p = Dummy()
        # python-escpos only accepts profile names; install ours and rebuild the magic
        # encoder from it so even a stray p.text() could only pick tables 0/30/31.
        self.p.profile = escpos_profile(profile)
        self.p.magic = MagicEncode(self.p)
        # State right after ESC @ (the code table is left unknown: a memory switch may
        # have changed the printer's default, so the first text always selects one).
        self.align: str = "left"
        self.bold = False
        self.size = 1
        self.table: int | None = None
        self.pending_feed = 0
        self.pending_lf = False

    def raw(self, data: bytes) -> None:
        self.flush_feed()
        self.p._raw(data)

    def style(self, align: str | None = None, bold: bool | None = None,
              size: int | None = None) -> None:
        self.flush_feed()  # keep the byte order the order things happen on paper
        if align is not None and align != self.align:
            self.p.set(align=align)
            self.align = align
        if bold is not None and bold != self.bold:
            self.p.set(bold=bold)
            self.bold = bold
        if size is not None and size != self.size:
            self.p.set(custom_size=True, width=size, height=size)
            self.size = size

    def table_select(self, table: int) -> None:
        if table != self.table:
            self.raw(b"\x1bt" + bytes((table,)))
            self.table = table

    def feed(self, dots: int) -> None:
        """Queue a paper feed; consecutive feeds are merged into one ``ESC J``."""
        self.pending_feed += max(0, dots)

    def line(self, data: bytes) -> None:
        """Send one line of text; its line end is written with the next feed or command.

        ``ESC J n`` prints the buffer and feeds ``n`` dots, so a normal-height line
        followed by a gap ends as ``ESC J (30 + gap)`` (3 bytes) instead of
        ``LF ESC J gap`` (4), with the same paper movement.
        """
        self.flush_feed()
        self.p._raw(data)
        self.pending_lf = True

    def flush_feed(self) -> None:
        dots, self.pending_feed = self.pending_feed, 0
        if self.pending_lf:
            self.pending_lf = False
            spacing = self.profile.line_height
            if dots and self.size == 1 and spacing + dots <= 255:
                self.p._raw(b"\x1bJ" + bytes((spacing + dots,)))
                return
            self.p._raw(b"\n")
        while dots > 0:
            step = min(dots, 255)
            self.p._raw(b"\x1bJ" + bytes((step,)))
            dots -= step

    def output(self) -> bytes:
        self.flush_feed()
        return bytes(self.p.output)


# ----------------------------------------------------------------- text modes


def _encode(w: _Writer, mode: Mode, text: str) -> bytes:
    """Encode ``text`` for the current mode, emitting table switches through ``w``."""
    prof = w.profile
    if mode == "tcvn3":
        start = w.table if w.table in (prof.tcvn3_lower, prof.tcvn3_upper) else None
        if start is None:
            w.table_select(prof.tcvn3_lower)
            start = prof.tcvn3_lower
        data, w.table = encode_tcvn3(text, start, prof.tcvn3_lower, prof.tcvn3_upper)
        return data
    if mode == "cp1258":
        w.table_select(prof.cp1258_table)
        return encode_cp1258(text)
    w.table_select(prof.ascii_table)
    return text.encode("ascii", errors="replace")


def _text_line(w: _Writer, mode: Mode, line: Line) -> None:
    """One template row in a text mode: sized, then wrapped in printer cells."""
    cells = cell_counter(mode, w.profile)
    columns = w.profile.columns
    size = max(1, min(line.size, 8, columns // max(1, cells(line.text))))
    w.style(align=line.align, bold=line.bold, size=size)
    for part in wrap_cells(line.text, columns // size, cells, hanging=line.hanging):
        w.flush_feed()
        # encode first: it may emit an ESC t switch that must precede the text bytes
        data = _encode(w, mode, part)
        w.line(data)


# ----------------------------------------------------------------- raster mode


INK_THRESHOLD = 100
"""Grey level (0-255) from which an anti-aliased dot is printed black."""


def draw_text(text: str, font: ImageFont.FreeTypeFont, width: int, height: int,
              origin: tuple[int, int]) -> Image.Image:
    """Draw ``text`` (baseline-left at ``origin``) into a 1-bit image, 1 = ink.

    Drawn anti-aliased, then thresholded: FreeType's own 1-bit rendering shrinks the
    horn of Ư to a one-dot nub at 20 px in DejaVu Sans Bold, so "Ưu tiên" read "Uu tiên".
    """
    grey = Image.new("L", (width, height), 0)
    ImageDraw.Draw(grey).text(origin, text, font=font, fill=255, anchor="ls")
    return grey.point(lambda v: 255 if v >= INK_THRESHOLD else 0).convert("1")


STACKED_CAPITALS = "ẤẦẨẪẬẮẰẲẴẶẾỀỂỄỆỐỒỔỖỘỚỜỞỠỢỨỪỬỮỰỲỶỸÝ"
"""Capitals whose marks reach highest (circumflex or breve with a tone on top)."""
DEEP_LETTERS = "ẠẶẬẸỆỊỌỘỢỤỰỴgjpqyỵỹ"
"""Letters whose ink reaches lowest (a dot below, a descender)."""


@lru_cache(maxsize=64)
def stack_ascent(px: int, bold: bool) -> tuple[int, int]:
    """(rows above the baseline, rows below) a line needs at ``px`` so that nothing clips.

    The font's ascent is the height of a plain capital with some room, not of "Ễ": in
    DejaVu Sans the second mark of a stacked capital rises above it (at 20-22 px the
    old baseline, ascent + px//12, cut the top of "Ế"). Measured on the glyphs
    themselves, plus one blank row, at every size.
    """
    font = load_font(px, bold)
    ascent, descent = font.getmetrics()
    _, top, _, _ = font.getbbox(STACKED_CAPITALS, anchor="ls")
    _, _, _, bottom = font.getbbox(DEEP_LETTERS, anchor="ls")
    return max(ascent, -int(top)) + 1, max(descent, int(bottom)) + 1


def line_canvas(text: str, px: int, bold: bool) -> tuple[Image.Image, int]:
    """Draw one line on a canvas that holds every mark; returns (canvas, baseline row).

    The canvas is the line's full box: :func:`stack_ascent` rows above the baseline
    (more if this text reaches higher still), the descent below, and the drawn width
    plus its side bearings, so no mark is ever cut at an edge.
    """
    font = load_font(px, bold)
    above, below = stack_ascent(px, bold)
    box = font.getbbox(text, anchor="ls") if text else (0, 0, 0, 0)
    left, top, right, bottom = (int(v) for v in box)
    above = max(above, -top + 1)
    below = max(below, bottom + 1)
    x = 1 + max(0, -left)
    width = max(8, x + max(int(font.getlength(text)), right) + 2)
    return draw_text(text, font, width, above + below, (x, above)), above


def render_line_image(text: str, px: int, bold: bool, *,
                      keep_left: bool = False) -> tuple[Image.Image, int, int]:
    """Draw one line of text as a 1-bit image (1 = ink), cropped to its ink.

    ``keep_left`` keeps the blank columns left of the ink (a left-aligned line's
    leading spaces: the hanging indent of a checklist item's second line).

    Returns (image, top, pitch): ``top`` is how many blank rows were cut above the ink
    inside the line's box, and ``pitch`` the full line height in dots, so the caller
    can feed paper for the blank rows instead of sending them.
    """
    canvas, _ = line_canvas(text, px, bold)
    pitch = canvas.height + max(1, px // 8)
    box = canvas.getbbox()
    if box is None:
        return Image.new("1", (8, 0), 0), pitch, pitch
    left, top, right, bottom = box
    if keep_left:
        left = 0
    left8 = left - left % 8
    right8 = right + (-(right - left8)) % 8
    if right8 > canvas.width:
        wider = Image.new("1", (right8, canvas.height), 0)
        wider.paste(canvas, (0, 0))
        canvas = wider
    return canvas.crop((left8, top, right8, bottom)), top, pitch


LEFT_MARGIN_DOTS = 16
"""Blank dots before a left-aligned raster line (2 bytes a row)."""


def _raster(w: _Writer, image: Image.Image, align: Align) -> None:
    """Send a 1-bit image as ``GS v 0``, positioned by ``ESC a`` or by left padding."""
    if image.height == 0:
        return
    dots = w.profile.dots
    if align == "left":  # a margin, so a left-aligned list does not touch the paper edge
        margined = Image.new("1", (LEFT_MARGIN_DOTS + image.width, image.height), 0)
        margined.paste(image, (LEFT_MARGIN_DOTS, 0))
        image = margined
    if image.width > dots:
        image = image.crop((0, 0, dots, image.height))
    if w.profile.raster_align == "pad" and align != "left":
        offset = (dots - image.width) // (2 if align == "center" else 1)
        offset -= offset % 8
        padded = Image.new("1", (offset + image.width, image.height), 0)
        padded.paste(image, (offset, 0))
        image, align = padded, "left"
    w.style(align=align)
    width_bytes = image.width // 8
    header = b"\x1dv0\x00" + width_bytes.to_bytes(2, "little") + image.height.to_bytes(2, "little")
    w.raw(header + image.tobytes())


def _raster_text(w: _Writer, line: Line) -> None:
    font = load_font(line.px, line.bold)

    def dots(text: str) -> int:
        return int(font.getlength(text)) + 4

    room = w.profile.dots - 16 - (LEFT_MARGIN_DOTS if line.align == "left" else 0)
    for part in wrap_cells(line.text, room, dots, hanging=line.hanging):
        image, top, pitch = render_line_image(part, line.px, line.bold,
                                              keep_left=line.align == "left")
        w.feed(top)
        _raster(w, image, line.align)
        w.feed(pitch - top - image.height)


def _is_native_ascii(text: str) -> bool:
    return all(" " <= ch <= "~" for ch in text)


# ----------------------------------------------------------------- public API


def render(
    ticket: TicketPrint,
    mode: Mode | str = "raster",
    profile: PrinterProfile | str = "default",
    template: tuple[Block, ...] = TICKET_TEMPLATE,
) -> bytes:
    """Return the exact ESC/POS bytes of one ticket, from ``ESC @`` to the cut."""
    if mode not in MODES:
        raise ValueError(
            f"Chế độ in '{mode}' không có (chọn: {', '.join(MODES)}) / "
            f"unknown print mode '{mode}' (choose: {', '.join(MODES)})"
        )
    prof = get_profile(profile)
    m: Mode = mode  # type: ignore[assignment]
    w = _Writer(prof)
    w.raw(INIT)
    if prof.cancel_chinese:
        w.raw(CANCEL_CHINESE)
    for line in fill(ticket, template):
        if line.kind == "rule":
            w.style(align=line.align, bold=False, size=1)
            w.line(_encode(w, m, "-" * (prof.columns // 3)))
        elif line.kind == "qr":
            w.style(align=line.align)
            w.flush_feed()
            w.p.qr(line.text, native=True, size=prof.qr_module, ec=QR_ECLEVEL_M)
        elif line.kind == "cut":
            w.flush_feed()
            w.p.cut(mode=prof.cut)
        elif m != "raster":
            _text_line(w, m, line)
        elif _is_native_ascii(line.text):
            _text_line(w, "raster", line)
        elif line.kind == "number":
            # A non-ASCII prefix (e.g. "Đ") cannot use the native font: draw it big.
            _raster_text(w, Line("text", line.text, line.align, bold=True, px=24 * 4))
        else:
            _raster_text(w, line)
        w.feed(line.gap)
    return w.output()
