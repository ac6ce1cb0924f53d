"""What the provincial screen shows, read from the province schema.

Live figures come from today's rows of ``province_facts`` (kept current by the sync
server's refresher or by the screen's own poller), ``daily_counts`` (counters opened and
closed today) and ``streams`` (when each centre last sent a batch). Month figures reuse
:mod:`motcua.province.reports`, so the screen, the exports and ``motcua report`` agree.

"Today" and every time shown are in Asia/Ho_Chi_Minh, whatever the server's zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, text

from motcua.province.reports import create_fact_tables, month_range

__all__ = ["CentreLive", "centre_live", "known_sites", "overview", "satisfaction_766"]

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class CentreLive:
    """One line of the overview."""

    site: str
    name: str
    waiting: int
    longest_wait_s: float | None
    counters_open: int
    served_today: int
    rated_today: int
    satisfied_today: int
    rated_month: int
    satisfied_month: int
    last_sync: datetime | None
    offline: bool

    @property
    def satisfaction_today(self) -> float | None:
        return self.satisfied_today / self.rated_today if self.rated_today else None

    @property
    def satisfaction_month(self) -> float | None:
        return self.satisfied_month / self.rated_month if self.rated_month else None

    def sync_age_s(self, now: datetime) -> float | None:
        return None if self.last_sync is None else max(0.0, (now - self.last_sync)
                                                        .total_seconds())


def known_sites(engine: Engine, schema: str) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(text(
            f"SELECT DISTINCT site FROM {schema}.streams ORDER BY site")).scalars())


def overview(engine: Engine, schema: str, now: datetime, names: dict[str, str],
             offline_after: timedelta, sites: set[str] | None = None) -> list[CentreLive]:
    """Every centre that ever synced (or only ``sites``), offline ones first."""
    create_fact_tables(engine, schema)
    today = now.astimezone(VN_TZ).date()
    first = today.replace(day=1)
    s = schema
    sql = f"""
    WITH st AS (SELECT site, max(last_batch_at) AS last_sync FROM {s}.streams GROUP BY site),
    td AS (SELECT site,
             count(*) FILTER (WHERE status = 'waiting') AS waiting,
             min(issued_at) FILTER (WHERE status = 'waiting') AS oldest,
             count(*) FILTER (WHERE status = 'done') AS served,
             count(rating) AS rated,
             count(*) FILTER (WHERE rating IS NOT NULL AND satisfied) AS satisfied
           FROM {s}.province_facts WHERE day = :today GROUP BY site),
    mo AS (SELECT site, count(rating) AS rated,
             count(*) FILTER (WHERE rating IS NOT NULL AND satisfied) AS satisfied
           FROM {s}.province_facts WHERE day BETWEEN :first AND :today GROUP BY site),
    co AS (SELECT site, coalesce(sum(n) FILTER (WHERE type = 'counter.opened'), 0)
                      - coalesce(sum(n) FILTER (WHERE type = 'counter.closed'), 0) AS open
           FROM {s}.daily_counts WHERE day = :today GROUP BY site)
    SELECT st.site, st.last_sync, coalesce(td.waiting, 0) AS waiting, td.oldest,
           coalesce(td.served, 0) AS served, coalesce(td.rated, 0) AS rated_today,
           coalesce(td.satisfied, 0) AS satisfied_today, coalesce(mo.rated, 0) AS rated_month,
           coalesce(mo.satisfied, 0) AS satisfied_month, greatest(coalesce(co.open, 0), 0) AS open
    FROM st LEFT JOIN td USING (site) LEFT JOIN mo USING (site) LEFT JOIN co USING (site)
    ORDER BY st.site"""
    with engine.connect() as conn:
        rows = conn.execute(text(sql), {"today": today, "first": first}).mappings().all()
    out = []
    for r in rows:
        if sites is not None and r["site"] not in sites:
            continue
        oldest = datetime.fromisoformat(r["oldest"]) if r["oldest"] else None
        last = r["last_sync"]
        out.append(CentreLive(
            site=r["site"], name=names.get(r["site"], r["site"]), waiting=int(r["waiting"]),
            longest_wait_s=max(0.0, (now - oldest).total_seconds()) if oldest else None,
            counters_open=int(r["open"]), served_today=int(r["served"]),
            rated_today=int(r["rated_today"]), satisfied_today=int(r["satisfied_today"]),
            rated_month=int(r["rated_month"]), satisfied_month=int(r["satisfied_month"]),
            last_sync=last, offline=last is None or now - last > offline_after))
    out.sort(key=lambda c: (not c.offline, c.site))
    return out


def centre_live(engine: Engine, schema: str, site: str, now: datetime) -> dict[str, Any]:
    """Today's drill-down of one centre: fields, counters, officers, waits by hour, outcomes."""
    create_fact_tables(engine, schema)
    today = now.astimezone(VN_TZ).date()
    s = schema
    p = {"site": site, "today": today}
    agg = """count(*) AS tickets, count(*) FILTER (WHERE status = 'waiting') AS waiting,
             count(*) FILTER (WHERE status = 'done') AS served,
             count(*) FILTER (WHERE status = 'no_show') AS no_show,
             avg(wait_seconds) AS wait_mean, max(wait_seconds) AS wait_max,
             avg(service_seconds) FILTER (WHERE status = 'done') AS service_mean,
             count(rating) AS rated,
             count(*) FILTER (WHERE rating IS NOT NULL AND satisfied) AS satisfied"""
    where = f"FROM {s}.province_facts WHERE site = :site AND day = :today"
    with engine.connect() as conn:
        fields = conn.execute(text(f"SELECT field AS k, {agg} {where} GROUP BY field "
                                   "ORDER BY field"), p).mappings().all()
        counters = conn.execute(text(f"SELECT counter AS k, {agg} {where} AND counter IS NOT "
                                     "NULL GROUP BY counter ORDER BY counter"), p).mappings().all()
        officers = conn.execute(text(f"SELECT officer AS k, {agg} {where} AND officer IS NOT "
                                     "NULL GROUP BY officer ORDER BY officer"), p).mappings().all()
        hours = conn.execute(text(
            f"SELECT substr(issued_at, 12, 2)::int AS k, {agg} {where} GROUP BY 1 ORDER BY 1"),
            p).mappings().all()
        recent = conn.execute(text(
            f"SELECT label, field, status, counter, officer, finished_at, wait_seconds, "
            f"rating, satisfied {where} AND finished_at IS NOT NULL "
            "ORDER BY finished_at DESC LIMIT 15"), p).mappings().all()
        seen = conn.execute(text(f"SELECT 1 FROM {s}.streams WHERE site = :site LIMIT 1"),
                            p).first() is not None
    return {"known": seen, "day": today, "fields": [dict(r) for r in fields],
            "counters": [dict(r) for r in counters], "officers": [dict(r) for r in officers],
            "hours": [dict(r) for r in hours], "recent": [dict(r) for r in recent]}


