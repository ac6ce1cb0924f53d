"""Manager reports: figures checked against hand arithmetic, exports against the dict."""

from __future__ import annotations

import csv
import json
import statistics
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from PIL import Image

from motcua.report_cli import main as report_main
from motcua.reports.exports import CHART_FILES, export
from motcua.reports.figures import percentile, round1, summary
from tests.support.report_facts import FACTS, fact, keyed, table


@pytest.fixture(scope="module")
def report(centre) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return summary(centre, FACTS)


# -- numbers ------------------------------------------------------------------------------------
def test_percentile_is_linear_interpolation() -> None:
    assert percentile([], 90) is None
    assert percentile([7.0], 90) == 7.0
    assert percentile([60, 300, 600, 900, 1200], 90) == pytest.approx(1080)  # 900 + 0.6*300
    assert percentile([180, 240, 360, 420], 50) == pytest.approx(300)       # 240 + 0.5*120
    data = [3.0, 1.0, 4.0, 1.5, 9.0, 2.6, 5.0]
    deciles = statistics.quantiles(data, n=10, method="inclusive")  # also type 7
    assert percentile(sorted(data), 90) == pytest.approx(deciles[8])


def test_rounding_is_half_away_from_zero() -> None:
    assert round1(4.25) == 4.3
    assert round1(2.25) == 2.3  # Python's round() would give 2.2
    assert round1(7.888) == 7.9
    assert round1(None) is None


# -- the fixture day, by hand --------------------------------------------------------------------
def test_counts_and_busiest_hour(report: dict[str, Any]) -> None:
    t = {r["key"]: r["value"] for r in table(report, "totals")}
    assert (t["days"], t["issued"], t["served"], t["no_show"]) == (1, 10, 7, 2)
    assert (t["transferred"], t["cancelled"], t["unfinished"]) == (2, 1, 0)
    # 08:xx: A001 A002 A003 A004 C001 C002 = 6; 09:xx: A005 A006 C003 C004 = 4
    assert (t["busiest_hour"], t["busiest_hour_tickets"]) == ("08:00–09:00", 6)
    hours = keyed(report, "by_hour", "hour")
    assert hours["08:00–09:00"]["tickets"] == 6 and hours["09:00–10:00"]["tickets"] == 4
    assert hours["08:00–09:00"]["per_day"] == 6.0


def test_overall_waits_and_services(report: dict[str, Any]) -> None:
    t = {r["key"]: r["value"] for r in table(report, "totals")}
    # waits (s) sorted: 60 180 240 300 360 420 600 900 1200; sum 4260, n 9
    assert t["wait_mean"] == 7.9       # 4260/9 = 473.3 s = 7.89 min
    assert t["wait_median"] == 6.0     # rank 4 -> 360 s
    assert t["wait_p90"] == 16.0       # rank 7.2 -> 900 + 0.2*300 = 960 s
    assert t["wait_max"] == 20.0
    # services (s) sorted: 240 300 600 600 900 1200 1800; sum 5640, n 7
    assert t["service_mean"] == 13.4   # 805.7 s = 13.43 min
    assert t["service_median"] == 10.0  # rank 3 -> 600 s
    assert t["service_p90"] == 24.0    # rank 5.4 -> 1200 + 0.4*600 = 1440 s
    assert t["service_max"] == 30.0


