"""Boards against a real hub: calls, highlight, lists, restarts, overlay, and the voice."""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from motcua.display.base import LOST, UNAUTHORISED
from motcua.display.counter_board import CounterBoard
from motcua.display.hall import HallBoard
from motcua.display.paint import TIER1, TIER2
from motcua.display.voice_bridge import CentreSpeaker
from motcua.hub.storage.db import sqlite_url
from motcua.link.client import Endpoints, HubClient
from motcua.qt.link import QtHubLink
from motcua.voice.announce import CHIME, all_clip_names
from motcua.voice.clips import ClipSet
from motcua.voice.player import Announcer
from motcua.voice.wav import Audio, write_wav
from tests.support.hubs import free_port, start_hub
from tests.support.twins import SpeakerTwin

CONNECT_MS = 8000
"""Generous: a follower snapshots after the first heartbeat (once a second)."""


class Desks:
    """Drives the hub the way the kiosk and the counters do."""

    def __init__(self, command: str) -> None:
        self.command = command
        self.clients: dict[str, HubClient] = {}

    def client(self, device: str) -> HubClient:
        if device not in self.clients:
            self.clients[device] = HubClient(self.command, device, timeout=3.0)
        return self.clients[device]

    def open(self, counter: int) -> None:
        self.client(f"counter-{counter}").request("counter.open", {"officer": f"cb0{counter}"})

    def take(self, field: str) -> str:
        r = self.client("kiosk-1").request("ticket.take", {"field": field})
        return str(r["ticket"]["label"])

    def call(self, counter: int) -> str:
        r = self.client(f"counter-{counter}").request("counter.call_next", {})
        return "" if r["ticket"] is None else str(r["ticket"]["label"])

    def act(self, counter: int, action: str, **body: Any) -> dict[str, Any]:
        return self.client(f"counter-{counter}").request(f"counter.{action}", body)

    def close(self) -> None:
        for c in self.clients.values():
            c.close()


LinkMaker = Callable[..., QtHubLink]


@pytest.fixture
def links() -> Iterator[LinkMaker]:
    """Makes started hub links; lost after 2 s of silence so restart tests stay short."""
    made: list[QtHubLink] = []

    def make(endpoints: Endpoints, device: str = "display-hall") -> QtHubLink:
        link = QtHubLink(endpoints, device)
        link.follower.lost_after = 2.0
        link.start()
        made.append(link)
        return link

    yield make
    for link in made:
        link.stop()


@pytest.fixture
def desks(hub) -> Iterator[Desks]:  # type: ignore[no-untyped-def]
    d = Desks(hub.command)
    yield d
    d.close()


def endpoints(hub) -> Endpoints:  # type: ignore[no-untyped-def]
    return Endpoints(hub.command, hub.events)


def hall_board(qtbot, link: QtHubLink, **kw: Any) -> HallBoard:  # type: ignore[no-untyped-def]
    board = HallBoard(link, **kw)
    qtbot.addWidget(board)
    board.resize(1920, 1080)
    qtbot.waitUntil(lambda: board.connected, timeout=CONNECT_MS)
    return board


def test_a_call_appears_within_a_second_and_is_highlighted(qtbot, hub, desks, links) -> None:  # type: ignore[no-untyped-def]
    board = hall_board(qtbot, links(endpoints(hub)))
    assert board.model is not None and board.model.newest is None
    desks.open(1)
    label = desks.take("A")
    assert desks.call(1) == label

    def shown() -> None:
        m = board.model
        assert m is not None and m.current_calls() == {1: label}
        assert m.highlighted_counter == 1 and m.newest is not None and m.newest.label == label
        assert board.flash_key() == (1, label)

    qtbot.waitUntil(shown, timeout=1000)
    # Painted at 1080p: the numbers meet the 10 m rule (docs/display.md).
    board.grab()
    u = 1080
    assert board.font_px["counter_label"] >= u * TIER1
    assert board.font_px["counter_number"] >= u * TIER1
    assert board.font_px["banner_label"] >= u / 7
    assert board.font_px["recent_label"] >= u * TIER2
    assert board.font_px["waiting"] >= u * TIER2


def test_last_calls_order_and_waiting_per_field(qtbot, hub, desks, links) -> None:  # type: ignore[no-untyped-def]
    board = hall_board(qtbot, links(endpoints(hub)))
    desks.open(1)
    desks.open(2)
    for field in "AACCCB":
        desks.take(field)
    qtbot.waitUntil(lambda: _waiting(board) == {"A": 2, "B": 1, "C": 3}, timeout=3000)
    first = desks.call(1)   # A001
    second = desks.call(2)  # C001
    desks.act(1, "recall")
    third = desks.call(2) if desks.act(2, "finish") else ""  # C002
    expected = [(third, 2, False), (first, 1, True), (second, 2, False), (first, 1, False)]

    def listed() -> None:
        m = board.model
        assert m is not None
        assert [(c.label, c.counter, c.recall) for c in m.recent] == expected
        assert _waiting(board) == {"A": 1, "B": 1, "C": 1}
        assert m.current_calls() == {1: first, 2: third}

    qtbot.waitUntil(listed, timeout=3000)
    board.grab()


