"""Time the tests control: the centre's zone and a clock moved by hand."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

VN = ZoneInfo("Asia/Ho_Chi_Minh")


class FakeClock:
    """A clock the test moves by hand (Monday 24/11/2025 09:00 in Hồ Chí Minh City)."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2025, 11, 24, 9, 0, tzinfo=VN)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> datetime:
        self.now += timedelta(**kw)
        return self.now


class TickClock:
    """A monotonic-style clock (seconds as a float) for debouncers and back-off timers."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now
