"""Province-side reports: ticket facts rebuilt from stored events, figures per site.

The province does not trust a second implementation of the queue: it replays each
stream's stored events through the hub's own :func:`motcua.core.state.apply` and turns
the touched tickets into rows with the hub's own :func:`motcua.core.facts.fact_row`, so a
site's figures here equal the figures its manager sees at the hub.

Tables added to the province schema (next to ``streams`` / ``events`` of
:mod:`motcua.province.store`):

``province_facts``
    One row per (stream_id, ticket): the columns of ``fact_row`` plus ``site``.
    Timestamps stay ISO text in Asia/Ho_Chi_Minh exactly as the hub writes them.
``province_fact_cursor``
    Per stream: ``seq`` (events replayed so far) and ``day_start_seq`` (the last
    ``day.opened`` at or before it). A refresh rebuilds the day's state from
    ``day_start_seq`` to ``seq`` and then applies only the new events, so refreshing
    after every ingested batch costs about one day's events, never the whole history.

:func:`refresh_facts` is safe to run from several processes: each page of a stream is
replayed under a row lock on its cursor, and facts are upserted in the same transaction.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, text

from motcua.core.centre.model import Centre
from motcua.core.facts import fact_row
from motcua.core.state import DayState, Event, apply
from motcua.reports.figures import (
    GROUP_COLUMNS,
    PERCENTILE_METHOD_EN,
    PERCENTILE_METHOD_VI,
    column,
    figure_items,
    group_figures,
    make_table,
    summary,
    totals_table,
)

__all__ = ["FACT_COLUMNS", "FactBuilder", "RefreshResult", "create_fact_tables",
           "facts_from_events", "month_range", "province_overview", "refresh_facts",
           "site_facts", "site_summary", "upsert_facts"]

log = logging.getLogger(__name__)
VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
FACT_COLUMNS = ("ticket", "day", "field", "label", "priority", "procedure", "status", "counter",
                "officer", "issued_at", "first_called_at", "served_at", "finished_at",
                "wait_seconds", "service_seconds", "calls", "transfers", "estimate_minutes",
                "rating", "satisfied", "outcome", "dossiers")
_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
PAGE = 20_000


# -- replay (pure) ----------------------------------------------------------------------------
class FactBuilder:
    """Replays ONE stream's events, in sequence order, into fact rows.

    Feed every event; :meth:`take` returns the rows of the tickets touched since the last
    call (newest state of each). An event the hub's ``apply`` cannot take (a malformed
    body, an unknown ticket) is counted in ``skipped`` and logged, never raised.
    """

    def __init__(self) -> None:
        self.state = DayState()
        self.seq = 0
        self.day_start_seq = 0
        self.skipped = 0
        self._touched: dict[str, dict[str, Any]] = {}

    def feed(self, seq: int, type_: str, ts: datetime | str, body: Mapping[str, Any]) -> None:
        when = ts if isinstance(ts, datetime) else datetime.fromisoformat(ts)
        # The hub's events carry the centre's local time; PostgreSQL hands timestamptz
        # back in the session zone. Facts must read "+07:00" exactly as at the hub.
        when = when.astimezone(VN_TZ)
        self.seq = seq
        if type_ == "day.opened":
            self.day_start_seq = seq
        try:
            apply(self.state, Event(type_, when, dict(body)))
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            self.skipped += 1
            log.warning("event %d (%s) could not be replayed and is skipped: %r", seq, type_,
                        exc)
            return
        if type_ == "day.closed":
            touched = [str(t) for t in body.get("expired", [])]
        elif "ticket" in body:
            touched = [str(body["ticket"])]
        else:
            return
        for tid in touched:
            t = self.state.tickets.get(tid)
            if t is not None:
                self._touched[tid] = fact_row(t)

    def take(self) -> list[dict[str, Any]]:
        rows = list(self._touched.values())
        self._touched.clear()
        return rows


def facts_from_events(events: Iterable[Any]) -> list[dict[str, Any]]:
    """Fact rows of one stream's events (objects with seq, type, ts, body, in order)."""
    b = FactBuilder()
    for e in events:
        b.feed(int(e.seq), str(e.type), e.ts, e.body)
    return b.take()


