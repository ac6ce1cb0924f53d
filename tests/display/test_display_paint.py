"""Board painting: the 10 m size rule, scaling with the window, long and accented labels."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from motcua.display.counter_board import CounterBoard
from motcua.display.hall import HallBoard
from motcua.display.model import BoardModel, CallLine, CounterLine, FieldLine
from motcua.display.paint import TIER1, TIER2, date_text
from motcua.link.client import Endpoints
from motcua.qt.link import QtHubLink

FIELDS = ("Tư pháp – Hộ tịch", "Chứng thực", "Đất đai", "Xây dựng", "Đăng ký hộ kinh doanh",
          "Người có công", "Bảo trợ xã hội", "Nông nghiệp", "Môi trường", "Văn hóa – Thể thao",
          "Giáo dục – Đào tạo")


def model(counters: int, label: str = "A025") -> BoardModel:
    lines = tuple(CounterLine(n, f"Quầy số {n}", "open", label, n % 2 == 0, ("A",))
                  for n in range(1, counters + 1))
    recent = tuple(CallLine(label, n % counters + 1, "A", n == 2, "") for n in range(8))
    waiting = tuple(FieldLine(chr(65 + i), name, 10 + i) for i, name in enumerate(FIELDS))
    return BoardModel(1, "2025-11-24", "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", "PHƯỜNG BẾN THÀNH",
                      "Hành chính phục vụ", "Thông báo", "Asia/Ho_Chi_Minh", lines, recent,
                      waiting)


@pytest.fixture
def link(qapp) -> Iterator[QtHubLink]:  # type: ignore[no-untyped-def]
    # Never started: these boards are fed by hand, no hub is needed.
    yield QtHubLink(Endpoints("tcp://127.0.0.1:9", "tcp://127.0.0.1:9"), "display-hall")


def painted(qtbot, link: QtHubLink, m: BoardModel, w: int, h: int) -> HallBoard:  # type: ignore[no-untyped-def]
    board = HallBoard(link)
    qtbot.addWidget(board)
    board.set_model(m)
    board.overlay = None
    board.resize(w, h)
    assert not board.grab().isNull()
    return board


@pytest.mark.parametrize("counters", [1, 3, 6, 8])
def test_numbers_meet_the_10_m_rule_up_to_eight_counters(qtbot, link, counters: int) -> None:  # type: ignore[no-untyped-def]
    px = painted(qtbot, link, model(counters), 1920, 1080).font_px
    assert px["counter_label"] >= 1080 * TIER1
    assert px["counter_number"] >= 1080 * TIER1
    assert px["banner_label"] >= 1080 / 7
    assert px["recent_label"] >= 1080 * TIER2
    assert px["waiting"] >= 1080 * TIER2


def test_sizes_scale_with_the_window(qtbot, link) -> None:  # type: ignore[no-untyped-def]
    small = dict(painted(qtbot, link, model(6), 1280, 720).font_px)
    big = painted(qtbot, link, model(6), 3840, 2160).font_px
    for key in ("counter_label", "banner_label", "recent_label", "waiting", "clock"):
        assert big[key] / small[key] == pytest.approx(3.0, rel=0.08), key
    # a 4:3 screen is sized by its width (the largest 16:9 area inside it)
    square = painted(qtbot, link, model(6), 1024, 768).font_px
    assert square["counter_label"] >= 576 * TIER1


@pytest.mark.parametrize("label", ["1025", "Ư025", "Đ999", "A1234"])
def test_long_and_accented_labels_are_shrunk_to_fit_not_cut(qtbot, link, label: str) -> None:  # type: ignore[no-untyped-def]
    board = painted(qtbot, link, model(12, label), 1920, 1080)
    assert 0 < board.font_px["counter_label"] <= 1080 * 0.13


def test_counter_board_scales_its_number(qtbot, link) -> None:  # type: ignore[no-untyped-def]
    board = CounterBoard(link, 3)
    qtbot.addWidget(board)
    board.set_model(model(6))
    board.overlay = None
    for w, h in ((800, 480), (1920, 1080)):
        board.resize(w, h)
        board.grab()
        assert board.font_px["label"] >= h * 0.4
    assert board.label == "A025" and "MỜI" in board.status_text()


def test_vietnamese_date() -> None:
    from datetime import datetime

    assert date_text(datetime(2025, 11, 24, 9, 0)) == "Thứ Hai, 24/11/2025"
    assert date_text(datetime(2025, 11, 30, 9, 0)) == "Chủ Nhật, 30/11/2025"


OFFICERS = (("Nguyễn Thị Thu Hà", "Công chức Tư pháp – Hộ tịch"),
            ("Trần Văn Hùng", "Công chức Địa chính – Xây dựng"),
            ("Lê Thị Mỹ Linh", "Công chức Nông nghiệp – Môi trường"),
            ("Phạm Quốc Bảo", "Công chức Tài chính – Kế hoạch"),
            ("Võ Thị Ngọc Trâm", "Công chức Văn hóa – Xã hội"),
            ("Huỳnh Minh Tuấn", "Công chức Văn phòng – Thống kê"))


def staffed(m: BoardModel) -> BoardModel:
    import dataclasses

    lines = tuple(dataclasses.replace(c, officer_name=OFFICERS[i % 6][0],
                                      officer_title=OFFICERS[i % 6][1])
                  for i, c in enumerate(m.counters))
    return dataclasses.replace(m, counters=lines)


@pytest.mark.parametrize("size", [(1920, 1080), (3840, 2160)])
def test_hall_board_reads_from_10_m_with_each_officer(qtbot, link, tmp_path, size) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QFontMetricsF

    from motcua.display import paint

    board = painted(qtbot, link, staffed(model(6)), *size)
    w, h = size
    image = board.grab()
    assert (image.width(), image.height()) == size
    image.save(str(tmp_path / f"hall-{w}x{h}.png"))
    # the latest call: its digits stand at least an eighth of the screen high
    cap = QFontMetricsF(paint.make_font(board.font_px["banner_label"], bold=True)).capHeight()
    assert cap >= h / 8
    # every counter shows its officer's name and title, large enough to read nearby
    assert board.font_px["officer"] >= h / 56  # the smallest words of the board (paint.py)


@pytest.mark.parametrize("size", [(800, 480), (1920, 1080)])
def test_counter_board_shows_number_officer_and_title(qtbot, link, tmp_path, size) -> None:  # type: ignore[no-untyped-def]
    board = CounterBoard(link, 1)
    qtbot.addWidget(board)
    board.set_model(staffed(model(6)))
    board.overlay = None
    board.resize(*size)
    image = board.grab()
    image.save(str(tmp_path / f"counter-board-{size[0]}x{size[1]}.png"))
    assert board.font_px["label"] >= size[1] * 0.25
    assert board.font_px["officer"] >= size[1] * 0.04
