"""The centre's bookings at the hub: what the sync pulled down, and turning what a kiosk
scanned or typed into a verified booking before the (pure) engine decides the check-in.

* a **QR token** (``MCB1.…``) is verified with the province's public key: it needs no sync,
  so a booking made after the last pull (or while the centre is offline) is honoured;
  a token whose booking the pull has since seen cancelled is refused;
* a **typed code** is looked up among the pulled bookings; one the hub has not seen yet
  gets "scan the QR code" in words (the code alone carries no signature).

Bookings arrive with the province's cursor (``seq``) and are stored with it in one
transaction, so each change is applied exactly once and a restart resumes after the last.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Engine, delete, insert, select, update

from motcua.core.booking import TOKEN_PREFIX, Booking, BookingError, normalise_code, verify
from motcua.hub.storage.schema import bookings, counters

log = logging.getLogger(__name__)


class HubBookings:
    def __init__(self, engine: Engine, province_key: Ed25519PublicKey | None) -> None:
        self.engine = engine
        self.province_key = province_key

    # -- sync down ------------------------------------------------------------------
    def cursor(self) -> int:
        with self.engine.connect() as c:
            v = c.execute(select(counters.c.value).where(counters.c.name == "booking_cursor"))
            return int(v.scalar() or 0)

    def store(self, rows: Iterable[dict[str, Any]]) -> int:
        """Store pulled changes (each ``Booking.to_dict()`` plus ``status`` and ``seq``) and
        move the cursor past them, in one transaction; returns how many were new."""
        rows = sorted(rows, key=lambda r: int(r["seq"]))
        if not rows:
            return 0
        with self.engine.begin() as c:
            cur = int(c.execute(select(counters.c.value)
                                .where(counters.c.name == "booking_cursor")).scalar() or 0)
            fresh = [r for r in rows if int(r["seq"]) > cur]
            for r in fresh:
                b = Booking.from_dict(r)
                values = {"code": b.code, "field": b.field, "procedure": b.procedure,
                          "day": b.day.isoformat(), "start": b.start.strftime("%H:%M"),
                          "minutes": b.minutes, "status": str(r["status"]), "seq": int(r["seq"])}
                # delete + insert: the same on SQLite and PostgreSQL (a cancellation
                # replaces the booking's row)
                c.execute(delete(bookings).where(bookings.c.code == b.code))
                c.execute(insert(bookings).values(**values))
            if fresh:
                c.execute(update(counters).where(counters.c.name == "booking_cursor")
                          .values(value=int(fresh[-1]["seq"])))
        return len(fresh)

    # -- check-in -------------------------------------------------------------------
    def _row(self, code: str) -> Any:
        with self.engine.connect() as c:
            return c.execute(select(bookings).where(bookings.c.code == code)).first()

    def resolve(self, scanned: str, site: str) -> Booking:
        """The booking a kiosk scanned (token) or typed (code), or :class:`BookingError`."""
        text = scanned.strip()
        if text.startswith(TOKEN_PREFIX + "."):
            if self.province_key is None:
                raise BookingError("not_set_up", "Trung tâm chưa nhận mã QR đặt lịch",
                                   "This centre does not take booking QR codes")
            booking = verify(text, self.province_key)
            row = self._row(booking.code)
            if row is not None and row.status == "cancelled":
                raise BookingError("cancelled", "Lịch hẹn này đã huỷ",
                                   "This booking was cancelled")
            return booking
        row = self._row(normalise_code(text))
        if row is None:
            raise BookingError("unknown", "Không tìm thấy mã đặt lịch này. Nếu Ông/Bà vừa đặt, "
                               "xin quét mã QR", "Booking code not found; if you booked "
                               "recently, please scan the QR code")
        if row.status == "cancelled":
            raise BookingError("cancelled", "Lịch hẹn này đã huỷ", "This booking was cancelled")
        return Booking.from_dict({**row._mapping, "site": site})
