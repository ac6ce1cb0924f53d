"""The virtual printer's paper: where ink lands, and the picture of a finished ticket.

Text is drawn with the bundled DejaVu font sized like the printer's Font A (12 x 24
dots per character, scaled by ``GS !``); raster images are pasted dot for dot; QR codes
are drawn from the stored data with the ``qrcode`` library, which python-escpos itself
depends on (so it is always present where python-escpos is).
"""

from __future__ import annotations

from dataclasses import dataclass

import qrcode
from PIL import Image

from motcua.printer.render import draw_text, load_font

__all__ = ["FONT_A_HEIGHT", "Paper", "Run", "qr_image", "text_image"]

FONT_A_HEIGHT = 24
"""Dots per character row of the printer's Font A at size 1."""

_EC = {
    48: qrcode.constants.ERROR_CORRECT_L,
    49: qrcode.constants.ERROR_CORRECT_M,
    50: qrcode.constants.ERROR_CORRECT_Q,
    51: qrcode.constants.ERROR_CORRECT_H,
}


@dataclass(frozen=True)
class Run:
    """Text printed with one style inside a line."""

    text: str
    bold: bool = False
    width: int = 1
    height: int = 1


def text_image(runs: list[Run]) -> Image.Image:
    """Draw a line of styled runs as a 1-bit image (1 = ink), baselines aligned."""
    parts: list[Image.Image] = []
    line_height = max(FONT_A_HEIGHT * run.height for run in runs)
    for run in runs:
        if not run.text:
            continue
        px = 20 * run.height
        font = load_font(px, run.bold)
        width = max(1, int(font.getlength(run.text)) + 2)
        part = draw_text(run.text, font, width, line_height, (0, line_height - 5 * run.height))
        # Font A is monospaced, 12 dots a character: never wider than that, as on paper.
        target = min(width * run.width // run.height, len(run.text) * 12 * run.width)
        if target != width:
            part = part.resize((max(1, target), line_height))
        parts.append(part)
    total = sum(part.width for part in parts)
    line = Image.new("1", (max(1, total), line_height), 0)
    x = 0
    for part in parts:
        line.paste(part, (x, 0))
        x += part.width
    return line


def qr_image(data: bytes, module: int, ec: int) -> Image.Image:
    """Draw a QR code the way the printer would for ``GS ( k`` (1 = ink, no quiet zone)."""
    code = qrcode.QRCode(box_size=1, border=0, error_correction=_EC.get(ec, _EC[48]))
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix)
    image = Image.new("1", (size, size), 0)
    pixels = image.load()
    assert pixels is not None
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                pixels[x, y] = 1
    return image.resize((size * module, size * module), Image.Resampling.NEAREST)


class Paper:
    """The paper of one ticket, from the last cut to the next."""

    def __init__(self, dots: int) -> None:
        self.dots = dots
        self.y = 0
        self._items: list[tuple[int, int, Image.Image]] = []

    def put(self, image: Image.Image, align: int, left_margin: int = 0) -> None:
        """Print ``image`` at the current row, aligned (0 left, 1 centre, 2 right)."""
        room = self.dots - left_margin
        x = left_margin
        if align == 1:
            x += max(0, (room - image.width) // 2)
        elif align == 2:
            x += max(0, room - image.width)
        self._items.append((x, self.y, image))
        self.y += image.height

    def feed(self, dots: int) -> None:
        """Advance the paper by ``dots`` rows."""
        self.y += max(0, dots)

    @property
    def blank(self) -> bool:
        """True when nothing has been printed on this paper yet."""
        return not self._items

    def picture(self) -> Image.Image:
        """The ticket as a greyscale picture: white paper, black ink, width = dots."""
        page = Image.new("L", (self.dots, max(1, self.y)), 255)
        black = Image.new("L", (self.dots, max(1, self.y)), 0)
        for x, y, image in self._items:
            mask = image.convert("L").point(lambda v: 255 if v else 0)
            page.paste(black.crop((0, 0, image.width, image.height)), (x, y), mask)
        return page
