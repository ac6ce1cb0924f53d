"""What an officer records when a ticket is finished: an outcome and dossier numbers.

Decree 118/2025 gives each received dossier one dossier number in the provincial
system (Art. 17.3), built from the deciding agency's code, the date of receipt and that
day's sequence (Art. 28). Provincial systems write it like ``000.00.21.H56-251124-0001``
(agency code, ``yymmdd``, sequence); the default pattern below follows that shape and a
centre may set its own in ``[dossier]`` of centre.toml.

Pure and shared: the hub checks every ``counter.finish`` with :func:`check_finish`, and
the counter app runs the same check before sending, so the officer sees the message in
words at once, and the hub never trusts the device.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from motcua.core.text import nfc

__all__ = ["DEFAULT_OUTCOMES", "DEFAULT_PATTERN", "DossierError", "DossierRules", "Finish",
           "OutcomeCode", "check_finish", "check_number", "rules_from_dict", "rules_to_dict"]

DossierNeed = Literal["required", "optional", "none"]

DEFAULT_PATTERN = (r"^(?P<agency>[0-9A-Z]{1,12}(?:\.[0-9A-Z]{1,12}){0,5})"
                   r"-(?P<date>\d{6})-(?P<seq>\d{4,6})$")
DEFAULT_EXAMPLE = "000.00.21.H56-251124-0001"
MAX_REASON = 300


@dataclass(frozen=True)
class OutcomeCode:
    """One way a visit can end, as the officer picks it."""

    code: str
    vi: str
    en: str
    dossiers: DossierNeed = "none"
    """Whether dossier numbers are required, optional or not asked for."""
    reason: bool = False
    """A reason in words is required (e.g. refusal: Decree 118 asks for it in writing)."""
    keypad: bool = True
    """Offered on the counter keypad's reduced menu."""


DEFAULT_OUTCOMES: tuple[OutcomeCode, ...] = (
    OutcomeCode("received", "Tiếp nhận hồ sơ", "Dossier received", "required"),
    OutcomeCode("returned", "Trả kết quả", "Result returned", "required"),
    OutcomeCode("guidance", "Chỉ hướng dẫn", "Guidance only", "none"),
    OutcomeCode("incomplete", "Yêu cầu bổ sung hồ sơ", "Dossier incomplete, asked to complete",
                "optional"),
    OutcomeCode("refused", "Từ chối giải quyết", "Refused, with reason", "optional", reason=True,
                keypad=False),
    OutcomeCode("transferred", "Chuyển nơi khác giải quyết", "Sent to another agency", "none",
                keypad=False),
)


@dataclass(frozen=True)
class DossierRules:
    """A centre's ``[dossier]`` settings."""

    pattern: str = DEFAULT_PATTERN
    example: str = DEFAULT_EXAMPLE
    outcomes: tuple[OutcomeCode, ...] = DEFAULT_OUTCOMES
    outcome_required: bool = False
    """When true a ticket cannot be finished without an outcome (off: older keypads)."""
    max_dossiers: int = 10
    _compiled: Any = field(default=None, compare=False, repr=False)

    def regex(self) -> re.Pattern[str]:
        if self._compiled is None:
            object.__setattr__(self, "_compiled", re.compile(self.pattern))
        compiled: re.Pattern[str] = self._compiled
        return compiled

    def outcome(self, code: str) -> OutcomeCode | None:
        return next((o for o in self.outcomes if o.code == code), None)

    def keypad_outcomes(self) -> tuple[OutcomeCode, ...]:
        """The reduced set the keypad offers, in order (key 1 = the first): outcomes that
        need neither a typed reason nor a dossier number (a keypad cannot type them)."""
        return tuple(o for o in self.outcomes
                     if o.keypad and not o.reason and o.dossiers != "required")


class DossierError(ValueError):
    """A finish the rules do not accept, in words."""

    def __init__(self, code: str, vi: str, en: str) -> None:
        super().__init__(f"{vi} / {en}")
        self.code, self.vi, self.en = code, vi, en


@dataclass(frozen=True)
class Finish:
    """A checked finish: what goes into ``ticket.done``."""

    outcome: str | None
    dossiers: tuple[str, ...] = ()
    reason: str = ""

    def body(self) -> dict[str, Any]:
        return {"outcome": self.outcome, "dossiers": list(self.dossiers),
                "outcome_reason": self.reason}


def clean_number(text: str) -> str:
    """What a person typed or a scanner sent, tidied: NFC, no spaces, upper case.

    A USB scanner types the code followed by Enter, and some add a tab or a prefix
    space; none of that is part of the number.
    """
    return "".join(nfc(text).split()).upper()


def check_number(rules: DossierRules, text: str) -> str:
    """The cleaned dossier number, or DossierError saying what is wrong with it."""
    number = clean_number(text)
    if not number:
        raise DossierError("dossier_empty", "Chưa nhập mã số hồ sơ", "No dossier number given")
    if len(number) > 64:
        raise DossierError("dossier_malformed", "Mã số hồ sơ quá dài (tối đa 64 ký tự)",
                           "The dossier number is too long (64 characters at most)")
    m = rules.regex().match(number)
    if m is None:
        raise DossierError(
            "dossier_malformed",
            f"Mã số hồ sơ “{number}” không đúng mẫu. Mẫu: mã cơ quan - ngày tiếp nhận (năm "
            f"tháng ngày, 6 chữ số) - số thứ tự trong ngày, ví dụ {rules.example}",
            f"The dossier number “{number}” has the wrong shape. Expected: agency code - date "
            f"of receipt (yymmdd) - that day's sequence, e.g. {rules.example}")
    day = m.groupdict().get("date")
    if day is not None:
        try:
            date(2000 + int(day[:2]), int(day[2:4]), int(day[4:6]))
        except ValueError:
            raise DossierError(
                "dossier_bad_date",
                f"Ngày tiếp nhận “{day}” trong mã số hồ sơ không có thật (năm tháng ngày: yymmdd)",
                f"The receipt date “{day}” in the dossier number is not a real date (yymmdd)",
            ) from None
    return number


