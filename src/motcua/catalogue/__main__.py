"""``python -m motcua.catalogue preview|apply EXPORT [--config config/centre.toml]``
and ``python -m motcua.catalogue export OUT.csv`` (the centre's procedures as the portal
writes them)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from motcua.catalogue.plan import apply_plan, export_csv, make_plan
from motcua.catalogue.read import read_export
from motcua.core.centre.load import ConfigError, load_centre
from motcua.paths import SAMPLE_CONFIG


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m motcua.catalogue",
                                description="Nhập danh mục thủ tục / import the procedure list")
    p.add_argument("action", choices=("preview", "apply", "export"))
    p.add_argument("file", help="tệp CSV/XLSX của cổng dịch vụ công / the portal's export")
    p.add_argument("--config", default=str(SAMPLE_CONFIG), help="centre.toml")
    args = p.parse_args(argv)
    try:
        centre = load_centre(args.config)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.action == "export":
        Path(args.file).write_text(export_csv(centre), "utf-8")
        return 0
    rows, report = read_export(Path(args.file))
    plan = make_plan(centre, rows, report) if report.ok else None
    for w in report.warnings:
        print("Lưu ý / note:", w.text())
    for e in report.errors:
        print("Lỗi / error:", e.text(), file=sys.stderr)
    if plan is None or not report.ok:
        print("Không áp dụng gì / nothing applied", file=sys.stderr)
        return 1
    for what, items in (("Thêm / added", plan.added), ("Sửa / changed", plan.changed),
                        ("Bỏ / removed", plan.removed)):
        for code, pid in items:
            print(f"{what}: {code} {pid}")
    print(" / ".join(plan.summary()))
    if args.action == "apply":
        try:
            backup = apply_plan(Path(args.config), plan, Path(args.file).name)
        except ConfigError as exc:
            print(f"Không áp dụng / not applied: {exc}", file=sys.stderr)
            return 1
        print(f"Đã áp dụng; bản cũ: {backup} / applied; previous file kept as {backup}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
