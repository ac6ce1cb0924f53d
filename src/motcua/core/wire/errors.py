"""Protocol errors, and the words for a message that does not fit its model.

msgspec reports a validation failure in English with a JSON path (``Expected `int`,
got `str` - at `$.counter```). :func:`explain` turns that into a :class:`ProtocolError`
whose Vietnamese and English sentences name the key and the problem, so a device (or
the person reading its log) knows what to fix.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec

__all__ = ["ProtocolError", "explain", "key_path"]


class ProtocolError(ValueError):
    """A message that does not follow the protocol; carries a typed code and words."""

    def __init__(self, code: str, vi: str, en: str, **details: Any) -> None:
        super().__init__(f"{code}: {en}")
        self.code = code
        self.vi = vi
        self.en = en
        self.details = details

    def to_body(self) -> dict[str, Any]:
        return {"code": self.code, "message_vi": self.vi, "message_en": self.en,
                "details": dict(self.details)}


_AT = re.compile(r" - at `\$(?P<path>[^`]*)`$")
_TYPE_NAMES_VI = {"int": "số nguyên", "str": "chuỗi", "bool": "true/false", "null": "null",
                  "float": "số thực", "object": "đối tượng", "array": "mảng"}


def key_path(path: str) -> str:
    """``$.a.b[2].c`` (msgspec) -> ``a.b[2].c`` (the dotted key people write)."""
    return path[1:] if path.startswith(".") else path


def _vi_types(spec: str) -> str:
    return " hoặc ".join(_TYPE_NAMES_VI.get(t.strip(" `"), t.strip(" `"))
                         for t in spec.split("|"))


def _translate(core: str, key: str) -> tuple[str, str, str]:
    """One msgspec sentence (without its path) -> (vi, en, the key it is about)."""
    where_vi = f"khoá {key!r}" if key else "nội dung"
    where_en = f"key {key!r}" if key else "the body"
    if m := re.fullmatch(r"Object contains unknown field `(.+)`", core):
        full = f"{key}.{m[1]}" if key else m[1]
        return (f"Khoá không hợp lệ {full!r} (không có trong giao thức)",
                f"Unknown key {full!r} (not part of the protocol)", full)
    if m := re.fullmatch(r"Object missing required field `(.+)`", core):
        full = f"{key}.{m[1]}" if key else m[1]
        return f"Thiếu khoá bắt buộc {full!r}", f"Missing required key {full!r}", full
    if m := re.fullmatch(r"Expected `(.+?)`, got `(.+?)`", core):
        return (f"{where_vi.capitalize()} sai kiểu: cần {_vi_types(m[1])}, nhận {_vi_types(m[2])}",
                f"{where_en.capitalize()} has the wrong type: expected {m[1]}, got {m[2]}", key)
    if m := re.fullmatch(r"Expected `(.+?)` (>=|<=|>|<) (\S+)", core):
        op_vi = {">=": "≥", "<=": "≤", ">": ">", "<": "<"}[m[2]]
        return (f"{where_vi.capitalize()} phải {op_vi} {m[3]}",
                f"{where_en.capitalize()} must be {m[2]} {m[3]}", key)
    if m := re.fullmatch(r"Expected `(.+?)` of length (>=|<=) (\d+)", core):
        word_vi = "tối thiểu" if m[2] == ">=" else "tối đa"
        word_en = "at least" if m[2] == ">=" else "at most"
        return (f"{where_vi.capitalize()} dài {word_vi} {m[3]} ký tự",
                f"{where_en.capitalize()} must be {word_en} {m[3]} long", key)
    if re.fullmatch(r"Invalid RFC3339 encoded date", core):
        return (f"{where_vi.capitalize()} phải là ngày dạng YYYY-MM-DD",
                f"{where_en.capitalize()} must be a date written YYYY-MM-DD", key)
    if re.fullmatch(r"Invalid RFC3339 encoded datetime", core):
        return (f"{where_vi.capitalize()} phải là thời điểm ISO 8601",
                f"{where_en.capitalize()} must be an ISO 8601 time", key)
    if m := re.fullmatch(r"Invalid enum value (.+)", core):
        return (f"{where_vi.capitalize()} có giá trị không hợp lệ {m[1]}",
                f"{where_en.capitalize()} has an invalid value {m[1]}", key)
    return (f"{where_vi.capitalize()} không hợp lệ: {core}",
            f"{where_en.capitalize()} is invalid: {core}", key)


def explain(exc: msgspec.ValidationError, what: str, code: str = "bad_request", *,
            what_vi: str | None = None) -> ProtocolError:
    """Turn a validation failure of message ``what`` (e.g. ``"ticket.take"``) into words
    (``what_vi``: the message's name in Vietnamese, when it is not a command type).

    A check written in a model's ``__post_init__`` raises ``ValueError("vi / en")``; that
    text is split on `` / `` so both languages keep their own sentence, and the first
    quoted name in the English one is the key it is about.
    """
    text = str(exc)
    m = _AT.search(text)
    path = key_path(m["path"]) if m else ""
    core = text[:m.start()] if m else text
    if " / " in core:  # our own checks: "Vietnamese / English", naming the key first
        vi, en = core.split(" / ", 1)
        named = re.search(r"'([^']+)'", en)
        key = path or (named[1] if named else "")
    else:
        vi, en, key = _translate(core, path)
    return ProtocolError(code, f"{vi} trong {what_vi or what}", f"{en} in {what}",
                         **({"key": key} if key else {}))
