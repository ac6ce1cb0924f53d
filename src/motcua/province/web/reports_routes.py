"""Month reports, Decision 766 indicators, exports with their audit log, public pages.

Exports write one audit row each (who, what, which centre and month, from where)
before the file is sent. A centre manager gets only their own centre's reports and
exports; asking for another centre is a 403 in words and is not exported.
"""

from __future__ import annotations

import csv
import io
import logging
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from motcua.province.reports import month_range, province_overview, site_summary
from motcua.province.web.accounts import Account
from motcua.province.web.deps import ProvinceWeb, User, require_site
from motcua.province.web.queries import known_sites, satisfaction_766
from motcua.province.web.ratings_export import ratings_report
from motcua.reports.exports import write_xlsx

__all__ = ["MAX_EXPORT_ROWS", "install"]

log = logging.getLogger(__name__)
MAX_EXPORT_ROWS = 100_000
"""A bigger export is refused in words (413) instead of tying up the server."""
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Page = Callable[..., Response]


def parse_month(month: str | None, today: date) -> str:
    """``YYYY-MM`` checked (400 in words), or this month when empty."""
    if not month:
        return f"{today:%Y-%m}"
    try:
        first, _ = month_range(month)
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None
    if not 2020 <= first.year <= today.year + 1:
        raise HTTPException(400, f"tháng {month} ngoài khoảng có dữ liệu / month {month} is "
                                 "out of range")
    return f"{first:%Y-%m}"


