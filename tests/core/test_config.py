"""The centre configuration: the sample loads, and every bad input gets a clear error."""

from __future__ import annotations

import copy
import json
import shutil
import tomllib
import unicodedata
from collections.abc import Callable
from datetime import time
from pathlib import Path
from typing import Any

import pytest
import zmq

from motcua.core.centre.load import (
    WEEKDAYS,
    ConfigError,
    centre_from_dict,
    centre_to_dict,
    load_centre,
    parse_centre,
)
from motcua.core.centre.model import Centre, Session

CONFIG = Path(__file__).resolve().parents[2] / "config"
with (CONFIG / "centre.toml").open("rb") as _fh:
    CENTRE_DATA = tomllib.load(_fh)
with (CONFIG / "fields.toml").open("rb") as _fh:
    FIELDS_DATA = tomllib.load(_fh)

Data = dict[str, Any]


def _parse(centre: Data, fields: Data | None) -> Centre:
    return parse_centre(centre, source="centre.toml", fields_data=fields,
                        fields_source="fields.toml")


@pytest.fixture(scope="module")
def sample() -> Centre:
    return load_centre(CONFIG / "centre.toml")


# ------------------------------------------------------------------ the sample centre

def test_sample_identity_and_texts(sample: Centre) -> None:
    assert sample.id == "79-26734"
    assert sample.name_vi == "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"
    assert sample.place_vi == "PHƯỜNG BẾN THÀNH"
    assert sample.slogan_vi == "Hành chính phục vụ"
    assert sample.timezone == "Asia/Ho_Chi_Minh"
    assert sample.number_format == "prefix3"
    assert sample.notice_vi.startswith("Trung tâm tiếp nhận hồ sơ")
    assert sample.kiosk_idle_seconds == 20.0
    assert sample.rating_window_seconds == 30.0


def test_sample_fields_procedures_documents(sample: Centre) -> None:
    assert [f.code for f in sample.fields] == list("ABCDEGHKLMN")
    assert all(f.prefix == f.code for f in sample.fields)
    caps = {f.code: f.daily_cap for f in sample.fields if f.daily_cap != 200}
    assert caps == {"C": 150, "E": 150}
    assert all(5 <= f.service_minutes <= 20 for f in sample.fields)
    civil = sample.field_by_code("A")
    assert civil is not None and civil.vi == "Tư pháp – Hộ tịch"
    birth = civil.procedures[0]
    assert (birth.id, birth.vi, birth.en) == ("A.1", "Đăng ký khai sinh", "Birth registration")
    assert birth.time_limit_vi.startswith("Giải quyết ngay trong ngày")
    assert "Luật Hộ tịch 2014" in birth.legal_basis
    assert [d.kind for d in birth.documents] == ["nộp", "nộp", "nộp", "xuất trình"]
    assert [p.id for p in civil.procedures] == ["A.1", "A.2", "A.3"]
    assert sum(len(f.procedures) for f in sample.fields) == 23
    assert all(p.documents for f in sample.fields for p in f.procedures)


def test_sample_counters_priority_and_devices(sample: Centre) -> None:
    assert [c.number for c in sample.counters] == [1, 2, 3, 4, 5, 6]
    priority = [c for c in sample.counters if c.priority]
    assert [c.number for c in priority] == [6]
    assert set(priority[0].fields) == {f.code for f in sample.fields}
    served = {code for c in sample.counters if not c.priority for code in c.fields}
    assert served == {f.code for f in sample.fields}
    assert [p.code for p in sample.priority_categories] == [
        "elderly", "pregnant", "disability", "merit"]
    assert sample.priority_categories[3].vi == "Người có công với cách mạng"
    assert [o.id for o in sample.officers] == [f"cb0{i}" for i in range(1, 9)]
    printer = sample.device_by_id("printer-1")
    assert printer is not None and (printer.role, printer.kiosk) == ("printer", "kiosk-1")
    rating = sample.device_by_id("rating-6")
    assert rating is not None and (rating.role, rating.counter) == ("rating", 6)
    assert all(d.public_key == "" for d in sample.devices)
    assert len(sample.devices) == 18  # with the citizen service


