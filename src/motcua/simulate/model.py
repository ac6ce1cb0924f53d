"""The busy ward's day as numbers: arrivals, fields, service times, outcomes, figures.

Everything here is pure (no sockets) except the two paces at the end, which sleep:
:mod:`motcua.simulate.day` drives the real hub with it. The shapes come from docs/simulation.md and shared/domain-vn.md §4:

* a busy ward takes 300–350 numbers a day over the opening sessions, with a morning peak
  around 08:00–10:00 and a smaller one in the afternoon;
* land (C), household business (E) and justice / civil status (A) are the heavy fields;
* about 8 % of citizens are priority citizens (elderly first);
* no public source gives counter service times, so each field's service takes a
  lognormal time whose mean is the field's configured ``service_minutes`` × a scale.

The estimate-error figures compare the wait printed on each ticket (``estimate_minutes``
in the take reply) with the wait that followed (issue to first call).
"""

from __future__ import annotations

import math
import random
import time as wallclock
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from motcua.core.calendar import LOOKAHEAD_DAYS, day_plan
from motcua.core.centre.model import Centre

FIELD_WEIGHTS: dict[str, float] = {
    "A": 0.20, "B": 0.12, "C": 0.28, "D": 0.06, "E": 0.18, "G": 0.03,
    "H": 0.04, "K": 0.03, "L": 0.02, "M": 0.02, "N": 0.02,
}
"""Share of a busy ward's tickets per field: land, business and justice dominate
(Bình Dương wards: "mostly business households and land", domain-vn.md §4)."""
OTHER_FIELD_WEIGHT = 0.02
"""Weight of a field the table above does not know (another centre's configuration)."""

PRIORITY_SHARE = 0.08
PRIORITY_WEIGHTS: dict[str, float] = {"elderly": 0.5, "merit": 0.2, "disability": 0.15,
                                      "pregnant": 0.15}

RATING_WEIGHTS = (0.80, 0.15, 0.04, 0.01)
"""Most satisfied first: Rất hài lòng, Hài lòng, Bình thường, Không hài lòng."""
RATING_SHARE = 0.85
"""Share of served citizens who press a rating button at all."""

NO_SHOW_SHARE = 0.03
SLOW_SHARE = 0.08
"""Citizens who need a second call (recall) before they reach the counter."""
TRANSFER_SHARE = 0.02
BREAK_SHARE = 0.5
"""Chance that an officer of a normal counter takes one short break in the day."""
BREAK_MINUTES = 10.0

SERVICE_SIGMA = 0.5
"""Spread of the lognormal service time (σ of its logarithm)."""
DEFAULT_SERVICE_SCALE = 0.4
"""Services last ``service_minutes`` × this on average. The sample centre's estimates
(12–20 minutes) would need ~5,000 officer-minutes for 350 citizens while 6 counters
have ~2,700 in a 7.5-hour day; busy wards are quicker than those first estimates."""

RELATED_FIELDS: dict[str, str] = {
    "A": "B", "B": "A", "C": "D", "D": "C", "E": "B", "K": "C", "L": "C",
    "G": "H", "H": "G", "M": "N", "N": "M",
}
"""Where a wrong-queue citizen is sent (justice <-> authentication, land <-> building...)."""


@dataclass(frozen=True)
class Arrival:
    """A citizen who takes a number."""

    at: datetime
    field: str
    priority: str | None = None


def sessions_on(centre: Centre, day: date) -> list[tuple[datetime, datetime]]:
    """The day's opening sessions (holidays and the centre's own dates applied) as aware
    datetimes in the centre's time zone."""
    tz = ZoneInfo(centre.timezone)
    return [(datetime.combine(day, s.start, tz), datetime.combine(day, s.end, tz))
            for s in day_plan(centre, day).sessions]


def first_open_day(centre: Centre, start: date) -> date:
    """``start`` if the centre opens that day, else the next day it does (Tết skipped)."""
    for offset in range(LOOKAHEAD_DAYS + 1):
        day = start + timedelta(days=offset)
        if day_plan(centre, day).open:
            return day
    raise ValueError(f"Trung tâm không mở cửa ngày nào trong {LOOKAHEAD_DAYS} ngày tới / "
                     f"the centre does not open in the next {LOOKAHEAD_DAYS} days")