def _waiting(board: HallBoard) -> dict[str, int]:
    if board.model is None:
        return {}
    return {f.code: f.waiting for f in board.model.waiting if f.waiting}


def test_board_started_mid_day_shows_what_one_running_all_day_shows(qtbot, hub, desks, links) -> None:  # type: ignore[no-untyped-def]
    all_day = hall_board(qtbot, links(endpoints(hub)))
    for n in range(1, 6):
        desks.open(n)
    for i in range(40):
        desks.take("ABCDEGHKLMN"[i % 11])
    for _ in range(4):
        for n in range(1, 6):
            if not desks.call(n):  # nothing left in this counter's fields
                continue
            desks.act(n, "start")
            desks.act(n, "finish")
    desks.call(1)
    desks.act(1, "recall")
    desks.act(3, "pause")
    last = hub.store.last_seq()
    assert last > 80
    # the second board uses another device name: one name is one connection at the hub
    mid_day = hall_board(qtbot, links(endpoints(hub), "admin-board-2"))

    def same() -> None:
        assert all_day.model is not None and mid_day.model is not None
        assert all_day.model.seq == mid_day.model.seq == last
        assert mid_day.model == all_day.model

    qtbot.waitUntil(same, timeout=5000)
    assert mid_day.flash_key() is None  # history is shown, not flashed as news
    assert mid_day.model.recent[0].recall  # type: ignore[union-attr]
    assert not mid_day.grab().isNull()


def test_lost_hub_shows_mat_ket_noi_and_recovers_after_restart(qtbot, tmp_path, centre, clock, links) -> None:  # type: ignore[no-untyped-def]
    url = sqlite_url(tmp_path / "hub.sqlite")
    cp, ep = free_port(), free_port()
    ends = Endpoints(f"tcp://127.0.0.1:{cp}", f"tcp://127.0.0.1:{ep}")
    server, store = start_hub(centre, url, clock, cp, ep)
    spoken: list[tuple[str, int, bool]] = []
    desks = Desks(ends.command)
    try:
        board = hall_board(qtbot, links(ends), announcer=Recorder(spoken))
        desks.open(1)
        first = desks.take("A")
        desks.call(1)
        qtbot.waitUntil(lambda: spoken == [(first, 1, False)], timeout=3000)
        server.stop()
        store.close()
        qtbot.waitUntil(lambda: board.overlay == LOST, timeout=CONNECT_MS)
        assert board.overlay_texts()[0] == "MẤT KẾT NỐI"
        assert board.model is not None and board.model.label_at(1) == first  # still shown
        image = board.grab()
        assert not image.isNull()
        # same ports, same database: the board finds the hub again by itself
        server, store = start_hub(centre, url, clock, cp, ep)
        qtbot.waitUntil(lambda: board.overlay is None, timeout=15000)
        assert board.model is not None and board.model.label_at(1) == first
        assert spoken == [(first, 1, False)]  # the re-snapshot replayed nothing
        second = desks.take("B")
        desks.act(1, "finish")
        assert desks.call(1) == second
        qtbot.waitUntil(lambda: spoken == [(first, 1, False), (second, 1, False)], timeout=3000)
    finally:
        desks.close()
        server.stop()
        store.close()


class Recorder:
    """A stand-in announcer that writes down what it was asked to say."""

    def __init__(self, calls: list[tuple[str, int, bool]]) -> None:
        self.calls = calls

    def announce(self, number_label: str, counter: int | str, *, recall: bool = False) -> None:
        self.calls.append((number_label, int(counter), recall))


def test_counter_board_shows_its_own_counter(qtbot, hub, desks, links) -> None:  # type: ignore[no-untyped-def]
    link = links(endpoints(hub))
    board = CounterBoard(link, 2)
    qtbot.addWidget(board)
    board.resize(1280, 720)
    qtbot.waitUntil(lambda: board.connected, timeout=CONNECT_MS)
    assert board.label is None and "ĐÓNG" in board.status_text()
    desks.open(1)
    desks.open(2)
    a = desks.take("A")
    c = desks.take("C")
    desks.take("D")
    desks.call(1)
    qtbot.waitUntil(lambda: board.model is not None and board.model.label_at(1) == a,
                    timeout=3000)
    assert board.label is None and board.flash_key() is None  # counter 1's call: not ours
    assert desks.call(2) == c
    qtbot.waitUntil(lambda: board.label == c and board.flash_key() == (2, c), timeout=3000)
    assert "MỜI" in board.status_text()
    desks.act(2, "start")
    qtbot.waitUntil(lambda: "PHỤC VỤ" in board.status_text(), timeout=3000)
    board.grab()
    assert board.font_px["label"] >= 720 * 0.4  # the number fills the screen


