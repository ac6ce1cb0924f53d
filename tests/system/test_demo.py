"""The README's first command: the demo centre runs offscreen and says where things go."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from tests.support.hubs import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.timeout(360)]  # a long drill: started first


def test_demo_walks_a_citizen_through_the_centre_offscreen(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("DISPLAY", None)
    run = subprocess.run(
        [sys.executable, "-m", "motcua.cli", "demo", "--out", str(out), "--seconds", "240",
         "--exit-after-tour"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    said = run.stdout
    assert str(out / "tickets") in said and str(out / "screenshots") in said
    assert "Tham quan xong / tour done" in said
    # the ticket the tour took was printed by the virtual printer: bytes and a picture
    assert (out / "tickets" / "0001-A001.bin").stat().st_size > 1000
    picture = QImage(str(out / "tickets" / "0001-A001.png"))
    assert picture.width() > 300 and picture.height() > 300
    # every window after every step; the counter called A001 and the rating was taken
    shots = {p.name for p in (out / "screenshots").glob("*.png")}
    for window in ("kiosk", "hall", "counter1", "rating1", "live"):
        assert f"09-rated-{window}.png" in shots
    # each picture shows its own step: the kiosk's procedure list, then its documents
    assert (QImage(str(out / "screenshots" / "02-field-kiosk.png"))
            != QImage(str(out / "screenshots" / "03-procedure-kiosk.png")))
    import sqlite3

    db = sqlite3.connect(out / "hub" / "hub.sqlite")
    kinds = [k for (k,) in db.execute("SELECT type FROM events ORDER BY seq")]
    db.close()
    for kind in ("ticket.issued", "ticket.printed", "ticket.called", "ticket.done",
                 "rating.given"):
        assert kind in kinds, kinds
