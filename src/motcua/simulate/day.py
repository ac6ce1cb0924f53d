"""``motcua simulate``: a busy ward's day played against the REAL hub over the REAL protocol.

    motcua simulate [--hub HOST] [--speed 60] [--tickets 350] [--seed 1] [--report out.json]
    motcua simulate --own-hub [--speed 0] [--date dd/mm/yyyy] [--db URL] ...

The simulation is the centre's devices: ``kiosk-1`` takes numbers (and ``printer-1``
confirms each print), ``counter-N`` (officer ``cb0N``) signs in, calls, recalls, starts,
finishes, marks no-shows, transfers and takes breaks, ``rating-N`` rates. Each is its own
:class:`~motcua.link.client.HubClient`, so the hub sees exactly what real devices send.

Two clocks (docs/simulation.md):

* **controlled** (``run_day(..., clock=c)`` with ``c.now`` a datetime, ``--own-hub``): the
  hub was started with ``clock=c`` and the simulation moves ``c`` from event to event.
  Waits, service times and the hub's own wait estimates are all in simulated time, and
  ``speed`` only paces the day (0 = as fast as the hub answers).
* **wall** (``clock=None``, a separately running hub): the hub keeps its real clock, so it
  must run with ``--open-all-hours``; the day is compressed by sleeping ``1/speed`` of
  each simulated interval. The hub then measures compressed services and its estimates
  are whole *real* minutes: the estimate figures are coarse in this mode.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import random
import time
from collections import Counter as Tally
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from motcua.core.centre.model import Centre
from motcua.link.client import ClientKeys, Endpoints, HubClient, HubError
from motcua.simulate.model import (
    BREAK_MINUTES,
    BREAK_SHARE,
    DEFAULT_SERVICE_SCALE,
    NO_SHOW_SHARE,
    RATING_SHARE,
    SLOW_SHARE,
    TRANSFER_SHARE,
    Arrival,
    ControlledClock,
    SimReport,
    SteppedPace,
    TicketRecord,
    WallPace,
    first_open_day,
    plan_arrivals,
    rating_value,
    service_minutes,
    sessions_on,
    summarise,
    transfer_target,
)

__all__ = ["ControlledClock", "DaySimulation", "SimReport", "SimulationStopped",
           "run_day", "run_day_realtime"]
log = logging.getLogger(__name__)
FINAL = frozenset({"done", "no_show", "cancelled"})


@dataclass
class _Desk:
    """One counter and the officer signed in at it, as the simulation sees them."""

    number: int
    officer: str
    fields: tuple[str, ...]
    state: str = "closed"  # closed | idle | wrapping | busy | break | lunch
    ticket: TicketRecord | None = None
    break_at: datetime | None = None


class DaySimulation:
    """One simulated day; :meth:`run` plays it and returns the :class:`SimReport`."""

    def __init__(self, endpoints: Endpoints, centre: Centre, *, speed: float, tickets: int,
                 seed: int, clock: Any | None, keys_dir: Path | None = None,
                 service_scale: float = DEFAULT_SERVICE_SCALE, day: date | None = None,
                 timeout: float = 5.0) -> None:
        self.endpoints, self.centre = endpoints, centre
        self.keys_dir, self.timeout = keys_dir, timeout
        self.scale = service_scale
        self.rng = random.Random(seed)
        tz = ZoneInfo(centre.timezone)
        if clock is not None:
            base = clock.now.astimezone(tz).date() if day is None else day
            self.day = base
        else:
            self.day = first_open_day(centre, day or datetime.now(tz).date())
        self.sessions = sessions_on(centre, self.day)
        if not self.sessions:
            raise ValueError(f"Trung tâm không mở cửa ngày {self.day:%d/%m/%Y} / "
                             f"the centre is closed on {self.day:%d/%m/%Y}")
        start = self.sessions[0][0] - timedelta(minutes=5)
        self.pace: SteppedPace | WallPace = (SteppedPace(clock, speed, start) if clock is not None
                                            else WallPace(speed, start))
        self.arrivals = plan_arrivals(centre, self.day, tickets, self.rng)
        self.report = SimReport(self.pace.mode, speed, seed, self.day.isoformat(),
                                planned=tickets)
        self.records: dict[str, TicketRecord] = {}
        self.desks = [_Desk(c.number, _officer_for(centre, i), c.fields)
                      for i, c in enumerate(centre.counters)]
        self._plan_breaks()
        self._queue: list[tuple[datetime, int, str, tuple[Any, ...]]] = []
        self._seq = itertools.count()
        self._clients: dict[str, HubClient] = {}
        # On its own hub the simulation is the printer too; a running centre may have a
        # real printer node for printer-1, which must stay the one that says "printed".
        self._printer = None if clock is None else next(
            (d.id for d in centre.devices if d.role == "printer" and d.kiosk == "kiosk-1"), None)
        self._printer_ok = False

    # -- devices ----------------------------------------------------------------------------
    def _client(self, device: str) -> HubClient:
        c = self._clients.get(device)
        if c is None:
            keys = ClientKeys.from_dir(self.keys_dir, device) if self.keys_dir else None
            c = HubClient(self.endpoints.command, device, keys=keys, timeout=self.timeout,
                          retries=2)
            self._clients[device] = c
        return c

    def send(self, device: str, kind: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """One command as ``device``; counted; a refusal raises :class:`HubError`."""
        self.report.commands += 1
        try:
            return self._client(device).request(kind, body or {})
        except HubError:
            self.report.command_errors += 1
            raise

    def close(self) -> None:
        for c in self._clients.values():
            c.close()

    # -- scheduling -------------------------------------------------------------------------
    def at(self, when: datetime, action: str, *args: Any) -> None:
        heapq.heappush(self._queue, (when, next(self._seq), action, args))

    def _plan_breaks(self) -> None:
        priority = {c.number for c in self.centre.counters if c.priority}
        for desk in self.desks:
            if desk.number in priority or self.rng.random() >= BREAK_SHARE:
                continue
            start, end = self.rng.choice(self.sessions)
            span = (end - start).total_seconds()
            desk.break_at = start + timedelta(seconds=self.rng.uniform(0.25, 0.75) * span)

    def run(self, until: datetime | None = None) -> SimReport:
        """Play the day; the hub's state afterwards is the day's record.

        ``until``: stop at this simulated time and leave the centre as it is then
        (mid-morning pictures for the live view); counters are not closed."""
        began = time.perf_counter()
        try:
            first = self.sessions[0][0]
            for desk in self.desks:
                self.at(first - timedelta(minutes=4), "open", desk)
            for a in self.arrivals:
                self.at(a.at, "arrive", a)
            for (_s, end), (nxt, _e) in itertools.pairwise(self.sessions):
                self.at(end, "lunch", nxt)
            actions: dict[str, Callable[..., None]] = {
                "open": self._open, "arrive": self._arrive, "free": self._free,
                "show": self._show, "recall": self._recall, "no_show": self._no_show,
                "end": self._end, "rate": self._rate, "resume": self._resume,
                "lunch": self._lunch}
            while self._queue:
                if until is not None and self._queue[0][0] > until:
                    self.pace.wait_until(until)
                    self.report.notes.append(f"Dừng lúc / stopped at {until:%H:%M}")
                    break
                when, _n, action, args = heapq.heappop(self._queue)
                self.pace.wait_until(when)
                actions[action](*args)
            else:
                self._close_day()
        finally:
            self.report.wall_seconds = time.perf_counter() - began
            self.close()
        wall = self.pace.mode == "wall"
        summarise(self.report, list(self.records.values()), [f.code for f in self.centre.fields],
                  with_estimates=not wall)
        if wall:
            self.report.notes.append(
                "Máy chủ chạy đồng hồ thật: ước tính chờ của nó tính bằng phút thật trên thời "
                "gian bị nén nên không so sánh; dùng --own-hub / the hub ran on its real clock: "
                "its estimates are whole real minutes of compressed time, so they are not "
                "compared; use --own-hub for estimate figures")
        return self.report

    # -- actions ------------------------------------------------------------------------------
    def _open(self, desk: _Desk) -> None:
        try:
            self.send(f"counter-{desk.number}", "counter.open", {"officer": desk.officer})
        except HubError as exc:
            self.report.notes.append(f"Quầy {desk.number}: {exc.vi} / counter {desk.number}: "
                                     f"{exc.en}")
            return
        desk.state = "wrapping"
        self.at(self.pace.now(), "free", desk)
        if self._printer is not None and not self._printer_ok:
            self._printer_ok = self._quiet(self._printer, "device.status", {"status": "ok"})

    def _arrive(self, a: Arrival) -> None:
        body: dict[str, Any] = {"field": a.field}
        if a.priority:
            body["priority"] = a.priority
        try:
            r = self.send("kiosk-1", "ticket.take", body)
        except HubError as exc:
            self.report.refused[exc.code] = self.report.refused.get(exc.code, 0) + 1
            if exc.code in ("closed_hours", "unavailable", "not_authorised"):
                raise SimulationStopped(exc) from None
            return
        t = r["ticket"]
        rec = TicketRecord(t["id"], t["label"], a.field, a.priority,
                           float(t["estimate_minutes"]) * self.pace.hub_scale,
                           issued_at=self.pace.now())
        self.records[rec.id] = rec
        self.report.issued += 1
        if not self.report.first_ticket:
            self.report.first_ticket = rec.label
        if self._printer is not None:
            self._quiet(self._printer, "printer.printed", {"ticket": rec.id})
        self._wake(a.field)

    def _wake(self, field_code: str) -> None:
        """An idle officer serving the field presses "call next" (the first of them)."""
        idle = [d for d in self.desks if d.state == "idle" and field_code in d.fields]
        if idle:
            desk = self.rng.choice(idle)
            desk.state = "wrapping"
            self.at(self.pace.now(), "free", desk)

    def _free(self, desk: _Desk) -> None:
        if desk.state not in ("wrapping", "idle"):
            return
        now = self.pace.now()
        device = f"counter-{desk.number}"
        if desk.break_at is not None and now >= desk.break_at:
            desk.break_at = None
            if self._quiet(device, "counter.pause", {}):
                desk.state = "break"
                self.report.breaks += 1
                self.at(now + timedelta(minutes=BREAK_MINUTES), "resume", desk)
                return
        try:
            r = self.send(device, "counter.call_next", {})
        except HubError as exc:
            log.warning("counter %d: call next refused: %s", desk.number, exc.en)
            desk.state = "idle"
            return
        t = r.get("ticket")
        if t is None:
            nxt = self._next_session(now)
            if nxt is not None and self._between_sessions(now) and self._quiet(
                    device, "counter.pause", {}):
                desk.state = "lunch"
                self.at(nxt, "resume", desk)
            else:
                desk.state = "idle"
            return
        rec = self.records.get(t["id"])
        if rec is None:  # someone else's ticket (a shared hub): serve it all the same
            rec = TicketRecord(t["id"], t["label"], t["field"], t.get("priority"), 0.0)
        elif rec.wait is None:
            rec.wait = self._waited(rec, t, now)
        desk.state, desk.ticket = "busy", rec
        roll = self.rng.random()
        if roll < NO_SHOW_SHARE:
            self.at(now + timedelta(minutes=1), "recall", desk, rec)
            self.at(now + timedelta(minutes=2.5), "no_show", desk, rec)
        elif roll < NO_SHOW_SHARE + SLOW_SHARE:
            self.at(now + timedelta(minutes=1), "recall", desk, rec)
            self.at(now + timedelta(minutes=self.rng.uniform(1.3, 2.2)), "show", desk, rec)
        else:
            self.at(now + timedelta(minutes=self.rng.uniform(0.3, 1.0)), "show", desk, rec)

    def _show(self, desk: _Desk, rec: TicketRecord) -> None:
        if not self._counter_step(desk, "counter.start"):
            return
        now = self.pace.now()
        f = self.centre.field_by_code(rec.field)
        mean = (f.service_minutes if f else 10.0) * self.scale
        to_field = None
        if rec.status != "transferred" and self.rng.random() < TRANSFER_SHARE:
            to_field = transfer_target(self.centre, rec.field, self.rng)
        minutes = self.rng.uniform(1.0, 3.0) if to_field else service_minutes(mean, self.rng)
        self.at(now + timedelta(minutes=minutes), "end", desk, rec, to_field)

    def _recall(self, desk: _Desk, rec: TicketRecord) -> None:
        if desk.ticket is rec and self._counter_step(desk, "counter.recall", keep=True):
            self.report.recalls += 1

    def _no_show(self, desk: _Desk, rec: TicketRecord) -> None:
        if self._counter_step(desk, "counter.no_show"):
            rec.status = "no_show"
            self._after(desk)

    def _end(self, desk: _Desk, rec: TicketRecord, to_field: str | None) -> None:
        if to_field is not None:
            if self._counter_step(desk, "counter.transfer", {"to_field": to_field}):
                rec.status, rec.field = "transferred", to_field
                self.report.transferred += 1
                self._after(desk)
                self._wake(to_field)
            return
        if not self._counter_step(desk, "counter.finish"):
            return
        rec.status = "done"
        self._after(desk)
        if self.rng.random() < RATING_SHARE:
            later = self.pace.now() + timedelta(seconds=self.rng.uniform(3.0, 20.0))
            self.at(later, "rate", desk.number, rating_value(self.centre, self.rng))

    def _rate(self, counter: int, value: int) -> None:
        try:
            self.send(f"rating-{counter}", "rating.submit", {"value": value})
        except HubError as exc:
            log.warning("rating at counter %d refused: %s", counter, exc.en)
            return
        self.report.ratings[value] = self.report.ratings.get(value, 0) + 1
        if any(lv.value == value and lv.satisfied for lv in self.centre.rating_scale):
            self.report.satisfied += 1

    def _resume(self, desk: _Desk) -> None:
        if desk.state in ("break", "lunch") and self._quiet(f"counter-{desk.number}",
                                                            "counter.resume", {}):
            desk.state = "wrapping"
            self.at(self.pace.now(), "free", desk)

    def _lunch(self, next_start: datetime) -> None:
        """Issuing stopped for lunch: idle officers pause until the next session."""
        for desk in self.desks:
            if desk.state == "idle" and self._quiet(f"counter-{desk.number}", "counter.pause",
                                                    {}):
                desk.state = "lunch"
                self.at(next_start, "resume", desk)

    def _close_day(self) -> None:
        for desk in self.desks:
            if desk.state != "closed":
                self._quiet(f"counter-{desk.number}", "counter.close", {})
                desk.state = "closed"
        self.report.last_event = self.pace.now().isoformat(timespec="seconds")
        try:
            snap = self.send("kiosk-1", "snapshot", {})
        except HubError as exc:
            self.report.notes.append(f"Không lấy được ảnh chụp cuối ngày / no final snapshot: "
                                     f"{exc.en}")
            return
        final = Tally(str(t["status"]) for t in snap["state"]["tickets"] if t["id"] in self.records)
        self.report.served = final["done"]
        self.report.no_show = final["no_show"]
        self.report.cancelled = final["cancelled"]
        self.report.left_open = sum(n for s, n in final.items() if s not in FINAL)
        for t in snap["state"]["tickets"]:
            if t["id"] in self.records:
                self.records[t["id"]].status = str(t["status"])

    # -- helpers --------------------------------------------------------------------------------
    def _counter_step(self, desk: _Desk, kind: str, body: dict[str, Any] | None = None, *,
                      keep: bool = False) -> bool:
        """Send a counter action; on refusal log it and let the officer move on."""
        try:
            self.send(f"counter-{desk.number}", kind, body)
            return True
        except HubError as exc:
            log.warning("counter %d: %s refused: %s", desk.number, kind, exc.en)
            if not keep:
                self._after(desk)
            return False

    def _after(self, desk: _Desk) -> None:
        """The officer wraps up (notes, stamps) and calls the next citizen."""
        desk.ticket = None
        desk.state = "wrapping"
        self.at(self.pace.now() + timedelta(minutes=self.rng.uniform(0.2, 0.8)), "free", desk)

    def _quiet(self, device: str, kind: str, body: dict[str, Any]) -> bool:
        try:
            self.send(device, kind, body)
            return True
        except HubError as exc:
            log.warning("%s %s refused: %s", device, kind, exc.en)
            return False

    def _waited(self, rec: TicketRecord, t: dict[str, Any], now: datetime) -> float:
        """Minutes from issue to first call, in simulated time. On a controlled clock that
        is the hub's own time; on a wall clock the hub's figure is compressed (and
        ``waited_seconds`` is rounded to whole seconds), so the simulated interval is used."""
        if rec.issued_at is None:
            return float(t.get("waited_seconds", 0)) * self.pace.hub_scale / 60.0
        return (now - rec.issued_at).total_seconds() / 60.0

    def _next_session(self, now: datetime) -> datetime | None:
        return next((s for s, _e in self.sessions if s > now), None)

    def _between_sessions(self, now: datetime) -> bool:
        return all(not (s <= now < e) for s, e in self.sessions) and now > self.sessions[0][0]


class SimulationStopped(Exception):
    """The hub refused in a way the simulation cannot go on from (closed, away, unknown)."""

    def __init__(self, cause: HubError) -> None:
        super().__init__(cause.en)
        self.cause = cause


def _officer_for(centre: Centre, index: int) -> str:
    officers = [o.id for o in centre.officers]
    return officers[index % len(officers)] if officers else f"cb{index + 1:02d}"


def run_day(endpoints: Endpoints, centre: Centre, *, speed: float, tickets: int, seed: int,
            clock: Any | None, keys_dir: Path | None = None,
            service_scale: float = DEFAULT_SERVICE_SCALE, day: date | None = None) -> SimReport:
    """Play one busy day against the hub at ``endpoints`` and return its report.

    ``clock``: the object the hub reads its time from (``.now``, e.g. ControlledClock or
    the tests' FakeClock); the simulation moves it. ``None``: the hub runs on its real
    clock (wall mode, ``speed`` > 0 required). ``speed``: simulated seconds per real
    second; 0 = as fast as the hub answers (controlled clock only).
    """
    sim = DaySimulation(endpoints, centre, speed=speed, tickets=tickets, seed=seed, clock=clock,
                        keys_dir=keys_dir, service_scale=service_scale, day=day)
    return sim.run()


def run_day_realtime(endpoints: Endpoints, centre: Centre, *, speed: float = 60.0,
                     tickets: int = 350, seed: int = 1,
                     keys_dir: Path | None = None) -> SimReport | None:
    """The day against a hub on its real clock (wall mode), for ``motcua demo --speed N``
    in a background thread: refusals are logged in words instead of raised, and the
    report's table is logged at the end."""
    try:
        report = run_day(endpoints, centre, speed=speed, tickets=tickets, seed=seed,
                         clock=None, keys_dir=keys_dir)
    except SimulationStopped as stop:
        log.error("simulated day stopped [%s]: %s / %s", stop.cause.code, stop.cause.vi,
                  stop.cause.en)
        return None
    except (HubError, ValueError) as exc:
        log.error("simulated day failed: %s", exc)
        return None
    log.info("simulated day done:\n%s", report.table())
    return report
