"""Load and validate a centre's configuration: ``config/centre.toml`` + ``config/fields.toml``.

The TOML keys are the attribute names of :mod:`motcua.core.centre.model`, so one schema
serves the files, the hub's JSON snapshot (:func:`centre_to_dict`) and the dataclasses.
Every problem is reported as a :class:`ConfigError` naming the file, the dotted key
(``counters[2].fields[1]``; list positions count from 1, as people count blocks in a
file) and the problem in Vietnamese then English. Unknown keys are rejected so that a
typo never silently falls back to a default. All text is normalised to NFC on the way in.

The reading helpers and the list-shaped sections (fields, counters, hours, rating scale)
are in :mod:`motcua.core.centre.parse`, the snapshot form in :mod:`motcua.core.centre.snapshot`;
the public names are all importable from here.
"""

from __future__ import annotations

import re
import string
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final, cast, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from motcua.core.centre.model import (
    Announcement,
    CallPolicy,
    Centre,
    Counter,
    Device,
    Field,
    NumberFormat,
    Officer,
    PolicyName,
    PriorityCategory,
    Role,
)
from motcua.core.centre.parse import (
    _ID_RE,
    _SLUG_RE,
    _STR,
    WEEKDAYS,
    ConfigError,
    _check_unique,
    _list,
    _nfc_tree,
    _parse_counters,
    _parse_fields,
    _parse_hours,
    _parse_rating_scale,
    _show,
    _Table,
)
from motcua.core.centre.parse_days import parse_calendar
from motcua.core.centre.parse_ops import parse_alerts, parse_pause_reasons
from motcua.core.centre.schema import CentreFile, CentreInline, FieldsFile, check_shape
from motcua.core.centre.snapshot import SNAPSHOT_SOURCE, centre_to_dict
from motcua.core.criteria import RatingRules, rating_rules_from_dict
from motcua.core.dossier import DossierRules, rules_from_dict
from motcua.core.text import nfc

__all__ = [
    "WEEKDAYS",
    "ConfigError",
    "centre_from_dict",
    "centre_to_dict",
    "load_centre",
    "parse_centre",
]

_PHOTO_RE: Final = re.compile(r"(?!/)(?!.*\.\.)[\w./-]{1,200}\.(jpe?g|png)", re.IGNORECASE)
"""A photo path inside the configuration folder: relative, no "..", JPEG or PNG."""
_Z85: Final = (
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#"
)

# ------------------------------------------------------------------ the centre file


def _parse_announcement(root: _Table) -> Announcement:
    t = root.table("announcement")
    default = Announcement()
    template = t.text("template_vi", default.template_vi)
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError:
        t.fail("template_vi", "dấu ngoặc { } trong mẫu câu không khớp",
               "unbalanced { } braces in the template")
    names = []
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in ("number", "counter") or spec or conversion:
            t.fail("template_vi", f'chỗ trống lạ "{{{name}}}": chỉ dùng {{number}} và {{counter}}',
                   f'unknown placeholder "{{{name}}}": only {{number}} and {{counter}} are allowed')
        names.append(name)
    for needed in ("number", "counter"):
        if needed not in names:
            t.fail("template_vi", f"mẫu câu thiếu {{{needed}}}", f"the template lacks {{{needed}}}")
    repeats = t.integer("repeats", default.repeats)
    if repeats > 5:
        t.fail("repeats", f"tối đa 5 lần, có {repeats}", f"at most 5 times, got {repeats}")
    return Announcement(template_vi=template, repeats=repeats,
                        digits=t.flag("digits", default.digits),
                        south=t.flag("south", default.south),
                        chime=t.flag("chime", default.chime))


def _check_public_key(t: _Table, key: str) -> None:
    """A CURVE public key is 32 bytes in Z85: 40 characters, each 5 a value below 2**32."""
    ok = len(key) == 40 and all(ch in _Z85 for ch in key)
    if ok:
        for i in range(0, 40, 5):
            value = 0
            for ch in key[i : i + 5]:
                value = value * 85 + _Z85.index(ch)
            ok = ok and value < 2**32
    if not ok:
        t.fail("public_key", "khóa công khai phải là 40 ký tự Z85 (khóa CURVE)",
               "the public key must be 40 Z85 characters (a CURVE key)")


