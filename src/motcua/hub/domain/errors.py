"""Typed refusals with their words in Vietnamese and English."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Refusal(Exception):
    """A command the hub will not carry out; sent to the device as an ERR reply."""

    code: str
    """Stable machine code, e.g. ``"cap_reached"``."""
    vi: str
    """What a person reads, in Vietnamese."""
    en: str
    """The same in English."""
    details: dict[str, Any] = field(default_factory=dict)
    """Extra data for the device (e.g. the next opening time)."""

    def to_body(self) -> dict[str, Any]:
        return {"code": self.code, "message_vi": self.vi, "message_en": self.en,
                "details": self.details}

    def __str__(self) -> str:
        return f"{self.code}: {self.vi} / {self.en}"


def refuse(code: str, vi: str, en: str, **details: Any) -> Refusal:
    return Refusal(code, vi, en, details)