def test_waits_and_services_by_field(report: dict[str, Any]) -> None:
    a, c = keyed(report, "by_field", "field")["A"], keyed(report, "by_field", "field")["C"]
    assert a["field_name"] == "Tư pháp – Hộ tịch" and c["field_name"] == "Đất đai"
    assert (a["tickets"], a["served"], a["no_show"], a["transferred"], a["cancelled"]) == \
        (6, 4, 1, 1, 1)
    # A waits 60 300 600 900 1200: mean 612 s, median 600, p90 rank 3.6 -> 1080, max 1200
    assert (a["wait_mean"], a["wait_median"], a["wait_p90"], a["wait_max"]) == \
        (10.2, 10.0, 18.0, 20.0)
    # A services 240 300 600 900: mean 510, median 450, p90 rank 2.7 -> 810, max 900
    assert (a["service_mean"], a["service_median"], a["service_p90"], a["service_max"]) == \
        (8.5, 7.5, 13.5, 15.0)
    assert (c["tickets"], c["served"], c["no_show"], c["transferred"], c["cancelled"]) == \
        (4, 3, 1, 1, 0)
    # C waits 180 240 360 420: mean 300, median 300, p90 rank 2.7 -> 402 s = 6.7, max 420
    assert (c["wait_mean"], c["wait_median"], c["wait_p90"], c["wait_max"]) == \
        (5.0, 5.0, 6.7, 7.0)
    # C services 600 1200 1800: mean 1200, median 1200, p90 rank 1.8 -> 1680, max 1800
    assert (c["service_mean"], c["service_median"], c["service_p90"], c["service_max"]) == \
        (20.0, 20.0, 28.0, 30.0)
    assert (a["rated"], a["satisfied_pct"], c["rated"], c["satisfied_pct"]) == (4, 50.0, 3, 100.0)


def test_by_officer_and_counter(report: dict[str, Any]) -> None:
    officers = keyed(report, "by_officer", "officer")
    cb01, cb02, cb03 = officers["cb01"], officers["cb02"], officers["cb03"]
    assert cb01["officer_name"] == "Nguyễn Thị Thu Hà"
    # cb01 waits 300 600 900 1200 -> mean 750, median 750, p90 rank 2.7 -> 1110 (18.5 min)
    assert (cb01["wait_mean"], cb01["wait_median"], cb01["wait_p90"], cb01["wait_max"]) == \
        (12.5, 12.5, 18.5, 20.0)
    # cb01 services 300 600 900 -> mean 600, median 600, p90 rank 1.8 -> 840 (14.0)
    assert (cb01["service_mean"], cb01["service_median"], cb01["service_p90"]) == \
        (10.0, 10.0, 14.0)
    # cb02 waits 60 180 360 420 -> mean 255 s = 4.25 min -> 4.3 (half away from zero)
    assert (cb02["wait_mean"], cb02["wait_median"], cb02["wait_p90"]) == (4.3, 4.5, 6.7)
    # cb02 services 240 600 1200 1800 -> mean 960 (16.0), median 900 (15.0), p90 1620 (27.0)
    assert (cb02["service_mean"], cb02["service_median"], cb02["service_p90"]) == \
        (16.0, 15.0, 27.0)
    assert (cb03["tickets"], cb03["no_show"], cb03["wait_max"], cb03["service_mean"],
            cb03["satisfied_pct"]) == (1, 1, 4.0, None, None)
    counters = keyed(report, "by_counter", "counter")
    assert sorted(counters) == [1, 2, 3]
    assert counters[2]["counter_name"] == "Quầy số 2" and counters[2]["tickets"] == 4


def test_satisfaction_distribution_and_shares(report: dict[str, Any]) -> None:
    dist = keyed(report, "ratings", "value")
    assert {v: r["count"] for v, r in dist.items()} == {4: 3, 3: 2, 2: 1, 1: 1}
    assert dist[4]["label"] == "Rất hài lòng" and dist[4]["pct"] == 42.9  # 3/7
    t = {r["key"]: r["value"] for r in table(report, "totals")}
    assert (t["rated"], t["satisfied"], t["satisfied_pct"]) == (7, 5, 71.4)
    so = keyed(report, "satisfaction_by_officer", "officer")
    assert (so["cb01"]["r4"], so["cb01"]["r3"], so["cb01"]["r2"], so["cb01"]["r1"]) == (1, 1, 0, 1)
    assert (so["cb01"]["satisfied"], so["cb01"]["satisfied_pct"]) == (2, 66.7)
    assert (so["cb02"]["r4"], so["cb02"]["r3"], so["cb02"]["r2"], so["cb02"]["r1"]) == (2, 1, 1, 0)
    assert (so["cb02"]["satisfied"], so["cb02"]["satisfied_pct"]) == (3, 75.0)
    assert so["cb03"]["rated"] == 0 and so["cb03"]["satisfied_pct"] is None
    sc = keyed(report, "satisfaction_by_counter", "counter")
    assert (sc[1]["satisfied_pct"], sc[2]["satisfied_pct"], sc[3]["satisfied_pct"]) == \
        (66.7, 75.0, None)
    sf = keyed(report, "satisfaction_by_field", "field")
    assert (sf["A"]["rated"], sf["A"]["satisfied_pct"]) == (4, 50.0)
    assert (sf["C"]["rated"], sf["C"]["satisfied_pct"]) == (3, 100.0)


