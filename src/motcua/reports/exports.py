"""Write a report dict (:func:`motcua.reports.figures.summary`) as CSV, XLSX and PNG charts.

Everything here reads the dict and nothing else, so an export shows exactly the numbers
the screen shows. Formats:

* **CSV**: one file per table (``<table file>.csv``), UTF-8 with a BOM so Excel opens
  Vietnamese correctly, comma-separated, "." as decimal point (a machine format),
  a header row of Vietnamese column names, dates dd/mm/yyyy, empty cell = no value.
* **XLSX**: one workbook, an information sheet then one sheet per table; Vietnamese
  headers in row 1, real date cells shown dd/mm/yyyy, numbers as numbers.
* **PNG charts** (matplotlib, Agg canvas, DejaVu Sans from ``motcua/assets/fonts``):
  arrivals by hour, wait distribution per field, satisfaction by officer.
"""

from __future__ import annotations

import csv
import logging
import re
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from motcua.paths import FONT_DIR

__all__ = ["CHART_FILES", "export", "write_charts", "write_csv", "write_xlsx"]

log = logging.getLogger(__name__)

FONTS = FONT_DIR
CHART_FILES = {"arrivals": "bieu-do-so-phieu-theo-gio.png",
               "waits": "bieu-do-thoi-gian-cho.png",
               "satisfaction": "bieu-do-hai-long-theo-can-bo.png"}
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def _tables(report: dict[str, Any]) -> Iterable[dict[str, Any]]:
    return list(report["tables"].values())


# -- CSV ------------------------------------------------------------------------------------
def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "có" if value else "không"
    return str(value)


def write_csv(report: dict[str, Any], out_dir: Path) -> list[Path]:
    """One CSV file per table in ``out_dir``; returns the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for table in _tables(report):
        path = out_dir / f"{table['file']}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow([c["vi"] for c in table["columns"]])
            for row in table["rows"]:
                w.writerow([_csv_cell(row.get(c["key"])) for c in table["columns"]])
        paths.append(path)
    return paths


# -- XLSX -----------------------------------------------------------------------------------
def _vn_date(text: str) -> date:
    d, m, y = (int(x) for x in text.split("/"))
    return date(y, m, d)


def _sheet_title(text: str, used: set[str]) -> str:
    base = _SHEET_BAD.sub("-", text)[:31]
    title, n = base, 2
    while title.lower() in used:
        suffix = f" ({n})"
        title, n = base[:31 - len(suffix)] + suffix, n + 1
    used.add(title.lower())
    return title


def write_xlsx(report: dict[str, Any], path: Path, *, generated: datetime | None = None) -> Path:
    """The whole report as one workbook at ``path``."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    info = wb.active
    assert info is not None
    info.title = "Thông tin"
    bold = Font(bold=True)
    centre, period, method = report["centre"], report["period"], report["method"]
    # Shown in the centre's time (Asia/Ho_Chi_Minh), whatever the machine's zone.
    when = (generated or datetime.now(ZoneInfo("Asia/Ho_Chi_Minh"))).strftime("%d/%m/%Y %H:%M")
    lines: list[tuple[str, Any]] = [
        ("Báo cáo hàng đợi và mức độ hài lòng", ""),
        ("Trung tâm / Centre", " – ".join(x for x in (centre["name_vi"], centre["place_vi"]) if x)),
        ("Mã đơn vị / Site", centre["id"]),
        ("Từ ngày / From", _vn_date(period["from_vn"]) if period["from_vn"] else ""),
        ("Đến ngày / To", _vn_date(period["to_vn"]) if period["to_vn"] else ""),
        ("Số ngày có phiếu / Days with tickets", period["days"]),
        ("Đơn vị thời gian / Time unit", f"{method['unit_vi']} / {method['unit_en']}"),
        ("Cách tính phân vị", method["percentile_vi"]),
        ("Percentile method", method["percentile_en"]),
        ("Lập lúc / Generated", when),
    ]
    for r, (k, v) in enumerate(lines, start=1):
        info.cell(r, 1, k).font = bold
        cell = info.cell(r, 2, v)
        if isinstance(v, date):
            cell.number_format = "dd/mm/yyyy"
    info.column_dimensions["A"].width = 38
    info.column_dimensions["B"].width = 90
    used = {"thông tin"}
    for table in _tables(report):
        ws = wb.create_sheet(_sheet_title(table["vi"], used))
        cols = table["columns"]
        for j, c in enumerate(cols, start=1):
            cell = ws.cell(1, j, c["vi"])
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            ws.column_dimensions[get_column_letter(j)].width = max(10, min(34, len(c["vi"]) + 3))
        for i, row in enumerate(table["rows"], start=2):
            for j, c in enumerate(cols, start=1):
                _xlsx_cell(ws.cell(i, j), c["kind"], row.get(c["key"]))
        ws.freeze_panes = "A2"
    wb.save(path)
    return path