# -- tables -----------------------------------------------------------------------------------
def _check(schema: str) -> str:
    if not _SCHEMA_NAME.match(schema):
        raise ValueError(f"tên schema không hợp lệ / invalid schema name {schema!r}")
    return schema


def create_fact_tables(engine: Engine, schema: str = "province") -> None:
    """Create ``province_facts`` and ``province_fact_cursor`` if missing (idempotent)."""
    s = _check(schema)
    with engine.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"),
                     {"k": f"motcua-province-facts:{s}"})
        conn.execute(text(f"""CREATE TABLE IF NOT EXISTS {s}.province_facts (
            stream_id uuid NOT NULL, site text NOT NULL, ticket text NOT NULL,
            day date NOT NULL, field text NOT NULL, label text NOT NULL, priority text,
            procedure text, status text NOT NULL, counter integer, officer text,
            issued_at text NOT NULL, first_called_at text, served_at text, finished_at text,
            wait_seconds double precision, service_seconds double precision,
            calls integer NOT NULL DEFAULT 0, transfers integer NOT NULL DEFAULT 0,
            estimate_minutes integer, rating integer, satisfied boolean,
            outcome text, dossiers text,
            PRIMARY KEY (stream_id, ticket))"""))
        # schemas made before outcomes were recorded get the columns too
        conn.execute(text(f"ALTER TABLE {s}.province_facts ADD COLUMN IF NOT EXISTS outcome text"))
        conn.execute(text(f"ALTER TABLE {s}.province_facts ADD COLUMN IF NOT EXISTS dossiers text"))
        # rev: a number from one sequence, renewed on every insert and update of a row, so
        # "rows changed after rev N" is the integration API's cursor (province/web/api.py)
        conn.execute(text(f"CREATE SEQUENCE IF NOT EXISTS {s}.province_facts_rev"))
        conn.execute(text(f"ALTER TABLE {s}.province_facts ADD COLUMN IF NOT EXISTS rev bigint"))
        conn.execute(text(f"CREATE INDEX IF NOT EXISTS province_facts_rev "
                          f"ON {s}.province_facts (rev)"))
        conn.execute(text(f"UPDATE {s}.province_facts SET rev = nextval('{s}.province_facts_rev')"
                          " WHERE rev IS NULL"))
        conn.execute(text(f"CREATE INDEX IF NOT EXISTS province_facts_site_day "
                          f"ON {s}.province_facts (site, day)"))
        conn.execute(text(f"CREATE INDEX IF NOT EXISTS province_facts_day "
                          f"ON {s}.province_facts (day)"))
        conn.execute(text(f"""CREATE TABLE IF NOT EXISTS {s}.province_fact_cursor (
            stream_id uuid PRIMARY KEY, site text NOT NULL, seq bigint NOT NULL DEFAULT 0,
            day_start_seq bigint NOT NULL DEFAULT 0, skipped bigint NOT NULL DEFAULT 0,
            updated_at timestamptz)"""))


@dataclass(frozen=True)
class RefreshResult:
    """What one :func:`refresh_facts` did."""

    streams: int
    events: int
    facts: int
    skipped: int


