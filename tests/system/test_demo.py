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
    """With a simulated day at speed beside the tour: the tour keeps counter 1, the run
    has its own folder, the console holds only the demo's lines, a report is written."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("DISPLAY", None)
    run = subprocess.run(
        [sys.executable, "-m", "motcua.cli", "demo", "--out", str(tmp_path), "--seconds", "240",
         "--speed", "60", "--exit-after-tour"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    (out,) = [p for p in tmp_path.iterdir() if p.is_dir()]  # this run's own folder
    said = run.stdout
    assert f"this run's output: {out}" in said
    assert str(out / "tickets") in said and str(out / "screenshots") in said
    assert "Tham quan xong / tour done" in said
    # a quiet console: the demo's own lines only (everything else is in demo.log)
    assert run.stderr == ""
    for noise in ("propagateSizeHints", "alembic", "INFO", "WARNING", "Warning"):
        assert noise not in said, noise
    assert "motcua.printer.node INFO" in (out / "demo.log").read_text(encoding="utf-8")
    # the report of the simulated day, its charts in the day's own hours
    assert (out / "report" / "bao-cao.xlsx").stat().st_size > 1000
    assert len(list((out / "report").glob("*.png"))) == 3
    # the ticket the tour took was printed by the virtual printer: bytes and a picture
    tour_ticket = next((out / "tickets").glob("*-A00?.bin"))
    assert tour_ticket.stat().st_size > 1000
    picture = QImage(str(tour_ticket.with_suffix(".png")))
    assert picture.width() > 300 and picture.height() > 300
    # every window after every step; the counter called A001 and the rating was taken
    shots = {p.name for p in (out / "screenshots").glob("*.png")}
    for window in ("kiosk", "hall", "counter1", "rating1", "live"):
        assert f"009-rated-{window}.png" in shots
        assert f"010-end-{window}.png" in shots  # and through the run, to the end
    # each picture shows its own step: the kiosk's procedure list, then its documents
    assert (QImage(str(out / "screenshots" / "002-field-kiosk.png"))
            != QImage(str(out / "screenshots" / "003-procedure-kiosk.png")))
    import json
    import sqlite3

    db = sqlite3.connect(out / "hub" / "hub.sqlite")
    rows = [(k, json.loads(b)) for (k, b) in db.execute("SELECT type, body FROM events ORDER BY seq")]
    db.close()
    kinds = [k for k, _b in rows]
    # counter 1 belongs to the tour: its officer is cb01, and it called and finished
    opened = {b["counter"]: b["officer"] for k, b in rows if k == "counter.opened"}
    assert opened[1] == "cb01" and len(opened) > 1, opened
    assert any(k == "ticket.done" and b.get("counter") == 1 for k, b in rows)
    for kind in ("ticket.issued", "ticket.printed", "ticket.called", "ticket.done",
                 "rating.given"):
        assert kind in kinds, kinds
