"""The 60-case number-reading table, northern and southern, written out by hand.

Southern speakers say "bốn" after "mươi" (24 "hai mươi bốn"), "lẻ" for a zero tens
digit and "ngàn" for a thousand; northern speakers say "tư", "linh" and "nghìn".
docs/voice.md prints the same table.
"""

from __future__ import annotations

import pytest

from motcua.voice.numbers import words

# (number, northern reading, southern reading)
TABLE: list[tuple[int, str, str]] = [
    (0, "không", "không"),
    (1, "một", "một"),
    (4, "bốn", "bốn"),
    (5, "năm", "năm"),
    (7, "bảy", "bảy"),
    (9, "chín", "chín"),
    (10, "mười", "mười"),
    (11, "mười một", "mười một"),
    (14, "mười bốn", "mười bốn"),
    (15, "mười lăm", "mười lăm"),
    (19, "mười chín", "mười chín"),
    (20, "hai mươi", "hai mươi"),
    (21, "hai mươi mốt", "hai mươi mốt"),
    (24, "hai mươi tư", "hai mươi bốn"),
    (25, "hai mươi lăm", "hai mươi lăm"),
    (30, "ba mươi", "ba mươi"),
    (34, "ba mươi tư", "ba mươi bốn"),
    (41, "bốn mươi mốt", "bốn mươi mốt"),
    (44, "bốn mươi tư", "bốn mươi bốn"),
    (45, "bốn mươi lăm", "bốn mươi lăm"),
    (50, "năm mươi", "năm mươi"),
    (55, "năm mươi lăm", "năm mươi lăm"),
    (64, "sáu mươi tư", "sáu mươi bốn"),
    (71, "bảy mươi mốt", "bảy mươi mốt"),
    (99, "chín mươi chín", "chín mươi chín"),
    (100, "một trăm", "một trăm"),
    (101, "một trăm linh một", "một trăm lẻ một"),
    (104, "một trăm linh bốn", "một trăm lẻ bốn"),
    (105, "một trăm linh năm", "một trăm lẻ năm"),
    (110, "một trăm mười", "một trăm mười"),
    (111, "một trăm mười một", "một trăm mười một"),
    (114, "một trăm mười bốn", "một trăm mười bốn"),
    (115, "một trăm mười lăm", "một trăm mười lăm"),
    (121, "một trăm hai mươi mốt", "một trăm hai mươi mốt"),
    (124, "một trăm hai mươi tư", "một trăm hai mươi bốn"),
    (200, "hai trăm", "hai trăm"),
    (205, "hai trăm linh năm", "hai trăm lẻ năm"),
    (254, "hai trăm năm mươi tư", "hai trăm năm mươi bốn"),
    (500, "năm trăm", "năm trăm"),
    (999, "chín trăm chín mươi chín", "chín trăm chín mươi chín"),
    (1000, "một nghìn", "một ngàn"),
    (1001, "một nghìn không trăm linh một", "một ngàn không trăm lẻ một"),
    (1005, "một nghìn không trăm linh năm", "một ngàn không trăm lẻ năm"),
    (1010, "một nghìn không trăm mười", "một ngàn không trăm mười"),
    (1015, "một nghìn không trăm mười lăm", "một ngàn không trăm mười lăm"),
    (1024, "một nghìn không trăm hai mươi tư", "một ngàn không trăm hai mươi bốn"),
    (1025, "một nghìn không trăm hai mươi lăm", "một ngàn không trăm hai mươi lăm"),
    (1100, "một nghìn một trăm", "một ngàn một trăm"),
    (1234, "một nghìn hai trăm ba mươi tư", "một ngàn hai trăm ba mươi bốn"),
    (2021, "hai nghìn không trăm hai mươi mốt", "hai ngàn không trăm hai mươi mốt"),
    (5000, "năm nghìn", "năm ngàn"),
    (9999, "chín nghìn chín trăm chín mươi chín", "chín ngàn chín trăm chín mươi chín"),
    (10_000, "mười nghìn", "mười ngàn"),
    (10_005, "mười nghìn không trăm linh năm", "mười ngàn không trăm lẻ năm"),
    (15_000, "mười lăm nghìn", "mười lăm ngàn"),
    (24_024, "hai mươi tư nghìn không trăm hai mươi tư",
     "hai mươi bốn ngàn không trăm hai mươi bốn"),
    (100_000, "một trăm nghìn", "một trăm ngàn"),
    (105_000, "một trăm linh năm nghìn", "một trăm lẻ năm ngàn"),
    (1_000_000, "một triệu", "một triệu"),
    (2_000_005, "hai triệu không trăm linh năm", "hai triệu không trăm lẻ năm"),
]


def test_the_table_has_sixty_distinct_numbers() -> None:
    assert len(TABLE) == 60
    assert len({n for n, _, _ in TABLE}) == 60


@pytest.mark.parametrize(("n", "north", "south"), TABLE)
def test_northern_reading(n: int, north: str, south: str) -> None:
    assert words(n) == north


@pytest.mark.parametrize(("n", "north", "south"), TABLE)
def test_southern_reading(n: int, north: str, south: str) -> None:
    assert words(n, south=True) == south


@pytest.mark.parametrize("n", [24, 34, 1024, 24_024])
def test_the_other_four_stays_available_in_each_dialect(n: int) -> None:
    north = words(n)
    south = words(n, south=True)
    assert words(n, south=True, four_as_tu=True) == south.replace("bốn", "tư").replace(
        "mười tư", "mười bốn")
    assert words(n, four_as_tu=False) == north.replace("tư", "bốn")