def refresh_facts(engine: Engine, schema: str = "province", *, site: str | None = None,
                  page: int = PAGE) -> RefreshResult:
    """Bring ``province_facts`` up to date with the stored events (of one site or all)."""
    s = _check(schema)
    create_fact_tables(engine, s)
    where = "AND st.site = :site" if site is not None else ""
    with engine.connect() as conn:
        pending = conn.execute(text(
            f"SELECT st.stream_id::text, st.site FROM {s}.streams st "
            f"LEFT JOIN {s}.province_fact_cursor c ON c.stream_id = st.stream_id "
            f"WHERE st.last_seq > coalesce(c.seq, 0) {where} ORDER BY st.site, st.stream_id"),
            {"site": site}).all()
    events = facts = skipped = 0
    for stream_id, stream_site in pending:
        e, f, k = _refresh_stream(engine, s, stream_id, stream_site, page)
        events, facts, skipped = events + e, facts + f, skipped + k
    if pending:
        log.info("facts refreshed: %d streams, %d events, %d ticket rows, %d skipped",
                 len(pending), events, facts, skipped)
    return RefreshResult(len(pending), events, facts, skipped)


def _read_events(conn: Connection, s: str, stream_id: str, after: int, upto: int | None,
                 limit: int | None) -> list[Any]:
    cond = " AND seq <= :upto" if upto is not None else ""
    lim = " LIMIT :limit" if limit is not None else ""
    return list(conn.execute(text(
        f"SELECT seq, type, ts, body FROM {s}.events WHERE stream_id = CAST(:sid AS uuid) "
        f"AND seq > :after{cond} ORDER BY seq{lim}"),
        {"sid": stream_id, "after": after, "upto": upto, "limit": limit}).all())


def _refresh_stream(engine: Engine, s: str, stream_id: str, site: str,
                    page: int) -> tuple[int, int, int]:
    builder: FactBuilder | None = None
    events = facts = skipped = 0
    while True:
        with engine.begin() as conn:
            conn.execute(text(
                f"INSERT INTO {s}.province_fact_cursor (stream_id, site) "
                "VALUES (CAST(:sid AS uuid), :site) ON CONFLICT (stream_id) DO NOTHING"),
                {"sid": stream_id, "site": site})
            seq, day_start = conn.execute(text(
                f"SELECT seq, day_start_seq FROM {s}.province_fact_cursor "
                "WHERE stream_id = CAST(:sid AS uuid) FOR UPDATE"), {"sid": stream_id}).one()
            if builder is None or builder.seq != seq:
                # Rebuild the open day's state: tickets never outlive their day.
                builder = FactBuilder()
                for r in _read_events(conn, s, stream_id, max(0, day_start - 1), seq, None):
                    builder.feed(r.seq, r.type, r.ts, r.body)
                builder.take()
                builder.skipped = 0
                builder.seq, builder.day_start_seq = seq, max(builder.day_start_seq, day_start)
            rows = _read_events(conn, s, stream_id, seq, None, page)
            if not rows:
                break
            for r in rows:
                builder.feed(r.seq, r.type, r.ts, r.body)
            new_facts = builder.take()
            _copy_facts(conn, s, stream_id, site, new_facts)
            conn.execute(text(
                f"UPDATE {s}.province_fact_cursor SET seq = :seq, day_start_seq = :ds, "
                "skipped = skipped + :sk, updated_at = now() WHERE stream_id = CAST(:sid AS uuid)"),
                {"seq": builder.seq, "ds": builder.day_start_seq, "sk": builder.skipped,
                 "sid": stream_id})
            events += len(rows)
            facts += len(new_facts)
            skipped += builder.skipped
            builder.skipped = 0
        if len(rows) < page:
            break
    return events, facts, skipped


def upsert_facts(engine: Engine, schema: str, stream_id: str, site: str,
                 rows: Iterable[dict[str, Any]]) -> int:
    """Store fact rows of one stream as they are (imports, tests, benchmarks)."""
    s = _check(schema)
    create_fact_tables(engine, s)
    batch = list(rows)
    with engine.begin() as conn:
        _copy_facts(conn, s, stream_id, site, batch)
    return len(batch)


