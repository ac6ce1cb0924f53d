"""The Decree 118/2025 Art. 33.1 criteria a citizen can answer at the counter.

The rating tablet keeps its quick one-tap scale (the overall satisfaction). A centre may
add, in ``[ratings]`` of centre.toml, the criteria of Art. 33.1 that make sense right
after a visit — the officers' attitude (point đ), how many agencies the citizen had to
contact (b), how many times they had to come back to complete the dossier (c), whether
the published procedure information was accurate and complete (d) — and, when the tap
was "not satisfied", a short list of reasons plus an optional free text.

Pure and shared: the hub checks ``rating.submit`` with :func:`check_rating_details`; a
tablet can run the same check before sending.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from motcua.core.text import nfc

__all__ = ["ART_33_1", "DEFAULT_REASONS", "Criterion", "RatingError", "RatingRules",
           "check_rating_details", "rating_rules_from_dict", "rating_rules_to_dict"]

MAX_COMMENT = 300


@dataclass(frozen=True)
class Criterion:
    code: str
    point: str
    """The point of Art. 33.1 (a, b, c, d, đ …)."""
    vi: str
    en: str
    kind: Literal["scale", "count", "yesno"]
    choices: tuple[tuple[int, str, str], ...]
    """(stored value, Vietnamese, English), in the order shown."""


ART_33_1: dict[str, Criterion] = {c.code: c for c in (
    Criterion("attitude", "đ", "Thái độ của cán bộ hướng dẫn, tiếp nhận hồ sơ",
              "Attitude of the officers who guided and received you", "scale",
              ((3, "Hài lòng", "Satisfied"), (2, "Bình thường", "Neutral"),
               (1, "Không hài lòng", "Not satisfied"))),
    Criterion("agencies", "b", "Số cơ quan, đơn vị phải liên hệ",
              "How many agencies you had to contact", "count",
              ((1, "Một nơi", "One"), (2, "Hai nơi", "Two"), (3, "Ba nơi trở lên",
                                                             "Three or more"))),
    Criterion("returns", "c", "Số lần phải đi lại để bổ sung, hoàn thiện hồ sơ",
              "Times you had to come back to complete the dossier", "count",
              ((0, "Không phải đi lại", "None"), (1, "Một lần", "Once"),
               (2, "Hai lần trở lên", "Twice or more"))),
    Criterion("information", "d", "Thông tin thủ tục được công khai có đúng, đủ không",
              "Was the published procedure information accurate and complete", "yesno",
              ((1, "Đúng, đủ", "Yes"), (0, "Không đúng hoặc thiếu", "No"))),
)}

DEFAULT_REASONS: tuple[tuple[str, str, str], ...] = (
    ("wait", "Chờ lâu", "Waited too long"),
    ("attitude", "Cán bộ thiếu nhiệt tình", "Officer was unhelpful"),
    ("guidance", "Hướng dẫn chưa rõ", "Guidance was unclear"),
    ("papers", "Phải bổ sung giấy tờ nhiều lần", "Asked for papers more than once"),
    ("fees", "Bị thu tiền ngoài quy định", "Charged beyond the law"),
    ("other", "Lý do khác", "Other"),
)


@dataclass(frozen=True)
class RatingRules:
    """A centre's ``[ratings]`` settings."""

    criteria: tuple[str, ...] = ()
    """Art. 33.1 criteria asked after the tap, in order. Empty (the default): the tablet
    stays one tap; a centre lists e.g. ``["attitude", "agencies", "returns", "information"]``."""
    reasons: tuple[tuple[str, str, str], ...] = DEFAULT_REASONS
    """(code, vi, en) offered after a "not satisfied" tap."""
    ask_reason: bool = False
    """Ask for a reason (and an optional comment) after a "not satisfied" tap."""

    def asks_after(self, satisfied: bool | None) -> bool:
        """Whether the tablet asks anything after a tap of this kind."""
        return bool(self.criteria) or (satisfied is False and self.ask_reason
                                       and bool(self.reasons))

    def criterion_list(self) -> tuple[Criterion, ...]:
        return tuple(ART_33_1[c] for c in self.criteria)


