"""Bookings on the provincial server (PostgreSQL), and the centres that take them.

Two tables in the province schema:

* ``booking_sites``: a centre that takes bookings — its configuration (the same JSON the
  hub sends its devices: fields, procedures, opening hours, calendar) and its slot rules
  (slot length, bookings per field per slot, how many days ahead);
* ``bookings``: one row per booking, with a ``seq`` from a sequence that only grows: the
  cursor a centre's hub pulls new and cancelled bookings with, exactly once.

The phone number and the optional ID number are kept only as keyed hashes (the province's
secret), to enforce "so many bookings per person per day"; they never leave this server.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Engine, text

from motcua.core.booking import Booking
from motcua.core.centre.load import centre_from_dict
from motcua.core.centre.model import Centre
from motcua.core.centre.snapshot import centre_to_dict


@dataclass(frozen=True)
class SiteRules:
    """How a centre takes bookings (set by the province with ``motcua province booking``)."""

    slot_minutes: int = 15
    per_slot: int = 2
    """Bookings per field per slot; the rest of the slot stays for walk-in citizens."""
    days_ahead: int = 14
    per_person_per_day: int = 2
    """Bookings one phone number (or ID number) may hold for one day, across the province."""


@dataclass(frozen=True)
class BookingSite:
    site: str
    centre: Centre
    rules: SiteRules


@dataclass(frozen=True)
class StoredBooking:
    booking: Booking
    status: str
    """booked | cancelled"""
    seq: int


class BookingStore:
    def __init__(self, engine: Engine, schema: str) -> None:
        self.engine = engine
        self.schema = schema

    def t(self, name: str) -> str:
        return f'"{self.schema}".{name}'

    def create_tables(self) -> None:
        with self.engine.begin() as c:
            c.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"'))
            c.execute(text(f"""CREATE TABLE IF NOT EXISTS {self.t('booking_sites')} (
                site text PRIMARY KEY, centre jsonb NOT NULL, rules jsonb NOT NULL,
                updated_at timestamptz NOT NULL DEFAULT now())"""))
            c.execute(text(f"CREATE SEQUENCE IF NOT EXISTS {self.t('booking_seq')}"))
            c.execute(text(f"""CREATE TABLE IF NOT EXISTS {self.t('bookings')} (
                code text PRIMARY KEY, site text NOT NULL, field text NOT NULL,
                procedure text, day date NOT NULL, start time NOT NULL, minutes int NOT NULL,
                phone_hash text NOT NULL, id_hash text, status text NOT NULL,
                created_at timestamptz NOT NULL, changed_at timestamptz NOT NULL,
                seq bigint NOT NULL DEFAULT nextval('{self.schema}.booking_seq'))"""))
            c.execute(text(f"CREATE INDEX IF NOT EXISTS bookings_slot ON "
                           f"{self.t('bookings')} (site, day, field, start)"))
            c.execute(text(f"CREATE INDEX IF NOT EXISTS bookings_seq ON "
                           f"{self.t('bookings')} (site, seq)"))

    # -- sites ----------------------------------------------------------------------------
    def put_site(self, centre: Centre, rules: SiteRules) -> None:
        with self.engine.begin() as c:
            c.execute(text(f"""INSERT INTO {self.t('booking_sites')} (site, centre, rules)
                VALUES (:s, CAST(:c AS jsonb), CAST(:r AS jsonb))
                ON CONFLICT (site) DO UPDATE SET centre = EXCLUDED.centre,
                    rules = EXCLUDED.rules, updated_at = now()"""),
                      {"s": centre.id, "c": json.dumps(centre_to_dict(centre)),
                       "r": json.dumps(rules.__dict__)})

    def sites(self) -> list[BookingSite]:
        with self.engine.connect() as c:
            rows = c.execute(text(f"SELECT site, centre, rules FROM {self.t('booking_sites')} "
                                  "ORDER BY site")).all()
        return [BookingSite(r.site, centre_from_dict(r.centre), SiteRules(**r.rules))
                for r in rows]

    def site(self, site: str) -> BookingSite | None:
        return next((s for s in self.sites() if s.site == site), None)

    # -- bookings -------------------------------------------------------------------------
    def taken(self, site: str, day: date) -> dict[tuple[str, time], int]:
        """Live bookings per (field, slot start) of one centre and day."""
        with self.engine.connect() as c:
            rows = c.execute(text(f"""SELECT field, start, count(*) AS n
                FROM {self.t('bookings')} WHERE site = :s AND day = :d AND status = 'booked'
                GROUP BY field, start"""), {"s": site, "d": day}).all()
        return {(r.field, r.start): int(r.n) for r in rows}

    def insert(self, booking: Booking, phone_hash: str, id_hash: str | None, now: datetime,
               *, per_slot: int, per_person: int) -> str | None:
        """Insert ``booking`` unless its slot is full or the person has enough bookings that
        day; returns None, "slot_full" or "person_limit". One transaction with the slot
        row locked, so two citizens can never both take the last place."""
        with self.engine.begin() as c:
            # Serialise bookings of one slot: an advisory lock keyed on the slot.
            c.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"),
                      {"k": f"{booking.site}|{booking.day}|{booking.field}|{booking.start}"})
            n = c.execute(text(f"""SELECT count(*) FROM {self.t('bookings')}
                WHERE site = :s AND day = :d AND field = :f AND start = :t
                AND status = 'booked'"""), {"s": booking.site, "d": booking.day,
                                            "f": booking.field, "t": booking.start}).scalar()
            if int(n or 0) >= per_slot:
                return "slot_full"
            c.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"),
                      {"k": f"person|{booking.day}|{phone_hash}"})
            mine = c.execute(text(f"""SELECT count(*) FROM {self.t('bookings')}
                WHERE day = :d AND status = 'booked'
                AND (phone_hash = :p OR (CAST(:i AS text) IS NOT NULL AND id_hash = :i))"""),
                             {"d": booking.day, "p": phone_hash, "i": id_hash}).scalar()
            if int(mine or 0) >= per_person:
                return "person_limit"
            c.execute(text(f"""INSERT INTO {self.t('bookings')} (code, site, field, procedure,
                day, start, minutes, phone_hash, id_hash, status, created_at, changed_at)
                VALUES (:code, :site, :field, :proc, :day, :start, :minutes, :p, :i,
                'booked', :now, :now)"""),
                      {"code": booking.code, "site": booking.site, "field": booking.field,
                       "proc": booking.procedure, "day": booking.day, "start": booking.start,
                       "minutes": booking.minutes, "p": phone_hash, "i": id_hash, "now": now})
        return None

    def get(self, code: str) -> tuple[StoredBooking, str] | None:
        """A booking and its phone hash (to check who may cancel it)."""
        with self.engine.connect() as c:
            r = c.execute(text(f"SELECT * FROM {self.t('bookings')} WHERE code = :c"),
                          {"c": code}).first()
        if r is None:
            return None
        return StoredBooking(_booking(r._mapping), r.status, int(r.seq)), str(r.phone_hash)

    def cancel(self, code: str, now: datetime) -> bool:
        """Cancel a live booking (its place is free at once); False if it was not live."""
        with self.engine.begin() as c:
            n = c.execute(text(f"""UPDATE {self.t('bookings')} SET status = 'cancelled',
                changed_at = :now, seq = nextval('{self.schema}.booking_seq')
                WHERE code = :c AND status = 'booked'"""), {"c": code, "now": now}).rowcount
        return bool(n)

    def since(self, site: str, cursor: int, limit: int = 500) -> list[StoredBooking]:
        """Bookings of ``site`` made or cancelled after ``cursor``, in cursor order: what a
        centre's hub pulls (its cursor is the last ``seq`` it stored)."""
        with self.engine.connect() as c:
            rows = c.execute(text(f"""SELECT * FROM {self.t('bookings')}
                WHERE site = :s AND seq > :cur ORDER BY seq LIMIT :n"""),
                             {"s": site, "cur": cursor, "n": limit}).all()
        return [StoredBooking(_booking(r._mapping), r.status, int(r.seq)) for r in rows]

    def forget_people_before(self, day: date) -> int:
        """Erase the person hashes of bookings whose day has passed (no longer needed)."""
        with self.engine.begin() as c:
            return int(c.execute(text(f"""UPDATE {self.t('bookings')} SET phone_hash = '',
                id_hash = NULL WHERE day < :d AND phone_hash <> ''"""), {"d": day}).rowcount)


def _booking(r: Any) -> Booking:
    return Booking(code=r["code"], site=r["site"], field=r["field"], day=r["day"],
                   start=r["start"], minutes=int(r["minutes"]), procedure=r["procedure"])