def arrival_weight(t: time) -> float:
    """Relative arrival rate at time of day ``t``: a floor plus a morning peak centred on
    09:00 and a smaller afternoon peak centred on 14:30."""
    m = t.hour * 60 + t.minute + t.second / 60.0
    morning = math.exp(-0.5 * ((m - 540.0) / 70.0) ** 2)
    afternoon = 0.45 * math.exp(-0.5 * ((m - 870.0) / 60.0) ** 2)
    return 0.35 + morning + afternoon


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def plan_arrivals(centre: Centre, day: date, count: int, rng: random.Random) -> list[Arrival]:
    """``count`` arrivals spread over the day's sessions by :func:`arrival_weight`."""
    if count < 0:
        raise ValueError("Số phiếu phải ≥ 0 / the ticket count must be 0 or more")
    minutes: list[datetime] = []
    weights: list[float] = []
    for start, end in sessions_on(centre, day):
        t = start
        while t < end:
            minutes.append(t)
            weights.append(arrival_weight(t.time()))
            t += timedelta(minutes=1)
    if not minutes:
        raise ValueError(f"Trung tâm không mở cửa ngày {day:%d/%m/%Y} / "
                         f"the centre is closed on {day:%d/%m/%Y}")
    fields = {f.code: FIELD_WEIGHTS.get(f.code, OTHER_FIELD_WEIGHT) for f in centre.fields}
    prio = {p.code: PRIORITY_WEIGHTS.get(p.code, 0.1) for p in centre.priority_categories}
    out: list[Arrival] = []
    for start in rng.choices(minutes, weights=weights, k=count):
        at = start + timedelta(seconds=rng.uniform(0.0, 59.0))
        priority = _pick(rng, prio) if prio and rng.random() < PRIORITY_SHARE else None
        out.append(Arrival(at, _pick(rng, fields), priority))
    out.sort(key=lambda a: a.at)
    return out


def service_minutes(mean: float, rng: random.Random, sigma: float = SERVICE_SIGMA) -> float:
    """A lognormal service time whose mean is ``mean`` minutes (at least half a minute)."""
    mu = math.log(max(mean, 0.1)) - sigma * sigma / 2.0
    return max(0.5, rng.lognormvariate(mu, sigma))


def transfer_target(centre: Centre, code: str, rng: random.Random) -> str | None:
    """The field a citizen in the wrong queue is sent to (None: the centre has one field)."""
    codes = [f.code for f in centre.fields if f.code != code]
    related = RELATED_FIELDS.get(code)
    if related in codes:
        return related
    return rng.choice(codes) if codes else None


def rating_value(centre: Centre, rng: random.Random) -> int:
    """A rating on the centre's scale, drawn with :data:`RATING_WEIGHTS` (most satisfied
    first; a longer scale's extra levels share a small weight)."""
    levels = [lv.value for lv in centre.rating_scale]
    weights = [RATING_WEIGHTS[i] if i < len(RATING_WEIGHTS) else 0.005
               for i in range(len(levels))]
    return rng.choices(levels, weights=weights)[0]


# -- figures ------------------------------------------------------------------------------

