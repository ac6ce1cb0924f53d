"""The per-citizen cap: how many tickets one citizen (by ID card) takes per field and day.

The kiosk reads the chip ID card's QR and sends only ``citizen``: an HMAC of the ID number
under the centre's secret (:func:`motcua.core.cccd.citizen_key`). The hub counts tickets per
(day, field, citizen) in ``citizen_marks`` — never in events, which go to every board and up
to the province (docs/privacy.md) — and deletes the marks of earlier days.

The marks are written right after the batch's events are committed. A power cut between
the two loses the marks of that one batch: a citizen could then get one ticket above the
cap; no ticket is ever lost. The cap is an anti-abuse rule, not a promise to a citizen.
"""

from __future__ import annotations

import logging

from sqlalchemy import Engine, delete, func, insert, select

from motcua.hub.storage.schema import citizen_marks

log = logging.getLogger(__name__)


class CitizenCaps:
    def __init__(self, engine: Engine, cap: int) -> None:
        self.engine = engine
        self.cap = cap
        self._day = ""
        self._counts: dict[tuple[str, str], int] = {}
        self._pending: list[dict[str, str]] = []

    def _load(self, day: str) -> None:
        with self.engine.begin() as c:
            c.execute(delete(citizen_marks).where(citizen_marks.c.day < day))
            rows = c.execute(select(citizen_marks.c.field, citizen_marks.c.citizen,
                                    func.count()).where(citizen_marks.c.day == day)
                             .group_by(citizen_marks.c.field, citizen_marks.c.citizen))
            self._counts = {(r[0], r[1]): int(r[2]) for r in rows}
        self._day = day

    def reached(self, day: str, field: str, citizen: str) -> bool:
        if day != self._day:
            self._load(day)
        return self._counts.get((field, citizen), 0) >= self.cap

    def add(self, day: str, field: str, citizen: str, ticket: str) -> None:
        """Count a ticket just issued (in memory now, on disk at :meth:`flush`)."""
        if day != self._day:
            self._load(day)
        self._counts[(field, citizen)] = self._counts.get((field, citizen), 0) + 1
        self._pending.append({"day": day, "field": field, "citizen": citizen,
                              "ticket": ticket})

    def flush(self) -> None:
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        with self.engine.begin() as c:
            c.execute(insert(citizen_marks), pending)

    def forget_unflushed(self) -> None:
        """The batch was not committed: what it counted did not happen."""
        self._pending = []
        self._day = ""  # reload from disk at the next check