def test_sample_hours_rating_policy_voice(sample: Centre) -> None:
    day = (Session(time(7, 30), time(11, 30)), Session(time(13, 30), time(17, 0)))
    assert all(sample.hours[d] == day for d in range(1, 6))
    assert sample.hours[6] == (Session(time(7, 30), time(11, 30)),)
    assert sample.hours.get(7, ()) == ()
    scale = [(r.value, r.vi, r.colour, r.satisfied, r.key) for r in sample.rating_scale]
    assert scale == [
        (4, "Rất hài lòng", "#1b873f", True, "1"),
        (3, "Hài lòng", "#4caf50", True, "2"),
        (2, "Bình thường", "#f2a900", False, "3"),
        (1, "Không hài lòng", "#d32f2f", False, "4"),
    ]
    assert (sample.policy.name, sample.policy.interleave_normal) == ("strict", 3)
    assert sample.policy.ageing_bonus_minutes == 15.0
    assert sample.announcement.template_vi == (
        "Mời công dân có số thứ tự {number} đến quầy số {counter}")
    assert sample.announcement.repeats == 2


def test_sample_text_is_nfc(sample: Centre) -> None:
    blob = json.dumps(centre_to_dict(sample, include_staff=True), ensure_ascii=False)
    assert unicodedata.is_normalized("NFC", blob)


# ------------------------------------------------------------------ every validation

Mutation = Callable[[Data, Data], object]


def _set(path: str, value: object) -> Mutation:
    """A mutation that sets ``c.x.y`` / ``f.fields.0.code`` (``c`` centre, ``f`` fields)."""

    def apply(c: Data, f: Data) -> None:
        target: Any = c if path.startswith("c.") else f
        parts = path.split(".")[1:]
        for part in parts[:-1]:
            target = target[int(part)] if part.isdigit() else target[part]
        last = parts[-1]
        if value is _DELETE:
            del target[last]
        elif last.isdigit():
            target[int(last)] = value
        else:
            target[last] = value

    return apply


_DELETE = object()


def _drop_n(c: Data, f: Data) -> None:
    for counter in c["counters"]:
        counter["fields"] = [code for code in counter["fields"] if code != "N"]


