"""The rating tablet against a real hub: ask after finish, one rating, bound at the hub."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from motcua.core.criteria import RatingRules
from motcua.hub.storage.db import sqlite_url
from motcua.link.client import Endpoints, HubError
from motcua.qt.link import QtHubLink
from motcua.rating.details_page import DetailsPage
from motcua.rating.drill import ServiceDrill
from motcua.rating.faces import contrast_ratio, text_colour_for
from motcua.rating.qt_box import QtRatingBox, connect_box
from motcua.rating.tablet import PROMPT_VI, THANKS_VI, Phase, RatingTablet
from motcua.rating.virtual_box import VirtualRatingBox
from tests.support.browser import DOCS_IMAGES
from tests.support.hubs import start_hub

WAIT_MS = 5000


class Mono:
    """The tablet's local clock, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Rig:
    def __init__(self, hub: Any, qtbot: Any, clock: Any, device: str = "rating-1",
                 counter: int = 1) -> None:
        self.hub = hub
        self.clock = clock
        self.qtbot = qtbot
        self.mono = Mono()
        self.prompts = 0
        self.link = QtHubLink(Endpoints(hub.command, hub.events), device)
        self.tablet = RatingTablet(self.link, counter, prompt=self._prompt, monotonic=self.mono)
        qtbot.addWidget(self.tablet)
        self.tablet.resize(1280, 800)
        self.tablet.show()
        qtbot.waitExposed(self.tablet)
        self.link.start()
        qtbot.waitUntil(lambda: self.tablet.connected, timeout=WAIT_MS)
        self.drill = ServiceDrill(hub.command, counter if device == f"rating-{counter}" else 1)

    def _prompt(self) -> None:
        self.prompts += 1

    def phase(self) -> Phase:
        return self.tablet.phase

    def wait_phase(self, phase: Phase) -> None:
        self.qtbot.waitUntil(lambda: self.tablet.phase is phase, timeout=WAIT_MS)

    def fact(self, ticket: str) -> dict[str, Any]:
        rows = [r for r in self.hub.store.facts() if r["ticket"] == ticket]
        assert len(rows) == 1
        row: dict[str, Any] = rows[0]
        return row

    def close(self) -> None:
        self.drill.close()
        self.link.stop()


@pytest.fixture
def rig(hub: Any, qtbot: Any, clock: Any) -> Iterator[Rig]:
    r = Rig(hub, qtbot, clock)
    yield r
    r.close()


def test_idle_shows_the_counter_and_the_ticket_being_served(rig: Rig) -> None:
    assert rig.tablet.phase is Phase.IDLE
    assert "QUẦY SỐ 1" in rig.tablet.idle_counter.text()
    assert "đóng" in rig.tablet.idle_state.text()
    ticket = rig.drill.serve(finish=False)
    rig.qtbot.waitUntil(lambda: rig.tablet.idle_ticket.text() == ticket["label"],
                        timeout=WAIT_MS)
    assert rig.tablet.phase is Phase.IDLE
    assert rig.tablet.buttons() == [] or not rig.tablet.buttons()[0].isVisible()


def test_finish_asks_and_one_press_is_bound_to_ticket_officer_counter(rig: Rig) -> None:
    ticket = rig.drill.serve()
    rig.wait_phase(Phase.ASKING)
    scale = rig.tablet.tracker.scale
    buttons = rig.tablet.buttons()
    assert [b.level for b in buttons] == list(scale)
    assert 3 <= len(buttons) <= 5
    assert rig.tablet.ask_prompt.text() == PROMPT_VI
    assert ticket["label"] in rig.tablet.ask_ticket.text()
    assert "giây" in rig.tablet.countdown_text.text()
    assert rig.prompts == 1
    rig.qtbot.mouseClick(buttons[0], Qt.MouseButton.LeftButton)
    rig.wait_phase(Phase.THANKS)
    assert rig.tablet.thanks_vi.text() == THANKS_VI
    assert scale[0].vi in rig.tablet.thanks_choice.text()
    rig.qtbot.waitUntil(lambda: rig.tablet.stats["given"] == 1, timeout=WAIT_MS)
    fact = rig.fact(ticket["id"])
    assert (fact["rating"], fact["satisfied"]) == (scale[0].value, scale[0].satisfied)
    assert (fact["counter"], fact["officer"]) == (1, "cb01")
    t = rig.hub.server.engine.state.tickets[ticket["id"]]
    assert t.rating == scale[0].value
    assert rig.hub.server.engine.state.counters[1].rating is None  # the window is closed
    # The thank-you screen stays a moment, then the tablet is back to idle.
    rig.mono.now += 5
    rig.tablet.refresh()
    assert rig.tablet.phase is Phase.IDLE


