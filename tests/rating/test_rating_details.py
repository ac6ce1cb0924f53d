"""The rating tablet's Art. 33.1 questions and low-score reason, against a real hub."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from motcua.core.criteria import RatingRules
from motcua.hub.storage.db import sqlite_url
from motcua.rating.details_page import DetailsPage
from motcua.rating.tablet import Phase
from tests.conftest import start_hub
from tests.rating.test_rating_tablet import WAIT_MS, Rig
from tests.support.browser import DOCS_IMAGES

RULES = RatingRules(criteria=("attitude", "agencies", "returns", "information"),
                    ask_reason=True)


@dataclasses.dataclass
class Hub:
    server: Any
    store: Any
    command: str
    events: str


@pytest.fixture
def rig(centre: Any, clock: Any, qtbot: Any, tmp_path: Path) -> Iterator[Rig]:
    server, store = start_hub(dataclasses.replace(centre, ratings=RULES),
                              sqlite_url(tmp_path / "hub.sqlite"), clock)
    hub = Hub(server, store, f"tcp://127.0.0.1:{server.command_port}",
              f"tcp://127.0.0.1:{server.event_port}")
    r = Rig(hub, qtbot, clock)
    yield r
    r.close()
    server.stop()
    store.close()


def last_rating(rig: Rig) -> dict[str, Any]:
    store = rig.hub.store
    events = store.events_between(1, store.last_seq())
    body: dict[str, Any] = next(e.body for e in reversed(events) if e.type == "rating.given")
    return body


def test_low_tap_asks_reason_and_criteria_then_sends_them(rig: Rig, qtbot: Any,
                                                         tmp_path: Path) -> None:
    ticket = rig.drill.serve()
    rig.wait_phase(Phase.ASKING)
    low = next(b for b in rig.tablet.buttons() if b.level.satisfied is False)
    qtbot.mouseClick(low, Qt.MouseButton.LeftButton)
    page = rig.tablet.details
    assert isinstance(page, DetailsPage) and page.isVisible()
    assert rig.tablet.stats["sent"] == 0  # nothing sent until the questions are done
    page.choose("reason", "wait")
    page.choose("attitude", 1)
    page.choose("returns", 2)
    assert page.comment is not None
    page.comment.setText("Chờ 2 tiếng <b>!</b>")
    shots = DOCS_IMAGES if os.environ.get("MOTCUA_DOC_SHOTS") else tmp_path
    rig.tablet.grab().save(str(shots / "rating-details.png"))
    qtbot.mouseClick(page.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: rig.tablet.stats["given"] == 1, timeout=WAIT_MS)
    body = last_rating(rig)
    assert body["ticket"] == ticket["id"] and body["value"] == low.level.value
    assert body["criteria"] == {"attitude": 1, "returns": 2}
    assert (body["reason"], body["comment"]) == ("wait", "Chờ 2 tiếng <b>!</b>")


def test_skip_sends_the_tap_alone(rig: Rig, qtbot: Any) -> None:
    rig.drill.serve()
    rig.wait_phase(Phase.ASKING)
    happy = next(b for b in rig.tablet.buttons() if b.level.satisfied)
    qtbot.mouseClick(happy, Qt.MouseButton.LeftButton)
    page = rig.tablet.details
    assert page is not None and page.reason_group is None  # no reason after a good tap
    qtbot.mouseClick(page.skip_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: rig.tablet.stats["given"] == 1, timeout=WAIT_MS)
    body = last_rating(rig)
    assert body["criteria"] == {} and "reason" not in body
