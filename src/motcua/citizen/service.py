"""The citizen service: one process on the centre box that follows the hub's event stream
(role ``display``, like a board) and serves the live ticket pages and the notifier.

It is never in the hub's request path: the hub publishes events as it always does, and a
thousand open ticket pages cost the hub nothing more than one more subscriber. When the
province link is down nothing changes here: everything it needs comes from the centre's hub.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime

from motcua.citizen.notifier import Notifier
from motcua.citizen.pages import TicketView, ticket_view
from motcua.core.calendar import local
from motcua.core.state import Event, Ticket
from motcua.core.ticket_page import page_token
from motcua.link.client import CentreView, ClientKeys, Endpoints, EventFollower
from motcua.web.sse import EventBroker

log = logging.getLogger(__name__)


class CitizenService:
    """Keeps today's token index and publishes a patch to each page whose view changed."""

    def __init__(self, endpoints: Endpoints, page_secret: bytes, *,
                 device: str = "citizen-web", keys: ClientKeys | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.page_secret = page_secret
        self.clock = clock
        self.broker = EventBroker()
        self.notifier: Notifier | None = None
        self._lock = threading.Lock()
        self._tokens: dict[str, str] = {}  # token -> ticket id, today only
        self._day = ""
        self._published: dict[str, TicketView] = {}
        self.follower = EventFollower(endpoints, device, keys=keys, on_view=self._on_view,
                                      on_batch=self._on_batch)

    # -- lifecycle --------------------------------------------------------------------
    def start(self) -> None:
        if self.notifier is not None:
            self.notifier.start()
        self.follower.start()

    def stop(self) -> None:
        self.follower.stop()
        if self.notifier is not None:
            self.notifier.stop()

    @property
    def view(self) -> CentreView | None:
        return self.follower.view

    # -- pages --------------------------------------------------------------------------
    def now(self, view: CentreView) -> datetime:
        return local(view.centre, self.clock())

    def lookup(self, token: str) -> tuple[CentreView, Ticket] | None:
        """Today's ticket behind ``token`` (None for a wrong, old or foreign token)."""
        view = self.view
        with self._lock:
            ticket_id = self._tokens.get(token)
        if view is None or ticket_id is None:
            return None
        ticket = view.state.tickets.get(ticket_id)
        return None if ticket is None else (view, ticket)

    def page(self, token: str) -> TicketView | None:
        found = self.lookup(token)
        if found is None:
            return None
        view, ticket = found
        with self.follower.lock:
            return ticket_view(view.centre, view.state, ticket, self.now(view))

    def token_for(self, ticket_id: str) -> str | None:
        view = self.view
        return None if view is None else page_token(self.page_secret, view.state.day, ticket_id)

    # -- following (follower thread) ----------------------------------------------------
    def _index(self, view: CentreView) -> None:
        with self._lock:
            if view.state.day != self._day:  # a new day: yesterday's pages stop working
                self._day = view.state.day
                self._tokens.clear()
                self._published.clear()
            known = set(self._tokens.values())
            for ticket_id in view.state.tickets:
                if ticket_id not in known:
                    self._tokens[page_token(self.page_secret, view.state.day, ticket_id)] = \
                        ticket_id

    def _on_view(self, view: CentreView) -> None:
        self._index(view)
        self._publish(view)
        if self.notifier is not None:
            self.notifier.centre_name = view.centre.name_vi
            self.notifier.decide(view.state)

    def _on_batch(self, view: CentreView, _events: list[Event]) -> None:
        self._on_view(view)

    def _publish(self, view: CentreView) -> None:
        """Send each page whose view changed its new view (others get nothing)."""
        now = self.now(view)
        with self._lock:
            tokens = dict(self._tokens)
        with self.follower.lock:
            for token, ticket_id in tokens.items():
                ticket = view.state.tickets.get(ticket_id)
                if ticket is None:
                    continue
                page = ticket_view(view.centre, view.state, ticket, now)
                if self._published.get(token) != page:
                    self._published[token] = page
                    self.broker.publish(token, "patch", page.patch())
