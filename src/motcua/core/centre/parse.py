"""Reading helpers for :mod:`motcua.core.centre.load` and the parsers of its list-shaped sections.

:class:`ConfigError` (the one error type of configuration loading) and :class:`_Table`
(getters with defaults, and failures that name the file and dotted key) are used by every
section parser. The shape of each table (types, keys, ranges) is checked before, by the
models of :mod:`motcua.core.centre.schema`; these parsers check what a type cannot say. The sections read here are the fields with their procedures, the
counters, the opening hours and the rating scale; :mod:`motcua.core.centre.load` reads the rest
of the centre file and assembles the :class:`~motcua.core.centre.model.Centre`.
"""

from __future__ import annotations

import itertools
import json
import logging
import re
from collections.abc import Iterable, Mapping
from datetime import time
from typing import Any, Final, Literal, NoReturn, cast

from motcua.core.centre.model import (
    Counter,
    Document,
    Field,
    Procedure,
    RatingLevel,
    Session,
)
from motcua.core.text import nfc

# Named after the public module: the warnings are about the centre configuration and
# logging set-ups (and tests) filter on "motcua.core.centre.load".
log = logging.getLogger("motcua.core.centre.load")

WEEKDAYS: Final[dict[str, int]] = {
    "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7,
    "thu_hai": 1, "thu_ba": 2, "thu_tu": 3, "thu_nam": 4, "thu_sau": 5, "thu_bay": 6,
    "chu_nhat": 7,
}
"""Keys accepted under ``[hours]`` -> ISO weekday. ``centre_to_dict`` writes ``mon``..``sun``."""

# Unaccented letters of the Vietnamese alphabet: the voice can read them and LED boards,
# serial keypads and ASCII protocols can carry them (no F J W Z, no Đ Ă Â ...).
_CODE_LETTERS: Final = "ABCDEGHIKLMNOPQRSTUVXY"
_ID_RE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_SLUG_RE: Final = re.compile(r"[a-z][a-z0-9_]{0,31}")
_PREFIX_RE: Final = re.compile(f"[{_CODE_LETTERS}]{{1,2}}")
_SESSION_RE: Final = re.compile(r"\s*(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*")
_COLOUR_RE: Final = re.compile(r"#[0-9a-fA-F]{6}")
_KINDS: Final = ("nộp", "xuất trình")
_CONFIDENCE: Final = ("", "high", "medium", "low")
_MAX_CAP: Final = 999  # both number formats print three digits per field and day

_STR: Final = ("chuỗi ký tự", "a string")
_INT: Final = ("số nguyên", "an integer")


class ConfigError(ValueError):
    """A configuration problem, in words: ``file: key: vi / en``.

    ``file`` is the file as the caller named it, ``key`` the dotted path of the bad value
    (empty for whole-file problems), ``problem`` the Vietnamese and English text joined by
    `` / ``; ``problem_vi`` and ``problem_en`` hold each language alone and ``line`` the
    line of a TOML syntax error (else ``None``).
    """

    def __init__(
        self, file: str, key: str, problem_vi: str, problem_en: str, *, line: int | None = None
    ) -> None:
        self.file = file
        self.key = key
        self.problem_vi = problem_vi
        self.problem_en = problem_en
        self.problem = f"{problem_vi} / {problem_en}"
        self.line = line
        where = file if line is None else f"{file}:{line}"
        super().__init__(f"{where}: {key}: {self.problem}" if key else f"{where}: {self.problem}")


