"""The hub's read worker: heavy reads (a year's report) in a process of their own.

A year of ticket facts is read and summarised here, on a read-only connection to the
hub's database (SQLite in WAL mode lets a reader in beside the writer), so the hub's
request loop never shares its interpreter lock or its memory with a manager's report:
take-ticket and call-next latency stay where they were, and the hub's memory does not
keep a year's rows after the report. The worker exits after a minute without work and
is started again on the next report (see motcua.hub.heavy).

Run by the hub as ``python -m motcua.hub.read_worker ENDPOINT``; jobs and answers are
ZeroMQ messages ``[job id, JSON]`` / ``[job id, b"1" or b"0", JSON]``.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

import zmq

log = logging.getLogger(__name__)
IDLE_EXIT_S = 60.0


def read_only_engine(url: str) -> Any:
    """A connection that cannot write: SQLite opened ``mode=ro``, PostgreSQL read-only."""
    from sqlalchemy import create_engine, event

    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///"):]
        engine = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")

        def pragmas(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.execute("PRAGMA busy_timeout=5000")

        event.listen(engine, "connect", pragmas)
        return engine
    engine = create_engine(url)

    def read_only(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        cur.close()
        dbapi_conn.commit()

    event.listen(engine, "connect", read_only)
    return engine


def summary(job: dict[str, Any], engines: dict[str, Any]) -> dict[str, Any]:
    from motcua.core.centre.load import centre_from_dict
    from motcua.hub.storage.db import read_fact_tuples
    from motcua.reports.figures import REPORT_COLUMNS, summary_rows

    url = str(job["url"])
    engine = engines.get(url)
    if engine is None:
        engine = engines[url] = read_only_engine(url)
    start, end = job.get("date_from"), job.get("date_to")
    rows = read_fact_tuples(engine, REPORT_COLUMNS, start, end)
    return summary_rows(centre_from_dict(job["centre"]), rows, date_from=start, date_to=end)


def serve(endpoint: str, idle_exit_s: float = IDLE_EXIT_S) -> int:
    ctx: zmq.Context[Any] = zmq.Context()
    sock = ctx.socket(zmq.DEALER)
    sock.linger = 1000
    sock.connect(endpoint)
    sock.send_multipart([b"ready", b"{}"])
    engines: dict[str, Any] = {}
    try:
        while sock.poll(int(idle_exit_s * 1000)):
            job_id, raw = sock.recv_multipart()
            try:
                result, ok = summary(json.loads(raw), engines), b"1"
            except Exception as exc:  # one bad report must not end the worker
                log.exception("report failed")
                result, ok = {"code": "internal", "message_vi": "Không lập được báo cáo",
                              "message_en": f"The report failed: {exc}", "details": {}}, b"0"
            sock.send_multipart([job_id, ok, json.dumps(result, ensure_ascii=False).encode()])
    finally:
        sock.close()
        ctx.term()
    return 0


if __name__ == "__main__":
    from motcua.logs import setup_logging

    setup_logging()
    raise SystemExit(serve(sys.argv[1]))
