"""The provincial web screen over HTTP (TestClient): roles, reports, exports, public page,
errors in words and hostile input. The browser tests are in test_province_web_browser.py.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine

from motcua.province.web.accounts import AccountError, Accounts
from motcua.province.web.app import make_app
from motcua.province.web.queries import overview
from motcua.province.web.reports_routes import csv_cell
from motcua.web import PasswordHasher, WebSettings
from tests.support.province_data import (
    BEN_THANH,
    BINH_CHANH,
    NOW,
    PG_URL,
    ProvinceData,
    seed_two_centres,
)

HASHER = PasswordHasher(fast_for_tests=True)
PASSWORD = "mật-khẩu-đủ-dài"


@pytest.fixture(scope="module")
def data(engine: Engine) -> Iterator[ProvinceData]:
    d = ProvinceData(engine)
    seed_two_centres(d)
    accounts = Accounts(engine, d.schema, HASHER)
    accounts.create_tables()
    accounts.add("tinh", "Trần Văn Tỉnh", PASSWORD, "province")
    accounts.add("bt", "Lê Thị Bến Thành", PASSWORD, "centre", BEN_THANH)
    accounts.name_site(BEN_THANH, "Phường Bến Thành")
    yield d
    d.drop()


def make_client(engine: Engine, data: ProvinceData, **kw: Any) -> TestClient:
    app = make_app(engine, data.schema, WebSettings.for_tests(), clock=lambda: NOW,
                   hasher=HASHER, poll_interval=60, **kw)
    return TestClient(app, base_url="https://testserver")


@pytest.fixture
def client(engine: Engine, data: ProvinceData) -> Iterator[TestClient]:
    with make_client(engine, data) as c:
        yield c


def login(c: TestClient, user: str, password: str = PASSWORD) -> Any:
    html = c.get("/login").text
    token = html.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    return c.post("/login", data={"username": user, "password": password, "csrf_token": token},
                  follow_redirects=False)


def test_overview_figures(engine: Engine, data: ProvinceData) -> None:
    rows = overview(engine, data.schema, NOW, {BEN_THANH: "Phường Bến Thành"},
                    timedelta(minutes=15))
    assert [r.site for r in rows] == [BINH_CHANH, BEN_THANH]  # offline first
    bt, bc = rows[1], rows[0]
    assert bc.offline and not bt.offline and bt.name == "Phường Bến Thành"
    assert bt.waiting == 4 and bt.longest_wait_s == pytest.approx(1800)
    assert bt.counters_open == 6
    assert bt.served_today > 0 and bt.rated_today <= bt.served_today
    assert bt.rated_month > bt.rated_today  # earlier days of November count for the month
    assert bc.served_today == 0 and bc.rated_month > 0


def test_province_staff_sees_every_centre(client: TestClient) -> None:
    assert login(client, "tinh").headers["location"] == "/"
    page = client.get("/").text
    assert "Phường Bến Thành" in page and BINH_CHANH in page and "Mất kết nối" in page
    assert client.get(f"/centre/{BINH_CHANH}").status_code == 200
    r = client.get("/reports?month=2025-11")
    assert r.status_code == 200 and "Quyết định 766" in r.text


def test_centre_manager_sees_only_their_centre(client: TestClient) -> None:
    assert login(client, "bt").headers["location"] == f"/centre/{BEN_THANH}"
    page = client.get("/").text
    assert "Phường Bến Thành" in page and BINH_CHANH not in page
    for path in (f"/centre/{BINH_CHANH}", f"/centre/{BINH_CHANH}/report",
                 f"/export/centre/{BINH_CHANH}/2025-11.xlsx", "/export/province-2025-11.csv",
                 "/audit"):
        r = client.get(path)
        assert r.status_code == 403, path
        assert "Không có quyền" in r.text or "không được" in r.text.lower()
    report = client.get(f"/centre/{BEN_THANH}/report?month=2025-11")
    assert report.status_code == 200
    assert "Theo kết quả xử lý" in report.text and "Tiếp nhận hồ sơ" in report.text
    assert client.get("/reports", follow_redirects=False).headers["location"].startswith(
        f"/centre/{BEN_THANH}/report")


def test_wrong_password_and_unknown_user_read_the_same(client: TestClient) -> None:
    a, b = login(client, "tinh", "sai-mat-khau"), login(client, "khong-co", "x")
    assert a.status_code == b.status_code == 401
    assert "Sai tên đăng nhập hoặc mật khẩu" in a.text and "Sai tên" in b.text
    assert client.get("/").status_code == 401


def test_login_is_rate_limited(engine: Engine, data: ProvinceData) -> None:
    with make_client(engine, data, login_failures=2) as c:
        login(c, "tinh", "sai-1")
        login(c, "tinh", "sai-2")
        r = login(c, "tinh")  # right password, too soon
        assert r.status_code == 429 and "Quá nhiều lần" in r.text


def test_exports_are_files_and_audited(client: TestClient, engine: Engine,
                                       data: ProvinceData) -> None:
    login(client, "tinh")
    r = client.get("/export/province-2025-11.xlsx")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert "bao-cao-tinh-2025-11.xlsx" in r.headers["content-disposition"]
    wb = load_workbook(io.BytesIO(r.content))
    assert "Theo điểm" in wb.sheetnames
    r = client.get(f"/export/centre/{BEN_THANH}/2025-11.csv?table=by_officer")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Mã cán bộ", "Cán bộ"] and len(rows) > 2
    log = Accounts(engine, data.schema).audit_log()
    assert [(e["username"], e["action"], e["site"]) for e in log[:2]] == [
        ("tinh", "export.csv", BEN_THANH), ("tinh", "export.xlsx", None)]
    assert "export.csv" in client.get("/audit").text


def test_bad_input_gets_an_error_in_words(client: TestClient) -> None:
    login(client, "tinh")
    r = client.get("/reports?month=2025-13")
    assert r.status_code == 400 and "tháng không hợp lệ" in r.text
    r = client.get("/centre/79-khong-co")
    assert r.status_code == 404 and "Không có trung tâm 79-khong-co" in r.text
    r = client.get(f"/export/centre/{BEN_THANH}/2025-11.csv?table=nope")
    assert r.status_code == 404 and "Không có bảng nope" in r.text
    assert client.get("/public/'; DROP TABLE x; --").status_code == 404


def test_oversized_export_is_refused(client: TestClient, monkeypatch: pytest.MonkeyPatch,
                                     ) -> None:
    from motcua.province.web import reports_routes

    login(client, "tinh")
    monkeypatch.setattr(reports_routes, "MAX_EXPORT_ROWS", 3)
    r = client.get("/export/province-2025-11.xlsx")
    assert r.status_code == 413 and "Tệp xuất quá lớn" in r.text


def test_public_page_needs_no_login_and_shows_no_personal_data(client: TestClient) -> None:
    r = client.get(f"/public/{BEN_THANH}?month=2025-11")
    assert r.status_code == 200 and "Điều 34" in r.text and "Tỷ lệ hài lòng" in r.text
    assert "cb01" not in r.text and "W001" not in r.text  # no officers, no tickets


def test_hostile_names_are_rendered_as_text(engine: Engine, data: ProvinceData,
                                            client: TestClient) -> None:
    evil = "<script>alert('x')</script>' OR 1=1 --"
    accounts = Accounts(engine, data.schema, HASHER)
    accounts.name_site(BINH_CHANH, evil)
    try:
        login(client, "tinh")
        page = client.get("/").text
        assert "<script>alert" not in page and "&lt;script&gt;alert" in page
        r = client.get("/export/province-2025-11.csv?table=by_site")
        assert r.status_code == 200
    finally:
        accounts.name_site(BINH_CHANH, "Xã Bình Chánh")


def test_csv_cells_never_become_formulas() -> None:
    assert csv_cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert csv_cell("-12.5") == "-12.5" and csv_cell("@SUM(A1)") == "'@SUM(A1)"
    assert csv_cell(None) == "" and csv_cell(True) == "có"


def test_accounts_refuse_bad_input(engine: Engine, data: ProvinceData) -> None:
    accounts = Accounts(engine, data.schema, HASHER)
    with pytest.raises(AccountError, match="tên đăng nhập"):
        accounts.add("<b>", "X", PASSWORD, "province")
    with pytest.raises(AccountError, match="10 ký tự"):
        accounts.add("ngan", "X", "ngắn", "province")
    with pytest.raises(AccountError, match="--site"):
        accounts.add("qlx", "X", PASSWORD, "centre")
    with pytest.raises(AccountError, match="đã có"):
        accounts.add("tinh", "X", PASSWORD, "province")
    accounts.set_active("bt", False)
    try:
        assert accounts.authenticate("bt", PASSWORD) is None
    finally:
        accounts.set_active("bt", True)


def test_cli_user_add_list_disable(engine: Engine, data: ProvinceData,
                                   monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    from motcua.province.cli import main

    db = ["--db", PG_URL, "--schema", data.schema]
    monkeypatch.setattr("sys.stdin", io.StringIO("một-mật-khẩu-dài\n"))
    assert main(["user", "add", *db, "--username", "Hoa.QL", "--name", "Phạm Thị Hoa",
                 "--role", "centre", "--site", BINH_CHANH, "--password-stdin"]) == 0
    assert "hoa.ql" in capsys.readouterr().out
    assert main(["user", "add", *db, "--username", "x y", "--name", "X", "--role",
                 "province", "--password-stdin"]) == 2
    assert "tên đăng nhập" in capsys.readouterr().err
    assert main(["user", "disable", *db, "--username", "hoa.ql"]) == 0
    assert main(["user", "list", *db]) == 0
    assert "hoa.ql\tPhạm Thị Hoa\tcentre\t79-xa-binh-chanh  [khóa / disabled]" in \
        capsys.readouterr().out
    assert Accounts(engine, data.schema).audit_log()[0]["action"] == "user.disable"


def test_ratings_export_per_officer_counter_field_centre(client: TestClient) -> None:
    login(client, "bt")  # a centre manager: their own centre's lines only
    r = client.get("/export/ratings-2025-11.csv?table=by_officer")
    assert r.status_code == 200
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0] == ["Mã điểm", "Trung tâm", "Mã cán bộ", "Lượt phục vụ", "Lượt đánh giá",
                       "Lượt hài lòng", "Tỷ lệ hài lòng QĐ 766 (%)"]
    assert {row[0] for row in rows[1:]} == {BEN_THANH}
    for row in rows[1:]:
        rated, satisfied = int(row[4]), int(row[5])
        assert row[6] == ("" if not rated else str(round(100 * satisfied / rated, 1)))
    wb = load_workbook(io.BytesIO(client.get("/export/ratings-2025-11.xlsx").content))
    assert {"Theo trung tâm", "Theo cán bộ", "Theo quầy", "Theo lĩnh vực", "Tiêu chí Điều 33.1",
            "Lý do chưa hài lòng"} <= set(wb.sheetnames)
    crit = [[c.value for c in row] for row in wb["Tiêu chí Điều 33.1"].iter_rows(min_row=2)]
    assert [BEN_THANH, "Phường Bến Thành", "c", "Số lần phải đi lại để bổ sung, hoàn thiện hồ sơ",
            "Hai lần trở lên", 1] in crit
    reasons = [[c.value for c in row] for row in wb["Lý do chưa hài lòng"].iter_rows(min_row=2)]
    assert reasons == [[BEN_THANH, "Phường Bến Thành", "Phải bổ sung giấy tờ nhiều lần", 1]]
    assert "0903" not in r.text  # free-text comments stay out of exports