def _parse_devices(root: _Table, counters: tuple[Counter, ...]) -> tuple[Device, ...]:
    tables = root.tables("devices")
    roles = get_args(Role)
    numbers = [c.number for c in counters]
    devices = []
    for t in tables:
        device_id = t.text("id")
        if not _ID_RE.fullmatch(device_id):
            t.fail("id", f"mã thiết bị {_show(device_id)} không hợp lệ (chữ, số, . _ -)",
                   f"invalid device id {_show(device_id)} (letters, digits, . _ -)")
        role = t.text("role")
        if role not in roles:
            t.fail("role", f'vai trò "{role}" không tồn tại (có: {", ".join(roles)})',
                   f'unknown role "{role}" (known: {", ".join(roles)})')
        counter: int | None = None
        if role in ("counter", "rating"):
            counter = t.integer("counter")
            if counter not in numbers:
                t.fail("counter", f"quầy số {counter} không tồn tại (có: {_list(numbers)})",
                       f"counter {counter} does not exist (known: {_list(numbers)})")
        elif "counter" in t.data:
            t.fail("counter", f'thiết bị vai trò "{role}" không gắn với quầy',
                   f'a "{role}" device does not belong to a counter')
        kiosk: str | None = None
        if role == "printer":
            kiosk = t.text("kiosk")
        elif "kiosk" in t.data:
            t.fail("kiosk", "chỉ máy in mới gắn với ki-ốt", "only a printer names a kiosk")
        public_key = t.text("public_key", "")
        if public_key:
            _check_public_key(t, public_key)
        devices.append(Device(id=device_id, role=cast(Role, role), counter=counter,
                              kiosk=kiosk, public_key=public_key))
    pairs = list(zip(tables, devices, strict=True))
    _check_unique([(t, "id", d.id) for t, d in pairs], ("mã thiết bị", "device id"))
    _check_unique([(t, "public_key", d.public_key) for t, d in pairs],
                  ("khóa công khai", "public key"))
    # A printer prints a kiosk's tickets, or those an officer issues at a counter.
    kiosks = [d.id for d in devices if d.role == "kiosk"]
    desks = [d.id for d in devices if d.role == "counter"]
    for t, d in pairs:
        if d.kiosk is not None and d.kiosk not in kiosks + desks:
            t.fail("kiosk", f'ki-ốt hoặc máy quầy "{d.kiosk}" không tồn tại '
                   f'(có: {_list(kiosks + desks)})',
                   f'kiosk or counter device "{d.kiosk}" does not exist '
                   f'(known: {_list(kiosks + desks)})')
    return tuple(devices)


def _parse_centre_fields(root: _Table, fields_data: Mapping[str, Any] | None,
                         fields_source: str) -> tuple[Field, ...]:
    """The fields: from the separate fields file when given, else inline under ``fields``."""
    if fields_data is None:
        if "fields" not in root.data and root.data.get("fields_file"):
            root.fail("fields_file", "tệp lĩnh vực chưa được đọc: dùng load_centre",
                      "the fields file was not read: use load_centre")
        return _parse_fields(root)
    if "fields" in root.data:
        root.fail("fields", "lĩnh vực được khai hai nơi (fields và fields_file)",
                  "fields given twice (inline and in fields_file)")
    tree = _nfc_tree(fields_data)
    check_shape(tree, FieldsFile, fields_source or "<fields>")
    froot = _Table(tree, fields_source or "<fields>", "")
    meta = froot.table("meta")
    if meta.integer("schema", 1) != 1:
        meta.fail("schema", "phiên bản lược đồ không được hỗ trợ (cần 1)",
                  "unsupported schema version (expected 1)")
    return _parse_fields(froot)


