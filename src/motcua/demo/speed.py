"""``motcua demo --speed N``: a simulated day beside the guided tour, in simulated time.

* **Its own folder**: every run writes under ``<out>/<YYYYMMDD-HHMMSS>/`` (never over an
  earlier run) and says where.
* **Simulated time**: the hub runs on a :class:`ControlledClock` that the simulation moves
  from event to event, paced at ``N`` simulated seconds per real second; every event,
  wait and chart is then in the simulated day's own hours (07:30–17:00), not in the
  minutes the demo took.
* **Its own counter**: the simulation staffs every counter except the tour's
  (:data:`TOUR_COUNTER`), so the tour's officer signs in and calls at a free counter.
* **Screenshots through the whole run** every :data:`SHOT_SECONDS` (see run.py).
* **A report at the end**: XLSX and PNG charts of the simulated day from the hub's own
  database (:func:`write_report`), like ``motcua report`` would write.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

log = logging.getLogger(__name__)

TOUR_COUNTER = 1
"""The counter the guided tour signs in at and calls from; the simulation leaves it alone."""
SHOT_SECONDS = 20.0
"""Real seconds between two rounds of screenshots after the tour."""
DAY_TICKETS = 350
"""Citizens in the simulated day (a busy ward)."""


def run_folder(base: Path, now: datetime | None = None) -> Path:
    """A new folder for this run under ``base``: ``YYYYMMDD-HHMMSS`` (``-2``… if taken)."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    folder = base / stamp
    n = 1
    while folder.exists():
        n += 1
        folder = base / f"{stamp}-{n}"
    folder.mkdir(parents=True)
    return folder


def simulated_day(centre: Any) -> date:
    """The day the simulation plays: today if the centre opens today, else the next day
    it does (in the centre's time zone)."""
    from motcua.simulate.model import first_open_day

    return first_open_day(centre, datetime.now(ZoneInfo(centre.timezone)).date())


def start_clock(centre: Any, day: date) -> Any:
    """The hub's clock for a run at speed: a few minutes before the day's first session
    (the tour can take its ticket before the first citizens arrive)."""
    from motcua.simulate.model import ControlledClock

    tz = ZoneInfo(centre.timezone)
    sessions = centre.hours.get(day.isoweekday(), ())
    first = min((s.start for s in sessions), default=time(7, 30))
    start = datetime.combine(day, first, tz).replace(minute=max(0, first.minute - 10))
    return ControlledClock(start)


def start_simulation(endpoints: Any, centre: Any, clock: Any, *, speed: float, day: date,
                     on_done: Callable[[Any], None],
                     stopping: threading.Event | None = None) -> threading.Thread:
    """Play the day in a thread on the hub's controlled clock; ``on_done(report or None)``
    is called from that thread when the day is over (or failed, with the cause logged).
    Once ``stopping`` is set (the demo is ending early) a lost hub is expected: the day
    just ends, quietly."""
    from motcua.link.client import HubError
    from motcua.simulate.day import SimulationStopped, run_day

    staffed = [c.number for c in centre.counters if c.number != TOUR_COUNTER]

    def play() -> None:
        report = None
        try:
            report = run_day(endpoints, centre, speed=speed, tickets=DAY_TICKETS, seed=1,
                             clock=clock, day=day, counters=staffed)
        except SimulationStopped as stop:
            if stopping is not None and stopping.is_set():
                log.info("simulated day ended with the demo")
                return
            log.error("simulated day stopped [%s]: %s / %s", stop.cause.code, stop.cause.vi,
                      stop.cause.en)
        except (HubError, ValueError) as exc:
            if stopping is not None and stopping.is_set():
                log.info("simulated day ended with the demo")
                return
            log.error("simulated day failed: %s", exc)
        except Exception:
            log.exception("simulated day failed")
        on_done(report)

    thread = threading.Thread(target=play, name="simulated-day", daemon=True)
    thread.start()
    return thread


def write_report(db: Path, centre: Any, day: date, out: Path) -> list[Path]:
    """XLSX + PNG charts of ``day`` from the hub's database into ``out``."""
    from motcua.report_cli import read_hub_rows
    from motcua.reports.exports import export
    from motcua.reports.figures import summary_rows

    rows = read_hub_rows(str(db), day.isoformat(), day.isoformat())
    report = summary_rows(centre, rows, date_from=day.isoformat(), date_to=day.isoformat())
    out.mkdir(parents=True, exist_ok=True)
    return export(report, out, csv_files=False, xlsx=True, charts=True)


def quiet_console(log_file: Path) -> None:
    """Everything logged goes to ``log_file``; the console shows errors only (the demo
    prints its own progress lines)."""
    root = logging.getLogger()
    ours = logging.getLogger("motcua")
    if ours.getEffectiveLevel() > logging.INFO:
        ours.setLevel(logging.INFO)  # the log file gets what the programs do (motcua.logs
        # keeps libraries at warnings)
    for handler in list(root.handlers):
        if isinstance(handler, logging.StreamHandler) and not isinstance(
                handler, logging.FileHandler):
            handler.setLevel(logging.ERROR)
    to_file = logging.FileHandler(log_file, encoding="utf-8")
    to_file.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    to_file.setLevel(logging.DEBUG if ours.level <= logging.DEBUG else logging.INFO)
    root.addHandler(to_file)
    logging.captureWarnings(True)  # a library's DeprecationWarning goes to the log too