def csv_cell(value: Any) -> str:
    """A CSV cell that a spreadsheet will never run as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "có" if value else "không"
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def table_csv(table: dict[str, Any]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([c["vi"] for c in table["columns"]])
    for row in table["rows"]:
        w.writerow([csv_cell(row.get(c["key"])) for c in table["columns"]])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")  # BOM: Excel reads Vietnamese right


def report_xlsx(report: dict[str, Any]) -> bytes:
    with tempfile.TemporaryDirectory(prefix="motcua-export-") as tmp:
        path = write_xlsx(report, Path(tmp) / "report.xlsx")
        return path.read_bytes()


def _size(report: dict[str, Any]) -> int:
    return sum(len(t["rows"]) for t in report["tables"].values())


def _download(data: bytes, filename: str, media: str) -> Response:
    return Response(data, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store"})


def install(app: FastAPI, pw: ProvinceWeb, page: Page) -> None:
    """Add the report, export, audit and public routes to the provincial app."""
    engine, schema = pw.engine, pw.schema

    def province_report(month: str, account: Account) -> dict[str, Any]:
        report = province_overview(engine, schema, month)
        names = pw.site_names()
        for row in report["tables"]["by_site"]["rows"]:
            row["site_name"] = names.get(row["site"], row["site"])
        cols = report["tables"]["by_site"]["columns"]
        if not any(c["key"] == "site_name" for c in cols):
            cols.insert(1, {"key": "site_name", "vi": "Trung tâm", "en": "Centre",
                            "kind": "text"})
        return report

    @app.get("/reports")
    def reports(request: Request, account: User, month: str | None = None) -> Response:
        m = parse_month(month, pw.now().date())
        if account.role != "province":
            return RedirectResponse(f"/centre/{account.site}/report?month={m}", 303)
        return page(request, "province/reports.html",
                    {"month": m, "report": province_report(m, account),
                     "s766": satisfaction_766(engine, schema, m)})

    @app.get("/centre/{site}/report")
    def centre_report(request: Request, site: str, account: User,
                      month: str | None = None) -> Response:
        require_site(account, site)
        m = parse_month(month, pw.now().date())
        if site not in known_sites(engine, schema):
            raise HTTPException(404, f"Không có trung tâm {site} / no centre {site}")
        report = site_summary(engine, schema, site, m)
        return page(request, "province/centre_report.html",
                    {"site": site, "name": pw.site_names().get(site, site), "month": m,
                     "report": report, "s766": satisfaction_766(engine, schema, m, {site})})

    def export(request: Request, account: User, report: dict[str, Any], fmt: str,
               table: str | None, site: str | None, month: str, stem: str) -> Response:
        if fmt not in ("xlsx", "csv"):
            raise HTTPException(404)
        if _size(report) > MAX_EXPORT_ROWS:
            raise HTTPException(413, f"Tệp xuất quá lớn ({_size(report)} dòng, tối đa "
                                     f"{MAX_EXPORT_ROWS}); hãy chọn một tháng hoặc một trung "
                                     f"tâm / export too large; choose one month or one centre")
        chosen = None
        if fmt == "csv":
            key = table or next(k for k in report["tables"] if k != "totals")
            chosen = report["tables"].get(key)
            if chosen is None:
                raise HTTPException(404, f"Không có bảng {key} / no table {key}")
        pw.accounts.audit(account.username, f"export.{fmt}", site, month,
                          {"table": chosen["key"] if chosen else "all",
                           "rows": _size(report) if chosen is None else len(chosen["rows"])},
                          request.client.host if request.client else None)
        if chosen is not None:
            return _download(table_csv(chosen), f"{stem}-{chosen['file']}.csv",
                             "text/csv; charset=utf-8")
        return _download(report_xlsx(report), f"{stem}.xlsx", XLSX)

    @app.get("/export/province-{month}.{fmt}")
    def export_province(request: Request, month: str, fmt: str, account: User,
                        table: str | None = None) -> Response:
        if account.role != "province":
            raise HTTPException(403, "Chỉ cán bộ tỉnh được xuất báo cáo toàn tỉnh / only "
                                     "province staff may export the whole province")
        m = parse_month(month, pw.now().date())
        return export(request, account, province_report(m, account), fmt, table, None, m,
                      f"bao-cao-tinh-{m}")

    @app.get("/export/centre/{site}/{month}.{fmt}")
    def export_centre(request: Request, site: str, month: str, fmt: str, account: User,
                      table: str | None = None) -> Response:
        require_site(account, site)
        m = parse_month(month, pw.now().date())
        if site not in known_sites(engine, schema):
            raise HTTPException(404, f"Không có trung tâm {site} / no centre {site}")
        return export(request, account, site_summary(engine, schema, site, m), fmt, table,
                      site, m, f"bao-cao-{site}-{m}")

    @app.get("/export/ratings-{month}.{fmt}")
    def export_ratings(request: Request, month: str, fmt: str, account: User,
                       table: str | None = None) -> Response:
        """Ratings per centre, officer, counter and field with the Decision 766 rate;
        a centre manager gets their own centre's lines only."""
        m = parse_month(month, pw.now().date())
        sites = None if account.role == "province" else {account.site or ""}
        report = ratings_report(engine, schema, m, pw.site_names(), sites)
        return export(request, account, report, fmt, table,
                      None if sites is None else account.site, m, f"danh-gia-{m}")

    @app.get("/audit")
    def audit(request: Request, account: User) -> Response:
        if account.role != "province":
            raise HTTPException(403)
        return page(request, "province/audit.html", {"rows": pw.accounts.audit_log()})

    @app.get("/public/{site}")
    def public(request: Request, site: str, month: str | None = None) -> Response:
        """Art 34.1: the month's satisfaction results, no personal data, no sign-in."""
        m = parse_month(month, pw.now().date())
        if site not in known_sites(engine, schema):
            raise HTTPException(404, f"Không có trung tâm {site} / no centre {site}")
        report = site_summary(engine, schema, site, m)
        tables = report["tables"]
        return page(request, "province/public.html", {
            "site": site, "name": pw.site_names().get(site, site), "month": m,
            "totals": {r["key"]: r["value"] for r in tables["totals"]["rows"]},
            "by_field": tables["satisfaction_by_field"],
            "s766": satisfaction_766(engine, schema, m, {site})}, account=None)
