"""The citizen's ticket page in a real browser, following a real hub."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from starlette.testclient import TestClient

from motcua.citizen.notifier import Notifier
from motcua.citizen.outbox import NotifyStore
from motcua.citizen.senders import HttpSms
from motcua.citizen.service import CitizenService
from motcua.citizen.web import create_citizen_app
from motcua.core.ticket_page import page_token, page_url
from motcua.link.client import Endpoints
from motcua.web.app import WebSettings
from tests.support.browser import LiveServer
from tests.support.http_receiver import http_receiver
from tests.support.wait import wait_until

SECRET = b"page secret of the test centre!!"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "images"


@pytest.fixture
def service(hub: Any, clock: Any) -> Iterator[CitizenService]:
    s = CitizenService(Endpoints(hub.command, hub.events), SECRET, clock=clock)
    s.start()
    wait_until(lambda: s.view is not None, what="the citizen service's snapshot")
    yield s
    s.stop()


def test_tokens_are_long_unguessable_and_change_with_the_day() -> None:
    t = page_token(SECRET, "2025-11-24", "20251124-A001")
    assert len(t) == 26 and t.isalnum() and t == t.lower()
    assert t != page_token(SECRET, "2025-11-25", "20251124-A001")
    assert t != page_token(b"another secret, another centre!!", "2025-11-24", "20251124-A001")
    assert page_url("http://10.0.0.2:8090/", SECRET, "2025-11-24", "x").startswith(
        "http://10.0.0.2:8090/t/")


def test_the_page_follows_the_ticket_live_until_it_is_called(
        hub: Any, service: CitizenService, phone_page: Any) -> None:
    page = phone_page
    kiosk, desk = hub.client("kiosk-1"), hub.client("counter-1")
    first = kiosk.request("ticket.take", {"field": "A"})["ticket"]
    mine = kiosk.request("ticket.take", {"field": "A"})["ticket"]
    token = service.token_for(mine["id"])
    assert token is not None
    wait_until(lambda: service.page(token) is not None, what="the page knows the ticket")
    app = create_citizen_app(service, WebSettings.for_tests(secure_cookies=False))
    with LiveServer(app) as server:
        page.goto(f"{server.url}/t/{token}")
        expect(page.locator("#number")).to_have_text(mine["label"])
        expect(page.locator("#headline-vi")).to_have_text("Còn 1 người phía trước")
        expect(page.locator("body")).to_have_attribute("data-live-state", "open")
        desk.request("counter.open", {"counter": 1, "officer": "cb01"})
        desk.request("counter.call_next", {"counter": 1})  # the first ticket
        expect(page.locator("#headline-vi")).to_have_text("Ông/Bà là người tiếp theo")
        desk.request("counter.finish", {"counter": 1})
        desk.request("counter.call_next", {"counter": 1})  # mine
        expect(page.locator("#headline-vi")).to_have_text("Mời Ông/Bà đến quầy số\u00a01")
        expect(page.locator("body")).to_have_attribute("data-alerted", "yes")
        page.screenshot(path=str(DOCS / "citizen-ticket-called.png"))
        assert first["label"] not in page.content()  # nobody else's number on the page
        page.goto(f"{server.url}/t/{'a' * 26}")
        expect(page.locator("main")).to_contain_text("chỉ dùng trong ngày")
        page.context.close()


def test_the_kiosk_leaves_a_phone_number_in_words(hub: Any, service: CitizenService,
                                                  tmp_path: Path) -> None:
    kiosk = hub.client("kiosk-1")
    t = kiosk.request("ticket.take", {"field": "A"})["ticket"]
    wait_until(lambda: service.token_for(t["id"]) is not None
               and service.page(service.token_for(t["id"]) or "") is not None)
    with http_receiver() as gateway:
        service.notifier = Notifier(NotifyStore(tmp_path / "n.sqlite"),
                                    HttpSms(gateway.url, {"to": "{phone}", "text": "{text}"}),
                                    centre_name="X", view_state=lambda: service.view.state
                                    if service.view else None)
        app = create_citizen_app(service, WebSettings.for_tests(secure_cookies=False),
                                 kiosk_tokens=frozenset({"kiosk-1-token"}))
        client = TestClient(app)
        body = {"ticket": t["id"], "phone": "0912345678"}
        assert client.post("/api/subscribe", json=body).status_code == 401
        bad = client.post("/api/subscribe", json={**body, "phone": "12345"},
                          headers={"Authorization": "Bearer kiosk-1-token"})
        assert bad.status_code == 400 and "10 chữ số" in bad.json()["error"]["message"]
        ok = client.post("/api/subscribe", json=body,
                         headers={"Authorization": "Bearer kiosk-1-token"})
        assert ok.json() == {"ok": True, "phone": "091****678"}
        service.notifier.send_due()
        (got,) = gateway.wait_for(1)  # nobody ahead: "near" at once
        assert got.body["to"] == "84912345678"


def test_the_printed_qr_opens_the_ticket_page(centre: Any, tmp_path: Path) -> None:
    """Paper to phone: the printer node puts the page's address in the ticket's QR, with
    the same token the citizen service serves it under."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import zxingcpp

    from motcua.printer.node import TicketPage, ticket_print
    from motcua.printer.render import render
    from motcua.printer.virtual import picture_of

    issued = datetime(2025, 11, 24, 9, 5, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    info = {"id": "20251124-A001", "label": "A001", "field": "A", "ahead": 0,
            "estimate_minutes": 5, "issued_at": issued}
    ticket = ticket_print(centre, info, page=TicketPage("http://10.0.0.2:8090", SECRET))
    expected = page_url("http://10.0.0.2:8090", SECRET, "2025-11-24", "20251124-A001")
    assert ticket.ticket_id == expected
    (found,) = zxingcpp.read_barcodes(picture_of(render(ticket, "raster")))
    assert found.text == expected
    assert expected.endswith(page_token(SECRET, "2025-11-24", "20251124-A001"))
