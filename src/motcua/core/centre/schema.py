"""The shape of the centre files as typed models (msgspec), and their errors in words.

``centre.toml`` and ``fields.toml`` (and the snapshot the hub sends devices, which has
the same keys) are first checked against these models: every key known, every value
of its type, required keys present, numbers in range, required text not blank. What a
type cannot say (codes and their letters, uniqueness, references between sections,
times of day) is checked afterwards by :mod:`motcua.core.centre.parse` and ``load``.

A default here only marks a key optional: the values used when a key is left out are
the dataclasses' own (model.py), applied by the parsers.

A model's complaint becomes a :class:`ConfigError` naming the file and the dotted key,
list positions counted from 1 as people count blocks in a file (``counters[2].number``),
with the problem in Vietnamese then English, the value shown, and for an unknown key
the nearest known one ("did you mean ...").
"""

from __future__ import annotations

import difflib
import re
from typing import Annotated, Any, Final

import msgspec
import msgspec.inspect as mi
from msgspec import Meta

from motcua.core.centre.parse import ConfigError, _kind, _show

__all__ = ["CentreFile", "CentreInline", "FieldsFile", "check_shape"]

Text = Annotated[str, Meta(pattern=r"\S")]
"""Required text: present and not blank."""
Positive = Annotated[int, Meta(ge=1)]
Minutes = Annotated[float, Meta(gt=0)]
_SESSIONS: Final = ('danh sách buổi "HH:MM-HH:MM"', 'a list of "HH:MM-HH:MM" sessions')
Sessions = Annotated[list[str], Meta(extra={"expected": _SESSIONS})]


class _Shape(msgspec.Struct, forbid_unknown_fields=True):
    """Base of every table: unknown keys are refused (a typo never falls back to a default)."""


class DocumentEntry(_Shape):
    vi: Text
    kind: Text
    en: str = ""
    short_vi: str = ""


class ProcedureEntry(_Shape):
    vi: Text
    id: str | None = None
    en: str = ""
    time_limit_vi: str = ""
    time_limit_en: str = ""
    legal_basis: str = ""
    documents: list[DocumentEntry] = []
    fees_vi: str = ""
    level: str = ""
    confidence: str = ""
    note_vi: str = ""
    note_en: str = ""


class FieldEntry(_Shape):
    code: Text
    vi: Text
    daily_cap: Positive
    service_minutes: Minutes
    en: str = ""
    prefix: str | None = None
    procedures: list[ProcedureEntry] = []
    confidence: str = ""
    note_vi: str = ""
    note_en: str = ""


class FieldsMeta(_Shape):
    schema: Positive = 1
    language: Any = None
    note_vi: Any = None
    note_en: Any = None
    as_of: Any = None


class FieldsFile(_Shape):
    """``fields.toml``."""

    fields: Annotated[list[FieldEntry], Meta(min_length=1)]
    meta: FieldsMeta = msgspec.field(default_factory=FieldsMeta)


class CounterEntry(_Shape):
    number: Positive
    fields: Annotated[list[str], Meta(min_length=1)]
    vi: str | None = None
    en: str | None = None
    priority: bool = False


class Hours(_Shape):
    """Opening hours per weekday; English or Vietnamese day names (see parse.WEEKDAYS)."""

    mon: Sessions = []
    tue: Sessions = []
    wed: Sessions = []
    thu: Sessions = []
    fri: Sessions = []
    sat: Sessions = []
    sun: Sessions = []
    thu_hai: Sessions = []
    thu_ba: Sessions = []
    thu_tu: Sessions = []
    thu_nam: Sessions = []
    thu_sau: Sessions = []
    thu_bay: Sessions = []
    chu_nhat: Sessions = []


class RatingLevelEntry(_Shape):
    vi: Text
    colour: Text
    value: Positive | None = None
    en: str = ""
    satisfied: bool = False
    key: str = ""


class PriorityEntry(_Shape):
    code: Text
    vi: Text
    en: str = ""


class PolicyEntry(_Shape):
    name: str = "strict"
    interleave_normal: Positive = 3
    ageing_bonus_minutes: Annotated[float, Meta(ge=0)] = 0.0


class AnnouncementEntry(_Shape):
    template_vi: str | None = None
    repeats: Positive = 1
    digits: bool = False
    south: bool = False
    chime: bool = True


class OfficerEntry(_Shape):
    id: Text
    name: str | None = None
    title: str = ""
    photo: str = ""


