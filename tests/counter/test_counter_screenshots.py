"""The screenshot script of docs/counter.md still plays its morning and saves every state."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QImage

from motcua.demo.counter_tour import CLIPPED, take_screenshots


def test_screenshots_are_taken(qapp: Any, tmp_path: Path) -> None:
    paths = take_screenshots(tmp_path)
    assert [p.name for p in paths] == [
        "counter-signed-out.png", "counter-waiting-list.png", "counter-serving.png",
        "counter-transfer.png", "counter-lost-connection.png"]
    for p in paths:
        image = QImage(str(p))
        assert not image.isNull() and image.width() >= 300 and image.height() >= 150, p.name
    assert CLIPPED == []  # every label and button measured against its own rectangle