def _xlsx_cell(cell: Any, kind: str, value: Any) -> None:
    if value is None:
        return
    if kind == "date":
        cell.value = _vn_date(value)
        cell.number_format = "dd/mm/yyyy"
    elif kind in ("minutes", "percent", "number"):
        cell.value = float(value)
        cell.number_format = "0.0"
    elif kind == "int":
        cell.value = int(value)
        cell.number_format = "#,##0"
    else:
        cell.value = value
        if isinstance(value, str) and value.startswith("="):
            # openpyxl stores "=..." as a formula; a centre or officer name is only text
            cell.data_type = "s"


# -- charts ---------------------------------------------------------------------------------
def _vn_number(x: float, digits: int = 1) -> str:
    """1234.5 -> "1.234,5" (Vietnamese separators) for text shown on charts."""
    text = f"{x:,.{digits}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def _font_setup() -> dict[str, Any]:
    from matplotlib import font_manager

    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        font = FONTS / name
        if font.exists() and str(font) not in {f.fname for f in font_manager.fontManager.ttflist}:
            font_manager.fontManager.addfont(str(font))
    return {"font.family": "DejaVu Sans", "axes.unicode_minus": False, "font.size": 10,
            "axes.spines.top": False, "axes.spines.right": False}


def _figure(width: float, height: float) -> tuple[Any, Any]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=110)
    FigureCanvasAgg(fig)  # no pyplot, no global backend: safe inside Qt programs too
    return fig, fig.add_subplot(1, 1, 1)


def _subtitle(report: dict[str, Any]) -> str:
    centre, period = report["centre"], report["period"]
    # "TRUNG TÂM ..." in sentence case, the place name in title case: "Phường Bến Thành".
    place = " – ".join(x for x in (centre["name_vi"].capitalize(), centre["place_vi"].title())
                       if x)
    when = (f"{period['from_vn']}" if period["from_vn"] == period["to_vn"]
            else f"{period['from_vn']} – {period['to_vn']}")
    return " · ".join(x for x in (place or centre["id"], when) if x)


def _no_data(ax: Any) -> None:
    ax.text(0.5, 0.5, "Không có dữ liệu / No data", ha="center", va="center",
            transform=ax.transAxes, fontsize=14, color="#555555")
    ax.set_axis_off()


def _chart_arrivals(report: dict[str, Any], path: Path) -> None:
    rows = report["tables"]["by_hour"]["rows"]
    fig, ax = _figure(9, 4.8)
    fig.suptitle("Số phiếu theo giờ lấy số (trung bình mỗi ngày)", fontweight="bold")
    ax.set_title(_subtitle(report), fontsize=9, color="#444444")
    if not rows:
        _no_data(ax)
    else:
        peak = max(r["per_day"] for r in rows)
        xs = [r["hour"][:2] + "h" for r in rows]
        ys = [r["per_day"] for r in rows]
        colours = ["#c62828" if y == peak else "#1f6fb2" for y in ys]
        # numeric positions + tick labels: "08h" must not be read as a time or a number
        bars = ax.bar(range(len(xs)), ys, color=colours, tick_label=xs)
        for bar, y in zip(bars, ys, strict=True):
            ax.annotate(_vn_number(y), (bar.get_x() + bar.get_width() / 2, y),
                        ha="center", va="bottom", fontsize=8, xytext=(0, 2),
                        textcoords="offset points")
        ax.set_xlabel("Giờ lấy số (đỏ: giờ đông nhất)")
        ax.set_ylabel("Số phiếu / ngày")
        ax.set_ylim(0, peak * 1.15 if peak else 1)
    fig.tight_layout()
    fig.savefig(path)


_BAND_COLOURS = ["#1b873f", "#66bb6a", "#c0ca33", "#fdd835", "#ffa726", "#f4511e", "#d32f2f",
                 "#7b1fa2"]