def satisfaction_766(engine: Engine, schema: str, month: str,
                     sites: set[str] | None = None) -> dict[str, Any]:
    """Decision 766's satisfaction rate per centre and for the province, for one month.

    The rate counted here is the third of the satisfaction group's three rates: the
    share of ratings of the reception and resolution of procedures that are satisfied
    ("hài lòng" or better on the centre's scale). The two complaint rates come from the
    complaint-handling system, which motcua does not hold; they are shown as not
    available rather than guessed.
    """
    create_fact_tables(engine, schema)
    first, last = month_range(month)
    with engine.connect() as conn:
        rows = conn.execute(text(
            f"SELECT site, count(rating) AS rated, "
            f"count(*) FILTER (WHERE rating IS NOT NULL AND satisfied) AS satisfied, "
            f"count(*) FILTER (WHERE status = 'done') AS served "
            f"FROM {schema}.province_facts WHERE day BETWEEN :a AND :b "
            f"GROUP BY site ORDER BY site"), {"a": first, "b": last}).mappings().all()
    per_site = [dict(r) for r in rows if sites is None or r["site"] in sites]
    for r in per_site:
        r["rate"] = r["satisfied"] / r["rated"] if r["rated"] else None
        r["coverage"] = r["rated"] / r["served"] if r["served"] else None
    rated = sum(r["rated"] for r in per_site)
    satisfied = sum(r["satisfied"] for r in per_site)
    served = sum(r["served"] for r in per_site)
    return {"month": month, "from": first, "to": last, "sites": per_site,
            "rated": rated, "satisfied": satisfied, "served": served,
            "rate": satisfied / rated if rated else None,
            "coverage": rated / served if served else None}


def today_in_vn(now: datetime) -> date:
    return now.astimezone(VN_TZ).date()