def test_officer_monthly_summary(report: dict[str, Any]) -> None:
    rows = {r["officer"]: r for r in table(report, "officer_monthly")}
    assert {r["month"] for r in rows.values()} == {"11/2025"}
    assert {k: (r["served"], r["service_mean"], r["rated"], r["satisfied_pct"])
            for k, r in rows.items()} == {"cb01": (3, 10.0, 3, 66.7),
                                          "cb02": (4, 16.0, 4, 75.0),
                                          "cb03": (0, None, 0, None)}
    assert rows["cb02"]["officer_name"] == "Trần Văn Hùng"


def test_wait_bands_and_days(report: dict[str, Any]) -> None:
    bands = keyed(report, "wait_bands", "field")
    # A waits in minutes 1 5 10 15 20; C 3 4 6 7
    assert [bands["A"][f"b{x}"] for x in (0, 5, 10, 15, 20, 30)] == [1, 1, 1, 1, 1, 0]
    assert [bands["C"][f"b{x}"] for x in (0, 5, 10)] == [2, 2, 0]
    assert bands["*"]["called"] == 9
    (day,) = table(report, "by_day")
    assert (day["day"], day["weekday"], day["tickets"], day["wait_p90"]) == \
        ("24/11/2025", "Thứ Hai", 10, 16.0)
    assert report["period"] == {"from": "2025-11-24", "to": "2025-11-24",
                                "from_vn": "24/11/2025", "to_vn": "24/11/2025", "days": 1}


def test_without_a_centre_ids_are_shown_and_json_round_trips() -> None:
    r = summary(None, FACTS)
    assert keyed(r, "by_officer", "officer")["cb01"]["officer_name"] == "cb01"
    assert keyed(r, "by_field", "field")["A"]["field_name"] == "A"
    assert [lv["vi"] for lv in r["rating_scale"]] == ["Mức 4", "Mức 3", "Mức 2", "Mức 1"]
    assert json.loads(json.dumps(r, ensure_ascii=False)) == r


def test_times_in_another_offset_are_read_in_local_time(centre) -> None:  # type: ignore[no-untyped-def]
    utc = [dict(f, issued_at=datetime.fromisoformat(f["issued_at"]).astimezone(ZoneInfo("UTC"))
                .isoformat()) for f in FACTS]
    as_dt = [dict(f, issued_at=datetime.fromisoformat(f["issued_at"])) for f in FACTS]
    want = summary(centre, FACTS)
    assert utc[0]["issued_at"].startswith("2025-11-24T01:00")
    assert summary(centre, utc) == want and summary(centre, as_dt) == want


def test_no_facts_gives_empty_tables(centre) -> None:  # type: ignore[no-untyped-def]
    r = summary(centre, [])
    t = {row["key"]: row["value"] for row in table(r, "totals")}
    assert t["issued"] == 0 and t["wait_mean"] is None and t["satisfied_pct"] is None
    assert table(r, "by_field") == [] and r["period"]["from"] is None


# -- exports ------------------------------------------------------------------------------------
def _expected_cell(kind: str, value: Any) -> Any:
    return "" if value is None else str(value)


def test_csv_files_equal_the_summary(report: dict[str, Any], tmp_path: Path) -> None:
    paths = export(report, tmp_path, xlsx=False, charts=False)
    assert len(paths) == len(report["tables"])
    for t in report["tables"].values():
        with (tmp_path / f"{t['file']}.csv").open(encoding="utf-8-sig", newline="") as fh:
            got = list(csv.reader(fh))
        assert got[0] == [c["vi"] for c in t["columns"]]
        want = [[_expected_cell(c["kind"], r.get(c["key"])) for c in t["columns"]]
                for r in t["rows"]]
        assert got[1:] == want, t["key"]
    header = (tmp_path / "theo-linh-vuc.csv").read_bytes()
    assert header.startswith(b"\xef\xbb\xbf") and "Chờ TB (phút)".encode() in header


