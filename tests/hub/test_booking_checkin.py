"""Checking in booked citizens at a real hub: QR tokens verified offline, typed codes from
the pulled bookings, the window policy, and every refusal in words."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import text

from motcua.core.booking import Booking, sign
from motcua.hub.storage.db import sqlite_url
from motcua.link.client import Endpoints, HubError
from tests.support.hubs import start_hub
from tests.support.wait import EventWatch

PROVINCE = Ed25519PrivateKey.generate()
DAY = date(2025, 11, 24)  # the FakeClock's Monday; it reads 09:00


def booking(code: str = "BT7K3QXM", start: time = time(9, 0), field: str = "A",
            site: str = "", day: date = DAY) -> Booking:
    return Booking(code, site, field, day, start, 15)


@pytest.fixture
def booking_hub(tmp_path: Path, centre: Any, clock: Any) -> Iterator[Any]:
    running = start_hub(centre, sqlite_url(tmp_path / "hub.sqlite"), clock,
                        booking_key=PROVINCE.public_key())
    yield running.server
    running.stop()


def take(server: Any, scanned: str, field: str = "A") -> dict[str, Any]:
    from motcua.link.client import HubClient

    with HubClient(f"tcp://127.0.0.1:{server.command_port}", "kiosk-1") as kiosk:
        return kiosk.request("ticket.take", {"field": field, "booking": scanned})


def test_an_on_time_qr_goes_to_the_head_of_its_field(booking_hub: Any, centre: Any) -> None:
    from motcua.link.client import HubClient

    with HubClient(f"tcp://127.0.0.1:{booking_hub.command_port}", "kiosk-1") as kiosk:
        walk_in = kiosk.request("ticket.take", {"field": "A"})["ticket"]
    reply = take(booking_hub, sign(booking(site=centre.id), PROVINCE))
    assert reply["booking"]["placement"] == "booked"
    assert reply["ticket"]["priority"] == "booking"
    with HubClient(f"tcp://127.0.0.1:{booking_hub.command_port}", "counter-1") as desk:
        desk.request("counter.open", {"counter": 1, "officer": "cb01"})
        called = desk.request("counter.call_next", {"counter": 1})["ticket"]
    assert called["id"] == reply["ticket"]["id"] != walk_in["id"]
    with pytest.raises(HubError) as twice:  # the same code again
        take(booking_hub, sign(booking(site=centre.id), PROVINCE))
    assert twice.value.code == "booking_used" and "đã được dùng" in twice.value.vi


def test_an_early_citizen_waits_for_the_window(booking_hub: Any, centre: Any,
                                              clock: Any) -> None:
    from motcua.link.client import HubClient

    early = booking(site=centre.id, start=time(9, 45))  # window opens 09:30
    reply = take(booking_hub, sign(early, PROVINCE))
    assert reply["booking"]["placement"] == "wait_for_window"
    assert "09:30" in reply["booking"]["vi"]
    ticket = reply["ticket"]["id"]
    endpoints = Endpoints(f"tcp://127.0.0.1:{booking_hub.command_port}",
                          f"tcp://127.0.0.1:{booking_hub.event_port}")
    with HubClient(endpoints.command, "counter-1") as desk, EventWatch(endpoints) as watch:
        desk.request("counter.open", {"counter": 1, "officer": "cb01"})
        nobody = desk.request("counter.call_next", {"counter": 1})  # not before the window
        assert nobody["ticket"] is None
        clock.advance(minutes=31)
        watch.wait_for("ticket.window_opened")  # the hub's tick released it
        assert desk.request("counter.call_next", {"counter": 1})["ticket"]["id"] == ticket


def test_a_late_citizen_gets_an_ordinary_ticket(booking_hub: Any, centre: Any) -> None:
    late = booking(site=centre.id, start=time(8, 30))  # window closed 08:45
    reply = take(booking_hub, sign(late, PROVINCE))
    assert reply["booking"]["placement"] == "normal" and reply["ticket"]["priority"] is None


@pytest.mark.parametrize(("scanned", "code", "words"), [
    (lambda c: sign(booking(site="79-other"), PROVINCE), "booking_other_centre", "trung tâm khác"),
    (lambda c: sign(booking(site=c, day=date(2025, 11, 25)), PROVINCE), "booking_other_day",
     "25/11/2025"),
    (lambda c: sign(booking(site=c), Ed25519PrivateKey.generate()), "booking_forged",
     "chữ ký"),
    (lambda c: "MCB1.garbage", "booking_malformed", "không phải mã đặt lịch"),
    (lambda c: "ZZZZ-ZZZZ", "booking_unknown", "quét mã QR"),
    (lambda c: sign(booking(site=c, field="B"), PROVINCE), "booking_other_field",
     "lĩnh vực khác"),
])
def test_bad_bookings_are_refused_in_words(booking_hub: Any, centre: Any, scanned: Any,
                                           code: str, words: str) -> None:
    with pytest.raises(HubError) as e:
        take(booking_hub, scanned(centre.id))
    assert e.value.code == code and words in e.value.vi


def test_typed_codes_come_from_the_pulled_bookings(booking_hub: Any, centre: Any) -> None:
    b = booking(code="K7M2Q9XA", site=centre.id)
    row = {**b.to_dict(), "status": "booked", "seq": 5}
    assert booking_hub.bookings.store([row]) == 1
    assert booking_hub.bookings.store([row]) == 0  # the same change twice: stored once
    assert booking_hub.bookings.cursor() == 5
    reply = take(booking_hub, "k7m2-q9xa")
    assert reply["booking"]["code"] == "K7M2Q9XA"
    other = booking(code="C4NCE1ED", site=centre.id)
    booking_hub.bookings.store([{**other.to_dict(), "status": "booked", "seq": 6},
                                {**other.to_dict(), "status": "cancelled", "seq": 7}])
    with pytest.raises(HubError) as e:
        take(booking_hub, sign(other, PROVINCE))  # the QR is genuine, but it was cancelled
    assert e.value.code == "booking_cancelled"


def test_nobody_can_claim_the_booking_category_by_hand(booking_hub: Any) -> None:
    from motcua.link.client import HubClient

    with HubClient(f"tcp://127.0.0.1:{booking_hub.command_port}", "kiosk-1") as kiosk:
        with pytest.raises(HubError) as e:
            kiosk.request("ticket.take", {"field": "A", "priority": "booking"})
        assert e.value.code == "unknown_priority"
        with pytest.raises(HubError) as forged:
            kiosk.request("ticket.take", {"field": "A", "_booking": {"code": "X"}})
        assert forged.value.code == "bad_request"


def test_the_per_citizen_cap_and_nothing_of_the_card_in_events(
        tmp_path: Path, centre: Any, clock: Any) -> None:
    from motcua.core.cccd import citizen_key
    from motcua.link.client import HubClient

    running = start_hub(centre, sqlite_url(tmp_path / "hub.sqlite"), clock, citizen_cap=2)
    try:
        key = citizen_key("079050001234", b"centre secret for the test!!!!!")
        other = citizen_key("079050009999", b"centre secret for the test!!!!!")
        with HubClient(running.command, "kiosk-1") as kiosk, \
                EventWatch(running.endpoints) as watch:
            for _ in range(2):
                kiosk.request("ticket.take", {"field": "A", "citizen": key})
            with pytest.raises(HubError) as e:
                kiosk.request("ticket.take", {"field": "A", "citizen": key})
            assert e.value.code == "citizen_cap" and "tối đa 2 số" in e.value.vi
            kiosk.request("ticket.take", {"field": "B", "citizen": key})  # another field
            kiosk.request("ticket.take", {"field": "A", "citizen": other})  # another person
            watch.events.wait_len(4, "four tickets issued")
            assert all(key not in repr(ev.body) for ev in watch.events.items)
        running.restart()  # the marks survive a restart
        with HubClient(running.command, "kiosk-1") as kiosk:
            with pytest.raises(HubError) as again:
                kiosk.request("ticket.take", {"field": "A", "citizen": key})
            assert again.value.code == "citizen_cap"
        with running.store.engine.connect() as c:  # nor in the outbox that goes upward
            events = c.execute(text("SELECT * FROM events")).all()
        assert len(events) >= 4 and key not in repr(events)
    finally:
        running.stop()
