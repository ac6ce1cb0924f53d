"""Day-to-day operation figures from the hub's event log: pause time by reason and what
officers did with the counter tools (tickets issued at a counter, quick serves,
transfers with a note, returns).

These come from events rather than the per-ticket fact rows, because a pause belongs to
a counter, not to a ticket. :func:`operations_tables` gives tables in the same shape as
:func:`motcua.reports.figures.summary` (``make_table``), so the CSV/XLSX exports and the
printed summary take them as they are.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from motcua.core.centre.model import DEFAULT_PAUSE_REASONS, Centre
from motcua.reports.figures import column, make_table

log = logging.getLogger(__name__)

OPERATION_EVENTS = ("counter.paused", "counter.resumed", "counter.closed", "day.closed",
                    "ticket.issued", "ticket.transferred", "alert.raised", "alert.seen",
                    "alert.cleared")
"""Event types :func:`operations_tables` reads (select only these from the log)."""


@dataclass
class _Pause:
    reason: str
    start: datetime


def pause_seconds(events: Iterable[tuple[str, datetime, dict[str, Any]]]
                  ) -> dict[tuple[int, str], tuple[int, float]]:
    """(counter, reason code) -> (number of pauses, seconds paused).

    A pause ends at ``counter.resumed``, or at ``counter.closed``/``day.closed`` when the
    officer signed out (or the day ended) while paused. A reason missing from an older
    counter app is reported as ``""`` (not given).
    """
    open_pauses: dict[int, _Pause] = {}
    out: dict[tuple[int, str], tuple[int, float]] = {}

    def end(counter: int, ts: datetime) -> None:
        pause = open_pauses.pop(counter, None)
        if pause is None:
            return
        n, secs = out.get((counter, pause.reason), (0, 0.0))
        out[(counter, pause.reason)] = (n + 1, secs + max(0.0, (ts - pause.start).total_seconds()))

    for kind, ts, body in events:
        if kind == "counter.paused":
            open_pauses[int(body["counter"])] = _Pause(str(body.get("reason") or ""), ts)
        elif kind in ("counter.resumed", "counter.closed"):
            end(int(body["counter"]), ts)
        elif kind == "day.closed":
            for counter in list(open_pauses):
                end(counter, ts)
    return out


def operations_tables(centre: Centre | None,
                      events: Iterable[tuple[str, datetime, dict[str, Any]]]
                      ) -> list[dict[str, Any]]:
    """The "pauses by reason" and "counter tools" tables for ``events`` in log order."""
    events = list(events)
    reasons = {r.code: (r.vi, r.en) for r in
               (centre.pause_reasons if centre else DEFAULT_PAUSE_REASONS)}
    reasons[""] = ("Không ghi lý do", "Reason not given")
    by_pause = pause_seconds(events)
    totals: dict[str, tuple[int, float]] = {}
    for (_, reason), (n, secs) in by_pause.items():
        t_n, t_s = totals.get(reason, (0, 0.0))
        totals[reason] = (t_n + n, t_s + secs)
    order = list(reasons)
    pause_rows = [{"reason": code, "reason_name": reasons.get(code, (code, code))[0],
                   "pauses": n, "minutes": round(secs / 60.0, 1)}
                  for code, (n, secs) in sorted(totals.items(),
                                                key=lambda kv: order.index(kv[0])
                                                if kv[0] in order else len(order))]
    per_counter = [{"counter": counter, "reason": code,
                    "reason_name": reasons.get(code, (code, code))[0], "pauses": n,
                    "minutes": round(secs / 60.0, 1)}
                   for (counter, code), (n, secs) in sorted(by_pause.items())]
    tools: dict[int, dict[str, int]] = {}

    def bump(counter: int, key: str) -> None:
        row = tools.setdefault(counter, {"issued": 0, "quick": 0, "noted": 0, "returned": 0})
        row[key] += 1

    for kind, _, body in events:
        if kind == "ticket.issued" and body.get("issued_by") is not None:
            bump(int(body["issued_by"]), "quick" if body.get("quick") else "issued")
        elif kind == "ticket.transferred" and body.get("counter") is not None:
            if body.get("returning"):
                bump(int(body["counter"]), "returned")
            elif body.get("note"):
                bump(int(body["counter"]), "noted")
    alert_rows = alert_log(events)
    pause_cols = [column("reason", "Mã lý do", "Reason code"),
                  column("reason_name", "Lý do tạm dừng", "Pause reason"),
                  column("pauses", "Số lần", "Pauses", "int"),
                  column("minutes", "Tổng thời gian (phút)", "Total time (min)", "minutes")]
    return [
        make_table("pauses_by_reason", "Tạm dừng theo lý do", "Pauses by reason",
                   "tam-dung-theo-ly-do", pause_cols, pause_rows),
        make_table("pauses_by_counter", "Tạm dừng theo quầy", "Pauses by counter",
                   "tam-dung-theo-quay",
                   [column("counter", "Quầy số", "Counter", "int"), *pause_cols], per_counter),
        make_table("counter_tools", "Công cụ tại quầy", "Counter tools", "cong-cu-tai-quay",
                   [column("counter", "Quầy số", "Counter", "int"),
                    column("issued", "Cấp số tại quầy", "Tickets issued at the counter", "int"),
                    column("quick", "Phục vụ ngay", "Quick serves", "int"),
                    column("noted", "Chuyển kèm ghi chú", "Transfers with a note", "int"),
                    column("returned", "Trả về quầy đầu", "Returned to the first counter",
                           "int")],
                   [{"counter": c, **row} for c, row in sorted(tools.items())]),
        make_table("alerts", "Cảnh báo", "Alerts", "canh-bao",
                   [column("kind", "Loại", "Kind"), column("subject", "Đối tượng", "Subject"),
                    column("detail", "Nội dung", "What"),
                    column("started", "Bắt đầu", "Started"), column("seen", "Đã xem", "Seen"),
                    column("ended", "Kết thúc", "Ended"),
                    column("minutes", "Thời gian (phút)", "Duration (min)", "minutes")],
                   alert_rows),
    ]


def alert_log(events: Iterable[tuple[str, datetime, dict[str, Any]]]) -> list[dict[str, Any]]:
    """One row per alert with when it started, was seen and ended (dd/mm/yyyy HH:MM:SS);
    an alert still open when the day closed ends there."""
    rows: list[dict[str, Any]] = []
    open_rows: dict[str, dict[str, Any]] = {}

    def stamp(ts: datetime) -> str:
        return ts.strftime("%d/%m/%Y %H:%M:%S")

    for kind, ts, body in events:
        key = str(body.get("alert", ""))
        if kind == "alert.raised":
            row = {"kind": body["kind"], "subject": body["subject"], "detail": body["detail_vi"],
                   "started": stamp(ts), "seen": "", "ended": "", "minutes": None,
                   "_start": ts}
            open_rows[key] = row
            rows.append(row)
        elif kind == "alert.seen" and key in open_rows:
            open_rows[key]["seen"] = stamp(ts)
        elif kind == "alert.cleared" and key in open_rows:
            row = open_rows.pop(key)
            row["ended"] = stamp(ts)
            row["minutes"] = round((ts - row["_start"]).total_seconds() / 60.0, 1)
        elif kind == "day.closed":
            for row in open_rows.values():
                row["ended"] = stamp(ts)
                row["minutes"] = round((ts - row["_start"]).total_seconds() / 60.0, 1)
            open_rows.clear()
    for row in rows:
        del row["_start"]
    return rows