def _show(value: Any) -> str:
    """A short rendering of a value for messages (strings quoted, long ones cut)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return json.dumps(text, ensure_ascii=False)
    return repr(value) if isinstance(value, int | float) else ""


def _kind(value: Any) -> tuple[str, str]:
    """What a TOML value is, in words (for 'expected X, got Y')."""
    if isinstance(value, bool):
        return "giá trị đúng/sai", "a boolean"
    if value is None:
        return "null", "null"
    for types, words in (
        (int, ("số nguyên", "an integer")),
        (float, ("số thực", "a decimal number")),
        (str, ("chuỗi ký tự", "a string")),
        (list, ("danh sách", "a list")),
        (dict, ("bảng", "a table")),
    ):
        if isinstance(value, types):
            return words
    return "giá trị ngày giờ", "a date/time"


def _nfc_tree(value: Any) -> Any:
    """NFC every string (keys too) in a parsed TOML/JSON tree: NFD input is accepted."""
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, Mapping):
        return {nfc(str(k)): _nfc_tree(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_nfc_tree(v) for v in value]
    return value


class _Table:
    """One table of a centre file, its shape already checked by :mod:`.schema`: getters
    that apply defaults, and :meth:`fail` naming the file and dotted key of a problem.

    Types, unknown keys, required keys and number ranges are the models' job; what is
    left here are keys whose need depends on other keys (a printer's ``kiosk``, an
    officer's ``name`` outside snapshots) and the checks a type cannot make.
    """

    def __init__(self, data: Mapping[str, Any], file: str, path: str) -> None:
        self.data, self.file, self.path = data, file, path

    def key(self, name: str | int) -> str:
        if isinstance(name, int):
            return f"{self.path}[{name}]"
        return f"{self.path}.{name}" if self.path else name

    def fail(self, name: str | int | None, vi: str, en: str) -> NoReturn:
        raise ConfigError(self.file, self.path if name is None else self.key(name), vi, en)

    def wrong_type(self, name: str | int, value: Any, expected: tuple[str, str]) -> NoReturn:
        got_vi, got_en = _kind(value)
        shown = _show(value)
        self.fail(
            name,
            f"sai kiểu: cần {expected[0]}, nhưng có {got_vi} {shown}".rstrip(),
            f"wrong type: expected {expected[1]}, got {got_en} {shown}".rstrip(),
        )

    def _raw(self, name: str, required: bool, expected: tuple[str, str]) -> Any:
        value = self.data.get(name)
        if value is None and required:
            self.fail(
                name,
                f"thiếu khóa bắt buộc ({expected[0]})",
                f"missing required key ({expected[1]})",
            )
        return value

    def text(self, name: str, default: str | None = None) -> str:
        value = self._raw(name, default is None, _STR)
        if value is None:
            return cast(str, default)
        if default is None and not value.strip():
            self.fail(name, "không được để trống", "must not be empty")
        return cast(str, value)

    def integer(self, name: str, default: int | None = None) -> int:
        value = self._raw(name, default is None, _INT)
        return cast(int, default) if value is None else int(value)

    def number(self, name: str, default: float | None = None) -> float:
        value = self.data.get(name)
        return cast(float, default) if value is None else float(value)

    def flag(self, name: str, default: bool) -> bool:
        value = self.data.get(name)
        return default if value is None else bool(value)

    def texts(self, name: str) -> list[str]:
        return list(self.data.get(name) or [])

    def table(self, name: str) -> _Table:
        """A sub-table; a missing one reads as empty (all its keys take their defaults)."""
        return _Table(self.data.get(name) or {}, self.file, self.key(name))

    def tables(self, name: str) -> list[_Table]:
        """An array of tables (``[[name]]`` blocks or a list of inline tables)."""
        path = self.key(name)
        return [_Table(item, self.file, f"{path}[{i}]")
                for i, item in enumerate(self.data.get(name) or [], 1)]


def _check_unique(items: list[tuple[_Table, str, str]], what: tuple[str, str]) -> None:
    """Fail on the second (table, key, value) that repeats a value; empty values are skipped."""
    seen: dict[str, str] = {}
    for table, name, value in items:
        if value and value in seen:
            table.fail(
                name,
                f'{what[0]} "{value}" bị trùng (đã dùng ở {seen[value]})',
                f'duplicate {what[1]} "{value}" (already used at {seen[value]})',
            )
        seen[value] = table.key(name)


# ------------------------------------------------------------------ fields and procedures



def _doc_keys(t: _Table) -> None:
    """Read the documentation-only keys (kept in the file for whoever checks the list)."""
    confidence = t.text("confidence", "")
    if confidence not in _CONFIDENCE:
        t.fail("confidence", f"độ tin cậy {_show(confidence)} không hợp lệ (high, medium, low)",
               f"invalid confidence {_show(confidence)} (high, medium, low)")
    t.text("note_vi", "")
    t.text("note_en", "")


def _parse_procedure(t: _Table, code: str, position: int) -> Procedure:
    documents = []
    for d in t.tables("documents"):
        kind = d.text("kind")
        if kind not in _KINDS:
            d.fail("kind", f'loại giấy tờ {_show(kind)} không hợp lệ: "nộp" hoặc "xuất trình"',
                   f'invalid document kind {_show(kind)}: "nộp" (hand in) or "xuất trình" (show)')
        documents.append(Document(vi=d.text("vi"), en=d.text("en", ""),
                                  kind=cast(Literal["nộp", "xuất trình"], kind),
                                  short_vi=d.text("short_vi", "")))
    proc_id = t.text("id", f"{code}.{position}")
    if not _ID_RE.fullmatch(proc_id):
        t.fail("id", f"mã thủ tục {_show(proc_id)} không hợp lệ (chữ, số, . _ -)",
               f"invalid procedure id {_show(proc_id)} (letters, digits, . _ -)")
    _doc_keys(t)
    return Procedure(
        id=proc_id, vi=t.text("vi"), en=t.text("en", ""),
        time_limit_vi=t.text("time_limit_vi", ""), time_limit_en=t.text("time_limit_en", ""),
        legal_basis=t.text("legal_basis", ""), documents=tuple(documents),
        fees_vi=t.text("fees_vi", ""), level=t.text("level", ""),
    )


def _parse_field(t: _Table) -> Field:
    code = t.text("code")
    if len(code) != 1 or code not in _CODE_LETTERS:
        t.fail("code",
               f"mã lĩnh vực {_show(code)} không hợp lệ: cần một chữ cái in hoa không dấu của "
               f"bảng chữ cái tiếng Việt ({' '.join(_CODE_LETTERS)})",
               f"invalid field code {_show(code)}: expected one upper-case letter of the "
               "Vietnamese alphabet without diacritics (not F, J, W, Z)")
    if code in "IO":
        log.warning("field code %s looks like a digit on LED boards (1/0); consider another", code)
    prefix = t.text("prefix", code)
    if not _PREFIX_RE.fullmatch(prefix):
        t.fail("prefix",
               f"tiền tố {_show(prefix)} không hợp lệ: 1–2 chữ cái in hoa không dấu "
               "(không F J W Z)",
               f"invalid prefix {_show(prefix)}: 1-2 upper-case letters without diacritics "
               "(not F, J, W, Z)")
    daily_cap = t.integer("daily_cap")
    if daily_cap > _MAX_CAP:
        t.fail("daily_cap", f"tối đa {_MAX_CAP} số mỗi ngày (số in 3 chữ số), có {daily_cap}",
               f"at most {_MAX_CAP} tickets a day (numbers have 3 digits), got {daily_cap}")
    procedures = tuple(
        _parse_procedure(p, code, i)
        for i, p in enumerate(t.tables("procedures"), 1)
    )
    _doc_keys(t)
    return Field(code=code, vi=t.text("vi"), en=t.text("en", ""), prefix=prefix,
                 daily_cap=daily_cap, service_minutes=t.number("service_minutes"),
                 procedures=procedures)


def _parse_fields(root: _Table) -> tuple[Field, ...]:
    tables = root.tables("fields")
    fields = [_parse_field(t) for t in tables]
    _check_unique([(t, "code", f.code) for t, f in zip(tables, fields, strict=True)],
                  ("mã lĩnh vực", "field code"))
    _check_unique([(t, "prefix", f.prefix) for t, f in zip(tables, fields, strict=True)],
                  ("tiền tố", "prefix"))
    procs = [(p, proc) for t, f in zip(tables, fields, strict=True)
             for p, proc in zip(t.tables("procedures"),
                                f.procedures, strict=True)]
    _check_unique([(p, "id", proc.id) for p, proc in procs], ("mã thủ tục", "procedure id"))
    return tuple(fields)


# ------------------------------------------------------- counters, hours and rating scale

def _parse_counters(root: _Table, fields: tuple[Field, ...]) -> tuple[Counter, ...]:
    tables = root.tables("counters")
    codes = [f.code for f in fields]
    counters = []
    for t in tables:
        number = t.integer("number")
        served = t.texts("fields")
        for i, code in enumerate(served, 1):
            sub = _Table({}, t.file, t.key("fields"))
            if code not in codes:
                sub.fail(i, f'mã lĩnh vực "{code}" không tồn tại (đã có: {", ".join(codes)})',
                         f'unknown field code "{code}" (known: {", ".join(codes)})')
            if code in served[: i - 1]:
                sub.fail(i, f'lĩnh vực "{code}" được ghi hai lần', f'field "{code}" listed twice')
        counters.append(Counter(number=number, vi=t.text("vi", f"Quầy số {number}"),
                                en=t.text("en", f"Counter {number}"), fields=tuple(served),
                                priority=t.flag("priority", False)))
    _check_unique([(t, "number", str(c.number)) for t, c in zip(tables, counters, strict=True)],
                  ("số quầy", "counter number"))
    for f in fields:
        if not any(f.code in c.fields for c in counters):
            root.fail("counters", f'không quầy nào phục vụ lĩnh vực "{f.code}" ({f.vi})',
                      f'no counter serves field "{f.code}" ({f.en or f.vi})')
    return tuple(counters)


def _parse_time(t: _Table, index: int, hour: str, minute: str, text: str) -> time:
    h, m = int(hour), int(minute)
    if h > 23 or m > 59:
        t.fail(index, f'giờ không hợp lệ trong {_show(text)} (00:00–23:59)',
               f'invalid time in {_show(text)} (00:00-23:59)')
    return time(h, m)


def parse_sessions(day_t: _Table, value: list[Any]) -> tuple[Session, ...]:
    """A list of ``"HH:MM-HH:MM"`` texts (one day's sessions), sorted, checked for overlap."""
    sessions = []
    for i, text in enumerate(value, 1):
        m = _SESSION_RE.fullmatch(text)
        if not m:
            day_t.fail(i, f'buổi {_show(text)} không đúng dạng "HH:MM-HH:MM" '
                       '(vd "07:30-11:30")',
                       f'session {_show(text)} is not "HH:MM-HH:MM" (e.g. "07:30-11:30")')
        start = _parse_time(day_t, i, m[1], m[2], text)
        end = _parse_time(day_t, i, m[3], m[4], text)
        if start >= end:
            day_t.fail(i, f"giờ bắt đầu phải trước giờ kết thúc: {_show(text)}",
                       f"start must be before end: {_show(text)}")
        sessions.append((start, end, i))
    sessions.sort()
    for (_, end, _i), (start, _, j) in itertools.pairwise(sessions):
        if start < end:
            day_t.fail(j, "các buổi trong ngày chồng lên nhau", "sessions of the day overlap")
    return tuple(Session(s, e) for s, e, _ in sessions)


def _parse_hours(root: _Table) -> dict[int, tuple[Session, ...]]:
    hours_table = root.table("hours")
    hours: dict[int, tuple[Session, ...]] = {}
    seen: dict[int, str] = {}
    for day in hours_table.data:
        iso = WEEKDAYS[day]
        if iso in seen:
            hours_table.fail(day, f'ngày bị khai hai lần (cùng "{seen[iso]}")',
                             f'day given twice (same as "{seen[iso]}")')
        seen[iso] = day
        value = hours_table.data[day]
        hours[iso] = parse_sessions(_Table({}, root.file, hours_table.key(day)), value)
    if not any(hours.values()):
        root.fail("hours", "trung tâm không mở cửa ngày nào", "the centre is never open")
    return dict(sorted(hours.items()))


def _parse_rating_scale(root: _Table) -> tuple[RatingLevel, ...]:
    tables = root.tables("rating_scale")
    if not 2 <= len(tables) <= 5:
        root.fail("rating_scale", f"thang đánh giá cần 2–5 mức, có {len(tables)}",
                  f"the rating scale needs 2-5 levels, got {len(tables)}")
    levels = []
    for i, t in enumerate(tables):
        colour = t.text("colour")
        if not _COLOUR_RE.fullmatch(colour):
            t.fail("colour", f'màu {_show(colour)} không đúng dạng "#rrggbb"',
                   f'colour {_show(colour)} is not "#rrggbb"')
        key = t.text("key", "")
        if key and not (len(key) == 1 and key.isascii() and key.isprintable() and key != " "):
            t.fail("key", f"phím {_show(key)} phải là một ký tự ASCII in được",
                   f"key {_show(key)} must be one printable ASCII character")
        levels.append(RatingLevel(value=t.integer("value", len(tables) - i), vi=t.text("vi"),
                                  en=t.text("en", ""), colour=colour.lower(),
                                  satisfied=t.flag("satisfied", False), key=key))
    pairs = list(zip(tables, levels, strict=True))
    _check_unique([(t, "value", str(lv.value)) for t, lv in pairs], ("giá trị", "value"))
    _check_unique([(t, "key", lv.key) for t, lv in pairs], ("phím", "key"))
    for (_, above), (t, below) in itertools.pairwise(pairs):
        if below.value > above.value:
            t.fail("value", "các mức phải xếp từ hài lòng nhất xuống (giá trị giảm dần)",
                   "levels must be listed most satisfied first (values decreasing)")
        if below.satisfied and not above.satisfied:
            t.fail("satisfied", "mức hài lòng không được nằm dưới mức không hài lòng",
                   "a satisfied level cannot sit below a not-satisfied one")
    return tuple(levels)


def _list(items: Iterable[object]) -> str:
    return ", ".join(str(i) for i in items) or "-"
