"""The provincial web screen in Debian's Chromium (Playwright), on a real uvicorn.

Covers sign-in and roles, the overview updating live when a centre syncs, the
drill-down, an export download and the public results page on a phone. With
MOTCUA_DOC_SHOTS=1 the screenshots go to docs/images (otherwise to the test's tmp dir).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import Engine

from motcua.province.web.accounts import Accounts
from motcua.province.web.app import make_app
from motcua.web import PasswordHasher, WebSettings
from tests.support.browser import DOCS_IMAGES, LiveServer
from tests.support.province_data import (
    BEN_THANH,
    BINH_CHANH,
    NOW,
    ProvinceData,
    seed_two_centres,
    waiting,
)

HASHER = PasswordHasher(fast_for_tests=True)
PASSWORD = "mật-khẩu-đủ-dài"


@pytest.fixture(scope="module")
def data(engine: Engine) -> Iterator[ProvinceData]:
    d = ProvinceData(engine, "t_webb")
    seed_two_centres(d)
    accounts = Accounts(engine, d.schema, HASHER)
    accounts.create_tables()
    accounts.add("tinh", "Trần Văn Tỉnh", PASSWORD, "province")
    accounts.add("bt", "Lê Thị Bến Thành", PASSWORD, "centre", BEN_THANH)
    accounts.name_site(BEN_THANH, "Phường Bến Thành")
    accounts.name_site(BINH_CHANH, "Xã Bình Chánh")
    yield d
    d.drop()


@pytest.fixture(scope="module")
def server(engine: Engine, data: ProvinceData) -> Iterator[LiveServer]:
    # Plain http on 127.0.0.1: Chromium treats it as a secure context, but the test keeps
    # the cookie non-Secure so nothing depends on that.
    app = make_app(engine, data.schema, WebSettings.for_tests(secure_cookies=False),
                   clock=lambda: NOW, hasher=HASHER, poll_interval=0.1)
    with LiveServer(app) as s:
        yield s


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    return DOCS_IMAGES if os.environ.get("MOTCUA_DOC_SHOTS") else tmp_path


def sign_in(page: Any, server: LiveServer, user: str, shot: Path | None = None) -> None:
    page.goto(server.url + "/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    if shot is not None:
        page.screenshot(path=str(shot))
    page.click("button[type=submit]")


def test_province_staff_overview_updates_live(page: Any, server: LiveServer,
                                              data: ProvinceData, shots: Path) -> None:
    sign_in(page, server, "tinh", shots / "province-login.png")
    page.wait_for_url(server.url + "/")
    row = page.locator(f"tr[data-site='{BEN_THANH}']")
    expect(row.locator("td.waiting")).to_have_text("4")
    expect(page.locator(f"tr[data-site='{BINH_CHANH}']")).to_have_class("offline")
    page.wait_for_selector("body[data-live-state=open]", state="attached")
    # the centre's hub syncs three more tickets: the open page changes by itself
    data.add(BEN_THANH, waiting(NOW.date(), 3, 50, NOW - timedelta(minutes=5)))
    data.sync(BEN_THANH, refresh=False)  # the screen's own poller folds them in
    expect(row.locator("td.waiting")).to_have_text("7")
    page.screenshot(path=str(shots / "province-overview.png"), full_page=True)
    page.click(f"tr[data-site='{BEN_THANH}'] a")  # drill down
    page.wait_for_url(f"{server.url}/centre/{BEN_THANH}")
    expect(page.locator("h1")).to_contain_text("Phường Bến Thành")
    expect(page.locator("#by-field")).to_contain_text("Hộ tịch")
    expect(page.locator("#recent tbody tr").first).to_be_visible()
    page.screenshot(path=str(shots / "province-centre.png"), full_page=True)


def test_export_download_and_month_report(page: Any, server: LiveServer, shots: Path,
                                          tmp_path: Path) -> None:
    sign_in(page, server, "tinh")
    page.wait_for_url(server.url + "/")
    page.goto(server.url + "/reports?month=2025-11")
    expect(page.locator("#d766")).to_contain_text("Quyết định 766")
    page.screenshot(path=str(shots / "province-reports.png"), full_page=True)
    with page.expect_download() as info:
        page.click("#export-xlsx")
    download = info.value
    assert download.suggested_filename == "bao-cao-tinh-2025-11.xlsx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes()[:2] == b"PK"
    page.goto(server.url + "/audit")
    expect(page.locator("#audit")).to_contain_text("export.xlsx")


def test_centre_manager_cannot_open_another_centre(page: Any, server: LiveServer,
                                                    shots: Path) -> None:
    sign_in(page, server, "bt")
    page.wait_for_url(f"{server.url}/centre/{BEN_THANH}")
    page.goto(f"{server.url}/centre/{BINH_CHANH}")
    expect(page.locator("h1")).to_contain_text("Không có quyền")
    response = page.goto(f"{server.url}/export/centre/{BINH_CHANH}/2025-11.xlsx")
    assert response is not None and response.status == 403
    page.goto(f"{server.url}/centre/{BEN_THANH}/report?month=2025-11")
    expect(page.locator("h1")).to_contain_text("Báo cáo tháng")
    page.screenshot(path=str(shots / "province-centre-report.png"), full_page=True)


def test_public_results_page_on_a_phone(phone_page: Any, server: LiveServer,
                                        shots: Path) -> None:
    phone_page.goto(f"{server.url}/public/{BEN_THANH}?month=2025-11")
    expect(phone_page.locator("h1")).to_contain_text("kết quả đánh giá")
    expect(phone_page.locator("#public-fields")).to_contain_text("Hộ tịch")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    phone_page.screenshot(path=str(shots / "province-public-phone.png"), full_page=True)