def _chart_waits(report: dict[str, Any], path: Path) -> None:
    table = report["tables"]["wait_bands"]
    rows = [r for r in table["rows"] if r["called"]]
    band_cols = [c for c in table["columns"] if c["key"].startswith("b")]
    stats = {r["field"]: r for r in report["tables"]["by_field"]["rows"]}
    fig, ax = _figure(10, 1.4 + 0.55 * max(3, len(rows)))
    fig.suptitle("Phân bố thời gian chờ theo lĩnh vực (tỷ lệ số được gọi)", fontweight="bold")
    ax.set_title(_subtitle(report), fontsize=9, color="#444444")
    if not rows:
        _no_data(ax)
    else:
        rows = rows[::-1]  # first field on top
        labels = [f"{r['field_name']} ({r['called']})" if r["field"] == "*"
                  else f"{r['field']} – {r['field_name']} ({r['called']})" for r in rows]
        left = [0.0] * len(rows)
        for col, colour in zip(band_cols, _BAND_COLOURS, strict=False):
            shares = [100.0 * r[col["key"]] / r["called"] for r in rows]
            ax.barh(range(len(rows)), shares, left=left, color=colour, label=col["vi"],
                    height=0.62)
            left = [a + b for a, b in zip(left, shares, strict=True)]
        for i, r in enumerate(rows):
            s = _totals(report) if r["field"] == "*" else stats.get(r["field"])
            if s and s.get("wait_mean") is not None:
                ax.text(101, i, f"TB {_vn_number(s['wait_mean'])} · P90 "
                        f"{_vn_number(s['wait_p90'])} phút", va="center", fontsize=8)
        ax.set_yticks(range(len(rows)), labels)
        ax.set_xlim(0, 100)
        ax.set_xlabel("% số phiếu được gọi (trong ngoặc: số phiếu)")
        _legend_below(fig, len(band_cols))
    fig.savefig(path)


def _legend_below(fig: Any, columns: int) -> None:
    """A one-line legend under the plot, with room kept for it (not over the titles)."""
    fig.legend(ncol=columns, fontsize=8, loc="lower center", bbox_to_anchor=(0.5, 0.01),
               frameon=False, handlelength=1.2, columnspacing=1.0)
    fig.tight_layout(rect=(0, 0.45 / fig.get_figheight(), 1, 1))


def _totals(report: dict[str, Any]) -> dict[str, Any]:
    return {r["key"]: r["value"] for r in report["tables"]["totals"]["rows"]}


def _chart_satisfaction(report: dict[str, Any], path: Path) -> None:
    table = report["tables"]["satisfaction_by_officer"]
    rows = [r for r in table["rows"] if r["rated"]][::-1]
    scale = report["rating_scale"]
    fig, ax = _figure(10, 1.6 + 0.5 * max(3, len(rows)))
    fig.suptitle("Mức độ hài lòng theo cán bộ (số lượt đánh giá)", fontweight="bold")
    ax.set_title(_subtitle(report), fontsize=9, color="#444444")
    if not rows:
        _no_data(ax)
    else:
        labels = [str(r["officer_name"]) for r in rows]
        left = [0] * len(rows)
        fallback = ["#1b873f", "#4caf50", "#f2a900", "#d32f2f", "#7b1fa2", "#455a64"]
        for k, lv in enumerate(scale):
            counts = [int(r.get(f"r{lv['value']}", 0)) for r in rows]
            ax.barh(range(len(rows)), counts, left=left, label=lv["vi"], height=0.62,
                    color=lv["colour"] or fallback[k % len(fallback)])
            left = [a + b for a, b in zip(left, counts, strict=True)]
        top = max(left)
        for i, r in enumerate(rows):
            pct = r["satisfied_pct"]
            ax.text(left[i] + top * 0.01, i, f"{_vn_number(pct)}% hài lòng", va="center",
                    fontsize=8)
        ax.set_yticks(range(len(rows)), labels)
        ax.set_xlim(0, top * 1.22)
        ax.set_xlabel("Số lượt đánh giá")
        _legend_below(fig, len(scale))
    fig.savefig(path)


def write_charts(report: dict[str, Any], out_dir: Path) -> list[Path]:
    """The three PNG charts in ``out_dir``; returns the paths written."""
    import matplotlib

    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    with matplotlib.rc_context(_font_setup()):  # type: ignore[arg-type]
        for key, table, draw in (("arrivals", "by_hour", _chart_arrivals),
                                 ("waits", "wait_bands", _chart_waits),
                                 ("satisfaction", "satisfaction_by_officer", _chart_satisfaction)):
            if table not in report["tables"]:
                continue  # e.g. the province overview has no per-officer table
            path = out_dir / CHART_FILES[key]
            draw(report, path)
            paths.append(path)
    return paths


def export(report: dict[str, Any], out_dir: Path, *, csv_files: bool = True, xlsx: bool = True,
           charts: bool = True, xlsx_name: str = "bao-cao.xlsx") -> list[Path]:
    """Write the chosen formats into ``out_dir``; returns every path written."""
    out: list[Path] = []
    if csv_files:
        out += write_csv(report, out_dir)
    if xlsx:
        out.append(write_xlsx(report, out_dir / xlsx_name))
    if charts:
        out += write_charts(report, out_dir)
    log.info("report written to %s: %d files", out_dir, len(out))
    return out