def _from_xlsx(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "date":
        return value.strftime("%d/%m/%Y")
    return value


def test_xlsx_sheets_equal_the_summary(report: dict[str, Any], tmp_path: Path) -> None:
    export(report, tmp_path, csv_files=False, charts=False)
    wb = load_workbook(tmp_path / "bao-cao.xlsx")
    assert wb.sheetnames[0] == "Thông tin"
    info = {row[0]: row[1] for row in wb["Thông tin"].iter_rows(values_only=True)}
    assert info["Từ ngày / From"].strftime("%d/%m/%Y") == "24/11/2025"
    assert wb.sheetnames[1:] == [t["vi"] for t in report["tables"].values()]
    for t in report["tables"].values():
        ws = wb[t["vi"]]
        rows = list(ws.iter_rows(values_only=True))
        assert list(rows[0]) == [c["vi"] for c in t["columns"]]
        got = [[_from_xlsx(c["kind"], v) for c, v in zip(t["columns"], r, strict=True)]
               for r in rows[1:]]
        # a spreadsheet has no empty-text cells: "" reads back as an empty cell
        want = [[r.get(c["key"]) if r.get(c["key"]) != "" else None for c in t["columns"]]
                for r in t["rows"]]
        assert got == want, t["key"]
    day_cell = wb["Theo ngày"]["A2"]
    assert day_cell.number_format == "dd/mm/yyyy" and day_cell.value.year == 2025


def _ink(path: Path) -> float:
    """Share of pixels that are not (almost) white."""
    with Image.open(path) as img:
        grey = img.convert("L")
    histogram = grey.histogram()  # 256 counts, one per grey level
    return sum(histogram[:240]) / (grey.width * grey.height)


def test_charts_are_written_and_not_blank(report: dict[str, Any], tmp_path: Path) -> None:
    paths = export(report, tmp_path, csv_files=False, xlsx=False)
    assert sorted(p.name for p in paths) == sorted(CHART_FILES.values())
    for p in paths:
        with Image.open(p) as img:
            assert img.width > 600 and img.height > 250
        assert _ink(p) > 0.03, p.name


def test_charts_of_an_empty_period_say_so(centre, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    paths = export(summary(centre, []), tmp_path, csv_files=False, xlsx=False)
    assert len(paths) == 3 and all(0 < _ink(p) < 0.2 for p in paths)


# -- the command ----------------------------------------------------------------------------------
@pytest.fixture
def hub_db(tmp_path: Path, centre) -> Path:  # type: ignore[no-untyped-def]
    from motcua.hub.storage.db import HubStore, sqlite_url

    path = tmp_path / "hub.sqlite"
    store = HubStore(sqlite_url(path), site_id=centre.id)
    other_day = fact("A001", "A", "10:00", 60, 60, "done", 1, "cb01", 0, None, None,
                     day="2025-11-25")
    store.commit([], [], [*FACTS, other_day])
    store.close()
    return path


def test_cli_writes_every_format_from_the_same_figures(hub_db: Path, tmp_path: Path, centre,  # type: ignore[no-untyped-def]
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    rc = report_main(["--db", str(hub_db), "--from", "24/11/2025", "--to", "24/11/2025",
                      "--out", str(out)])
    assert rc == 0
    printed = capsys.readouterr().out
    assert "Số phiếu đã cấp" in printed and "7,9" in printed  # mean wait, Vietnamese comma
    want = summary(centre, FACTS, date_from="2025-11-24", date_to="2025-11-24")
    wb = load_workbook(out / "bao-cao.xlsx")
    totals = {r[4]: r[1] for r in wb["Tổng hợp"].iter_rows(min_row=2, values_only=True)}
    assert totals == {r["key"]: r["value"] for r in table(want, "totals")}
    assert all((out / name).exists() for name in CHART_FILES.values())
    assert (out / "tong-hop.csv").exists()


def test_cli_shows_ids_for_another_centres_database(tmp_path: Path, centre,  # type: ignore[no-untyped-def]
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    from motcua.hub.storage.db import HubStore, sqlite_url

    path = tmp_path / "other.sqlite"
    store = HubStore(sqlite_url(path), site_id="01-00001")
    store.commit([], [], FACTS)
    store.close()
    out = tmp_path / "o"
    assert report_main(["--db", str(path), "--month", "2025-11", "--out", str(out),
                        "--csv"]) == 0
    assert "01-00001" in capsys.readouterr().err
    with (out / "theo-can-bo.csv").open(encoding="utf-8-sig") as fh:
        assert [r[1] for r in csv.reader(fh)][1:] == ["cb01", "cb02", "cb03"]


def test_cli_only_the_formats_asked_for(hub_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "x"
    assert report_main(["--db", str(hub_db), "--from", "1/11/2025", "--to", "30/11/2025",
                        "--out", str(out), "--xlsx"]) == 0
    assert [p.name for p in out.iterdir()] == ["bao-cao.xlsx"]
    wb = load_workbook(out / "bao-cao.xlsx")
    assert len(list(wb["Theo ngày"].iter_rows(min_row=2))) == 2  # 24 and 25/11


def test_fast_reader_gives_the_same_report_as_the_store(hub_db: Path, centre) -> None:  # type: ignore[no-untyped-def]
    from motcua.hub.storage.db import HubStore, sqlite_url
    from motcua.report_cli import read_hub_rows
    from motcua.reports.figures import summary_rows

    store = HubStore(sqlite_url(hub_db), site_id=centre.id)
    try:
        want = summary(centre, store.facts("2025-11-01", "2025-11-30"))
    finally:
        store.close()
    assert summary_rows(centre, read_hub_rows(str(hub_db), "2025-11-01", "2025-11-30")) == want
    assert want["period"]["days"] == 2


def test_cli_month_shortcut(hub_db: Path, tmp_path: Path) -> None:
    for month in ("2025-11", "11/2025"):
        out = tmp_path / month.replace("/", "-")
        assert report_main(["--db", str(hub_db), "--month", month, "--out", str(out),
                            "--csv"]) == 0
        with (out / "theo-ngay.csv").open(encoding="utf-8-sig") as fh:
            assert [r[0] for r in csv.reader(fh)][1:] == ["24/11/2025", "25/11/2025"]


@pytest.mark.parametrize("argv, words", [
    (["--month", "2025-13"], "tháng không hợp lệ"),
    (["--month", "2025-11", "--from", "1/11/2025"], "không cả hai"),
    (["--from", "31/02/2025"], "ngày không hợp lệ"),
    (["--from", "2025-11-24"], "dd/mm/yyyy"),
    (["--from", "25/11/2025", "--to", "24/11/2025"], "--to"),
])
def test_cli_bad_dates_are_explained(hub_db: Path, argv: list[str], words: str,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert report_main(["--db", str(hub_db), *argv]) == 2
    assert words in capsys.readouterr().err


def test_cli_missing_or_foreign_database(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert report_main(["--db", str(tmp_path / "none.sqlite")]) == 2
    assert "không thấy CSDL hub" in capsys.readouterr().err
    (tmp_path / "other.sqlite").write_bytes(b"")
    assert report_main(["--db", str(tmp_path / "other.sqlite")]) == 2
    assert "không đọc được CSDL hub" in capsys.readouterr().err


def test_hub_answers_report_summary_with_the_same_dict(hub, centre) -> None:  # type: ignore[no-untyped-def]
    kiosk, desk = hub.client("kiosk-1"), hub.client("counter-1")
    kiosk.request("ticket.take", {"field": "A"})
    desk.request("counter.open", {"officer": "cb01"})
    desk.request("counter.call_next", {})
    desk.request("counter.finish", {})
    # The first report starts the hub's read worker (a process of its own): give it time.
    manager = hub.client("manager-1", timeout=30.0)
    got = manager.request("report.summary", {"date_from": "2025-11-24", "date_to": "2025-11-24"})
    assert got == summary(centre, hub.store.facts("2025-11-24", "2025-11-24"),
                          date_from="2025-11-24", date_to="2025-11-24")
    t = {r["key"]: r["value"] for r in got["tables"]["totals"]["rows"]}
    assert (t["issued"], t["served"]) == (1, 1)
