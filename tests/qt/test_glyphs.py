"""Every Vietnamese letter, at every font size and weight the screens use, draws all its
marks inside the line box a label reserves for it.

Sizes come from the themes themselves (style sheets, role tables, and the sizes the
boards actually paint with at 1920×1080 and 3840×2160), never from a list kept here.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QLabel

from motcua.counter.style import font_uses as counter_fonts
from motcua.display import paint
from motcua.kiosk.theme import font_uses as kiosk_fonts
from motcua.manager.widgets import font_uses as live_fonts
from motcua.paths import FONT_DIR
from motcua.qt.fonts import LABEL_ROOM_QSS, MARK_ROOM_PX, bundled_family
from motcua.qt.typography import (
    VIETNAMESE_LETTERS,
    FontUse,
    line_box_height,
    make_font,
    one_mark_less,
    render_strip,
)


def board_fonts(qapp: Any) -> set[FontUse]:
    """Paint the hall board and a counter board, fed by hand (no hub), at their real
    resolutions and collect the sizes they drew with."""
    from motcua.display.counter_board import CounterBoard
    from motcua.display.hall import HallBoard
    from motcua.link.client import Endpoints
    from motcua.qt.link import QtHubLink
    from tests.display.test_display_paint import model

    link = QtHubLink(Endpoints("tcp://127.0.0.1:9", "tcp://127.0.0.1:9"), "display-hall")
    paint.FONTS_USED.clear()
    for board_type, sizes in ((HallBoard, ((1920, 1080), (3840, 2160))),
                              (CounterBoard, ((800, 480), (1920, 1080)))):
        kwargs: dict[str, Any] = {"counter": 1} if board_type is CounterBoard else {}
        board = board_type(link, **kwargs)
        board.set_model(model(6))
        board.overlay = None
        for w, h in sizes:
            board.resize(w, h)
            assert not board.grab().isNull()
        board.deleteLater()
    return set(paint.FONTS_USED)


def check_letters(family: str, uses: set[FontUse]) -> list[str]:
    """Letters whose mark is missing, or whose ink leaves the label's room."""
    bad: list[str] = []
    bases = sorted({one_mark_less(letter) for letter in VIETNAMESE_LETTERS})
    texts = [*VIETNAMESE_LETTERS, *bases]
    for use in sorted(uses):
        font = make_font(family, use)
        height = line_box_height(font)
        image, cells, box_top = render_strip(texts, font)
        pixels = np.frombuffer(image.constBits(), np.uint8).reshape(
            image.height(), image.bytesPerLine())
        ink = pixels < 160  # clearly darker than the paper
        cell_ink = {text: ink[:, left:right] for text, (left, right) in zip(texts, cells, strict=True)}
        for letter in VIETNAMESE_LETTERS:
            rows = np.flatnonzero(cell_ink[letter].any(axis=1))
            base = one_mark_less(letter)
            if rows.size == 0:
                bad.append(f"{use}: {letter} drew nothing")
                continue
            top, bottom = int(rows[0]) - box_top, int(rows[-1]) - box_top
            if np.array_equal(cell_ink[letter], cell_ink[base]):
                bad.append(f"{use}: {letter} looks like {base} (mark lost)")
            elif top < -MARK_ROOM_PX or bottom >= height:
                bad.append(f"{use}: {letter} ink rows {top}..{bottom} outside "
                           f"-{MARK_ROOM_PX}..{height - 1}")
    return bad


def test_letter_set_is_the_vietnamese_alphabet() -> None:
    assert len(VIETNAMESE_LETTERS) == 134 == len(set(VIETNAMESE_LETTERS))
    for letter in ("Ễ", "ễ", "Ẵ", "ự", "Đ", "đ", "Ỷ", "ỵ"):
        assert letter in VIETNAMESE_LETTERS
    assert one_mark_less("Ế") == "Ê" and one_mark_less("Ê") == "E"


def test_every_letter_at_every_size_the_screens_use(qapp: Any) -> None:
    family = bundled_family()
    uses = kiosk_fonts() | counter_fonts() | live_fonts() | board_fonts(qapp)
    assert len(uses) > 20  # the themes were read (kiosk alone has a dozen sizes)
    assert max(u.px for u in uses) >= 270  # the hall board's 4K numbers are in
    assert check_letters(family, uses) == []


def test_the_old_font_fails_the_same_check(qapp: Any) -> None:
    """The check finds the bug the centre saw: DejaVu Sans Bold loses stacked marks."""
    font_id = QFontDatabase.addApplicationFont(str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    dejavu = QFontDatabase.applicationFontFamilies(font_id)[0]
    bad = check_letters(dejavu, {FontUse(26, True), FontUse(30, True)})
    assert any("Ế" in line for line in bad)


@pytest.mark.parametrize("sheet_of", ["kiosk", "counter", "live"])
def test_labels_reserve_room_for_stacked_marks(qapp: Any, sheet_of: str) -> None:
    from motcua.counter.style import STYLE_SHEET
    from motcua.kiosk.theme import METRICS, style_sheet
    from motcua.manager.widgets import STYLE

    sheet = {"kiosk": style_sheet(METRICS["portrait"]), "counter": STYLE_SHEET,
             "live": STYLE}[sheet_of]
    assert sheet.startswith(LABEL_ROOM_QSS)
    label = QLabel("PHƯỜNG BẾN THÀNH")
    label.setStyleSheet(sheet)
    label.ensurePolished()
    assert label.contentsRect().top() >= MARK_ROOM_PX


CENTRE_PLACE = "PHƯỜNG BẾN THÀNH"


def header_labels() -> list[tuple[str, QLabel]]:
    """The header labels that carry the centre's name, styled as each app styles them."""
    from motcua.kiosk.theme import METRICS, style_sheet
    from motcua.manager.widgets import STYLE, font

    labels: list[tuple[str, QLabel]] = []
    for orientation, metrics in METRICS.items():
        for name in ("centreName", "centrePlace"):
            label = QLabel()
            label.setObjectName(name)
            label.setStyleSheet(style_sheet(metrics))
            labels.append((f"kiosk-{orientation}-{name}", label))
    live = QLabel()
    live.setObjectName("title")
    live.setStyleSheet(STYLE)
    live.setFont(font("title"))
    labels.append(("live-title", live))
    return labels


def test_headers_show_ben_thanh_with_its_tone_mark(qapp: Any, tmp_path: Any) -> None:
    """The bug the centre saw: "PHƯỜNG BẾN THÀNH" drawn as "PHƯỜNG BÊN THÀNH"."""
    from motcua.qt.clipping import clipped_texts

    bundled_family()
    for where, label in header_labels():
        label.setText(CENTRE_PLACE)
        label.adjustSize()
        right = label.grab().toImage()
        right.save(str(tmp_path / f"{where}.png"))
        assert clipped_texts(label) == [], where
        label.setText("PHƯỜNG BÊN THÀNH")
        wrong = label.grab().toImage()
        assert right.size() == wrong.size() and right != wrong, where
