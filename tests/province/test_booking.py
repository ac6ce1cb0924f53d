"""Online booking on the provincial server: slots, limits, signed codes, cancel, the API,
and the pages in a real browser."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient
from playwright.sync_api import expect
from sqlalchemy import Engine, text

from motcua.core.booking import BookingError, verify
from motcua.core.centre.load import load_centre
from motcua.province.booking.app import make_booking_app
from motcua.province.booking.service import BookingService, day_slots
from motcua.province.booking.store import BookingStore, SiteRules
from motcua.web import WebSettings
from tests.support.browser import LiveServer

ROOT = Path(__file__).resolve().parents[2]
KEY = Ed25519PrivateKey.generate()
TUESDAY = date(2025, 11, 25)
NOW = datetime(2025, 11, 24, 10, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
"""Monday 24/11/2025 10:00 in Hồ Chí Minh City."""


@pytest.fixture
def service(engine: Engine) -> Iterator[BookingService]:
    schema = f"t_booking_{uuid.uuid4().hex[:10]}"
    store = BookingStore(engine, schema)
    store.create_tables()
    store.put_site(load_centre(ROOT / "config" / "centre.toml"),
                   SiteRules(slot_minutes=30, per_slot=1, days_ahead=7, per_person_per_day=2))
    yield BookingService(store, KEY, b"person secret of the province!!!")
    with engine.begin() as c:
        c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


def site_id(service: BookingService) -> str:
    return service.store.sites()[0].site


def test_slots_follow_the_opening_hours_and_skip_the_past(service: BookingService) -> None:
    site = service.store.sites()[0]
    days = service.days(site, NOW)
    assert days[0] == NOW.date() and date(2025, 11, 30) not in days  # Sunday closed
    today = [s.start for s in service.slots(site, "A", NOW.date(), NOW)]
    assert time(10, 0) not in today and time(10, 30) in today  # 10:00 has begun
    assert today[-1] == time(16, 30)  # 16:30–17:00 is the last whole slot
    assert day_slots(site.centre.hours[1], 30)[0] == time(7, 30)


def test_a_booking_is_signed_counted_and_cancelled(service: BookingService) -> None:
    s = site_id(service)
    made = service.book(s, "A", TUESDAY, time(8, 0), "0912 345 678", NOW, procedure="A.1")
    assert verify(made.token, KEY.public_key()) == made.booking
    assert made.booking.procedure == "A.1" and made.booking.minutes == 30
    with pytest.raises(BookingError) as full:
        service.book(s, "A", TUESDAY, time(8, 0), "0987654321", NOW)
    assert full.value.code == "slot_full" and "hết chỗ" in full.value.vi
    service.book(s, "B", TUESDAY, time(8, 0), "0912345678", NOW)
    with pytest.raises(BookingError) as limit:
        service.book(s, "C", TUESDAY, time(9, 0), "+84912345678", NOW)
    assert limit.value.code == "person_limit"
    with pytest.raises(BookingError) as who:
        service.cancel(made.booking.code, "0987654321", NOW)
    assert who.value.code == "not_found"
    service.cancel(made.booking.code, "0912345678", NOW)
    again = service.book(s, "A", TUESDAY, time(8, 0), "0987654321", NOW)  # the place is free
    changes = service.store.since(s, 0)
    assert [(c.booking.code, c.status) for c in changes][-2:] == [
        (made.booking.code, "cancelled"), (again.booking.code, "booked")]
    assert service.store.since(s, changes[-1].seq) == []


@pytest.mark.parametrize(("kw", "code"), [
    ({"field": "Z"}, "unknown_field"),
    ({"day": date(2025, 11, 30)}, "closed_day"),
    ({"day": date(2026, 1, 30)}, "closed_day"),
    ({"start": time(12, 0)}, "no_slot"),
    ({"phone": "12345"}, "bad_phone"),
    ({"procedure": "A.99"}, "unknown_procedure"),
    ({"id_number": "12ab"}, "bad_id"),
])
def test_bad_bookings_are_refused_in_words(service: BookingService, kw: dict[str, Any],
                                           code: str) -> None:
    args: dict[str, Any] = {"field": "A", "day": TUESDAY, "start": time(8, 0),
                            "phone": "0912345678"}
    args.update(kw)
    extra = {k: args.pop(k) for k in ("procedure", "id_number") if k in args}
    with pytest.raises(BookingError) as e:
        service.book(site_id(service), args["field"], args["day"], args["start"],
                     args["phone"], NOW, **extra)
    assert e.value.code == code and e.value.vi and e.value.en


def test_the_json_api(service: BookingService) -> None:
    app = make_booking_app(service, WebSettings.for_tests(), clock=lambda: NOW)
    with TestClient(app, base_url="https://testserver") as c:
        sites = c.get("/api/booking/sites").json()
        assert sites[0]["fields"][0]["code"] == "A"
        s = sites[0]["site"]
        slots = c.get(f"/api/booking/{s}/slots", params={"field": "A", "day": "2025-11-25"})
        assert slots.json()["slots"][0] == {"start": "07:30", "free": 1}
        body = {"site": s, "field": "A", "day": "2025-11-25", "start": "07:30",
                "phone": "0912345678"}
        made = c.post("/api/booking", json=body)
        assert made.status_code == 201 and verify(made.json()["token"], KEY.public_key())
        full = c.post("/api/booking", json={**body, "phone": "0987654321"})
        assert full.status_code == 409 and "hết chỗ" in full.json()["error"]["message"]
        assert c.get("/api/booking/nowhere/slots", params={"field": "A", "day": "2025-11-25"}
                     ).status_code == 404
        bad = c.post("/api/booking", json={**body, "day": "25/11/2025"})
        assert bad.status_code == 422
        gone = c.post("/api/booking/cancel", json={"code": made.json()["display_code"],
                                                    "phone": "0912 345 678"})
        assert gone.json() == {"cancelled": made.json()["code"]}


def test_attempts_are_limited_per_phone(service: BookingService) -> None:
    app = make_booking_app(service, WebSettings.for_tests(), clock=lambda: NOW,
                           phone_attempts=2)
    with TestClient(app, base_url="https://testserver") as c:
        body = {"site": site_id(service), "field": "A", "day": "2025-11-25", "start": "12:00",
                "phone": "0912345678"}
        assert [c.post("/api/booking", json=body).status_code for _ in range(3)] == [
            400, 400, 429]


def test_booking_and_cancelling_in_a_browser(service: BookingService, phone_page: Any) -> None:
    page = phone_page
    app = make_booking_app(service, WebSettings.for_tests(secure_cookies=False),
                           clock=lambda: NOW)
    with LiveServer(app) as server:
        page.goto(f"{server.url}/booking")
        page.get_by_role("link", name="PHƯỜNG BẾN THÀNH").click()
        page.select_option("#field", "A")
        page.select_option("#day", "2025-11-25")
        page.click("#show-slots")
        page.check("input[name=start][value='08:00']")
        page.select_option("select[name=procedure]", "A.1")
        page.fill("#phone", "0912 345 678")
        page.click("#book")
        expect(page.locator("h1")).to_contain_text("Đã đặt lịch hẹn")
        code = page.locator("#code").inner_text()
        page.screenshot(path=str(ROOT / "docs" / "images" / "booking-done.png"), full_page=True)
        page.goto(f"{server.url}/booking/{site_id(service)}?field=A&day=2025-11-25")
        expect(page.locator("input[value='08:00']")).to_be_disabled()  # one place per slot
        page.goto(f"{server.url}/booking/cancel")
        page.fill("#cancel-code", code.lower())
        page.fill("#cancel-phone", "0987654321")
        page.click("#cancel")
        expect(page.locator("#error")).to_contain_text("Không tìm thấy lịch hẹn")
        page.fill("#cancel-code", code)
        page.fill("#cancel-phone", "0912345678")
        page.click("#cancel")
        expect(page.locator("#cancelled")).to_contain_text(code)
        page.context.close()
