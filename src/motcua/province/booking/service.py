"""Booking a slot: which days and slots a centre offers, the rules, and the signed code.

A slot is ``slot_minutes`` long; the slots of a day are cut from the centre's opening
sessions of that day (its own calendar: public holidays, days off and make-up days, see
:func:`open_sessions`), and a slot whose start has passed is not offered. Each field of a
centre takes ``per_slot`` bookings per slot; the rest of the centre's capacity stays for
citizens who walk in.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from motcua.core import calendar
from motcua.core.booking import Booking, BookingError, new_code, sign
from motcua.core.centre.model import Centre, Session
from motcua.core.phone import PhoneError, normalise_phone
from motcua.core.text import nfc
from motcua.province.booking.store import BookingSite, BookingStore


def open_sessions(centre: Centre, day: date) -> tuple[Session, ...]:
    """The centre's opening sessions on ``day`` after its calendar (holidays, days off,
    make-up days) where the calendar knows them, else its weekly hours."""
    plan = getattr(calendar, "day_plan", None)
    if plan is not None:
        return tuple(plan(centre, day).sessions)
    return centre.hours.get(day.isoweekday(), ())


def day_slots(sessions: tuple[Session, ...], minutes: int) -> list[time]:
    """Slot starts of a day: every ``minutes`` within each session, whole slots only."""
    out: list[time] = []
    for s in sessions:
        t = datetime.combine(date(2000, 1, 3), s.start)
        end = datetime.combine(date(2000, 1, 3), s.end)
        while t + timedelta(minutes=minutes) <= end:
            out.append(t.time())
            t += timedelta(minutes=minutes)
    return out


@dataclass(frozen=True)
class Slot:
    start: time
    free: int


@dataclass(frozen=True)
class Made:
    """A booking just made: what the citizen is shown and can download."""

    booking: Booking
    token: str
    """The signed QR token (:func:`motcua.core.booking.sign`)."""


class BookingService:
    def __init__(self, store: BookingStore, signing_key: Ed25519PrivateKey, person_secret: bytes,
                 ) -> None:
        self.store = store
        self.key = signing_key
        self.person_secret = person_secret

    def person_hash(self, value: str) -> str:
        return hmac.new(self.person_secret, value.encode(), hashlib.sha256).hexdigest()

    def site(self, site: str) -> BookingSite:
        found = self.store.site(site)
        if found is None:
            raise BookingError("unknown_centre", "Không có trung tâm này trong hệ thống đặt lịch",
                               "This centre does not take bookings")
        return found

    def days(self, site: BookingSite, now: datetime) -> list[date]:
        """The days a citizen may pick: open days from today, ``days_ahead`` days long."""
        today = calendar.local(site.centre, now).date()
        return [today + timedelta(days=i) for i in range(site.rules.days_ahead + 1)
                if open_sessions(site.centre, today + timedelta(days=i))]

    def slots(self, site: BookingSite, field: str, day: date, now: datetime) -> list[Slot]:
        if site.centre.field_by_code(field) is None:
            raise BookingError("unknown_field", "Trung tâm không có lĩnh vực này",
                               "The centre has no such field")
        local_now = calendar.local(site.centre, now)
        taken = self.store.taken(site.site, day)
        out = []
        for start in day_slots(open_sessions(site.centre, day), site.rules.slot_minutes):
            if day == local_now.date() and start <= local_now.time().replace(tzinfo=None):
                continue  # a slot that has begun is not offered
            out.append(Slot(start, max(0, site.rules.per_slot - taken.get((field, start), 0))))
        return out

    def book(self, site_id: str, field: str, day: date, start: time, phone: str, now: datetime,
             *, procedure: str | None = None, id_number: str | None = None) -> Made:
        """Book a slot, or :class:`BookingError` in words (full, closed day, limit...)."""
        site = self.site(site_id)
        try:
            phone = normalise_phone(phone)
        except PhoneError as exc:
            raise BookingError("bad_phone", exc.vi, exc.en) from None
        if id_number is not None:
            id_number = nfc(id_number).strip()
            if id_number and not (len(id_number) == 12 and id_number.isdigit()):
                raise BookingError("bad_id", "Số định danh phải có đúng 12 chữ số",
                                   "The ID number must be exactly 12 digits")
        f = site.centre.field_by_code(field)
        if f is None:
            raise BookingError("unknown_field", "Trung tâm không có lĩnh vực này",
                               "The centre has no such field")
        if procedure and all(p.id != procedure for p in f.procedures):
            raise BookingError("unknown_procedure", "Lĩnh vực không có thủ tục này",
                               "The field has no such procedure")
        if day not in self.days(site, now):
            raise BookingError("closed_day", f"Không nhận đặt lịch ngày {day:%d/%m/%Y} "
                               "(ngày nghỉ hoặc ngoài thời gian cho phép)",
                               f"No bookings on {day:%d/%m/%Y} (closed, or out of range)")
        if all(s.start != start for s in self.slots(site, field, day, now)):
            raise BookingError("no_slot", f"Không có khung giờ {start:%H:%M} ngày {day:%d/%m/%Y}",
                               f"There is no {start:%H:%M} slot on {day:%d/%m/%Y}")
        for _ in range(5):  # a 40-bit code colliding is rare; try again if it ever does
            booking = Booking(new_code(), site.site, field, day, start, site.rules.slot_minutes,
                              procedure or None)
            if self.store.get(booking.code) is None:
                break
        refused = self.store.insert(
            booking, self.person_hash(phone), self.person_hash(id_number) if id_number else None,
            now, per_slot=site.rules.per_slot, per_person=site.rules.per_person_per_day)
        if refused == "slot_full":
            raise BookingError("slot_full", f"Khung giờ {start:%H:%M} đã hết chỗ, xin chọn giờ "
                               "khác", f"The {start:%H:%M} slot is full; please pick another")
        if refused == "person_limit":
            raise BookingError("person_limit",
                               f"Mỗi người chỉ đặt được {site.rules.per_person_per_day} lịch "
                               "mỗi ngày", f"One person may book {site.rules.per_person_per_day}"
                               " slots a day")
        return Made(booking, sign(booking, self.key))

    def cancel(self, code: str, phone: str, now: datetime) -> Booking:
        """Cancel with the code and the phone number it was booked with."""
        found = self.store.get(code)
        try:
            phone = normalise_phone(phone)
        except PhoneError as exc:
            raise BookingError("bad_phone", exc.vi, exc.en) from None
        if found is None or not hmac.compare_digest(found[1], self.person_hash(phone)):
            raise BookingError("not_found", "Không tìm thấy lịch hẹn với mã và số điện thoại "
                               "này", "No booking with this code and phone number")
        if not self.store.cancel(code, now):
            raise BookingError("not_live", "Lịch hẹn này đã huỷ hoặc đã dùng",
                               "This booking was already cancelled or used")
        return found[0].booking
