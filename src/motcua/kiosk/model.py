"""What the kiosk decides from the hub's view, without any widget (tested alone).

* :func:`kiosk_state`: may a citizen take a number now, and if not, why (in words);
* :func:`search_procedures`: the lookup, folded for search and sorted the Vietnamese way;
* small readers of the view (people ahead, cap reached, today's hours).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import datetime
from typing import Any

from motcua.core.calendar import closed_text, day_hours_text, day_plan, local
from motcua.core.centre.model import Centre, Device, Field, Procedure
from motcua.core.state import PRINTER_BLOCKING
from motcua.core.text import fold, sort_key
from motcua.kiosk.strings import Lang, pick, tr
from motcua.link.client import CentreView, HubError


@dataclass(frozen=True)
class KioskState:
    """Whether tickets can be taken, and the words that say why not."""

    online: bool
    """The hub is reachable (the event link is up and a snapshot was taken)."""
    authorised: bool = True
    """False when the hub answered ``not_authorised`` (unknown device or key)."""
    printer: str | None = None
    """Status of this kiosk's printer as the hub knows it; None when never reported."""
    storage_ok: bool = True
    """False while the hub cannot store anything (disk full or unwritable)."""

    @property
    def printer_blocked(self) -> bool:
        return self.printer in PRINTER_BLOCKING

    @property
    def can_take(self) -> bool:
        return (self.online and self.authorised and self.storage_ok
                and not self.printer_blocked)

    def problem(self, lang: Lang) -> str:
        """The sentence the citizen reads, or "" when all is well."""
        if not self.authorised:
            return tr("state.not_authorised", lang)
        if not self.online:
            return tr("state.disconnected", lang)
        if not self.storage_ok:
            return tr("state.storage_fault", lang)
        if self.printer_blocked:
            return tr("state.printer_fault", lang, reason=tr(f"printer.{self.printer}", lang))
        return ""

    def staff_notice(self, lang: Lang) -> str:
        """A quiet line for staff (paper near end); citizens can still take numbers."""
        return tr("state.paper_near_end", lang) if self.printer == "paper_near_end" else ""


def failure_text(exc: HubError, lang: Lang) -> str:
    """Why no ticket was taken, in the citizen's language.

    The hub's refusals (closed_hours, cap_reached, printer_unavailable, ...) carry
    their own words; a lost connection and an unknown device get the kiosk's.
    """
    if exc.code == "unavailable":
        return tr("confirm.unavailable", lang)
    if exc.code == "not_authorised":
        return tr("state.not_authorised", lang)
    if exc.code in ("storage_full", "storage_unavailable"):
        return tr("state.storage_fault", lang)
    words = pick(lang, exc.vi, exc.en)
    return f"{tr('confirm.not_taken', lang)} {words}" if words else tr("confirm.not_taken", lang)


def printer_of(centre: Centre, kiosk_id: str) -> Device | None:
    """The printer device configured for this kiosk (role printer, kiosk == kiosk_id)."""
    return next((d for d in centre.devices if d.role == "printer" and d.kiosk == kiosk_id),
                None)


def printer_status(view: CentreView, kiosk_id: str) -> str | None:
    """The status the kiosk's printer last reported to the hub (None: no printer/no report)."""
    printer = printer_of(view.centre, kiosk_id)
    if printer is None:
        return None
    status = view.state.devices.get(printer.id, {}).get("status")
    return str(status) if status is not None else None


def ahead_for(view: CentreView, field_code: str, priority: str | None) -> int:
    """How many would be ahead of a new ticket (the hub counts the same way)."""
    if priority:
        return len(view.state.waiting_priority.get(field_code, ()))
    return view.waiting(field_code)


def cap_reached(view: CentreView, field: Field) -> bool:
    """True when the field has issued its daily cap (the hub would refuse)."""
    return view.state.last_number.get(field.code, 0) >= field.daily_cap


def hours_today(centre: Centre, now: datetime, lang: Lang) -> str:
    """"Giờ tiếp nhận hôm nay: 07:30–11:30, 13:30–17:00" for the centre's local day; on a
    closed day (Sunday, Tết, a day off) the closed sentence with the next opening day."""
    closed = closed_today(centre, now, lang)
    if closed:
        return closed
    vi, en = day_hours_text(centre, local(centre, now).date())
    return tr("home.hours", lang, hours=pick(lang, vi, en))