class RatingError(ValueError):
    def __init__(self, code: str, vi: str, en: str) -> None:
        super().__init__(f"{vi} / {en}")
        self.code, self.vi, self.en = code, vi, en


def _clean_comment(text: str) -> str:
    # Free text from a public tablet: NFC, control characters out, spaces collapsed.
    kept = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in nfc(text))
    return " ".join(kept.split())


def check_rating_details(rules: RatingRules, satisfied: bool | None, criteria: Any = None,
                         reason: Any = None, comment: Any = "") -> dict[str, Any]:
    """The checked extra fields of a rating (RatingError in words otherwise)."""
    answers: dict[str, int] = {}
    if criteria not in (None, {}):
        if not isinstance(criteria, Mapping):
            raise RatingError("bad_criteria", "Câu trả lời tiêu chí không hợp lệ",
                              "Criteria answers must be a mapping")
        for code, value in criteria.items():
            if code not in rules.criteria:
                raise RatingError("bad_criteria", f"Tiêu chí “{code}” không được hỏi ở trung tâm "
                                  "này", f"Criterion {code!r} is not asked at this centre")
            c = ART_33_1[code]
            if isinstance(value, bool) or value not in [v for v, _, _ in c.choices]:
                raise RatingError("bad_criteria", f"Câu trả lời {value!r} không có cho “{c.vi}”",
                                  f"{value!r} is not an answer to “{c.en}”")
            answers[code] = int(value)
    out: dict[str, Any] = {"criteria": answers}
    if reason not in (None, ""):
        if satisfied is not False:
            raise RatingError("reason_not_expected", "Chỉ hỏi lý do khi chưa hài lòng",
                              "A reason is only asked after a 'not satisfied' rating")
        if reason not in [r for r, _, _ in rules.reasons]:
            raise RatingError("bad_reason", f"Lý do “{reason}” không có trong danh sách",
                              f"Unknown reason {reason!r}")
        out["reason"] = str(reason)
    text = _clean_comment(str(comment or ""))
    if len(text) > MAX_COMMENT:
        raise RatingError("comment_too_long", f"Góp ý dài quá {MAX_COMMENT} ký tự",
                          f"The comment is longer than {MAX_COMMENT} characters")
    if text:
        out["comment"] = text
    return out


def rating_rules_to_dict(rules: RatingRules) -> dict[str, Any]:
    return {"criteria": list(rules.criteria), "ask_reason": rules.ask_reason,
            "reasons": [{"code": c, "vi": vi, "en": en} for c, vi, en in rules.reasons]}


def rating_rules_from_dict(raw: Mapping[str, Any]) -> RatingRules:
    criteria = tuple(str(c) for c in raw.get("criteria", ()))
    unknown = [c for c in criteria if c not in ART_33_1]
    if unknown or len(set(criteria)) != len(criteria):
        raise ValueError(f"[ratings] criteria: chỉ dùng {', '.join(ART_33_1)}, không trùng / "
                         f"use only {', '.join(ART_33_1)}, each once (got {unknown or criteria})")
    reasons = DEFAULT_REASONS
    if "reasons" in raw:
        items = []
        for i, r in enumerate(raw["reasons"], start=1):
            if not isinstance(r, Mapping) or not r.get("code") or not r.get("vi"):
                raise ValueError(f"[[ratings.reasons]] mục {i} cần code và vi / entry {i} "
                                 "needs code and vi")
            items.append((str(r["code"]), nfc(str(r["vi"])), str(r.get("en", r["vi"]))))
        reasons = tuple(items)
    return RatingRules(criteria, reasons, bool(raw.get("ask_reason", False)))
