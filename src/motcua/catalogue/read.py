"""Read the procedure list exported by the public-service portal (CSV or XLSX) and check it.

The export has one row per procedure with these columns (Vietnamese headers as the
portal writes them; English ones are accepted too):

==========================  ==========================  ===========
column                      English                     key
==========================  ==========================  ===========
Mã thủ tục                  Procedure code              ``code``
Tên thủ tục                 Procedure name              ``name``
Lĩnh vực                    Field                       ``field``
Cấp thực hiện               Level                       ``level``
Thời hạn giải quyết         Processing time             ``time``
Phí, lệ phí                 Fees                        ``fees``
Thành phần hồ sơ            Documents                   ``documents``
==========================  ==========================  ===========

``Thành phần hồ sơ`` holds one paper per line (or separated by ``;``); a line starting
with "Xuất trình" is a paper that is shown and given back, any other is handed in.

:func:`read_export` never raises on bad content: it returns the rows it could read and
a :class:`Report` of problems in words, errors (nothing may be applied) and warnings.
"""

from __future__ import annotations

import csv
import io
import logging
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from motcua.core.text import fold, nfc

log = logging.getLogger(__name__)

COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("Mã thủ tục", "Procedure code"),
    "name": ("Tên thủ tục", "Procedure name"),
    "field": ("Lĩnh vực", "Field"),
    "level": ("Cấp thực hiện", "Level"),
    "time": ("Thời hạn giải quyết", "Processing time"),
    "fees": ("Phí, lệ phí", "Fees"),
    "documents": ("Thành phần hồ sơ", "Documents"),
}
"""Key -> accepted headers (the portal's Vietnamese one first)."""
REQUIRED = ("code", "name", "field", "documents")


@dataclass
class Problem:
    """One finding: where (row as people count it in the sheet, 1 = header) and what."""

    row: int | None
    vi: str
    en: str

    def text(self) -> str:
        where = f"dòng {self.row} / row {self.row}: " if self.row else ""
        return f"{where}{self.vi} / {self.en}"


@dataclass
class Report:
    """What was wrong with a file: errors stop the import, warnings are fixed silently."""

    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, row: int | None, vi: str, en: str) -> None:
        self.errors.append(Problem(row, vi, en))

    def warn(self, row: int | None, vi: str, en: str) -> None:
        self.warnings.append(Problem(row, vi, en))


@dataclass(frozen=True)
class Row:
    """One procedure of the export, NFC."""

    line: int
    code: str
    name: str
    field: str
    level: str
    time: str
    fees: str
    documents: tuple[tuple[str, str], ...]
    """(text, kind) with kind "nộp" or "xuất trình"."""


def _cells_csv(data: bytes, report: Report) -> list[list[str]] | None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        report.error(line, f"tệp không phải UTF-8 (byte {exc.start}); có thể là Windows-1258 "
                     "hoặc TCVN3: mở bằng Excel và lưu lại dạng \"CSV UTF-8\"",
                     f"the file is not UTF-8 (byte {exc.start}); it may be Windows-1258 or "
                     "TCVN3: open it in Excel and save as \"CSV UTF-8\"")
        return None
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, ",;\t")
    except csv.Error:
        dialect = csv.excel
    return [list(r) for r in csv.reader(io.StringIO(text), dialect)]


def _cells_xlsx(path: Path, report: Report) -> list[list[str]] | None:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        report.error(None, f"không đọc được tệp Excel: {exc}", f"cannot read the Excel file: {exc}")
        return None
    try:
        ws = wb.worksheets[0]
        return [["" if v is None else str(v) for v in row]
                for row in ws.iter_rows(values_only=True)]
    finally:
        wb.close()


def _header_map(header: list[str], report: Report) -> dict[str, int] | None:
    known = {fold(h): key for key, names in COLUMNS.items() for h in names}
    where: dict[str, int] = {}
    for i, h in enumerate(header):
        key = known.get(fold(nfc(h).strip()))
        if key is not None and key not in where:
            where[key] = i
    missing = [k for k in REQUIRED if k not in where]
    if missing:
        names_vi = ", ".join(f'"{COLUMNS[k][0]}"' for k in missing)
        names_en = ", ".join(f'"{COLUMNS[k][1]}"' for k in missing)
        report.error(1, f"thiếu cột {names_vi}", f"missing column(s) {names_en}")
        return None
    return where


def _documents(cell: str) -> tuple[tuple[str, str], ...]:
    # One paper per line; a one-line cell may separate them with ";" instead.
    lines = cell.splitlines()
    chunks = lines if len(lines) > 1 else cell.split(";")
    parts = [p.strip(" -•\t") for p in chunks]
    out = []
    for p in parts:
        if not p:
            continue
        shown = fold(p).startswith("xuat trinh")
        if shown and ":" in p[:14]:  # "Xuất trình: Căn cước..." -> "Căn cước..."
            p = p.split(":", 1)[1].strip()
        out.append((p, "xuất trình" if shown else "nộp"))
    return tuple(out)


def read_export(path: Path) -> tuple[list[Row], Report]:
    """Rows of an export file and the problems found (errors mean: apply nothing)."""
    report = Report()
    try:
        data = path.read_bytes()
    except OSError as exc:
        report.error(None, f"không đọc được tệp {path.name}: {exc.strerror}",
                     f"cannot read {path.name}: {exc.strerror}")
        return [], report
    cells = (_cells_xlsx(path, report) if path.suffix.lower() in (".xlsx", ".xlsm")
             else _cells_csv(data, report))
    if cells is None:
        return [], report
    cells = [r for r in cells if any(c.strip() for c in r)]
    if not cells:
        report.error(None, "tệp rỗng", "the file is empty")
        return [], report
    where = _header_map(cells[0], report)
    if where is None:
        return [], report
    rows: list[Row] = []
    seen: dict[str, int] = {}
    not_nfc = 0
    for n, raw in enumerate(cells[1:], start=2):
        def cell(key: str, raw: list[str] = raw) -> str:
            i = where.get(key)
            return raw[i].strip() if i is not None and i < len(raw) else ""
        values = {k: cell(k) for k in COLUMNS}
        if any(v != unicodedata.normalize("NFC", v) for v in values.values()):
            not_nfc += 1
        values = {k: nfc(v) for k, v in values.items()}
        if not values["code"]:
            report.error(n, "thiếu mã thủ tục", "missing procedure code")
            continue
        if not values["name"]:
            report.error(n, f"thủ tục {values['code']} thiếu tên", f"{values['code']} has no name")
            continue
        if values["code"] in seen:
            report.error(n, f'mã thủ tục "{values["code"]}" trùng với dòng {seen[values["code"]]}',
                         f'duplicate procedure code "{values["code"]}" (row '
                         f'{seen[values["code"]]})')
            continue
        seen[values["code"]] = n
        rows.append(Row(n, values["code"], values["name"], values["field"], values["level"],
                        values["time"], values["fees"], _documents(values["documents"])))
    if not_nfc:
        report.warn(None, f"{not_nfc} dòng có chữ Việt dạng tổ hợp (NFD), đã chuẩn hoá NFC",
                    f"{not_nfc} row(s) had decomposed (NFD) Vietnamese text, normalised to NFC")
    return rows, report