def _copy_facts(conn: Connection, s: str, stream_id: str, site: str,
                rows: list[dict[str, Any]]) -> None:
    # COPY into a scratch table, then one INSERT ... ON CONFLICT: fast for a whole month
    # and for a single batch alike. A ticket appears once per call (FactBuilder.take).
    if not rows:
        return
    cols = ("stream_id", "site", *FACT_COLUMNS)
    conn.execute(text(f"CREATE TEMP TABLE _pf_in (LIKE {s}.province_facts) ON COMMIT DROP"))
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cur, cur.copy(f"COPY _pf_in ({', '.join(cols)}) FROM STDIN") as copy:
        for r in rows:
            priority = r["priority"]
            copy.write_row((stream_id, site, *(r[c] for c in FACT_COLUMNS[:4]),
                            None if priority is None else str(priority),
                            # rows from before outcomes were recorded have none
                            *(r.get(c) for c in FACT_COLUMNS[5:])))
    sets = ", ".join(f"{c} = EXCLUDED.{c}" for c in cols[1:] if c != "ticket")
    conn.execute(text(f"INSERT INTO {s}.province_facts ({', '.join(cols)}, rev) "
                      f"SELECT {', '.join(cols)}, nextval('{s}.province_facts_rev') FROM _pf_in "
                      f"ON CONFLICT (stream_id, ticket) DO UPDATE SET {sets}, rev = EXCLUDED.rev"))
    conn.execute(text("DROP TABLE _pf_in"))


# -- reading and reporting --------------------------------------------------------------------
def month_range(month: str) -> tuple[date, date]:
    """``"2025-11"`` -> (1/11/2025, 30/11/2025); ValueError in words when malformed."""
    m = re.fullmatch(r"(\d{4})-(\d{2})", month.strip())
    if not m or not 1 <= int(m[2]) <= 12:
        raise ValueError(f"tháng không hợp lệ, cần dạng YYYY-MM / invalid month {month!r}, "
                         "expected YYYY-MM (e.g. 2025-11)")
    y, mo = int(m[1]), int(m[2])
    first = date(y, mo, 1)
    nxt = date(y + 1, 1, 1) if mo == 12 else date(y, mo + 1, 1)
    return first, date.fromordinal(nxt.toordinal() - 1)


def site_facts(engine: Engine, schema: str, site: str, day_from: date | str | None = None,
               day_to: date | str | None = None) -> list[dict[str, Any]]:
    """Fact rows of one site (every stream of it), as the hub's ``HubStore.facts`` gives."""
    s = _check(schema)
    cond = ["site = :site"]
    if day_from is not None:
        cond.append("day >= CAST(:a AS date)")
    if day_to is not None:
        cond.append("day <= CAST(:b AS date)")
    with engine.connect() as conn:
        rows = conn.execute(text(
            f"SELECT {', '.join(FACT_COLUMNS)} FROM {s}.province_facts "
            f"WHERE {' AND '.join(cond)} ORDER BY issued_at, ticket"),
            {"site": site, "a": str(day_from), "b": str(day_to)}).mappings().all()
    out = []
    for r in rows:
        d = dict(r)
        d["day"] = d["day"].isoformat()
        out.append(d)
    return out


def site_summary(engine: Engine, schema: str, site: str, month: str,
                 centre: Centre | None = None) -> dict[str, Any]:
    """The same report dict as the hub's for one site and month (``"2025-11"``)."""
    first, last = month_range(month)
    facts = site_facts(engine, schema, site, first, last)
    report = summary(centre, facts, date_from=first.isoformat(), date_to=last.isoformat())
    report["centre"]["id"] = report["centre"]["id"] or site
    return report


_AGG = """count(*) AS tickets,
  count(*) FILTER (WHERE status = 'done') AS served,
  count(*) FILTER (WHERE status = 'no_show') AS no_show,
  count(*) FILTER (WHERE transfers > 0) AS transferred,
  count(*) FILTER (WHERE status = 'cancelled') AS cancelled,
  count(*) FILTER (WHERE status NOT IN ('done', 'no_show', 'cancelled')) AS unfinished,
  avg(wait_seconds) AS wait_mean,
  percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY wait_seconds) AS wait_pct,
  max(wait_seconds) AS wait_max,
  avg(service_seconds) FILTER (WHERE status = 'done') AS service_mean,
  percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY service_seconds)
    FILTER (WHERE status = 'done') AS service_pct,
  max(service_seconds) FILTER (WHERE status = 'done') AS service_max,
  count(rating) AS rated,
  count(*) FILTER (WHERE rating IS NOT NULL AND satisfied) AS satisfied"""