def test_a_second_press_is_not_counted(rig: Rig) -> None:
    ticket = rig.drill.serve()
    rig.wait_phase(Phase.ASKING)
    low, high = rig.tablet.buttons()[-1], rig.tablet.buttons()[0]
    rig.qtbot.mouseClick(high, Qt.MouseButton.LeftButton)
    rig.qtbot.mouseClick(low, Qt.MouseButton.LeftButton)  # while the first is on its way
    rig.wait_phase(Phase.THANKS)
    assert not rig.tablet.press_level(low.level.value)  # on the thank-you screen
    assert not rig.tablet.press_key(low.level.key)
    assert rig.tablet.stats["sent"] == 1
    assert rig.tablet.stats["ignored"] == 2  # the disabled button took no click at all
    with _admin(rig.hub) as admin:
        with pytest.raises(HubError) as refused:
            admin.request("rating.submit", {"counter": 1, "value": low.level.value})
    assert refused.value.code == "no_rating_window"
    assert rig.fact(ticket["id"])["rating"] == high.level.value


def test_a_press_after_the_window_is_refused_and_the_tablet_goes_idle(rig: Rig) -> None:
    ticket = rig.drill.serve()
    rig.wait_phase(Phase.ASKING)
    rig.clock.advance(seconds=31)  # the hub's FakeClock passes rating_until
    assert rig.tablet.press_level(rig.tablet.buttons()[0].level.value)
    rig.wait_phase(Phase.IDLE)
    assert "hết thời gian" in rig.tablet.notice_text
    assert rig.tablet.stats["refused"] == 1
    assert rig.fact(ticket["id"])["rating"] is None
    rig.tablet.refresh()
    assert rig.tablet.phase is Phase.IDLE  # the refused window is not asked again


def test_the_window_closes_by_itself_with_no_rating(rig: Rig) -> None:
    ticket = rig.drill.serve()
    rig.wait_phase(Phase.ASKING)
    rig.mono.now += 29
    rig.tablet.refresh()
    assert rig.phase() is Phase.ASKING
    assert "Còn 1 giây" in rig.tablet.countdown_text.text()
    rig.mono.now += 2
    rig.tablet.refresh()
    assert rig.phase() is Phase.IDLE
    assert not rig.tablet.press_level(4)
    assert rig.fact(ticket["id"])["rating"] is None


def test_box_keys_and_keyboard_follow_the_scale(rig: Rig) -> None:
    ticket = rig.drill.serve()
    rig.wait_phase(Phase.ASKING)
    assert not rig.tablet.press_key("9")  # no such button on the scale
    rig.qtbot.keyClick(rig.tablet, "2")  # key "2" = second level ("Hài lòng")
    rig.wait_phase(Phase.THANKS)
    scale = rig.tablet.tracker.scale
    rig.qtbot.waitUntil(lambda: rig.tablet.stats["given"] == 1, timeout=WAIT_MS)
    assert rig.fact(ticket["id"])["rating"] == scale[1].value


def test_next_service_asks_again(rig: Rig) -> None:
    first = rig.drill.serve()
    rig.wait_phase(Phase.ASKING)
    rig.tablet.press_level(rig.tablet.buttons()[1].level.value)
    rig.wait_phase(Phase.THANKS)
    second = rig.drill.serve()
    rig.qtbot.waitUntil(lambda: rig.tablet.phase is Phase.ASKING
                        and second["label"] in rig.tablet.ask_ticket.text(), timeout=WAIT_MS)
    assert rig.prompts == 2
    rig.tablet.press_level(rig.tablet.buttons()[-1].level.value)
    rig.wait_phase(Phase.THANKS)
    rig.qtbot.waitUntil(lambda: rig.tablet.stats["given"] == 2, timeout=WAIT_MS)
    assert rig.fact(first["id"])["rating"] != rig.fact(second["id"])["rating"]


def test_buttons_read_by_text_colour_and_shape(rig: Rig) -> None:
    rig.drill.serve()
    rig.wait_phase(Phase.ASKING)
    buttons = rig.tablet.buttons()
    moods = [b.mood for b in buttons]
    assert moods == sorted(moods, reverse=True) and len(set(moods)) == len(moods)
    for b in buttons:
        bg = QColor(b.level.colour)
        assert contrast_ratio(bg, text_colour_for(bg)) >= 4.5, b.level.vi
        assert b.width() >= 200 and b.height() >= 250  # big enough for any finger
        assert b.level.en in b.accessibleName()


def test_a_device_of_another_counter_cannot_rate_counter_1(hub: Any) -> None:
    with ServiceDrill(hub.command, 1) as drill:
        ticket = drill.serve()
    neighbour = hub.client("rating-2")
    try:
        with pytest.raises(HubError) as refused:
            neighbour.request("rating.submit", {"counter": 1, "value": 4})
        assert refused.value.code == "forbidden"
        with pytest.raises(HubError) as own:
            neighbour.request("rating.submit", {"value": 4})  # its own counter: nobody served
        assert own.value.code == "no_rating_window"
    finally:
        neighbour.close()
    rows = [r for r in hub.store.facts() if r["ticket"] == ticket["id"]]
    assert rows[0]["rating"] is None