CASES: list[tuple[str, Mutation, str, str, str, str]] = [
    # id, mutation, file, key, Vietnamese fragment, English fragment
    ("missing id", _set("c.id", _DELETE), "centre.toml", "id",
     "thiếu khóa bắt buộc (chuỗi ký tự)", "missing required key (a string)"),
    ("missing field name", _set("f.fields.0.vi", _DELETE), "fields.toml", "fields[1].vi",
     "thiếu khóa bắt buộc", "missing required key"),
    ("empty name", _set("c.name_vi", "  "), "centre.toml", "name_vi",
     "không được để trống", "must not be empty"),
    ("int as string", _set("c.counters.1.number", "2"), "centre.toml", "counters[2].number",
     'cần số nguyên, nhưng có chuỗi ký tự "2"', 'expected an integer, got a string "2"'),
    ("bool as number", _set("c.rating_window_seconds", True), "centre.toml",
     "rating_window_seconds", "cần số", "expected a number, got a boolean true"),
    ("string as list", _set("c.counters.0.fields", "A"), "centre.toml", "counters[1].fields",
     "cần danh sách chuỗi", "expected a list of strings"),
    ("table as string", _set("c.policy", "strict"), "centre.toml", "policy",
     "cần bảng", "expected a table"),
    ("typo at top", _set("c.nmae_vi", "x"), "centre.toml", "nmae_vi",
     'khóa lạ "nmae_vi" (có phải "name_vi"?)', 'unknown key "nmae_vi" (did you mean "name_vi"?)'),
    ("typo in field", _set("f.fields.2.daly_cap", 100), "fields.toml", "fields[3].daly_cap",
     "khóa lạ", 'unknown key "daly_cap" (did you mean "daily_cap"?)'),
    ("typo in device", _set("c.devices.3.counterr", 1), "centre.toml", "devices[4].counterr",
     "khóa lạ", 'did you mean "counter"?'),
    ("code F", _set("f.fields.0.code", "F"), "fields.toml", "fields[1].code",
     'mã lĩnh vực "F" không hợp lệ', 'invalid field code "F"'),
    ("code lower", _set("f.fields.0.code", "a"), "fields.toml", "fields[1].code",
     "chữ cái in hoa", "upper-case letter"),
    ("code two letters", _set("f.fields.0.code", "AB"), "fields.toml", "fields[1].code",
     "không hợp lệ", "invalid field code"),
    ("code with diacritic", _set("f.fields.0.code", "Đ"), "fields.toml", "fields[1].code",
     "không dấu", "without diacritics"),
    ("duplicate code", _set("f.fields.1.code", "A"), "fields.toml", "fields[2].code",
     'mã lĩnh vực "A" bị trùng (đã dùng ở fields[1].code)',
     'duplicate field code "A" (already used at fields[1].code)'),
    ("duplicate prefix", _set("f.fields.1.prefix", "A"), "fields.toml", "fields[2].prefix",
     'tiền tố "A" bị trùng', 'duplicate prefix "A"'),
    ("bad prefix", _set("f.fields.1.prefix", "W"), "fields.toml", "fields[2].prefix",
     "tiền tố", 'invalid prefix "W"'),
    ("duplicate procedure id", _set("f.fields.1.procedures.0.id", "A.1"), "fields.toml",
     "fields[2].procedures[1].id", 'mã thủ tục "A.1" bị trùng', 'duplicate procedure id "A.1"'),
    ("document kind", _set("f.fields.0.procedures.0.documents.1.kind", "nop"), "fields.toml",
     "fields[1].procedures[1].documents[2].kind", "loại giấy tờ", "invalid document kind"),
    ("unknown code on counter", _set("c.counters.1.fields.0", "Q"), "centre.toml",
     "counters[2].fields[1]", 'mã lĩnh vực "Q" không tồn tại (đã có: A, B, C',
     'unknown field code "Q" (known: A, B, C, D, E, G, H, K, L, M, N)'),
    ("code twice on counter", _set("c.counters.0.fields", ["A", "A"]), "centre.toml",
     "counters[1].fields[2]", "ghi hai lần", 'field "A" listed twice'),
    ("duplicate counter", _set("c.counters.1.number", 1), "centre.toml", "counters[2].number",
     'số quầy "1" bị trùng', 'duplicate counter number "1"'),
    ("counter zero", _set("c.counters.0.number", 0), "centre.toml", "counters[1].number",
     "phải từ 1 trở lên", "must be 1 or more, got 0"),
    ("no counters", _set("c.counters", []), "centre.toml", "counters",
     "không được rỗng", "must not be empty"),
    ("field not served", _drop_n, "centre.toml", "counters",
     'không quầy nào phục vụ lĩnh vực "N"', 'no counter serves field "N"'),
    ("time format", _set("c.hours.mon", ["7h30-11:30"]), "centre.toml", "hours.mon[1]",
     'không đúng dạng "HH:MM-HH:MM"', 'is not "HH:MM-HH:MM"'),
    ("time out of range", _set("c.hours.tue", ["07:30-11:30", "13:30-24:30"]), "centre.toml",
     "hours.tue[2]", "giờ không hợp lệ", "invalid time"),
    ("start after end", _set("c.hours.wed", ["11:30-07:30"]), "centre.toml", "hours.wed[1]",
     "giờ bắt đầu phải trước giờ kết thúc", "start must be before end"),
    ("start equals end", _set("c.hours.wed", ["11:30-11:30"]), "centre.toml", "hours.wed[1]",
     "trước giờ kết thúc", "start must be before end"),
    ("overlap", _set("c.hours.mon", ["13:30-17:00", "07:30-14:00"]), "centre.toml",
     "hours.mon[1]", "chồng lên nhau", "sessions of the day overlap"),
    ("weekday name", _set("c.hours.monday", ["07:30-11:30"]), "centre.toml", "hours.monday",
     "khóa lạ", 'unknown key "monday" (did you mean "mon"?)'),
    ("weekday twice", _set("c.hours.thu_hai", ["07:30-11:30"]), "centre.toml",
     "hours.thu_hai", "ngày bị khai hai lần", 'day given twice (same as "mon")'),
    ("hours not a list", _set("c.hours.fri", "07:30-11:30"), "centre.toml", "hours.fri",
     "sai kiểu", 'expected a list of "HH:MM-HH:MM" sessions'),
    ("never open", _set("c.hours", {"sun": []}), "centre.toml", "hours",
     "không mở cửa ngày nào", "never open"),
    ("missing hours", _set("c.hours", _DELETE), "centre.toml", "hours",
     "thiếu khóa bắt buộc", "missing required key"),
    ("one level", lambda c, f: c["rating_scale"].__delitem__(slice(1, None)), "centre.toml",
     "rating_scale", "cần 2–5 mức, có 1", "needs 2-5 levels, got 1"),
    ("six levels", lambda c, f: c["rating_scale"].extend(copy.deepcopy(c["rating_scale"][:2])),
     "centre.toml", "rating_scale", "có 6", "got 6"),
    ("duplicate value", _set("c.rating_scale.1.value", 4), "centre.toml",
     "rating_scale[2].value", 'giá trị "4" bị trùng', 'duplicate value "4"'),
    ("duplicate key", _set("c.rating_scale.2.key", "1"), "centre.toml", "rating_scale[3].key",
     'phím "1" bị trùng', 'duplicate key "1"'),
    ("long key", _set("c.rating_scale.2.key", "31"), "centre.toml", "rating_scale[3].key",
     "một ký tự ASCII", "one printable ASCII character"),
    ("bad colour", _set("c.rating_scale.0.colour", "green"), "centre.toml",
     "rating_scale[1].colour", 'màu "green" không đúng dạng "#rrggbb"', 'is not "#rrggbb"'),
    ("short colour", _set("c.rating_scale.0.colour", "#1b873"), "centre.toml",
     "rating_scale[1].colour", "#rrggbb", "#rrggbb"),
    ("levels order", _set("c.rating_scale.3.value", 9), "centre.toml", "rating_scale[4].value",
     "giảm dần", "most satisfied first"),
    ("satisfied below", _set("c.rating_scale.3.satisfied", True), "centre.toml",
     "rating_scale[4].satisfied", "không được nằm dưới", "cannot sit below"),
    ("template lacks counter", _set("c.announcement.template_vi", "Mời số {number}"),
     "centre.toml", "announcement.template_vi", "mẫu câu thiếu {counter}",
     "the template lacks {counter}"),
    ("template lacks number", _set("c.announcement.template_vi", "Mời đến quầy {counter}"),
     "centre.toml", "announcement.template_vi", "thiếu {number}", "lacks {number}"),
    ("template extra", _set("c.announcement.template_vi", "{name} {number} {counter}"),
     "centre.toml", "announcement.template_vi", 'chỗ trống lạ "{name}"',
     'unknown placeholder "{name}"'),
    ("template spec", _set("c.announcement.template_vi", "{number:03} {counter}"),
     "centre.toml", "announcement.template_vi", "chỗ trống lạ", "unknown placeholder"),
    ("template braces", _set("c.announcement.template_vi", "{number} {counter"),
     "centre.toml", "announcement.template_vi", "không khớp", "unbalanced { } braces"),
    ("repeats", _set("c.announcement.repeats", 0), "centre.toml", "announcement.repeats",
     "phải từ 1", "must be 1 or more"),
    ("policy", _set("c.policy.name", "fifo"), "centre.toml", "policy.name",
     'cách gọi "fifo" không tồn tại', 'unknown policy "fifo" (strict, interleave, ageing)'),
    ("interleave zero", _set("c.policy.interleave_normal", 0), "centre.toml",
     "policy.interleave_normal", "phải từ 1", "must be 1 or more"),
    ("ageing negative", _set("c.policy.ageing_bonus_minutes", -1), "centre.toml",
     "policy.ageing_bonus_minutes", "từ 0 trở lên", "must be 0 or more"),
    ("cap zero", _set("f.fields.0.daily_cap", 0), "fields.toml", "fields[1].daily_cap",
     "phải từ 1 trở lên", "must be 1 or more, got 0"),
    ("cap too big", _set("f.fields.0.daily_cap", 1000), "fields.toml", "fields[1].daily_cap",
     "tối đa 999", "at most 999 tickets a day"),
    ("service zero", _set("f.fields.0.service_minutes", 0), "fields.toml",
     "fields[1].service_minutes", "lớn hơn 0", "must be greater than 0"),
    ("idle zero", _set("c.kiosk_idle_seconds", 0), "centre.toml", "kiosk_idle_seconds",
     "lớn hơn 0", "greater than 0"),
    ("role", _set("c.devices.2.role", "tv"), "centre.toml", "devices[3].role",
     'vai trò "tv" không tồn tại', 'unknown role "tv" (known: kiosk, printer, display'),
    ("counter device unknown counter", _set("c.devices.4.counter", 9), "centre.toml",
     "devices[5].counter", "quầy số 9 không tồn tại", "counter 9 does not exist (known: 1, 2"),
    ("rating device no counter", _set("c.devices.10.counter", _DELETE), "centre.toml",
     "devices[11].counter", "thiếu khóa bắt buộc", "missing required key (an integer)"),
    ("display with counter", _set("c.devices.2.counter", 1), "centre.toml",
     "devices[3].counter", "không gắn với quầy", "does not belong to a counter"),
    ("printer unknown kiosk", _set("c.devices.1.kiosk", "kiosk-9"), "centre.toml",
     "devices[2].kiosk", 'ki-ốt hoặc máy quầy "kiosk-9" không tồn tại',
     'kiosk or counter device "kiosk-9" does not exist'),
    ("printer names a display", _set("c.devices.1.kiosk", "display-hall"), "centre.toml",
     "devices[2].kiosk", "không tồn tại (có: kiosk-1, counter-1", "(known: kiosk-1, counter-1"),
    ("kiosk on non-printer", _set("c.devices.2.kiosk", "kiosk-1"), "centre.toml",
     "devices[3].kiosk", "chỉ máy in", "only a printer names a kiosk"),
    ("duplicate device", _set("c.devices.5.id", "counter-1"), "centre.toml", "devices[6].id",
     'mã thiết bị "counter-1" bị trùng', 'duplicate device id "counter-1"'),
    ("short key", _set("c.devices.0.public_key", "abc"), "centre.toml",
     "devices[1].public_key", "40 ký tự Z85", "must be 40 Z85 characters"),
    ("non-Z85 key", _set("c.devices.0.public_key", "~" * 40), "centre.toml",
     "devices[1].public_key", "Z85", "Z85"),
    ("Z85 overflow", _set("c.devices.0.public_key", "#" * 40), "centre.toml",
     "devices[1].public_key", "Z85", "Z85"),
    ("timezone", _set("c.timezone", "Asia/Hanoi"), "centre.toml", "timezone",
     'múi giờ "Asia/Hanoi" không tồn tại', 'unknown time zone "Asia/Hanoi"'),
    ("timezone path", _set("c.timezone", "../etc/passwd"), "centre.toml", "timezone",
     "không tồn tại", "unknown time zone"),
    ("number format", _set("c.number_format", "prefix4"), "centre.toml", "number_format",
     'kiểu số "prefix4" không tồn tại', 'unknown number format "prefix4"'),
    ("digits4 with 11 fields", _set("c.number_format", "digits4"), "centre.toml",
     "number_format", "tối đa 9 lĩnh vực", "at most 9 fields"),
    ("priority code", _set("c.priority_categories.0.code", "Người già"), "centre.toml",
     "priority_categories[1].code", "mã nhóm", "invalid category code"),
    ("priority duplicate", _set("c.priority_categories.1.code", "elderly"), "centre.toml",
     "priority_categories[2].code", "bị trùng", 'duplicate priority category code "elderly"'),
    ("officer duplicate", _set("c.officers.1.id", "cb01"), "centre.toml", "officers[2].id",
     "bị trùng", 'duplicate officer id "cb01"'),
    ("officer without name", _set("c.officers.0.name", _DELETE), "centre.toml",
     "officers[1].name", "thiếu khóa bắt buộc", "missing required key"),
    ("extra not text", _set("c.extra", {"hotline": 1900}), "centre.toml", "extra.hotline",
     "cần chuỗi ký tự", "expected a string, got an integer 1900"),
    ("fields twice", _set("c.fields", []), "centre.toml", "fields",
     "khai hai nơi", "fields given twice"),
    ("schema", _set("f.meta.schema", 2), "fields.toml", "meta.schema",
     "không được hỗ trợ", "unsupported schema version"),
]