class DeviceEntry(_Shape):
    id: Text
    role: Text
    counter: Positive | None = None
    kiosk: str | None = None
    public_key: str = ""


class CalendarDayEntry(_Shape):
    """One of the centre's own dates (``[[calendar.days]]``); checked in parse_days.py."""

    date: Annotated[Any, Meta(extra={"expected": ("ngày dd/mm/yyyy", "a date dd/mm/yyyy")})]
    kind: Text
    reason_vi: str = ""
    reason_en: str = ""
    hours: Sessions | None = None


class CalendarEntry(_Shape):
    public_holidays: bool = True
    days: list[CalendarDayEntry] = []


class PauseReasonEntry(_Shape):
    code: Text
    vi: Text
    en: str = ""


class AlertsEntry(_Shape):
    wait_minutes: Annotated[float, Meta(ge=0)] = 30.0
    field_waiting: Annotated[int, Meta(ge=0)] = 5
    paused_minutes: Annotated[float, Meta(ge=0)] = 20.0
    low_rating: Annotated[int, Meta(ge=0)] = 1
    printer: bool = True
    device_offline: bool = True


class CentreFile(_Shape, kw_only=True):
    """``centre.toml`` whose fields are in ``fields_file`` (or inline, checked later)."""

    fields: list[FieldEntry] | None = None
    id: Text
    name_vi: Text
    place_vi: Text
    counters: Annotated[list[CounterEntry], Meta(min_length=1)]
    hours: Hours
    rating_scale: list[RatingLevelEntry]
    fields_file: str = ""
    name_en: str = ""
    slogan_vi: str = ""
    timezone: str = ""
    number_format: str = ""
    priority_categories: list[PriorityEntry] = []
    rating_window_seconds: Minutes = 30.0
    policy: PolicyEntry = msgspec.field(default_factory=PolicyEntry)
    announcement: AnnouncementEntry = msgspec.field(default_factory=AnnouncementEntry)
    officers: list[OfficerEntry] = []
    devices: list[DeviceEntry] = []
    notice_vi: str = ""
    kiosk_idle_seconds: Minutes = 20.0
    extra: dict[str, Any] = {}
    # checked in words by core/dossier.py and core/criteria.py (their own rules)
    dossier: dict[str, Any] = {}
    ratings: dict[str, Any] = {}
    calendar: CalendarEntry = msgspec.field(default_factory=CalendarEntry)
    pause_reasons: list[PauseReasonEntry] | None = None
    hall_shows_officers: bool = False
    alerts: AlertsEntry = msgspec.field(default_factory=AlertsEntry)


class CentreInline(CentreFile):
    """A centre with its fields inline (a snapshot, or a file without ``fields_file``):
    ``fields`` is then the first thing it must have (it is declared first)."""

    fields: Annotated[list[FieldEntry], Meta(min_length=1)]


# -------------------------------------------------------------- complaints in words

_AT = re.compile(r" - at `\$(?P<path>[^`]*)`$")
_STEP = re.compile(r"\.(\w+)|\[(\d+|\.\.\.)\]")


def _steps(path: str) -> list[str | int]:
    return [m[1] if m[1] is not None else (int(m[2]) if m[2].isdigit() else "...")
            for m in _STEP.finditer(path)]


def _dotted(steps: list[str | int]) -> str:
    out = ""
    for s in steps:
        out += f"[{s + 1}]" if isinstance(s, int) else (f".{s}" if out else s)
    return out


def _unwrap(t: mi.Type) -> mi.Type:
    """The type itself, without its Metadata or the ``None`` of an optional key."""
    while True:
        if isinstance(t, mi.Metadata):
            t = t.type
        elif isinstance(t, mi.UnionType):
            rest = [x for x in t.types if not isinstance(x, mi.NoneType)]
            if len(rest) != 1:
                return t
            t = rest[0]
        else:
            return t


def _type_at(model: type[msgspec.Struct], steps: list[str | int]) -> mi.Type | None:
    t: mi.Type = mi.type_info(model)
    for step in steps:
        u = _unwrap(t)
        if isinstance(step, str) and isinstance(u, mi.StructType):
            found = next((f.type for f in u.fields if f.name == step), None)
            if found is None:
                return None
            t = found
        elif isinstance(step, int) and isinstance(u, mi.ListType):
            t = u.item_type
        else:
            return None
    return t