def test_a_tablet_set_up_for_the_wrong_counter_says_so(hub: Any, qtbot: Any,
                                                        clock: Any) -> None:
    rig = Rig(hub, qtbot, clock, device="rating-2", counter=1)
    try:
        rig.wait_phase(Phase.PROBLEM)
        assert "thuộc quầy 2" in rig.tablet.problem_vi.text()
        assert "counter 2" in rig.tablet.problem_en.text()
        assert not rig.tablet.press_level(4)
    finally:
        rig.close()


def test_hub_lost_shows_mat_ket_noi(rig: Rig) -> None:
    rig.hub.server.stop()
    rig.wait_phase(Phase.OFFLINE)
    assert rig.tablet.offline_vi.text() == "Mất kết nối"
    assert not rig.tablet.press_level(4)


class _admin:
    """The centre's admin client, closed after use."""

    def __init__(self, hub: Any) -> None:
        self.client = hub.client("admin")

    def __enter__(self) -> Any:
        return self.client

    def __exit__(self, *exc: object) -> None:
        self.client.close()


def test_a_button_box_beside_the_tablet_rates_through_it(rig: Rig) -> None:
    devices = rig.hub.server.engine.state.devices
    with VirtualRatingBox(counter=1) as twin:
        box = QtRatingBox(twin.path, 1, retry_initial=0.02, retry_max=0.1)
        connect_box(box, rig.tablet)
        box.start()
        try:
            rig.qtbot.waitUntil(lambda: devices.get("rating-1", {}).get("status")
                                == "connected", timeout=WAIT_MS)
            ticket = rig.drill.serve()
            rig.wait_phase(Phase.ASKING)
            twin.press("1")
            rig.wait_phase(Phase.THANKS)  # the citizen sees the thanks for a box press too
            rig.qtbot.waitUntil(lambda: rig.tablet.stats["given"] == 1, timeout=WAIT_MS)
            assert rig.fact(ticket["id"])["rating"] == rig.tablet.buttons()[0].level.value
            twin.unplug()
            rig.qtbot.waitUntil(lambda: devices["rating-1"]["status"] == "disconnected",
                                timeout=WAIT_MS)
        finally:
            box.close()


def test_an_unknown_device_is_told_it_is_not_authorised(hub: Any, qtbot: Any) -> None:
    link = QtHubLink(Endpoints(hub.command, hub.events), "rating-99")  # not in centre.toml
    tablet = RatingTablet(link, 1)
    qtbot.addWidget(tablet)
    assert tablet.offline_vi.text() == "Đang kết nối…"  # starting, not "lost"
    phases = [tablet.phase]
    link.start()
    try:
        qtbot.waitUntil(lambda: tablet.phase is Phase.PROBLEM, timeout=WAIT_MS)
        assert phases == [Phase.OFFLINE]
        assert tablet.problem_vi.text() == "Thiết bị chưa được cấp quyền"
        assert not tablet.press_level(4)
    finally:
        link.stop()


def test_a_tablet_made_after_the_link_started_asks_the_hub_its_time(rig: Rig,
                                                                     qtbot: Any) -> None:
    ticket = rig.drill.serve()
    rig.wait_phase(Phase.ASKING)
    rig.clock.advance(seconds=31)  # the window is over at the hub, and no event says so
    late = RatingTablet(rig.link, 1, monotonic=rig.mono)  # e.g. the demo's second screen
    qtbot.addWidget(late)
    # The link's view still holds the old snapshot time; the tablet's ping corrects it.
    qtbot.waitUntil(lambda: late.phase is Phase.IDLE, timeout=WAIT_MS)
    assert not late.press_level(4)
    assert rig.fact(ticket["id"])["rating"] is None


# -- Art. 33.1 questions and the low-score reason (rating/details_page.py) ----------
RULES = RatingRules(criteria=("attitude", "agencies", "returns", "information"),
                    ask_reason=True)


@dataclasses.dataclass
class DetailsHub:
    server: Any
    store: Any
    command: str
    events: str


@pytest.fixture
def rules_rig(centre: Any, clock: Any, qtbot: Any, tmp_path: Path) -> Iterator[Rig]:
    server, store = start_hub(dataclasses.replace(centre, ratings=RULES),
                              sqlite_url(tmp_path / "hub.sqlite"), clock)
    hub = DetailsHub(server, store, f"tcp://127.0.0.1:{server.command_port}",
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


def test_low_tap_asks_reason_and_criteria_then_sends_them(rules_rig: Rig, qtbot: Any,
                                                         tmp_path: Path) -> None:
    rig = rules_rig
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


def test_skip_sends_the_tap_alone(rules_rig: Rig, qtbot: Any) -> None:
    rig = rules_rig
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
