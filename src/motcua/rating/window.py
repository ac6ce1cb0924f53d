"""Which service a counter's rating device may rate right now, seen from the device.

The hub is the authority: it opens a counter's rating window when the officer finishes
a ticket (``ticket.done`` carries ``rating_until``), closes it on ``rating.given`` or when
the counter closes, and refuses a rating after ``until`` (``no_rating_window``). It does
*not* publish an event when a window merely runs out, so a device has to tell the time
itself, and it must use the **hub's** clock, not its own: a tablet whose clock is five
minutes off (no NTP in a commune office) would otherwise show no buttons at all, or
buttons for a window the hub has long closed.

:class:`HubClock` therefore estimates the hub's time from what the hub said last (the
snapshot's ``hub_now`` and every event's timestamp) plus how long ago that was on this
machine's monotonic clock. :class:`RatingTracker` combines it with the device's
:class:`~motcua.link.client.CentreView` and is shared by the tablet and the headless box
bridge. No Qt and no sockets here, so it is tested alone.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from motcua.core.centre.model import RatingLevel
from motcua.core.state import COUNTER_CLOSED, Event
from motcua.link.client import CentreView

__all__ = ["HubClock", "OpenWindow", "RatingTracker"]

log = logging.getLogger(__name__)

Monotonic = Callable[[], float]


class HubClock:
    """The hub's current time as best this device knows it.

    ``observe(t)`` records "the hub said it was ``t`` just now"; ``now()`` adds the
    local time elapsed since. Only a monotonic clock is used locally, so changing the
    tablet's wall clock cannot open or close a window.
    """

    def __init__(self, monotonic: Monotonic = time.monotonic) -> None:
        self._monotonic = monotonic
        self._anchor: tuple[datetime, float] | None = None

    def observe(self, hub_time: datetime) -> None:
        self._anchor = (hub_time, self._monotonic())

    def observe_text(self, iso: str) -> None:
        """Like :meth:`observe` with an ISO 8601 text; empty or bad text is ignored."""
        if not iso:
            return
        try:
            self.observe(datetime.fromisoformat(iso))
        except ValueError:
            log.warning("hub time %r is not ISO 8601; ignored", iso)

    def now(self) -> datetime | None:
        """The hub's time now, or ``None`` before the hub has said anything."""
        if self._anchor is None:
            return None
        hub_time, at = self._anchor
        return hub_time + timedelta(seconds=self._monotonic() - at)


@dataclass(frozen=True)
class OpenWindow:
    """A finished service that may be rated now."""

    ticket: str
    """Ticket id, e.g. ``"20251124-A001"``."""
    label: str
    """Ticket number as printed, e.g. ``"A001"``."""
    officer: str | None
    """Officer the rating will be bound to (id only, never a name)."""
    field: str
    """Field code of the service."""
    until: datetime
    """Hub time at which the hub stops accepting a rating."""
    seconds_left: float
    """Seconds until ``until`` on the hub's clock (estimated), never below 0."""
    total_seconds: float
    """Length of a whole window (``centre.rating_window_seconds``), for the countdown bar."""


class RatingTracker:
    """Follows one counter's rating window through the device's view of the hub.

    Feed it every view and event (``update``); ask ``window()`` whenever needed.
    Thread-safe: the box bridge updates it on the follower's thread and reads it on
    the serial reader's thread.
    """

    def __init__(self, counter: int, monotonic: Monotonic = time.monotonic) -> None:
        self.counter = counter
        self.clock = HubClock(monotonic)
        self.view: CentreView | None = None
        self._dismissed: set[str] = set()
        self._lock = threading.Lock()

    def update(self, view: CentreView, event: Event | None = None) -> None:
        """Take a new view (after a snapshot) or an applied event."""
        with self._lock:
            if event is not None:
                self.clock.observe(event.ts)
            elif view is not self.view:
                # A snapshot makes a new CentreView object; events change the old one in
                # place. Only a snapshot's hub_now is fresh, so anchor the clock on it.
                self.clock.observe_text(view.hub_now)
            self.view = view

    def dismiss(self, ticket: str) -> None:
        """Treat the window of ``ticket`` as closed (the hub refused it: time is up)."""
        with self._lock:
            self._dismissed.add(ticket)

    # -- what devices show --------------------------------------------------------------
    @property
    def scale(self) -> tuple[RatingLevel, ...]:
        """The centre's rating buttons, most satisfied first (empty before the first view)."""
        view = self.view
        return view.centre.rating_scale if view is not None else ()

    def counter_status(self) -> str:
        """``open``, ``paused`` or ``closed`` (closed before the first view)."""
        view = self.view
        if view is None:
            return COUNTER_CLOSED
        cs = view.state.counters.get(self.counter)
        return cs.status if cs is not None else COUNTER_CLOSED

    def current_label(self) -> str | None:
        """Number of the ticket being served at the counter, if any."""
        view = self.view
        if view is None:
            return None
        cs = view.state.counters.get(self.counter)
        if cs is None or cs.current is None:
            return None
        t = view.state.tickets.get(cs.current)
        return t.label if t is not None else None

    def window(self) -> OpenWindow | None:
        """The service that may be rated now, or ``None``."""
        with self._lock:
            view = self.view
            if view is None:
                return None
            cs = view.state.counters.get(self.counter)
            w = cs.rating if cs is not None else None
            if w is None or w.ticket in self._dismissed:
                return None
            now = self.clock.now()
            if now is None:
                # The hub has not told us its time yet: trust this machine's clock.
                now = datetime.now(w.until.tzinfo)
            left = (w.until - now).total_seconds()
            if left <= 0:
                return None
            t = view.state.tickets.get(w.ticket)
            return OpenWindow(w.ticket, t.label if t is not None else w.ticket, w.officer,
                              w.field, w.until, left, float(view.centre.rating_window_seconds))