def test_an_unknown_device_is_told_it_is_not_authorised(qtbot, hub, links) -> None:  # type: ignore[no-untyped-def]
    board = HallBoard(links(endpoints(hub), "display-unknown"))
    qtbot.addWidget(board)
    qtbot.waitUntil(lambda: board.overlay == UNAUTHORISED, timeout=CONNECT_MS)
    assert board.overlay_texts()[0] == "THIẾT BỊ CHƯA ĐƯỢC CẤP QUYỀN"
    assert board.model is None


# -- voice ---------------------------------------------------------------------------
def test_live_calls_are_queued_in_order_and_a_recall_is_spoken_again(qtbot, hub, desks, links) -> None:  # type: ignore[no-untyped-def]
    spoken: list[tuple[str, int, bool]] = []
    board = hall_board(qtbot, links(endpoints(hub)), announcer=Recorder(spoken))
    desks.open(1)
    desks.open(2)
    a1, _a2, c1 = desks.take("A"), desks.take("A"), desks.take("C")
    desks.call(1)
    desks.call(2)
    desks.act(1, "recall")
    desks.act(1, "start")        # not a call: silent
    ticket = desks.act(2, "hold")["ticket"]["id"]
    desks.act(2, "unhold", ticket=ticket)
    expected = [(a1, 1, False), (c1, 2, False), (a1, 1, True), (c1, 2, True)]
    qtbot.waitUntil(lambda: spoken == expected, timeout=3000)
    assert board.voice is not None and board.voice.queued == expected


def test_a_board_started_after_the_calls_replays_none_of_them(qtbot, hub, desks, links) -> None:  # type: ignore[no-untyped-def]
    desks.open(1)
    for _ in range(3):
        desks.take("A")
    desks.call(1)
    desks.act(1, "recall")
    desks.act(1, "finish")
    desks.call(1)
    spoken: list[tuple[str, int, bool]] = []
    board = hall_board(qtbot, links(endpoints(hub)), announcer=Recorder(spoken))
    last = hub.store.last_seq()
    qtbot.waitUntil(lambda: board.model is not None and board.model.seq == last, timeout=3000)
    qtbot.wait(300)  # anything queued would have arrived by now
    assert spoken == []
    assert board.model is not None and len(board.model.recent) == 3  # shown, not spoken
    desks.act(1, "finish")
    label = desks.call(1)
    qtbot.waitUntil(lambda: spoken == [(label, 1, False)], timeout=3000)


def test_a_counter_board_with_voice_speaks_only_its_counter(qtbot, hub, desks, links) -> None:  # type: ignore[no-untyped-def]
    spoken: list[tuple[str, int, bool]] = []
    board = CounterBoard(links(endpoints(hub)), 2, announcer=Recorder(spoken))
    qtbot.addWidget(board)
    qtbot.waitUntil(lambda: board.connected, timeout=CONNECT_MS)
    desks.open(1)
    desks.open(2)
    desks.take("A")
    c = desks.take("C")
    desks.call(1)
    desks.call(2)
    qtbot.waitUntil(lambda: spoken == [(c, 2, False)], timeout=3000)
    qtbot.wait(200)
    assert spoken == [(c, 2, False)]


@pytest.fixture(scope="module")
def tones(tmp_path_factory: pytest.TempPathFactory) -> ClipSet:
    """A 'recorded' clip set of short tones: the real announcer without espeak-ng."""
    folder = tmp_path_factory.mktemp("tones")
    for i, name in enumerate(all_clip_names()):
        rate, freq = 16000, 300 + 10 * i
        samples = array("h", (round(6000 * math.sin(2 * math.pi * freq * n / rate))
                              for n in range(rate // 40)))
        write_wav(folder / "recorded" / f"{name}.wav", Audio(samples, rate))
    return ClipSet(folder)


def test_the_real_announcer_uses_the_centres_settings_chime_first(qtbot, hub, desks, links, tones, centre) -> None:  # type: ignore[no-untyped-def]
    sink = SpeakerTwin(hold=0.02)
    speaker = CentreSpeaker(lambda s: Announcer(tones, s, sink=sink, generate_missing=False),
                            prepare=False)
    try:
        hall_board(qtbot, links(endpoints(hub)), announcer=speaker)
        announcer = speaker.announcer
        assert announcer is not None and announcer.settings == centre.announcement
        desks.open(1)
        label = desks.take("A")
        desks.call(1)
        desks.act(1, "recall")
        qtbot.waitUntil(lambda: len(announcer.played) == 2, timeout=10000)
        first, again = announcer.played
        assert (first.call.number_label, first.recall) == (label, False)
        assert (again.call.number_label, again.recall) == (label, True)
        assert first.call.clips[0] == CHIME and first.error is None and first.audible
        # repeats = 2 in config/centre.toml: the template's first phrase is said twice
        assert first.call.clips.count(first.call.clips[2]) == centre.announcement.repeats
        (_s1, e1), (s2, _e2) = sink.spans
        assert e1 <= s2  # one after the other, never on top of each other
    finally:
        speaker.close()