def _parse_identity(root: _Table, fields: tuple[Field, ...]) -> tuple[str, str, NumberFormat]:
    """Site id, time zone and number format, checked against each other and the fields."""
    centre_id = root.text("id")
    if not _ID_RE.fullmatch(centre_id):
        root.fail("id", f"mã trung tâm {_show(centre_id)} không hợp lệ (chữ, số, . _ -)",
                  f"invalid centre id {_show(centre_id)} (letters, digits, . _ -)")
    timezone = root.text("timezone", "Asia/Ho_Chi_Minh")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        root.fail("timezone", f"múi giờ {_show(timezone)} không tồn tại (vd Asia/Ho_Chi_Minh)",
                  f"unknown time zone {_show(timezone)} (e.g. Asia/Ho_Chi_Minh)")
    number_format = root.text("number_format", "prefix3")
    if number_format not in get_args(NumberFormat):
        root.fail("number_format", f'kiểu số "{number_format}" không tồn tại (prefix3, digits4)',
                  f'unknown number format "{number_format}" (prefix3, digits4)')
    if number_format == "digits4" and len(fields) > 9:
        root.fail("number_format", "digits4 dùng chữ số hàng nghìn cho lĩnh vực: tối đa 9 lĩnh vực",
                  "digits4 puts the field in the thousands digit: at most 9 fields")
    return centre_id, timezone, cast(NumberFormat, number_format)


def _parse_priority(root: _Table) -> tuple[PriorityCategory, ...]:
    tables = root.tables("priority_categories")
    categories = []
    for t in tables:
        code = t.text("code")
        if not _SLUG_RE.fullmatch(code):
            t.fail("code", f"mã nhóm {_show(code)} không hợp lệ (chữ thường, số, _)",
                   f"invalid category code {_show(code)} (lower-case letters, digits, _)")
        categories.append(PriorityCategory(code=code, vi=t.text("vi"), en=t.text("en", "")))
    _check_unique([(t, "code", c.code) for t, c in zip(tables, categories, strict=True)],
                  ("mã nhóm ưu tiên", "priority category code"))
    return tuple(categories)


def _parse_policy(root: _Table) -> CallPolicy:
    t = root.table("policy")
    default = CallPolicy()
    name = t.text("name", default.name)
    if name not in get_args(PolicyName):
        t.fail("name", f'cách gọi "{name}" không tồn tại (strict, interleave, ageing)',
               f'unknown policy "{name}" (strict, interleave, ageing)')
    return CallPolicy(
        name=cast(PolicyName, name),
        interleave_normal=t.integer("interleave_normal", default.interleave_normal),
        ageing_bonus_minutes=t.number("ageing_bonus_minutes", default.ageing_bonus_minutes),
    )


def _parse_officers(root: _Table, *, names_required: bool) -> tuple[Officer, ...]:
    tables = root.tables("officers")
    officers = []
    for t in tables:
        officer_id = t.text("id")
        if not _ID_RE.fullmatch(officer_id):
            t.fail("id", f"mã cán bộ {_show(officer_id)} không hợp lệ (chữ, số, . _ -)",
                   f"invalid officer id {_show(officer_id)} (letters, digits, . _ -)")
        photo = t.text("photo", "")
        if photo and not _PHOTO_RE.fullmatch(photo):
            t.fail("photo", f"ảnh {_show(photo)} phải là tệp .jpg/.png trong thư mục của tệp "
                   "cấu hình (vd photos/cb01.jpg)",
                   f"photo {_show(photo)} must be a .jpg/.png file under the configuration "
                   "folder (e.g. photos/cb01.jpg)")
        officers.append(Officer(id=officer_id, name=t.text("name", None if names_required else ""),
                                title=t.text("title", ""), photo=photo))
    _check_unique([(t, "id", o.id) for t, o in zip(tables, officers, strict=True)],
                  ("mã cán bộ", "officer id"))
    return tuple(officers)


def _parse_extra(root: _Table) -> dict[str, str]:
    t = root.table("extra")  # free-form keys, text values
    for name, value in t.data.items():
        if not isinstance(value, str):
            t.wrong_type(name, value, _STR)
    return dict(t.data)