def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0–100) by linear interpolation between closest ranks
    (numpy's default); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100.0
    low = math.floor(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else math.nan


@dataclass(frozen=True)
class EstimateErrors:
    """How far printed wait estimates were from the waits that followed (minutes).

    error = estimate − actual: a negative ``bias`` means tickets promised shorter waits
    than citizens had.
    """

    n: int
    mae: float
    bias: float
    p90_abs: float
    within_5: float
    """Share (0–1) of tickets whose estimate was within ±5 minutes."""
    within_10: float


def estimate_errors(pairs: Iterable[tuple[float, float]]) -> EstimateErrors:
    """Figures for (estimate minutes, actual wait minutes) pairs."""
    errors = [float(est) - float(actual) for est, actual in pairs]
    if not errors:
        return EstimateErrors(0, math.nan, math.nan, math.nan, math.nan, math.nan)
    absolute = [abs(e) for e in errors]
    n = len(errors)
    return EstimateErrors(
        n=n, mae=mean(absolute), bias=mean(errors), p90_abs=percentile(absolute, 90),
        within_5=sum(1 for a in absolute if a <= 5.0) / n,
        within_10=sum(1 for a in absolute if a <= 10.0) / n)


@dataclass
class TicketRecord:
    """What the simulation learned about one of its tickets, in simulated minutes."""

    id: str
    label: str
    field: str
    priority: str | None
    estimate: float
    """``estimate_minutes`` printed on the ticket (scaled to simulated minutes)."""
    wait: float | None = None
    """Issue to first call, in simulated minutes."""
    status: str = "waiting"
    issued_at: datetime | None = None
    """Simulated time of the take."""
    taken_for: str = ""
    """The field the citizen chose at the kiosk (``field`` changes on a transfer)."""

    def __post_init__(self) -> None:
        if not self.taken_for:
            self.taken_for = self.field


@dataclass(frozen=True)
class FieldFigures:
    code: str
    issued: int
    mean_wait: float
    p90_wait: float
    mean_estimate: float
    errors: EstimateErrors


@dataclass
class SimReport:
    """The simulated day's outcome (all times in simulated minutes)."""

    mode: str
    """``controlled``: the simulation moved the hub's clock; ``wall``: a hub on its real
    clock, time compressed by ``speed`` (its own estimates are then coarse)."""
    speed: float
    seed: int
    day: str
    planned: int = 0
    issued: int = 0
    refused: dict[str, int] = field(default_factory=dict)
    served: int = 0
    no_show: int = 0
    cancelled: int = 0
    left_open: int = 0
    """Tickets not finished when the simulation ended (0 on a correct run)."""
    transferred: int = 0
    recalls: int = 0
    breaks: int = 0
    ratings: dict[int, int] = field(default_factory=dict)
    satisfied: int = 0
    mean_wait: float = math.nan
    p90_wait: float = math.nan
    estimates: EstimateErrors = field(default_factory=lambda: estimate_errors([]))
    by_field: list[FieldFigures] = field(default_factory=list)
    commands: int = 0
    command_errors: int = 0
    wall_seconds: float = 0.0
    first_ticket: str = ""
    last_event: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def commands_per_second(self) -> float:
        return self.commands / self.wall_seconds if self.wall_seconds > 0 else math.nan

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["ratings"] = {str(k): v for k, v in sorted(self.ratings.items(), reverse=True)}
        d["commands_per_second"] = self.commands_per_second
        clean: dict[str, Any] = _finite(d)
        return clean

    def table(self) -> str:
        """The report as a plain-text table, Vietnamese first."""
        e = self.estimates
        rated = sum(self.ratings.values())
        lines = [
            f"Ngày mô phỏng / simulated day {_dmy(self.day)}  (đồng hồ / clock: {self.mode}, "
            f"tốc độ / speed {_speed(self.speed)}, seed {self.seed})",
            _row("Số phiếu dự kiến / planned", self.planned),
            _row("Đã cấp / issued", self.issued),
            _row("Bị từ chối / refused", _counts(self.refused)),
            _row("Đã phục vụ / served", self.served),
            _row("Vắng mặt / no-show", self.no_show),
            _row("Đã hủy / cancelled", self.cancelled),
            _row("Chưa xong / left open", self.left_open),
            _row("Chuyển lĩnh vực / transferred", self.transferred),
            _row("Gọi lại / recalls", self.recalls),
            _row("Nghỉ giữa giờ / short breaks", self.breaks),
            _row("Lượt đánh giá / ratings", f"{rated} (hài lòng / satisfied {self.satisfied}"
                 f"{_pct(self.satisfied, rated)})"),
            _row("Chờ trung bình / mean wait", _min(self.mean_wait)),
            _row("Chờ p90 / p90 wait", _min(self.p90_wait)),
            "Sai số ước tính chờ / wait-estimate error (ước tính − thực tế / estimate − actual)",
            _row("  số phiếu / tickets", e.n),
            _row("  MAE", _min(e.mae)),
            _row("  lệch / bias", _min(e.bias)),
            _row("  p90 |sai số| / p90 |error|", _min(e.p90_abs)),
            _row("  trong ±5 phút / within ±5 min", _share(e.within_5)),
            _row("  trong ±10 phút / within ±10 min", _share(e.within_10)),
            _row("Lệnh / commands", f"{self.commands} ({self.command_errors} lỗi / errors)"),
            _row("Thời gian thực / wall time", f"{self.wall_seconds:.2f} s "
                 f"({_num(self.commands_per_second, 0)} lệnh/s / commands/s)"),
            "",
            f"{'Lĩnh vực':<9}{'cấp':>5}{'chờ TB':>9}{'chờ p90':>9}{'ước TB':>9}"
            f"{'MAE':>8}{'lệch':>8}{'±5':>7}{'±10':>7}",
            f"{'field':<9}{'issued':>5}{'mean':>9}{'p90':>9}{'est.':>9}{'':>8}{'bias':>8}"
            f"{'':>7}{'':>7}",
        ]
        for f in self.by_field:
            lines.append(f"{f.code:<9}{f.issued:>5}{_num(f.mean_wait):>9}{_num(f.p90_wait):>9}"
                         f"{_num(f.mean_estimate):>9}{_num(f.errors.mae):>8}"
                         f"{_num(f.errors.bias):>8}{_share(f.errors.within_5):>7}"
                         f"{_share(f.errors.within_10):>7}")
        lines.append("(phút / minutes)")
        lines.extend(f"* {n}" for n in self.notes)
        return "\n".join(lines)


def _pairs(records: Iterable[TicketRecord]) -> list[tuple[float, float]]:
    return [(r.estimate, r.wait) for r in records
            if r.wait is not None and not math.isnan(r.estimate)]


def summarise(report: SimReport, records: Sequence[TicketRecord], field_order: Sequence[str],
              *, with_estimates: bool = True) -> None:
    """Fill the wait and estimate figures of ``report`` from the ticket records.

    A ticket counts under the field it was taken for (a transfer does not move it)."""
    waits = [r.wait for r in records if r.wait is not None]
    report.mean_wait = mean(waits)
    report.p90_wait = percentile(waits, 90)
    none = estimate_errors([])
    report.estimates = estimate_errors(_pairs(records)) if with_estimates else none
    report.by_field = []
    for code in field_order:
        mine = [r for r in records if r.taken_for == code]
        if not mine:
            continue
        w = [r.wait for r in mine if r.wait is not None]
        report.by_field.append(FieldFigures(
            code, len(mine), mean(w), percentile(w, 90),
            mean([r.estimate for r in mine if not math.isnan(r.estimate)]) if with_estimates else math.nan,
            estimate_errors(_pairs(mine)) if with_estimates else none))


# -- formatting helpers ---------------------------------------------------------------------

def _finite(value: Any) -> Any:
    """JSON has no NaN: figures that could not be computed become null."""
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def _row(label: str, value: object) -> str:
    return f"{label:<44}{value}"


def _num(value: float, digits: int = 1) -> str:
    return "–" if math.isnan(value) else f"{value:.{digits}f}"


def _min(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:.1f} phút / min"


def _share(value: float) -> str:
    return "–" if math.isnan(value) else f"{100.0 * value:.0f} %"


def _pct(part: int, whole: int) -> str:
    return f", {100.0 * part / whole:.1f} %" if whole else ""


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "0"


def _speed(speed: float) -> str:
    return "tối đa / max" if speed <= 0 else f"×{speed:g}"


def _dmy(day: str) -> str:
    try:
        return date.fromisoformat(day).strftime("%d/%m/%Y")
    except ValueError:
        return day


# -- clocks ------------------------------------------------------------------------------------

class ControlledClock:
    """A hub clock the simulation moves (the same shape as the tests' FakeClock):
    pass it to ``HubServer(clock=...)`` and to :func:`run_day`."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


class SteppedPace:
    """Controlled mode: set the hub's clock to each event's time, pacing by ``speed``."""

    mode = "controlled"
    hub_scale = 1.0

    def __init__(self, clock: Any, speed: float, start: datetime) -> None:
        self.clock, self.speed = clock, speed
        self.clock.now = start
        self._sim0, self._wall0 = start, wallclock.monotonic()

    def now(self) -> datetime:
        now: datetime = self.clock.now
        return now

    def wait_until(self, t: datetime) -> None:
        if t <= self.clock.now:
            return
        if self.speed > 0:
            target = self._wall0 + (t - self._sim0).total_seconds() / self.speed
            wallclock.sleep(max(0.0, target - wallclock.monotonic()))
        self.clock.now = t


class WallPace:
    """Wall mode: the hub keeps its own clock; simulated time runs ``speed`` times faster."""

    mode = "wall"

    def __init__(self, speed: float, start: datetime) -> None:
        if speed <= 0:
            raise ValueError("Với máy chủ chạy đồng hồ thật, --speed phải > 0 / "
                             "against a hub on its real clock --speed must be above 0")
        self.speed = self.hub_scale = speed
        self._sim0, self._wall0 = start, wallclock.monotonic()

    def now(self) -> datetime:
        return self._sim0 + timedelta(seconds=(wallclock.monotonic() - self._wall0) * self.speed)

    def wait_until(self, t: datetime) -> None:
        target = self._wall0 + (t - self._sim0).total_seconds() / self.speed
        wallclock.sleep(max(0.0, target - wallclock.monotonic()))
