"""Importing the public-service portal's procedure list: the sample export, a preview of
what changes, the validation report for bad files (nothing applied), apply, and the
kiosk finding what was imported."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from motcua.catalogue.__main__ import main as catalogue_main
from motcua.catalogue.plan import export_csv, make_plan
from motcua.catalogue.read import COLUMNS, read_export
from motcua.core.centre.load import load_centre
from motcua.kiosk.model import search_procedures
from tests.support.hubs import ROOT

SAMPLE = ROOT / "config" / "samples" / "dvc-thu-tuc-mau.csv"
HEADER = [names[0] for names in COLUMNS.values()]


def copy_config(tmp: Path) -> Path:
    for name in ("centre.toml", "fields.toml"):
        shutil.copy(ROOT / "config" / name, tmp / name)
    return tmp / "centre.toml"


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER,
              encoding: str = "utf-8") -> Path:
    import csv
    import io

    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def test_the_shipped_sample_is_the_sample_centre_and_previews_as_no_change(centre: Any) -> None:
    assert SAMPLE.read_text("utf-8") == export_csv(centre)  # regenerate: python -m motcua.catalogue export
    rows, report = read_export(SAMPLE)
    assert report.ok and not report.warnings
    assert len(rows) == sum(len(f.procedures) for f in centre.fields)
    plan = make_plan(centre, rows, report)
    assert (plan.added, plan.changed, plan.removed) == ([], [], [])


def test_preview_then_apply_and_the_kiosk_finds_the_new_procedure(tmp_path: Path,
                                                                 centre: Any) -> None:
    rows = [r for r in __import__("csv").reader(SAMPLE.read_text("utf-8-sig").splitlines(True))]
    body = [r for r in rows[1:] if r[0] != "A.2"]                       # one removed
    body[0][1] = "Đăng ký khai sinh (có yếu tố nước ngoài)"             # one renamed
    body.append(["1.001193", "Đăng ký kết hôn lưu động", "Tư pháp – Hộ tịch", "Cấp Xã",
                 "05 ngày làm việc", "Miễn lệ phí",
                 "Tờ khai đăng ký kết hôn\nXuất trình: Căn cước của hai bên"])  # one added
    export = write_csv(tmp_path / "export.csv", body)
    config = copy_config(tmp_path)
    assert catalogue_main(["preview", str(export), "--config", str(config)]) == 0
    got, report = read_export(export)
    plan = make_plan(load_centre(config), got, report)
    assert plan.added == [("A", "1.001193")] and plan.changed == [("A", "A.1")]
    assert plan.removed == [("A", "A.2")]
    assert catalogue_main(["apply", str(export), "--config", str(config)]) == 0
    assert list(tmp_path.glob("fields.*.bak"))  # the previous file is kept
    after = load_centre(config)
    hit = search_procedures(after, "ket hon luu dong", "vi")[0]
    assert hit.field.code == "A" and hit.procedure.fees_vi == "Miễn lệ phí"
    assert [(d.vi, d.kind) for d in hit.procedure.documents] == [
        ("Tờ khai đăng ký kết hôn", "nộp"), ("Căn cước của hai bên", "xuất trình")]
    assert after.field_by_code("A").daily_cap == centre.field_by_code("A").daily_cap


def test_bad_files_get_a_report_and_nothing_is_applied(tmp_path: Path, centre: Any) -> None:
    config = copy_config(tmp_path)
    before = (tmp_path / "fields.toml").read_bytes()
    missing = write_csv(tmp_path / "missing.csv", [["X.1", "Tên"]], header=HEADER[:2])
    rows, report = read_export(missing)
    assert not report.ok and "thiếu cột" in report.errors[0].vi
    assert '"Lĩnh vực"' in report.errors[0].vi and "Thành phần hồ sơ" in report.errors[0].vi
    dup = write_csv(tmp_path / "dup.csv", [["X.1", "Một", "Chứng thực", "", "", "", "Đơn"],
                                           ["X.1", "Hai", "Chứng thực", "", "", "", "Đơn"]])
    rows, report = read_export(dup)
    assert report.errors[0].row == 3 and "trùng với dòng 2" in report.errors[0].vi
    # Saved by an old Excel as Windows-1258 (tone marks as separate bytes).
    ansi = [unicodedata.normalize("NFD", c) for c in ("X.1", "Bản sao", "Bản sao", "", "", "",
                                                       "Bản chính")]
    cp1258 = write_csv(tmp_path / "ansi.csv", [ansi], header=["Ma thu tuc"], encoding="cp1258")
    rows, report = read_export(cp1258)
    assert not report.ok and "không phải UTF-8" in report.errors[0].vi
    nfd = write_csv(tmp_path / "nfd.csv", [[
        "X.9", unicodedata.normalize("NFD", "Chứng thực chữ ký"), "Chứng thực", "", "", "",
        unicodedata.normalize("NFD", "Giấy tờ cần chứng thực")]])
    rows, report = read_export(nfd)
    assert report.ok and "NFC" in report.warnings[0].vi
    assert rows[0].name == "Chứng thực chữ ký" and unicodedata.is_normalized("NFC", rows[0].name)
    wrong_field = write_csv(tmp_path / "field.csv", [["X.1", "Một", "Hải quan", "", "", "", "Đơn"]])
    for bad in (missing, dup, cp1258, wrong_field):
        assert catalogue_main(["apply", str(bad), "--config", str(config)]) == 1
    assert (tmp_path / "fields.toml").read_bytes() == before


def test_an_xlsx_export_reads_like_the_csv(tmp_path: Path, centre: Any) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(["2.000001", "Chứng thực bản sao từ bản chính", "Chứng thực", "Cấp Xã",
               "Trong ngày", "2.000 đồng/trang", "Bản chính\nBản sao cần chứng thực"])
    wb.save(tmp_path / "export.xlsx")
    rows, report = read_export(tmp_path / "export.xlsx")
    assert report.ok and rows[0].fees == "2.000 đồng/trang"
    assert [d for d, _ in rows[0].documents] == ["Bản chính", "Bản sao cần chứng thực"]
    plan = make_plan(centre, rows, report)
    assert plan.added == [("B", "2.000001")] and len(plan.removed) > 0