def build_centre(data: Mapping[str, Any], source: str, fields_data: Mapping[str, Any] | None,
                 fields_source: str, *, snapshot: bool) -> Centre:
    """Validate a centre tree into a Centre (``snapshot``: officer names may be missing)."""
    tree = _nfc_tree(data)
    # Fields inline (a snapshot, or a file without fields_file): then they come first.
    inline = fields_data is None and not tree.get("fields_file")
    check_shape(tree, CentreInline if inline else CentreFile, source)
    root = _Table(tree, source, "")
    root.text("fields_file", "")  # read by load_centre; only type-checked here
    fields = _parse_centre_fields(root, fields_data, fields_source)
    centre_id, timezone, number_format = _parse_identity(root, fields)
    counters = _parse_counters(root, fields)
    return Centre(
        id=centre_id, name_vi=root.text("name_vi"), place_vi=root.text("place_vi"),
        name_en=root.text("name_en", ""), slogan_vi=root.text("slogan_vi", "Hành chính phục vụ"),
        timezone=timezone, number_format=number_format, fields=fields, counters=counters,
        priority_categories=_parse_priority(root), hours=_parse_hours(root),
        rating_scale=_parse_rating_scale(root),
        rating_window_seconds=root.number("rating_window_seconds", 30.0),
        policy=_parse_policy(root), announcement=_parse_announcement(root),
        # The snapshot sent to devices may leave officer names out (personal data).
        officers=_parse_officers(root, names_required=not snapshot),
        devices=_parse_devices(root, counters), notice_vi=root.text("notice_vi", ""),
        kiosk_idle_seconds=root.number("kiosk_idle_seconds", 20.0), extra=_parse_extra(root),
        dossier=_parse_dossier(root), ratings=_parse_ratings(root),
        calendar=parse_calendar(root), pause_reasons=parse_pause_reasons(root),
        hall_shows_officers=root.flag("hall_shows_officers", False), alerts=parse_alerts(root),
    )


def _parse_ratings(root: _Table) -> RatingRules:
    raw = root.data.get("ratings")
    if raw is None:
        return RatingRules()
    if not isinstance(raw, Mapping):
        root.wrong_type("ratings", raw, ("bảng", "table"))
    try:
        return rating_rules_from_dict(raw)
    except (ValueError, TypeError, AttributeError) as exc:
        root.fail("ratings", str(exc), str(exc))


def _parse_dossier(root: _Table) -> DossierRules:
    raw = root.data.get("dossier")
    if raw is None:
        return DossierRules()
    if not isinstance(raw, Mapping):
        root.wrong_type("dossier", raw, ("bảng", "table"))
    try:
        return rules_from_dict(raw)
    except (ValueError, TypeError, AttributeError) as exc:
        root.fail("dossier", str(exc), str(exc))


def centre_from_dict(d: Mapping[str, Any]) -> Centre:
    """Rebuild a Centre from :func:`centre_to_dict` output, validating it like a file.

    Missing officer names and device keys (left out of the snapshot) become ``""``.
    """
    return build_centre(d, SNAPSHOT_SOURCE, None, "", snapshot=True)


def parse_centre(data: Mapping[str, Any], *, source: str,
                 fields_data: Mapping[str, Any] | None = None, fields_source: str = "") -> Centre:
    """Validate an already-parsed centre table (and fields table) into a :class:`Centre`.

    ``fields_data`` is the parsed fields file (``[meta]`` + ``[[fields]]``); when ``None``
    the fields must be inline under ``fields``. ``source``/``fields_source`` name the files
    in error messages. Raises :class:`ConfigError`.
    """
    return build_centre(data, source, fields_data, fields_source, snapshot=False)


def _read_toml(path: Path, source: str) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(source, "", "không tìm thấy tệp", "file not found") from None
    except OSError as exc:
        raise ConfigError(source, "", f"không đọc được tệp ({exc.strerror})",
                          f"cannot read the file ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(source, "", f"tệp không phải UTF-8 (byte {exc.start})",
                          f"the file is not UTF-8 (byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", message)
        detail = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", message)
        if m:
            line: int | None = int(m[1])
            vi_at, en_at = f"dòng {m[1]}, cột {m[2]}", f"line {m[1]}, column {m[2]}"
        else:
            line, vi_at, en_at = None, "cuối tệp", "end of file"
        raise ConfigError(source, "", f"lỗi cú pháp TOML ở {vi_at}",
                          f"TOML syntax error at {en_at}: {detail}", line=line) from None


def load_centre(path: str | Path) -> Centre:
    """Read ``centre.toml`` (and the ``fields_file`` it names, relative to it) into a Centre."""
    source = str(path)
    data = _read_toml(Path(path), source)
    fields_file = data.get("fields_file")
    if not isinstance(fields_file, str) or not fields_file:
        return parse_centre(data, source=source)  # inline fields, or a typed error from parse
    fields_path = Path(path).parent / nfc(fields_file)
    fields_source = str(fields_path)
    return parse_centre(data, source=source, fields_data=_read_toml(fields_path, fields_source),
                        fields_source=fields_source)