def closed_today(centre: Centre, now: datetime, lang: Lang) -> str:
    """"Hôm nay trung tâm nghỉ (Tết Nguyên Đán). Mở cửa lại: ..." or "" on an open day."""
    if day_plan(centre, local(centre, now).date()).open:
        return ""
    words = closed_text(centre, now)
    assert words is not None  # a closed day has no session
    return pick(lang, *words)


@dataclass(frozen=True)
class ProcedureHit:
    """One lookup result: a procedure and the field it belongs to."""

    field: Field
    procedure: Procedure


def _haystack(field: Field, proc: Procedure) -> str:
    return fold(" ".join((proc.id, proc.vi, proc.en, field.vi, field.en)))


def search_procedures(centre: Centre, query: str, lang: Lang) -> list[ProcedureHit]:
    """Procedures whose names contain every word of ``query``, diacritics optional.

    "khai sinh" finds "Đăng ký khai sinh" (both sides are folded with
    :func:`motcua.core.text.fold`). Results are in Vietnamese collation order of the name
    in the chosen language (:func:`motcua.core.text.sort_key`), so "Đăng ký..." comes
    after "Dừng..." and before "Giải quyết...", not after "Z".
    """
    words = fold(query).split()
    hits = [ProcedureHit(f, p) for f in centre.fields for p in f.procedures
            if all(w in _haystack(f, p) for w in words)]
    hits.sort(key=lambda h: (sort_key(pick(lang, h.procedure.vi, h.procedure.en)),
                             h.procedure.id))
    return hits


def find_procedure(centre: Centre, procedure_id: str) -> ProcedureHit | None:
    """The procedure with this id and its field, or None."""
    for f in centre.fields:
        for p in f.procedures:
            if p.id == procedure_id:
                return ProcedureHit(f, p)
    return None


@dataclass
class Flow:
    """One citizen's way through the screens, from a field to a ticket."""

    field: str | None = None
    procedure: str | None = None
    priority: str | None = None
    request_id: str | None = None
    """Id of this confirmation's ``ticket.take``; kept while the answer is unknown so a
    retry after a lost connection can never make a second ticket."""
    busy: bool = False
    """A ``ticket.take`` is on its way: the take button stays disabled."""
    failure: HubError | None = None
    """The last refusal or failure (shown in words on the confirm screen)."""
    result: dict[str, Any] | None = None
    """The hub's answer to ``ticket.take`` (``ticket``, ``field_vi``, ``field_en``)."""
    from_lookup: bool = False
    """The documents screen was reached from the lookup (Back goes there)."""
    estimate: dict[str, Any] | None = None
    """The hub's ``ticket.estimate`` answer for this choice (``estimate_minutes``,
    ``estimate_note``, ``closes_at``): the confirm screen warns from it before taking."""
    booking: str | None = None
    """A booking's QR token or typed code (the booking screen)."""
    citizen: str | None = None
    """Keyed hash of the citizen's ID number, from a scanned ID card (per-citizen cap)."""


@dataclass
class Context:
    """What every screen reads: the hub's view, the kiosk's state, the language, the flow."""

    kiosk_id: str
    lang: Lang = "vi"
    view: CentreView | None = None
    state: KioskState = dc_field(default_factory=lambda: KioskState(online=False))
    flow: Flow = dc_field(default_factory=Flow)
    never_connected: bool = True
    """No snapshot yet since start: show "connecting" rather than "lost"."""
    clock: Callable[[], datetime] = dc_field(default=lambda: datetime.now().astimezone())
    """The kiosk's wall clock (the header's date and time, today's hours)."""
    large: bool = False
    """Large text and high contrast (access.py), until the kiosk is left idle."""
    help_state: str | None = None
    """This citizen's help request: None, ``sent``, ``coming`` or ``failed``."""
    card_note: str = ""
    """What the kiosk tells the citizen after a scan (ID card read, or why not)."""

    @property
    def centre(self) -> Centre | None:
        return self.view.centre if self.view is not None else None

    def field(self) -> Field | None:
        centre = self.centre
        if centre is None or self.flow.field is None:
            return None
        return centre.field_by_code(self.flow.field)

    def procedure(self) -> Procedure | None:
        f = self.field()
        if f is None or self.flow.procedure is None:
            return None
        return next((p for p in f.procedures if p.id == self.flow.procedure), None)

    def priority_label(self) -> str:
        centre = self.centre
        if centre is None or self.flow.priority is None:
            return ""
        cat = next((c for c in centre.priority_categories if c.code == self.flow.priority),
                   None)
        return pick(self.lang, cat.vi, cat.en) if cat is not None else self.flow.priority
