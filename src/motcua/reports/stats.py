"""The arithmetic behind :mod:`motcua.reports.figures`: rounding, percentiles and per-group counts.

:func:`percentile`, :func:`round1`, :func:`minutes`, :func:`percent` and
:func:`group_figures` implement the conventions described in :mod:`motcua.reports.figures` (which
re-exports them; import them from there). The rest turns fact rows into columns
(:func:`_columns`) and columns into groups of tickets with their counts and sorted
wait/service seconds (:func:`_group_by`); :mod:`motcua.reports.figures` lays the groups out as tables.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date, datetime, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from operator import itemgetter
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "REPORT_COLUMNS",
    "group_figures",
    "minutes",
    "percent",
    "percentile",
    "round1",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
_TENTH = Decimal("0.1")


# -- numbers ----------------------------------------------------------------------------
def percentile(sorted_values: Sequence[float] | FloatArray, p: float) -> float | None:
    """The ``p``-th percentile (0-100) of already sorted values, linear interpolation."""
    n = len(sorted_values)
    if n == 0:
        return None
    rank = (n - 1) * p / 100.0
    lo = math.floor(rank)
    hi = min(lo + 1, n - 1)
    low, high = float(sorted_values[lo]), float(sorted_values[hi])
    return low + (rank - lo) * (high - low)


def round1(x: float | None) -> float | None:
    """Round to one decimal, half away from zero (4.25 -> 4.3), on the float's shortest form."""
    if x is None:
        return None
    return float(Decimal(repr(float(x))).quantize(_TENTH, rounding=ROUND_HALF_UP))


def minutes(seconds: float | None) -> float | None:
    """Seconds -> minutes rounded to 0.1."""
    return None if seconds is None else round1(seconds / 60.0)


