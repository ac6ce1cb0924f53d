"""Typed model of a centre's configuration (what ``config/*.toml`` describes).

These are plain frozen dataclasses so that the pure hub domain can take them as
input without knowing about TOML. :mod:`motcua.core.centre.load` loads and validates them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from typing import Literal

from motcua.core.criteria import RatingRules
from motcua.core.dossier import DossierRules

NumberFormat = Literal["prefix3", "digits4"]
PolicyName = Literal["strict", "interleave", "ageing"]
DayKind = Literal["off", "work", "half"]
Role = Literal["kiosk", "printer", "display", "counter", "rating", "manager", "province", "admin"]


@dataclass(frozen=True)
class Document:
    """One paper a citizen brings for a procedure."""

    vi: str
    """Vietnamese description, NFC."""
    en: str
    """English description."""
    kind: Literal["nộp", "xuất trình"]
    """"nộp" = handed in (kept), "xuất trình" = shown and given back."""
    short_vi: str = ""
    """Short form printed in the ticket's checklist; empty = the description up to its
    first bracket or semicolon."""


@dataclass(frozen=True)
class Procedure:
    """An administrative procedure (thủ tục) of a field."""

    id: str
    """Stable identifier, e.g. ``"A.1"`` (field code, dot, position from 1)."""
    vi: str
    """Vietnamese name, e.g. "Đăng ký khai sinh"."""
    en: str
    """English name."""
    time_limit_vi: str = ""
    """Statutory time limit, in Vietnamese (not the counter service time)."""
    time_limit_en: str = ""
    """Statutory time limit, in English."""
    legal_basis: str = ""
    """Legal texts the procedure rests on."""
    documents: tuple[Document, ...] = ()
    """Papers to bring, shown to the citizen as a checklist at the kiosk."""
    fees_vi: str = ""
    """Fees and charges as the public-service portal states them (Phí, lệ phí)."""
    level: str = ""
    """Level that handles it, as the portal states it (Cấp thực hiện), e.g. "Cấp Xã"."""


@dataclass(frozen=True)
class Field:
    """A field (lĩnh vực) with its own queue and ticket numbering."""

    code: str
    """One upper-case letter of the Vietnamese alphabet, e.g. ``"A"``."""
    vi: str
    """Vietnamese name, e.g. "Tư pháp – Hộ tịch"."""
    en: str
    """English name."""
    prefix: str
    """Ticket prefix printed before the number (``"A"`` -> ``A025``); unique per centre."""
    daily_cap: int
    """Most tickets this field issues in one business day; the next is refused."""
    service_minutes: float
    """Starting estimate of one service, in minutes, until real services are measured."""
    procedures: tuple[Procedure, ...] = ()
    """Procedures of this field, in the order the kiosk shows them."""


@dataclass(frozen=True)
class Counter:
    """A reception counter (quầy)."""

    number: int
    """Counter number as people read it (1, 2, ...); unique."""
    vi: str
    """Label, e.g. "Quầy số 1"."""
    en: str
    """English label."""
    fields: tuple[str, ...]
    """Codes of the fields this counter serves."""
    priority: bool = False
    """A counter reserved for priority citizens: it calls priority tickets of its fields first."""


@dataclass(frozen=True)
class PriorityCategory:
    """A group served with priority (elderly, pregnant women, ...)."""

    code: str
    """Short identifier, e.g. ``"elderly"``."""
    vi: str
    """Vietnamese label."""
    en: str
    """English label."""


@dataclass(frozen=True)
class Session:
    """One opening period of a day, e.g. the morning session."""

    start: time
    """When tickets start being issued (inclusive)."""
    end: time
    """When ticket issuing stops (exclusive)."""


@dataclass(frozen=True)
class SpecialDay:
    """A date on which the centre departs from its weekly hours (decided by the centre)."""

    day: date
    """The calendar date (in the centre's time zone)."""
    kind: DayKind
    """``off``: closed (extra Tết days, an ad-hoc closure); ``work``: a make-up working day
    (a Saturday worked in exchange for a bridge day); ``half``: open with other hours."""
    reason_vi: str
    """Why, in Vietnamese: shown on the kiosk ("Nghỉ bù Tết", "Làm bù cho ngày 05/02")."""
    reason_en: str = ""
    """Why, in English."""
    sessions: tuple[Session, ...] = ()
    """Opening sessions for ``work`` and ``half`` days (``work`` defaults to a full weekday)."""


@dataclass(frozen=True)
class CalendarRules:
    """Which dates the centre is closed or open besides its weekly hours."""

    public_holidays: bool = True
    """Close on Vietnam's public holidays (Labour Code Art 112, lunar ones included), taken
    from the ``holidays`` package's Vietnam calendar."""
    days: tuple[SpecialDay, ...] = ()
    """The centre's own additions, one per date; they win over the public holidays."""

    def special(self, day: date) -> SpecialDay | None:
        return next((d for d in self.days if d.day == day), None)


@dataclass(frozen=True)
class PauseReason:
    """Why a counter pauses (break, meeting, ...); pause time is reported per reason."""

    code: str
    """Short identifier in events and reports, e.g. ``"break"``."""
    vi: str
    """Vietnamese label on the counter's pause button."""
    en: str = ""
    """English label."""


DEFAULT_PAUSE_REASONS: tuple[PauseReason, ...] = (
    PauseReason("break", "Nghỉ giải lao", "Break"),
    PauseReason("meeting", "Họp", "Meeting"),
    PauseReason("system_down", "Hệ thống gặp sự cố", "System down"),
    PauseReason("kiosk_help", "Hỗ trợ công dân tại ki-ốt", "Helping a citizen at the kiosk"),
    PauseReason("other", "Lý do khác", "Other"),
)
"""The list a centre gets when its configuration names none."""


@dataclass(frozen=True)
class AlertRules:
    """When the manager is alerted; 0 switches a rule off."""

    wait_minutes: float = 30.0
    """A field's oldest waiting ticket has waited longer than this."""
    field_waiting: int = 5
    """More than this many wait in a field that no open counter serves."""
    paused_minutes: float = 20.0
    """A counter has been paused longer than this."""
    low_rating: int = 1
    """A rating at or below this value (the scale's values; 1 = "Không hài lòng")."""
    printer: bool = True
    """A printer reports paper low or out, cover open, a fault, or falls silent."""
    device_offline: bool = True
    """A device heard from today is no longer heard."""


@dataclass(frozen=True)
class RatingLevel:
    """One button of the satisfaction scale."""

    value: int
    """Ordinal value stored with a rating; higher is more satisfied."""
    vi: str
    """Vietnamese label, e.g. "Rất hài lòng"."""
    en: str
    """English label."""
    colour: str
    """Button colour as ``#rrggbb``."""
    satisfied: bool
    """Whether this level counts as satisfied in the share-satisfied figures."""
    key: str = ""
    """Byte a serial rating box sends for this level (one ASCII character), e.g. ``"1"``."""


@dataclass(frozen=True)
class CallPolicy:
    """How call-next chooses among waiting tickets."""

    name: PolicyName = "strict"
    """``strict``: priority first; ``interleave``: one priority after every N normal calls;
    ``ageing``: priority tickets count as having waited ``ageing_bonus_minutes`` longer."""
    interleave_normal: int = 3
    """For ``interleave``: how many normal calls a counter makes before one priority call."""
    ageing_bonus_minutes: float = 15.0
    """For ``ageing``: head start given to a priority ticket, in minutes."""


@dataclass(frozen=True)
class Officer:
    """A member of staff who signs in at counters."""

    id: str
    """Staff identifier used in events and reports (no personal data beyond this)."""
    name: str
    """Full name, shown on the counter app and the manager's reports, never on the event socket."""
    title: str = ""
    """Job title shown with the name at the counter (Decree 118/2025 Art 9.8), e.g.
    "Công chức Tư pháp – Hộ tịch"."""
    photo: str = ""
    """Photo file relative to the centre file (``photos/cb01.jpg``, stored resized by
    ``python -m motcua.hub.officers``); "" = none."""


@dataclass(frozen=True)
class Device:
    """A device allowed to talk to the hub, and the role its key is bound to."""

    id: str
    """Identifier, e.g. ``"kiosk-1"``, ``"counter-3"``, ``"rating-3"``."""
    role: Role
    """What the device may do."""
    counter: int | None = None
    """For ``counter`` and ``rating`` roles: the counter number it belongs to."""
    kiosk: str | None = None
    """For ``printer``: the kiosk (or the counter device, for a printer on an officer's
    desk) whose tickets it prints."""
    public_key: str = ""
    """Z85 CURVE public key (40 characters); empty when the hub runs without CURVE."""


@dataclass(frozen=True)
class Announcement:
    """How a call is spoken."""

    template_vi: str = "Mời công dân có số thứ tự {number} đến quầy số {counter}"
    """Sentence with ``{number}`` and ``{counter}`` placeholders."""
    repeats: int = 2
    """How many times each call is spoken."""
    digits: bool = False
    """Read the ticket number digit by digit instead of as a whole number."""
    south: bool = False
    """Southern reading (ngàn, lẻ) instead of northern (nghìn, linh)."""
    chime: bool = True
    """Play a chime before each call."""


@dataclass(frozen=True)
class Centre:
    """A whole centre: everything devices learn from the hub's snapshot."""

    id: str
    """Site identifier used upstream, e.g. ``"79-26734"``."""
    name_vi: str
    """E.g. "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"."""
    place_vi: str
    """E.g. "PHƯỜNG BẾN THÀNH"."""
    name_en: str
    """English name."""
    slogan_vi: str
    """E.g. "Hành chính phục vụ"."""
    timezone: str
    """IANA zone of the business day, ``"Asia/Ho_Chi_Minh"``."""
    number_format: NumberFormat
    """``prefix3`` -> ``A025``; ``digits4`` -> ``1025`` (field index as thousands)."""
    fields: tuple[Field, ...]
    """The fields, in kiosk order."""
    counters: tuple[Counter, ...]
    """The counters."""
    priority_categories: tuple[PriorityCategory, ...]
    """Groups that get priority."""
    hours: dict[int, tuple[Session, ...]]
    """Opening sessions per ISO weekday (1 = Monday ... 7 = Sunday); a missing day is closed."""
    rating_scale: tuple[RatingLevel, ...]
    """Rating buttons, most satisfied first."""
    rating_window_seconds: float
    """How long after a finished service its rating is accepted."""
    policy: CallPolicy
    """Call-next order."""
    announcement: Announcement
    """Voice call settings."""
    officers: tuple[Officer, ...]
    """Staff who may sign in."""
    devices: tuple[Device, ...]
    """Devices and their roles."""
    notice_vi: str = ""
    """Scrolling notice on the hall board."""
    kiosk_idle_seconds: float = 20.0
    """Kiosk returns to its home screen after this long without a touch."""
    extra: dict[str, str] = field(default_factory=dict)
    """Free-form texts a centre may add (shown where a device knows the key)."""
    dossier: DossierRules = field(default_factory=DossierRules)
    """Outcome codes and the dossier-number pattern a counter records at finish."""
    ratings: RatingRules = field(default_factory=RatingRules)
    """Art. 33.1 criteria and low-score reasons the rating tablet asks after the tap."""
    calendar: CalendarRules = field(default_factory=CalendarRules)
    """Public holidays and the centre's own days off, make-up days and half-days."""
    pause_reasons: tuple[PauseReason, ...] = DEFAULT_PAUSE_REASONS
    """Reasons an officer picks from when pausing a counter."""
    hall_shows_officers: bool = False
    """The hall board names the officer at each open counter (counter boards always do)."""
    alerts: AlertRules = field(default_factory=AlertRules)
    """Manager alert rules (``[alerts]``)."""

    def field_by_code(self, code: str) -> Field | None:
        return next((f for f in self.fields if f.code == code), None)

    def counter_by_number(self, number: int) -> Counter | None:
        return next((c for c in self.counters if c.number == number), None)

    def device_by_id(self, device_id: str) -> Device | None:
        return next((d for d in self.devices if d.id == device_id), None)