def check_finish(rules: DossierRules, outcome: Any, dossiers: Any = (),
                 reason: Any = "") -> Finish:
    """Check an officer's finish against the centre's rules (DossierError in words)."""
    if outcome in (None, ""):
        if rules.outcome_required:
            raise DossierError("outcome_required", "Hãy chọn kết quả xử lý trước khi kết thúc",
                               "Choose what happened before finishing")
        if dossiers:
            raise DossierError("outcome_required", "Mã số hồ sơ cần đi kèm kết quả xử lý",
                               "Dossier numbers need an outcome")
        return Finish(None)
    code = rules.outcome(str(outcome))
    if code is None:
        known = ", ".join(o.code for o in rules.outcomes)
        raise DossierError("unknown_outcome", f"Kết quả xử lý không có trong danh sách: {outcome}",
                           f"Unknown outcome {outcome!r} (known: {known})")
    if isinstance(dossiers, str) or not isinstance(dossiers, Iterable):
        raise DossierError("dossier_malformed", "Danh sách mã số hồ sơ không hợp lệ",
                           "Dossier numbers must be a list")
    numbers: list[str] = []
    for text in dossiers:
        if not isinstance(text, str):
            raise DossierError("dossier_malformed", "Mã số hồ sơ phải là chữ",
                               "A dossier number must be text")
        n = check_number(rules, text)
        if n in numbers:
            raise DossierError("dossier_duplicate", f"Mã số hồ sơ {n} đã nhập rồi",
                               f"Dossier number {n} is already in the list")
        numbers.append(n)
    if len(numbers) > rules.max_dossiers:
        raise DossierError("dossier_too_many", f"Tối đa {rules.max_dossiers} hồ sơ cho một số",
                           f"At most {rules.max_dossiers} dossiers per ticket")
    if code.dossiers == "required" and not numbers:
        raise DossierError("dossier_required", f"“{code.vi}” cần ít nhất một mã số hồ sơ",
                           f"“{code.en}” needs at least one dossier number")
    if code.dossiers == "none" and numbers:
        raise DossierError("dossier_not_expected", f"“{code.vi}” không ghi mã số hồ sơ",
                           f"“{code.en}” takes no dossier number")
    why = nfc(str(reason or "")).strip()
    if len(why) > MAX_REASON:
        raise DossierError("reason_too_long", f"Lý do dài quá {MAX_REASON} ký tự",
                           f"The reason is longer than {MAX_REASON} characters")
    if code.reason and not why:
        raise DossierError("reason_required", f"“{code.vi}” cần ghi lý do",
                           f"“{code.en}” needs a reason")
    return Finish(code.code, tuple(numbers), why)


def rules_to_dict(rules: DossierRules) -> dict[str, Any]:
    return {"pattern": rules.pattern, "example": rules.example,
            "outcome_required": rules.outcome_required, "max_dossiers": rules.max_dossiers,
            "outcomes": [{"code": o.code, "vi": o.vi, "en": o.en, "dossiers": o.dossiers,
                          "reason": o.reason, "keypad": o.keypad} for o in rules.outcomes]}


def rules_from_dict(raw: Mapping[str, Any]) -> DossierRules:
    """Rules from a ``[dossier]`` table or a snapshot; ValueError in words when wrong."""
    pattern = str(raw.get("pattern", DEFAULT_PATTERN))
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"[dossier] pattern không hợp lệ / invalid pattern: {exc}") from None
    outcomes = DEFAULT_OUTCOMES
    if "outcomes" in raw:
        items = []
        for i, o in enumerate(raw["outcomes"], start=1):
            need = o.get("dossiers", "none")
            if need not in ("required", "optional", "none") or not o.get("code") \
                    or not o.get("vi"):
                raise ValueError(f"[[dossier.outcomes]] mục {i}: cần code, vi và dossiers là "
                                 f"required/optional/none / entry {i} needs code, vi and "
                                 "dossiers = required, optional or none")
            items.append(OutcomeCode(str(o["code"]), nfc(str(o["vi"])),
                                     str(o.get("en", o["vi"])), need, bool(o.get("reason")),
                                     bool(o.get("keypad", True))))
        if len({o.code for o in items}) != len(items) or not items:
            raise ValueError("[[dossier.outcomes]]: mã kết quả trùng hoặc trống / outcome codes "
                             "must be unique and not empty")
        outcomes = tuple(items)
    max_dossiers = int(raw.get("max_dossiers", 10))
    if max_dossiers < 1:
        raise ValueError("[dossier] max_dossiers phải ≥ 1 / must be at least 1")
    return DossierRules(pattern, nfc(str(raw.get("example", DEFAULT_EXAMPLE))), outcomes,
                        bool(raw.get("outcome_required", False)), max_dossiers)