@pytest.mark.parametrize(
    ("mutate", "file", "key", "vi", "en"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_validation_error(mutate: Mutation, file: str, key: str, vi: str, en: str) -> None:
    centre, fields = copy.deepcopy(CENTRE_DATA), copy.deepcopy(FIELDS_DATA)
    mutate(centre, fields)
    with pytest.raises(ConfigError) as info:
        _parse(centre, fields)
    err = info.value
    assert (err.file, err.key) == (file, key), str(err)
    assert vi in err.problem_vi, str(err)
    assert en in err.problem_en, str(err)
    assert err.problem == f"{err.problem_vi} / {err.problem_en}"
    assert str(err) == f"{file}: {key}: {err.problem}"
    assert isinstance(err, ValueError)


def test_error_message_in_words() -> None:
    centre = copy.deepcopy(CENTRE_DATA)
    centre["counters"][1]["fields"][1] = "Q"
    with pytest.raises(ConfigError) as info:
        parse_centre(centre, source="config/centre.toml", fields_data=FIELDS_DATA,
                     fields_source="config/fields.toml")
    known = "A, B, C, D, E, G, H, K, L, M, N"
    assert str(info.value) == (
        f'config/centre.toml: counters[2].fields[2]: mã lĩnh vực "Q" không tồn tại '
        f'(đã có: {known}) / unknown field code "Q" (known: {known})')


def test_valid_variants_accepted() -> None:
    """Vietnamese weekday names, a real CURVE key, explicit procedure ids, inline fields."""
    centre, fields = copy.deepcopy(CENTRE_DATA), copy.deepcopy(FIELDS_DATA)
    centre["hours"] = {"thu_hai": ["07:30-11:30"], "chu_nhat": ["08:00 – 10:00"]}
    public, _secret = zmq.curve_keypair()
    centre["devices"][0]["public_key"] = public.decode()
    fields["fields"][0]["procedures"][0]["id"] = "1.004227"
    centre["fields"] = fields["fields"]
    del centre["fields_file"]
    c = _parse(centre, None)
    assert c.hours == {1: (Session(time(7, 30), time(11, 30)),),
                       7: (Session(time(8, 0), time(10, 0)),)}
    assert c.devices[0].public_key == public.decode()
    assert [p.id for p in c.fields[0].procedures] == ["1.004227", "A.2", "A.3"]
    assert set(WEEKDAYS.values()) == set(range(1, 8))


def test_parse_without_fields_file_read() -> None:
    with pytest.raises(ConfigError) as info:
        _parse(copy.deepcopy(CENTRE_DATA), None)
    assert info.value.key == "fields_file"
    assert "use load_centre" in info.value.problem_en


def _nfd(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFD", value)
    if isinstance(value, dict):
        return {_nfd(k): _nfd(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_nfd(v) for v in value]
    return value


def test_nfd_input_is_normalised(sample: Centre) -> None:
    centre, fields = _nfd(CENTRE_DATA), _nfd(FIELDS_DATA)
    assert centre["place_vi"] != sample.place_vi  # really decomposed
    parsed = _parse(centre, fields)
    assert parsed == sample
    assert parsed.fields[0].vi == "Tư pháp – Hộ tịch"
    assert unicodedata.is_normalized("NFC", parsed.fields[0].procedures[0].documents[0].vi)


def test_nfd_file_on_disk(tmp_path: Path, sample: Centre) -> None:
    for name in ("centre.toml", "fields.toml"):
        text = (CONFIG / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(unicodedata.normalize("NFD", text), encoding="utf-8")
    assert load_centre(tmp_path / "centre.toml") == sample


# ------------------------------------------------------------------ snapshot round trip

def test_round_trip_with_staff(sample: Centre) -> None:
    snapshot = json.loads(json.dumps(centre_to_dict(sample, include_staff=True)))
    assert centre_from_dict(snapshot) == sample


def test_snapshot_omits_names_and_keys(sample: Centre) -> None:
    public, _secret = zmq.curve_keypair()
    devices = tuple(d if d.id != "kiosk-1" else type(d)(d.id, d.role, public_key=public.decode())
                    for d in sample.devices)
    keyed = type(sample)(**{**sample.__dict__, "devices": devices})
    snapshot = centre_to_dict(keyed)
    text = json.dumps(snapshot, ensure_ascii=False)
    assert all(o.name not in text for o in sample.officers)
    assert public.decode() not in text
    assert snapshot["officers"][0] == {"id": "cb01"}
    rebuilt = centre_from_dict(json.loads(text))
    assert [o.name for o in rebuilt.officers] == [""] * 8
    assert [o.id for o in rebuilt.officers] == [o.id for o in sample.officers]
    assert rebuilt.fields == sample.fields and rebuilt.hours == sample.hours
    assert rebuilt.device_by_id("kiosk-1") == sample.device_by_id("kiosk-1")
    full = centre_from_dict(centre_to_dict(keyed, include_staff=True, include_keys=True))
    assert full == keyed


def test_snapshot_is_validated() -> None:
    with pytest.raises(ConfigError) as info:
        centre_from_dict({"id": "x"})
    assert info.value.file == "<snapshot>"
    assert info.value.key == "fields"


# ------------------------------------------------------------------ files on disk

def test_toml_syntax_error_has_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "centre.toml"
    text = (CONFIG / "centre.toml").read_text(encoding="utf-8")
    lines = text.splitlines()
    lines[8] = 'place_vi = "PHƯỜNG BẾN THÀNH'  # unterminated string on line 9
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_centre(path)
    err = info.value
    assert (err.file, err.key, err.line) == (str(path), "", 9)
    assert err.problem_vi.startswith("lỗi cú pháp TOML ở dòng 9, cột")
    assert err.problem_en.startswith("TOML syntax error at line 9, column")
    assert str(err).startswith(f"{path}:9: lỗi cú pháp TOML")


def test_syntax_error_in_fields_file(tmp_path: Path) -> None:
    shutil.copy(CONFIG / "centre.toml", tmp_path / "centre.toml")
    (tmp_path / "fields.toml").write_text("[[fields]]\ncode = A\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_centre(tmp_path / "centre.toml")
    assert info.value.file == str(tmp_path / "fields.toml")
    assert info.value.line == 2


def test_duplicate_toml_key_is_a_syntax_error(tmp_path: Path) -> None:
    path = tmp_path / "centre.toml"
    path.write_text('id = "a"\nid = "b"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_centre(path)
    assert info.value.line == 2
    assert "Cannot overwrite a value" in info.value.problem_en


def test_missing_files_and_bad_encoding(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="không tìm thấy tệp / file not found"):
        load_centre(tmp_path / "nope.toml")
    shutil.copy(CONFIG / "centre.toml", tmp_path / "centre.toml")
    with pytest.raises(ConfigError) as info:
        load_centre(tmp_path / "centre.toml")  # fields.toml is not beside it
    assert info.value.file == str(tmp_path / "fields.toml")
    (tmp_path / "fields.toml").write_bytes("code = \"Đ\"\n".encode("cp1258"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_centre(tmp_path / "centre.toml")


def test_fields_file_resolved_beside_centre_file(tmp_path: Path, sample: Centre) -> None:
    (tmp_path / "site").mkdir()
    shutil.copy(CONFIG / "centre.toml", tmp_path / "site" / "centre.toml")
    shutil.copy(CONFIG / "fields.toml", tmp_path / "site" / "fields.toml")
    assert load_centre(str(tmp_path / "site" / "centre.toml")) == sample


def test_code_i_is_accepted_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    fields = copy.deepcopy(FIELDS_DATA)
    fields["fields"][10]["code"] = fields["fields"][10]["prefix"] = "I"
    centre = copy.deepcopy(CENTRE_DATA)
    for counter in centre["counters"]:
        counter["fields"] = ["I" if code == "N" else code for code in counter["fields"]]
    with caplog.at_level("WARNING", logger="motcua.core.centre.load"):
        assert _parse(centre, fields).fields[10].code == "I"
    assert "looks like a digit" in caplog.text


def test_inline_fields_file_on_disk(tmp_path: Path, sample: Centre) -> None:
    """A centre file may carry its fields inline instead of naming a fields file."""
    text = (CONFIG / "centre.toml").read_text(encoding="utf-8")
    text = text.replace('fields_file = "fields.toml"', 'fields_file = ""')
    fields = (CONFIG / "fields.toml").read_text(encoding="utf-8")
    fields = fields[fields.index("\n[[fields]]"):]
    (tmp_path / "centre.toml").write_text(text + "\n" + fields, encoding="utf-8")
    assert load_centre(tmp_path / "centre.toml") == sample