def _expected(t: mi.Type | None) -> tuple[str, str]:
    """What a key must hold, in words."""
    if isinstance(t, mi.UnionType):  # an optional key: what it holds when given
        rest = [x for x in t.types if not isinstance(x, mi.NoneType)]
        t = rest[0] if len(rest) == 1 else t
    if isinstance(t, mi.Metadata) and t.extra and "expected" in t.extra:
        vi, en = t.extra["expected"]
        return str(vi), str(en)
    u = _unwrap(t) if t is not None else None
    if isinstance(u, mi.Metadata | mi.UnionType):
        return _expected(u.type) if isinstance(u, mi.Metadata) else ("giá trị", "a value")
    if isinstance(u, mi.StrType):
        return "chuỗi ký tự", "a string"
    if isinstance(u, mi.BoolType):
        return "true hoặc false", "true or false"
    if isinstance(u, mi.IntType):
        return "số nguyên", "an integer"
    if isinstance(u, mi.FloatType):
        return "số", "a number"
    if isinstance(u, mi.StructType | mi.DictType):
        return "bảng", "a table"
    if isinstance(u, mi.ListType):
        item = _unwrap(u.item_type)
        if isinstance(item, mi.StrType):
            return "danh sách chuỗi", "a list of strings"
        if isinstance(item, mi.StructType):
            return "danh sách bảng ([[...]])", "a list of tables ([[...]])"
        return "danh sách", "a list"
    return "giá trị", "a value"


def _value_at(tree: Any, steps: list[str | int]) -> Any:
    for step in steps:
        try:
            tree = tree[step]
        except (KeyError, IndexError, TypeError):
            return None
    return tree


def _complaint(core: str, model: type[msgspec.Struct], tree: Any,
               steps: list[str | int]) -> tuple[list[str | int], str, str]:
    """(steps of the key it is about, vi, en) for one msgspec sentence."""
    if m := re.fullmatch(r"Object contains unknown field `(.+)`", core):
        parent = _unwrap(_type_at(model, steps) or mi.AnyType())
        known = [f.name for f in parent.fields] if isinstance(parent, mi.StructType) else []
        hint = difflib.get_close_matches(m[1], known, n=1)
        return ([*steps, m[1]],
                f'khóa lạ "{m[1]}"' + (f' (có phải "{hint[0]}"?)' if hint else ""),
                f'unknown key "{m[1]}"' + (f' (did you mean "{hint[0]}"?)' if hint else ""))
    if m := re.fullmatch(r"Object missing required field `(.+)`", core):
        where = [*steps, m[1]]
        vi, en = _expected(_type_at(model, where))
        return where, f"thiếu khóa bắt buộc ({vi})", f"missing required key ({en})"
    value = _value_at(tree, steps)
    shown = _show(value)
    if re.fullmatch(r"Expected `.+?`, got `.+?`", core):
        vi, en = _expected(_type_at(model, steps))
        got_vi, got_en = _kind(value)
        return (steps, f"sai kiểu: cần {vi}, nhưng có {got_vi} {shown}".rstrip(),
                f"wrong type: expected {en}, got {got_en} {shown}".rstrip())
    if re.fullmatch(r"Expected `str` matching regex .*", core):
        return steps, "không được để trống", "must not be empty"
    if m := re.fullmatch(r"Expected `array` of length >= (\d+)", core):
        return steps, "danh sách không được rỗng", "the list must not be empty"
    if m := re.fullmatch(r"Expected `(?:int|float)` >= (\S+)", core):
        low = m[1].removesuffix(".0")
        return (steps, f"phải từ {low} trở lên, có {shown}", f"must be {low} or more, got {shown}")
    if m := re.fullmatch(r"Expected `(?:int|float)` > (\S+)", core):
        low = m[1].removesuffix(".0")
        return (steps, f"phải lớn hơn {low}, có {shown}",
                f"must be greater than {low}, got {shown}")
    return steps, f"giá trị không hợp lệ: {core}", f"invalid value: {core}"


def check_shape(tree: Any, model: type[msgspec.Struct], file: str) -> None:
    """Check a parsed file against ``model``; raise :class:`ConfigError` saying what is wrong."""
    try:
        msgspec.convert(tree, model)
    except msgspec.ValidationError as exc:
        text = str(exc)
        m = _AT.search(text)
        steps = _steps(m["path"]) if m else []
        core = text[:m.start()] if m else text
        where, vi, en = _complaint(core, model, tree, steps)
        raise ConfigError(file, _dotted(where), vi, en) from None