def percent(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in percent rounded to 0.1; None when ``whole`` is 0."""
    return None if whole == 0 else round1(100.0 * part / whole)


_STAT_KEYS = tuple(f"{p}_{s}" for p in ("wait", "service") for s in ("mean", "median", "p90", "max"))


def group_figures(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Displayed figures of a group from its raw aggregates.

    ``raw`` holds counts (tickets, served, no_show, transferred, cancelled, rated,
    satisfied) and statistics in SECONDS (wait_mean ... service_max, None when empty).
    The province computes the same raw aggregates in SQL and converts them here, so
    both sides round alike.
    """
    out: dict[str, Any] = {k: int(raw[k]) for k in
                           ("tickets", "served", "no_show", "transferred", "cancelled")}
    for key in _STAT_KEYS:
        value = raw[key]
        out[key] = minutes(None if value is None else float(value))
    out["rated"] = int(raw["rated"])
    out["satisfied_pct"] = percent(int(raw["satisfied"]), int(raw["rated"]))
    return out


# -- the rows, column by column ----------------------------------------------------------
REPORT_COLUMNS = ("day", "issued_at", "field", "counter", "officer", "status", "transfers",
                  "wait_seconds", "service_seconds", "rating", "satisfied", "outcome",
                  "dossiers")
"""The fact columns a report reads, in the order :func:`summary_rows` takes them."""


def _iso_day(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def _hour(value: Any, tz: tzinfo) -> int:
    ts = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if ts.tzinfo is not None:
        ts = ts.astimezone(tz)
    return ts.hour


@dataclass
class _Columns:
    """The rows split into columns (the work is done by C loops: zip, map, sort)."""

    days: list[str]
    hours: list[int]
    fields: list[str]
    counters: list[int | None]
    officers: list[str | None]
    outcomes: IntArray
    """Per row, an index into ``kinds`` (a ticket's outcome is one of few)."""
    kinds: list[tuple[str, bool, int | None, bool]]
    """The distinct outcomes: (status, transferred, rating, satisfied)."""
    wait_rows: IntArray
    wait_values: FloatArray
    """Seconds waited by called tickets, ascending, and the row of each."""
    service_rows: IntArray
    service_values: FloatArray
    """Service seconds of served tickets, ascending, and the row of each."""


def _sorted_values(values: Sequence[Any], keep: npt.NDArray[np.bool_]) -> tuple[IntArray,
                                                                                 FloatArray]:
    """Rows with a value (and ``keep``) ordered by value, and those values as floats."""
    arr = np.array(values, dtype=np.float64)  # None -> nan
    rows = np.nonzero(~np.isnan(arr) & keep)[0]
    rows = rows[np.argsort(arr[rows], kind="stable")]
    return rows.astype(np.intp), arr[rows]


def _local_hours(issued: Sequence[Any], tz: tzinfo) -> list[int]:
    offset = datetime(2025, 1, 1, 12, tzinfo=tz).strftime("%z")
    offset = f"{offset[:3]}:{offset[3:]}"
    try:
        tails = set(map(itemgetter(slice(-6, None)), issued))
    except TypeError:  # datetimes, not text
        tails = set()
    if tails == {offset}:  # already local time, as the hub writes it: read the digits
        return list(map(int, map(itemgetter(slice(11, 13)), issued)))
    return [_hour(t, tz) for t in issued]


def _columns(rows: Iterable[Sequence[Any]], tz: tzinfo,
             scale_satisfied: Mapping[int, bool]) -> _Columns:
    table = list(zip(*rows, strict=True))  # transpose: one tuple per column
    if not table:
        return _Columns([], [], [], [], [], np.empty(0, np.intp), [], np.empty(0, np.intp),
                        np.empty(0), np.empty(0, np.intp), np.empty(0))
    # outcome and dossiers (and rows from older readers without them) are read by
    # reports/outcomes.py, not here
    (days, issued, fields, counters, officers, statuses, transfers, waits, services, ratings,
     sats, *_outcome_columns) = table
    hours = _local_hours(issued, tz)
    rating_values = [None if r is None else int(r) for r in ratings]
    # a rating without its satisfied flag (an older row): the centre's scale decides
    satisfied = [r is not None and bool(scale_satisfied.get(r, False) if s is None else s)
                 for r, s in zip(rating_values, sats, strict=True)]
    ids: dict[tuple[str, bool, int | None, bool], int] = {}
    wait_rows, wait_values = _sorted_values(waits, np.ones(len(waits), dtype=np.bool_))
    service_rows, service_values = _sorted_values(services, np.array(statuses) == "done")
    cols = _Columns(
        days=[d if isinstance(d, str) else _iso_day(d) for d in days], hours=hours,
        fields=[str(f) for f in fields],
        counters=[None if c is None else int(c) for c in counters], officers=list(officers),
        outcomes=np.array([ids.setdefault(o, len(ids)) for o in zip(
            statuses, map(bool, transfers), rating_values, satisfied, strict=True)],
            dtype=np.intp),
        kinds=[],
        wait_rows=wait_rows, wait_values=wait_values, service_rows=service_rows,
        service_values=service_values)
    cols.kinds = sorted(ids, key=ids.__getitem__)
    return cols


# -- accumulating a group of tickets ----------------------------------------------------
@dataclass(slots=True)
class _Group:
    tickets: int = 0
    served: int = 0
    no_show: int = 0
    transferred: int = 0
    cancelled: int = 0
    unfinished: int = 0
    waits: FloatArray = dc_field(default_factory=lambda: np.empty(0))
    services: FloatArray = dc_field(default_factory=lambda: np.empty(0))
    """Ascending."""
    ratings: Counter[int] = dc_field(default_factory=Counter)
    satisfied: int = 0

    def count(self, outcome: tuple[str, bool, int | None, bool], n: int) -> None:
        status, transferred, rating, satisfied = outcome
        self.tickets += n
        if status == "done":
            self.served += n
        elif status == "no_show":
            self.no_show += n
        elif status == "cancelled":
            self.cancelled += n
        else:
            self.unfinished += n
        if transferred:
            self.transferred += n
        if rating is not None:
            self.ratings[rating] += n
            self.satisfied += n * satisfied

    @property
    def rated(self) -> int:
        return sum(self.ratings.values())

    def raw(self) -> dict[str, Any]:
        """Counts and statistics in seconds (see :func:`group_figures`)."""
        out: dict[str, Any] = {"tickets": self.tickets, "served": self.served,
                               "no_show": self.no_show, "transferred": self.transferred,
                               "cancelled": self.cancelled, "unfinished": self.unfinished,
                               "rated": self.rated, "satisfied": self.satisfied}
        for prefix, values in (("wait", self.waits), ("service", self.services)):
            n = len(values)
            out[f"{prefix}_mean"] = _mean(values)
            out[f"{prefix}_median"] = percentile(values, 50)
            out[f"{prefix}_p90"] = percentile(values, 90)
            out[f"{prefix}_max"] = float(values[-1]) if n else None
        return out

    def figures(self) -> dict[str, Any]:
        return group_figures(self.raw())

    def rating_figures(self, values: Sequence[int]) -> dict[str, Any]:
        out: dict[str, Any] = {f"r{v}": self.ratings.get(v, 0) for v in values}
        out.update(rated=self.rated, satisfied=self.satisfied,
                   satisfied_pct=percent(self.satisfied, self.rated))
        return out


def _mean(values: FloatArray) -> float | None:
    # fsum is exactly rounded: the same mean whatever order the rows came in
    return math.fsum(values.tolist()) / len(values) if len(values) else None


def _split(codes: IntArray, groups: int, rows: IntArray,
           values: FloatArray) -> list[FloatArray]:
    """``values`` (ascending, one per row in ``rows``) cut into one array per group code.

    A stable sort by group keeps each group's values ascending, so no group is sorted
    again. Code -1 (no group) is left out.
    """
    kc = codes[rows]
    keep = kc >= 0
    kc, kept = kc[keep], values[keep]
    ordered = kept[np.argsort(kc, kind="stable")]
    bounds = np.concatenate(([0], np.cumsum(np.bincount(kc, minlength=groups))))
    return [ordered[bounds[g]:bounds[g + 1]] for g in range(groups)]


def _group_by(keys: Sequence[Any], cols: _Columns) -> dict[Any, _Group]:
    """Groups of rows by ``keys[row]`` (None = the row is left out)."""
    found = [k for k in dict.fromkeys(keys) if k is not None]
    lookup: dict[Any, int] = {k: i for i, k in enumerate(found)}
    lookup[None] = -1
    codes = np.fromiter(map(lookup.__getitem__, keys), dtype=np.intp, count=len(keys))
    groups = [_Group() for _ in found]
    kinds = len(cols.kinds)
    inside = codes >= 0
    # one count per (group, outcome) pair, all at once
    table = np.bincount(codes[inside] * kinds + cols.outcomes[inside],
                        minlength=len(found) * kinds).reshape(len(found), kinds)
    for row, kind in zip(*np.nonzero(table), strict=True):
        groups[int(row)].count(cols.kinds[int(kind)], int(table[row, kind]))
    waits = _split(codes, len(found), cols.wait_rows, cols.wait_values)
    services = _split(codes, len(found), cols.service_rows, cols.service_values)
    for i, group in enumerate(groups):
        group.waits, group.services = waits[i], services[i]
    return dict(zip(found, groups, strict=True))
