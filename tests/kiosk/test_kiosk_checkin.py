"""The kiosk's scanner: a booking's QR, a typed booking code, the chip ID card (the scanner
twin types what a real keyboard-wedge scanner types, decoded from a generated QR image)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
import qrcode
import zxingcpp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from motcua.core.booking import Booking, sign
from motcua.hub.storage.db import sqlite_url
from tests.support.hubs import RunningHub, start_hub
from tests.support.kiosk import WAIT, hub_tickets

PROVINCE = Ed25519PrivateKey.generate()
SECRET = b"centre citizen secret, 32 bytes!"
# 60 on Monday 24/11/2025, the test clock's day
OLD = "079065001234||Trần Thị Bình|24111965|Nữ|5 Lê Thánh Tôn, Phường Bến Thành|01012022"
YOUNG = "079095004321||Lê Văn Cường|02031995|Nam|7 Pasteur, Phường Bến Thành|01012022"


@pytest.fixture
def booking_hub(tmp_path: Path, centre: Any, clock: Any) -> Iterator[RunningHub]:
    running = start_hub(centre, sqlite_url(tmp_path / "hub.sqlite"), clock,
                        booking_key=PROVINCE.public_key(), citizen_cap=1)
    yield running
    running.stop()


def scanner_types(qtbot: Any, window: Any, image: Path) -> None:
    """The scanner twin: read the QR in ``image`` and type it, then Enter, as fast as a
    keyboard-wedge scanner does (key events carrying the text, Vietnamese letters too)."""
    (found,) = zxingcpp.read_barcodes(Image.open(image))
    target = QApplication.focusWidget() or window
    for ch in found.text:
        QApplication.sendEvent(target, QKeyEvent(QEvent.Type.KeyPress, 0,
                                                 Qt.KeyboardModifier.NoModifier, ch))
    qtbot.keyClick(target, Qt.Key.Key_Return)


def take_in_field_b(qtbot: Any, w: Any) -> None:
    qtbot.mouseClick(w.home.field_buttons["B"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(w.procedures.none_button, Qt.MouseButton.LeftButton)
    assert w.current_screen() == "confirm"
    qtbot.mouseClick(w.confirm.take_button, Qt.MouseButton.LeftButton)


def qr_image(text: str, path: Path) -> Path:
    qrcode.make(text.encode("utf-8"), border=2).get_image().save(path)
    return path


def test_an_id_card_gives_priority_by_age_and_the_cap_holds(
        booking_hub: RunningHub, make_kiosk: Any, qtbot: Any, tmp_path: Path,
        clock: Any) -> None:
    w = make_kiosk(booking_hub, citizen_secret=SECRET, clock=clock)
    scanner_types(qtbot, w, qr_image(OLD, tmp_path / "old.png"))
    assert "được ưu tiên (từ 60 tuổi)" in w.home.card_note.text()
    assert "Bình" not in w.home.card_note.text()  # nothing of the card is shown back
    take_in_field_b(qtbot, w)
    qtbot.waitUntil(lambda: w.current_screen() == "result", timeout=WAIT)
    (ticket,) = hub_tickets(booking_hub)
    assert ticket["priority"] == "elderly"
    # the same card again, the same field: the per-citizen cap (1 here) refuses in words
    w.go_home()
    scanner_types(qtbot, w, qr_image(OLD, tmp_path / "again.png"))
    take_in_field_b(qtbot, w)
    qtbot.waitUntil(lambda: "tối đa 1 số" in w.confirm.error.text(), timeout=WAIT)
    # a younger citizen: read, no priority
    w.go_home()
    scanner_types(qtbot, w, qr_image(YOUNG, tmp_path / "young.png"))
    assert w.home.card_note.text() == "Đã đọc thẻ căn cước. Mời chọn lĩnh vực."
    assert w.flow.priority is None and w.flow.citizen is not None
    w.go_home()
    assert w.home.card_note.text() == "" and w.card is None  # the next citizen starts clean


def test_a_bad_card_is_told_in_words(booking_hub: RunningHub, make_kiosk: Any,
                                     qtbot: Any, tmp_path: Path) -> None:
    w = make_kiosk(booking_hub)
    scanner_types(qtbot, w, qr_image("079065001234|Trần Thị Bình|2411", tmp_path / "x.png"))
    assert "có 3 trường, cần 7" in w.home.card_note.text()


def test_a_booking_qr_takes_a_booked_ticket_at_once(
        booking_hub: RunningHub, make_kiosk: Any, qtbot: Any, tmp_path: Path,
        centre: Any) -> None:
    booked = Booking("BT7K3QXM", centre.id, "A", date(2025, 11, 24), time(9, 0), 15)
    w = make_kiosk(booking_hub)
    scanner_types(qtbot, w, qr_image(sign(booked, PROVINCE), tmp_path / "booking.png"))
    qtbot.waitUntil(lambda: w.current_screen() == "result", timeout=WAIT)
    (ticket,) = hub_tickets(booking_hub)
    assert ticket["priority"] == "booking" and ticket["booking"] == "BT7K3QXM"


def test_a_typed_code_the_centre_does_not_know_yet_asks_for_the_qr(
        booking_hub: RunningHub, make_kiosk: Any, qtbot: Any) -> None:
    w = make_kiosk(booking_hub)
    qtbot.mouseClick(w.home.booking_button, Qt.MouseButton.LeftButton)
    assert w.current_screen() == "booking"
    for key in "zpf6mmgw":
        qtbot.mouseClick(w.booking.keyboard.keys[key], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(w.booking.take_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "quét mã QR" in w.booking.failure.text(), timeout=WAIT)
    assert hub_tickets(booking_hub) == []