# One sort gives both percentiles (ARRAY form); DISTINCT counts are left out on purpose:
# each would sort the month once more.


def _rows(conn: Connection, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for r in conn.execute(text(sql), params).mappings():
        d = dict(r)
        for prefix in ("wait", "service"):
            pct = d.pop(f"{prefix}_pct") or [None, None]
            d[f"{prefix}_median"], d[f"{prefix}_p90"] = pct
        out.append(d)
    return out


def province_overview(engine: Engine, schema: str, month: str,
                      centre: Centre | None = None) -> dict[str, Any]:
    """Every site of the province side by side for one month, plus province totals.

    Computed in SQL (``percentile_cont`` is the same percentile as the hub's) and
    rounded by :func:`motcua.reports.figures.group_figures`, so a site's line equals the totals of
    its own :func:`site_summary`. Shaped like the hub's report dict for the exporters.
    """
    s = _check(schema)
    first, last = month_range(month)
    params = {"a": first, "b": last}
    where = "WHERE day BETWEEN :a AND :b"
    with engine.begin() as conn:
        # sorts for the percentiles stay in memory instead of spilling to disk
        conn.execute(text("SET LOCAL work_mem = '128MB'"))
        (total,) = _rows(conn, f"SELECT {_AGG} FROM {s}.province_facts {where}", params)
        days = conn.execute(text(f"SELECT count(*) FROM (SELECT DISTINCT day FROM "
                                 f"{s}.province_facts {where}) d"), params).scalar_one()
        sites = _rows(conn, f"SELECT site AS k, {_AGG} FROM {s}.province_facts {where} "
                      "GROUP BY site ORDER BY site", params)
        fields = _rows(conn, f"SELECT field AS k, {_AGG} FROM {s}.province_facts {where} "
                       "GROUP BY field ORDER BY field", params)
    field_names = {f.code: f.vi for f in centre.fields} if centre else {}
    tables = [
        totals_table([("sites", "Số điểm có phiếu", "Sites with tickets", len(sites), "điểm"),
                      ("days", "Số ngày có phiếu", "Days with tickets", int(days), "ngày"),
                      *figure_items(total)]),
        make_table("by_site", "Theo điểm", "By site", "theo-diem",
                   [column("site", "Mã điểm", "Site"), *GROUP_COLUMNS],
                   [{"site": r["k"], **group_figures(r)} for r in sites]),
        make_table("by_field", "Theo lĩnh vực", "By field", "theo-linh-vuc",
                   [column("field", "Mã lĩnh vực", "Field code"),
                    column("field_name", "Lĩnh vực", "Field"), *GROUP_COLUMNS],
                   [{"field": r["k"], "field_name": field_names.get(r["k"], r["k"]),
                     **group_figures(r)} for r in fields]),
    ]
    return {
        "kind": "motcua.province-report", "version": 1,
        "centre": {"id": "", "name_vi": "Toàn tỉnh", "place_vi": ""},
        "period": {"from": first.isoformat(), "to": last.isoformat(),
                   "from_vn": first.strftime("%d/%m/%Y"), "to_vn": last.strftime("%d/%m/%Y"),
                   "days": int(days)},
        "method": {"percentile_vi": PERCENTILE_METHOD_VI, "percentile_en": PERCENTILE_METHOD_EN,
                   "unit_vi": "phút, làm tròn 0,1", "unit_en": "minutes, rounded to 0.1"},
        "rating_scale": [],
        "tables": {t["key"]: t for t in tables},
    }
