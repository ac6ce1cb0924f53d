"""Officers on the boards: name, title and photo of whoever is signed in at a counter."""

from __future__ import annotations

import base64
import dataclasses
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from motcua.display.counter_board import CounterBoard
from motcua.display.hall import HallBoard
from motcua.hub.officers import PHOTO_SIZE, PhotoError, store_photo
from motcua.hub.officers import main as photo_main
from motcua.hub.storage.db import sqlite_url
from motcua.link.client import Endpoints, HubClient, HubError
from motcua.qt.link import QtHubLink
from tests.support.hubs import RunningHub, start_hub

CONNECT_MS = 8000


@pytest.fixture
def photo_hub(tmp_path: Path, centre: Any, clock: Any) -> Iterator[RunningHub]:
    """A hub whose centre has a stored photo for cb02 (a wide picture, cropped to 3:4)."""
    picture = tmp_path / "phone.png"
    Image.new("RGB", (1600, 900), (200, 30, 30)).save(picture)
    rel = store_photo(picture, tmp_path, "cb02")
    officers = tuple(dataclasses.replace(o, photo=rel) if o.id == "cb02" else o
                     for o in centre.officers)
    running = start_hub(dataclasses.replace(centre, officers=officers),
                        sqlite_url(tmp_path / "hub.sqlite"), clock, db_path=tmp_path / "hub.sqlite",
                        config_dir=tmp_path)
    yield running
    running.stop()


def test_photos_are_resized_and_stored_by_the_centre(tmp_path: Path) -> None:
    big = tmp_path / "big.jpg"
    Image.new("RGB", (3000, 4000), (10, 120, 40)).save(big)
    assert photo_main([str(tmp_path / "centre.toml"), "cb05", str(big)]) == 0
    with Image.open(tmp_path / "photos" / "cb05.jpg") as img:
        assert img.format == "JPEG" and img.size == PHOTO_SIZE
    (tmp_path / "notes.txt").write_text("không phải ảnh", "utf-8")
    with pytest.raises(PhotoError, match="không phải ảnh JPEG/PNG"):
        store_photo(tmp_path / "notes.txt", tmp_path, "cb06")
    with pytest.raises(PhotoError, match="không đọc được ảnh"):
        store_photo(tmp_path / "missing.jpg", tmp_path, "cb06")


def test_the_hub_gives_boards_the_seated_officer_only(photo_hub: RunningHub) -> None:
    board = HubClient(photo_hub.command, "display-hall")
    kiosk = HubClient(photo_hub.command, "kiosk-1")
    desk = HubClient(photo_hub.command, "counter-2")
    try:
        with pytest.raises(HubError) as not_seated:
            board.request("officer.photo", {"officer": "cb02"})
        assert not_seated.value.code == "unknown_officer" and "không làm việc" in \
            not_seated.value.vi
        desk.request("counter.open", {"officer": "cb02"})
        got = board.request("officer.photo", {"officer": "cb02"})
        assert (got["name"], got["title"]) == ("Trần Văn Hùng", "Công chức Địa chính – Xây dựng")
        with Image.open(io.BytesIO(base64.b64decode(got["photo"]))) as img:
            assert img.size == PHOTO_SIZE
        with pytest.raises(HubError) as refused:
            kiosk.request("officer.photo", {"officer": "cb02"})
        assert refused.value.code == "forbidden"
        # A board shows name and title (Decree 118 Art. 9.8); the rest stays with staff keys.
        staff = board.request("snapshot", {"staff": True})["centre"]["officers"]
        assert staff[1] == {"id": "cb02", "name": "Trần Văn Hùng",
                            "title": "Công chức Địa chính – Xây dựng"}  # no photo, no list
        listed = desk.request("snapshot", {"staff": True})["centre"]["officers"]
        assert listed[1] == {"id": "cb02", "name": "Trần Văn Hùng",
                             "title": "Công chức Địa chính – Xây dựng", "photo": "photos/cb02.jpg"}
    finally:
        board.close()
        kiosk.close()
        desk.close()


def test_counter_board_shows_the_signed_in_officer(qtbot: Any, photo_hub: RunningHub) -> None:
    link = QtHubLink(Endpoints(photo_hub.command, photo_hub.events), "display-hall")
    board = CounterBoard(link, 2)
    qtbot.addWidget(board)
    board.resize(1280, 720)
    link.start()
    try:
        qtbot.waitUntil(lambda: board.connected, timeout=CONNECT_MS)
        assert board.roster.card(2) is None
        desk = photo_hub.client("counter-2")
        desk.request("counter.open", {"officer": "cb02"})
        qtbot.waitUntil(lambda: board.roster.card(2) is not None
                        and board.roster.card(2).photo is not None, timeout=CONNECT_MS)
        card = board.roster.card(2)
        assert (card.name, card.title) == ("Trần Văn Hùng", "Công chức Địa chính – Xây dựng")
        board.grab()
        assert board.font_px["officer"] >= 720 * 0.05  # readable from the queue
        # Upward (events) only the officer's id travels.
        opened = [e.body for _, e in photo_hub.store.day_events() if e.type == "counter.opened"]
        assert opened == [{"counter": 2, "officer": "cb02"}]
        desk.request("counter.close", {})
        qtbot.waitUntil(lambda: board.roster.card(2) is None, timeout=CONNECT_MS)
    finally:
        link.stop()


def test_hall_board_names_officers_when_the_centre_wants_it(qtbot: Any,
                                                            photo_hub: RunningHub) -> None:
    link = QtHubLink(Endpoints(photo_hub.command, photo_hub.events), "display-hall")
    board = HallBoard(link)
    qtbot.addWidget(board)
    board.resize(1920, 1080)
    link.start()
    try:
        qtbot.waitUntil(lambda: board.connected, timeout=CONNECT_MS)
        photo_hub.client("counter-1").request("counter.open", {"officer": "cb01"})
        qtbot.waitUntil(lambda: board.roster.card(1) is not None, timeout=CONNECT_MS)
        assert board.roster.on_hall and board.roster.card(1).name == "Nguyễn Thị Thu Hà"
        board.grab()
    finally:
        link.stop()
