""""Your turn is near": decide messages from the hub's events, send them from the outbox.

The notifier follows the day's state like any board. After every batch of events it looks
at each subscribed ticket: when ``near`` or fewer people are ahead it decides a "near"
message, when the ticket is called a "called" message — each at most once per ticket (the
outbox's UNIQUE constraint). A sender thread delivers due messages oldest first, retrying
with exponential back-off while the gateway is down, and drops a message whose ticket was
served (or called, for "near") before it could go out: nobody gets "3 people ahead of you"
after they left.
"""

from __future__ import annotations

import logging
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from motcua.citizen.outbox import Message, NotifyStore
from motcua.citizen.position import people_ahead
from motcua.citizen.senders import Sender, SendError
from motcua.core.phone import PhoneError, normalise_phone
from motcua.core.state import ACTIVE_STATES, FINAL_STATES, WAITING, DayState

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 15

def unaccented(text: str) -> str:
    """Vietnamese without diacritics (plain-text SMS costs a third of Unicode SMS)."""
    out = unicodedata.normalize("NFD", text)
    out = "".join(ch for ch in out if unicodedata.category(ch) != "Mn")
    return out.replace("đ", "d").replace("Đ", "D")


@dataclass(frozen=True)
class Wording:
    """The two messages, with ``{label}``, ``{ahead}``, ``{counter}``, ``{centre}``."""

    near: str = ("{centre}: số {label} của Ông/Bà còn {ahead} người phía trước. "
                 "Xin mời Ông/Bà quay lại khu vực chờ.")
    called: str = "{centre}: mời Ông/Bà có số {label} đến quầy số {counter}."
    plain: bool = False
    """Send without diacritics (for SMS gateways that charge Unicode messages more)."""

    def render(self, kind: str, **values: object) -> str:
        text = (self.near if kind == "near" else self.called).format(**values)
        return unaccented(text) if self.plain else text


class Notifier:
    """Decides and sends; ``view_state`` returns the follower's current day state."""

    def __init__(self, store: NotifyStore, sender: Sender, *, centre_name: str,
                 view_state: Callable[[], DayState | None], wording: Wording | None = None,
                 near: int = 3, backoff_s: float = 2.0, max_backoff_s: float = 300.0) -> None:
        self.store = store
        self.sender = sender
        self.centre_name = centre_name
        self.view_state = view_state
        self.wording = wording or Wording()
        self.near = near
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._decided: set[tuple[str, str]] = set()
        self._day = ""
        self._deciding = threading.Lock()  # the follower and a kiosk's subscribe both decide

    # -- subscriptions (from the kiosk) ----------------------------------------------
    def subscribe(self, ticket_id: str, phone_text: str, near: int | None = None) -> str:
        """Remember a phone number for a waiting ticket of today; returns the number kept."""
        phone = normalise_phone(phone_text)
        state = self.view_state()
        ticket = state.tickets.get(ticket_id) if state is not None else None
        if state is None or ticket is None:
            raise PhoneError("Không tìm thấy số thứ tự này hôm nay",
                             "This ticket is not one of today's")
        if ticket.status != WAITING:
            raise PhoneError("Số thứ tự này không còn chờ", "This ticket is no longer waiting")
        self.store.subscribe(ticket_id, state.day, ticket.label, phone,
                             self.near if near is None else max(0, near))
        self.decide(state)
        return phone

    # -- deciding (follower thread, state lock held) ----------------------------------
    def decide(self, state: DayState) -> int:
        """Queue every message the state now calls for; returns how many were new."""
        with self._deciding:
            return self._decide(state)

    def _decide(self, state: DayState) -> int:
        if state.day != self._day:
            self._day = state.day
            erased = self.store.forget_before(state.day)
            if erased:
                log.info("phone numbers of earlier days erased (%d rows)", erased)
            self._decided = self.store.kinds_decided(state.day)
        new = 0
        for sub in self.store.subscriptions(state.day):
            ticket = state.tickets.get(sub["ticket"])
            if ticket is None:
                continue
            kind: str | None = None
            values: dict[str, object] = {"label": ticket.label, "centre": self.centre_name}
            if ticket.status in ACTIVE_STATES and ticket.counter is not None:
                kind, values["counter"] = "called", ticket.counter
            elif ticket.status == WAITING:
                ahead = people_ahead(state, ticket)
                if ahead is not None and ahead <= sub["near"]:
                    kind, values["ahead"] = "near", ahead
            if kind is None or (ticket.id, kind) in self._decided:
                continue
            if kind == "called" and (ticket.id, "near") not in self._decided:
                self._decided.add((ticket.id, "near"))  # called first: "near" is moot now
            text = self.wording.render(kind, **values)
            if self.store.decide(ticket.id, kind, state.day, sub["phone"], text):
                new += 1
            self._decided.add((ticket.id, kind))
        if new:
            self._wake.set()
        return new

    # -- sending (own thread) ---------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="notifier", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(10)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.send_due()
            except Exception:  # the sender must outlive any one bad message or database hiccup
                log.exception("notifier pass failed")
            wait = self.store.next_due_in()
            self._wake.wait(timeout=5.0 if wait is None else min(wait, 5.0))
            self._wake.clear()

    def _moot(self, message: Message) -> bool:
        state = self.view_state()
        ticket = state.tickets.get(message.ticket) if state is not None else None
        if ticket is None:
            return False
        if ticket.status in FINAL_STATES:
            return True
        return message.kind == "near" and ticket.status != WAITING

    def send_due(self) -> int:
        """Send every due message once (oldest first); returns how many went out."""
        sent = 0
        for message in self.store.due():
            if self._stop.is_set():
                break
            if self._moot(message):
                self.store.mark(message.id, "dropped", "ticket moved on before sending")
                continue
            try:
                self.sender.send(message)
            except SendError as exc:
                attempts = message.attempts + 1
                if not exc.retry or attempts >= MAX_ATTEMPTS:
                    log.warning("message %d for %s not delivered: %s", message.id,
                                message.ticket, exc.reason)
                    self.store.mark(message.id, "failed", exc.reason)
                    continue
                delay = min(self.max_backoff_s, self.backoff_s * 2 ** (attempts - 1))
                log.info("gateway not reachable (%s); message %d again in %.1f s", exc.reason,
                         message.id, delay)
                self.store.retry_later(message.id, attempts, delay, exc.reason)
                break  # keep the order: nothing later goes before this one
            self.store.mark(message.id, "sent")
            sent += 1
        return sent
