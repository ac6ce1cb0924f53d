"""Compare an export with the centre's procedures (preview) and write the result (apply).

:func:`make_plan` matches each row's field to one of the centre's fields (by code or by
name, diacritics and case ignored) and lists what would be added, changed and removed.
:func:`apply_plan` rewrites ``fields.toml`` with the new procedures (fields keep their
codes, prefixes, caps, service times and notes), after checking that the result loads,
and keeps the previous file as a dated backup. :func:`export_csv` writes a centre's
procedures in the portal's format (the shipped sample is made with it).
"""

from __future__ import annotations

import csv
import io
import json
import logging
import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from motcua.catalogue.read import COLUMNS, Report, Row
from motcua.core.centre.load import ConfigError, load_centre
from motcua.core.centre.model import Centre, Document, Procedure
from motcua.core.text import fold

log = logging.getLogger(__name__)


@dataclass
class Plan:
    """What an import would do, and the procedures each field would have."""

    added: list[tuple[str, str]] = field(default_factory=list)
    """(field code, procedure code)."""
    changed: list[tuple[str, str]] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)
    procedures: dict[str, list[Procedure]] = field(default_factory=dict)

    def summary(self) -> tuple[str, str]:
        return (f"Thêm {len(self.added)}, sửa {len(self.changed)}, bỏ {len(self.removed)} thủ tục",
                f"{len(self.added)} added, {len(self.changed)} changed, "
                f"{len(self.removed)} removed")


def _procedure(row: Row) -> Procedure:
    return Procedure(id=row.code, vi=row.name, en="", time_limit_vi=row.time,
                     documents=tuple(Document(vi=t, en="", kind=k)  # type: ignore[arg-type]
                                     for t, k in row.documents),
                     fees_vi=row.fees, level=row.level)


def _same(old: Procedure, new: Procedure) -> bool:
    return (old.vi, old.time_limit_vi, old.fees_vi, old.level,
            [(d.vi, d.kind) for d in old.documents]) == \
        (new.vi, new.time_limit_vi, new.fees_vi, new.level,
         [(d.vi, d.kind) for d in new.documents])


def make_plan(centre: Centre, rows: list[Row], report: Report) -> Plan:
    """The preview; unknown fields are added to ``report`` as errors."""
    by_name = {fold(f.vi): f.code for f in centre.fields}
    by_name.update({fold(f.code): f.code for f in centre.fields})
    plan = Plan(procedures={f.code: [] for f in centre.fields})
    for row in rows:
        code = by_name.get(fold(row.field))
        if code is None:
            known = ", ".join(f.vi for f in centre.fields)
            report.error(row.line, f'lĩnh vực "{row.field}" không có ở trung tâm (có: {known})',
                         f'field "{row.field}" is not one of the centre\'s')
            continue
        plan.procedures[code].append(_procedure(row))
    old = {(f.code, p.id): p for f in centre.fields for p in f.procedures}
    new = {(code, p.id): p for code, ps in plan.procedures.items() for p in ps}
    old_ids = {pid: fcode for fcode, pid in old}
    for key, p in new.items():
        before = old.get(key)
        if before is None:
            # Moved from another field counts as changed, not added + removed.
            (plan.changed if key[1] in old_ids else plan.added).append(key)
        elif not _same(before, p):
            plan.changed.append(key)
    new_ids = {pid for _, pid in new}
    plan.removed = [key for key in old if key[1] not in new_ids]
    return plan


def _toml(value: Any) -> str:
    """A TOML value for strings, numbers, booleans, lists and inline tables (JSON strings
    are valid TOML basic strings)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    raise TypeError(type(value))


def render_fields(raw: dict[str, Any], plan: Plan, source: str) -> str:
    """The new ``fields.toml``: ``raw`` (the current file, parsed) with new procedures."""
    lines = [f"# Lĩnh vực và thủ tục — thủ tục nhập từ {source} lúc "
             f"{datetime.now():%d/%m/%Y %H:%M} (motcua catalogue).",
             "# Fields and procedures — procedures imported by motcua catalogue.", ""]
    meta = raw.get("meta", {})
    if meta:
        lines.append("[meta]")
        lines += [f"{k} = {_toml(v)}" for k, v in meta.items()]
        lines.append("")
    for f in raw.get("fields", []):
        lines.append("[[fields]]")
        lines += [f"{k} = {_toml(v)}" for k, v in f.items() if k != "procedures"]
        lines.append("")
        for p in plan.procedures.get(f["code"], []):
            lines.append("[[fields.procedures]]")
            entry = {"id": p.id, "vi": p.vi, "time_limit_vi": p.time_limit_vi,
                     "fees_vi": p.fees_vi, "level": p.level}
            lines += [f"{k} = {_toml(v)}" for k, v in entry.items() if v]
            docs = [{"vi": d.vi, "kind": d.kind} for d in p.documents]
            lines.append("documents = [")
            lines += [f"  {_toml(d)}," for d in docs]
            lines += ["]", ""]
    return "\n".join(lines)


def apply_plan(centre_file: Path, plan: Plan, source: str) -> Path:
    """Rewrite the fields file named by ``centre_file``; returns the backup's path.

    The new text is loaded with the centre file before it replaces the old one, so a
    file the hub could not start with is never written (ConfigError is raised instead).
    """
    with centre_file.open("rb") as fh:
        fields_name = tomllib.load(fh).get("fields_file") or "fields.toml"
    fields_path = centre_file.parent / fields_name
    with fields_path.open("rb") as fh:
        raw = tomllib.load(fh)
    text = render_fields(raw, plan, source)
    trial = fields_path.with_suffix(".import.toml")
    trial.write_text(text, "utf-8")
    try:
        trial_centre = centre_file.parent / ".catalogue-check.toml"
        centre_text = centre_file.read_text("utf-8").replace(
            f'fields_file = "{fields_name}"', f'fields_file = "{trial.name}"')
        trial_centre.write_text(centre_text, "utf-8")
        try:
            load_centre(trial_centre)
        finally:
            trial_centre.unlink(missing_ok=True)
    except ConfigError:
        trial.unlink(missing_ok=True)
        raise
    backup = fields_path.with_name(f"{fields_path.stem}.{datetime.now():%Y%m%d-%H%M%S}.bak")
    backup.write_bytes(fields_path.read_bytes())
    trial.replace(fields_path)
    log.info("procedures imported from %s into %s (backup %s)", source, fields_path, backup)
    return backup


def export_csv(centre: Centre) -> str:
    """The centre's procedures in the portal's export format (UTF-8 CSV, with BOM)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow([names[0] for names in COLUMNS.values()])
    for f in centre.fields:
        for p in f.procedures:
            docs = "\n".join(("Xuất trình: " if d.kind == "xuất trình"
                              and not fold(d.vi).startswith("xuat trinh") else "") + d.vi
                             for d in p.documents)
            w.writerow([p.id, p.vi, f.vi, p.level, p.time_limit_vi, p.fees_vi, docs])
    return "\ufeff" + out.getvalue()
