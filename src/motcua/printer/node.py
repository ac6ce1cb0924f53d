"""The printer node: prints the tickets its kiosk issues and tells the hub how the printer is.

One :class:`PrinterNode` runs beside each kiosk printer (docs/printer-node.md):

* it follows the hub with :class:`~motcua.link.client.EventFollower`; every live
  ``ticket.issued`` whose ``kiosk`` is this printer's kiosk becomes a
  :class:`~motcua.printer.ticket.TicketPrint` and is printed once;
* it reports ``printer.printed`` / ``printer.failed`` for each ticket, with request ids
  reused on retry so a report that timed out is never counted twice;
* it asks the printer ``DLE EOT`` every few seconds (and before/after each ticket) and
  reports every change with ``device.status``; the hub then refuses new tickets at this
  kiosk while the printer cannot print;
* when the printer can print again (and on start, and after every re-snapshot) it asks
  the hub ``printer.pending`` and prints those tickets; one whose print failed before is
  marked "IN LẠI".
* it pings the hub every few seconds when it has nothing to say, so the hub (and the
  manager's view of who is online) knows the node is alive.

Threads: the follower's thread only turns events into jobs; one worker thread owns the
printer link and the reports, so the link is never used by two threads at once.
"""

from __future__ import annotations

import hashlib
import logging
import queue
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from motcua.core.centre.model import Centre
from motcua.core.state import Event
from motcua.core.ticket_page import page_url
from motcua.link.client import (
    CentreView,
    ClientKeys,
    Endpoints,
    EventFollower,
    HubClient,
    HubError,
    HubUnavailable,
)
from motcua.printer.driver import PrintResult, TicketPrinter
from motcua.printer.status import PrinterStatus
from motcua.printer.ticket import VN_TZ, TicketPrint, short_document

__all__ = ["PrintJob", "PrinterNode", "ticket_print", "wire_status"]

log = logging.getLogger(__name__)

HUB_RETRY_S = 1.0
"""After the hub did not answer, wait this long before the next report attempt."""
STOPPED_VI = "Chương trình máy in đã dừng"
STOPPED_EN = "Printer node stopped"
PING_S = 4.0
"""Say something to the hub at least this often: it counts a device silent for 10 s as
not online."""


def ticket_print(centre: Centre, info: Mapping[str, Any], *, reprint: bool = False,
                 page: TicketPage | None = None) -> TicketPrint:
    """The printed ticket for one hub ticket.

    ``info`` has the keys of the hub's public ticket (``id``, ``label``, ``field``,
    ``procedure``, ``priority``, ``ahead``, ``estimate_minutes`` (None: no figure),
    ``estimate_note``, ``closes_at``, ``issued_at`` as a datetime or ISO text). The
    chosen procedure's documents, from the centre, become the ticket's checklist. Codes the centre does not know (a configuration changed
    during the day) are printed as they are rather than refused: the citizen must get
    a ticket.
    """
    field_code = str(info.get("field", ""))
    field = centre.field_by_code(field_code)
    procedure = None
    documents: tuple[str, ...] = ()
    if info.get("procedure") and field is not None:
        chosen = next((p for p in field.procedures if p.id == info["procedure"]), None)
        if chosen is not None:
            procedure = chosen.vi
            # The short checklist; the full wording stays on the kiosk's screen.
            documents = tuple(d.short_vi or short_document(d.vi) for d in chosen.documents)
    priority = None
    if info.get("priority"):
        priority = next((c.vi for c in centre.priority_categories
                         if c.code == info["priority"]), str(info["priority"]))
    issued = info.get("issued_at")
    issued_at = issued if isinstance(issued, datetime) else datetime.fromisoformat(str(issued))
    # No figure when the hub has none to believe (past closing, no counter open).
    raw_estimate = info.get("estimate_minutes", 0)
    estimate = None if raw_estimate is None else max(0, int(raw_estimate))
    note = info.get("estimate_note")
    closes_at = info.get("closes_at")
    return TicketPrint(
        centre_name=centre.name_vi,
        place=centre.place_vi,
        slogan=centre.slogan_vi,
        number=str(info["label"]),
        field_vi=field.vi if field is not None else field_code,
        procedure_vi=procedure,
        documents=documents,
        priority_vi=priority,
        ahead=max(0, int(info.get("ahead") or 0)),
        estimate_minutes=estimate,
        estimate_note=str(note) if note else None,
        closes_at=str(closes_at) if closes_at else None,
        issued_at=issued_at,
        # The QR holds the citizen's live ticket page when the centre runs one
        # (docs/citizen.md), else the ticket's id.
        ticket_id=page.url(issued_at, str(info["id"])) if page else str(info["id"]),
        reprint=reprint,
    )


@dataclass(frozen=True)
class TicketPage:
    """Where the centre's citizen service serves ticket pages, and the shared page secret
    (``motcua printer node --page-url URL --page-secret FILE``)."""

    base_url: str
    secret: bytes

    def url(self, issued_at: datetime, ticket_id: str) -> str:
        day = issued_at.astimezone(VN_TZ).date().isoformat()  # the hub's business day
        return page_url(self.base_url, self.secret, day, ticket_id)


def wire_status(status: PrinterStatus) -> tuple[str, str, str]:
    """``(status, detail_vi, detail_en)`` as sent in ``device.status``.

    A write-only link (file, spool) cannot say how the printer is: it is reported as
    ``ok`` (the hub must not stop issuing because we cannot see) with the reason in the
    details, so the manager sees that nobody is watching that printer.
    """
    if status is PrinterStatus.UNKNOWN:
        return "ok", status.vi, status.en
    return status.value, status.vi, status.en


def _printable(status: PrinterStatus | None) -> bool:
    return status is not None and (status.can_print or status is PrinterStatus.UNKNOWN)


@dataclass(frozen=True)
class PrintJob:
    """One ticket to print (a first print, or a reprint marked "IN LẠI")."""

    ticket_id: str
    label: str
    ticket: TicketPrint


@dataclass
class _Report:
    kind: str
    body: dict[str, Any]
    request_id: str
    """Reused on every retry: the hub answers a retried report from its stored reply."""


class PrinterNode:
    """Prints the kiosk's tickets on ``printer`` and keeps the hub told.

    ``PrinterNode(endpoints, device="printer-1", printer=TicketPrinter(...))``; call
    :meth:`start`, later :meth:`stop`. The printer link is not closed by the node.
    ``on_note(text)`` (optional) receives one line per printed/failed ticket and status
    change, in Vietnamese / English, for a console.
    """

    def __init__(self, endpoints: Endpoints, device: str = "printer-1", *,
                 printer: TicketPrinter, keys: ClientKeys | None = None,
                 poll_status_s: float = 2.0,
                 on_note: Callable[[str], None] | None = None,
                 page: TicketPage | None = None) -> None:
        self.endpoints = endpoints
        self.page = page
        self.device = device
        self.printer = printer
        self.poll_status_s = poll_status_s
        self.on_note = on_note
        self.kiosk: str | None = None
        """The kiosk whose tickets this printer prints (from the hub's snapshot)."""
        self.status: PrinterStatus | None = None
        """Latest printer status read (None before the first query)."""
        self.printed: set[str] = set()
        """Tickets printed by this node today (reported or still being reported)."""
        self.failed: set[str] = set()
        """Tickets whose print failed and that were not printed since."""
        self.prints = 0
        self.reprints = 0
        self.client = HubClient(endpoints.command, device, keys=keys, timeout=1.0, retries=2)
        self.follower = EventFollower(endpoints, device, keys=keys, on_view=self._on_view,
                                      on_event=self._on_event,
                                      on_connection=self._on_connection)
        self._jobs: queue.Queue[PrintJob | None] = queue.Queue()
        self._lock = threading.Lock()
        self._queued: set[str] = set()
        self._view: CentreView | None = None
        self._hub_has: tuple[str, str] | None = None
        """(status, detail_vi) the hub holds for this device, as far as we know."""
        self._outbox: deque[_Report] = deque()
        self._pending_wanted = threading.Event()
        self._hub_retry_at = 0.0
        self._last_contact = 0.0
        self._hub_up: bool | None = None
        self._stop = threading.Event()
        self._worker: threading.Thread | None = None

    # -- life ------------------------------------------------------------------------
    def start(self) -> None:
        """Start following the hub and watching the printer."""
        self._worker = threading.Thread(target=self._run, name=f"print-{self.device}",
                                        daemon=True)
        self._worker.start()
        self.follower.start()

    def stop(self) -> None:
        """Stop both threads and tell the hub nobody prints here any more.

        The hub then refuses numbers at this kiosk ("offline") instead of handing out
        tickets nobody prints. Reports not yet delivered are logged and dropped.
        """
        self._stop.set()
        self._jobs.put(None)
        self.follower.stop()
        if self._worker is not None:
            self._worker.join(10)
        try:
            self.client.request("device.status", {
                "status": "offline", "detail_vi": STOPPED_VI, "detail_en": STOPPED_EN},
                timeout=1.0, retries=0)
        except HubError as exc:
            log.info("could not tell the hub the node stopped: %s", exc.en)
        self.client.close()
        if self._outbox:
            log.warning("%d report(s) not delivered to the hub: %s", len(self._outbox),
                        ", ".join(f"{r.kind} {r.body.get('ticket')}" for r in self._outbox))

    def __enter__(self) -> PrinterNode:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def undelivered(self) -> int:
        """Reports (printed / failed) waiting for the hub to be reachable again."""
        return len(self._outbox)

    @property
    def connected(self) -> bool:
        """True while the hub's event stream is heard."""
        return self.follower.connected

    # -- follower thread ---------------------------------------------------------------
    def _on_view(self, view: CentreView) -> None:
        try:
            role = view.you.get("role")
            device = view.centre.device_by_id(self.device)
            kiosk = view.you.get("kiosk") or (device.kiosk if device is not None else None)
            if role not in (None, "printer"):
                log.error("%s là thiết bị %s, không phải máy in / is a %s, not a printer",
                          self.device, role, role)
                kiosk = None
            elif kiosk is None:
                log.error("Máy in %s chưa được gắn với ki-ốt nào trong cấu hình / printer %s "
                          "has no kiosk in the centre configuration", self.device, self.device)
            own = view.state.devices.get(self.device, {})
            with self._lock:
                self.kiosk = kiosk
                self._view = view
                self._hub_has = (str(own.get("status")), str(own.get("detail_vi", "")))
            # Tickets issued while we were away (start, lost hub, missed events) arrive in
            # the snapshot, not as live events: ask the hub which are still unprinted.
            self._pending_wanted.set()
            self._jobs.put(None)
        except Exception:
            log.exception("snapshot handling failed")

    def _on_event(self, view: CentreView, event: Event) -> None:
        try:
            body = event.body
            if event.type == "ticket.issued":
                if self.kiosk is None or body.get("kiosk") != self.kiosk:
                    return  # another kiosk's (or the manager's) ticket: not ours to print
                tid = str(body["ticket"])
                info = {**body, "id": tid, "issued_at": event.ts}
                job = PrintJob(tid, str(body["label"]),
                               ticket_print(view.centre, info, page=self.page))
                with self._lock:
                    self._queued.add(tid)
                self._jobs.put(job)
            elif event.type == "device.status" and body.get("device") == self.device:
                self._hub_has = (str(body.get("status")), str(body.get("detail_vi", "")))
            elif event.type == "day.opened":
                with self._lock:  # ticket ids carry the day: yesterday's are done with
                    self.printed.clear()
                    self.failed.clear()
        except Exception:
            log.exception("event %s not handled", event.type)

    def _on_connection(self, up: bool) -> None:
        if up == self._hub_up:
            return
        self._hub_up = up
        if up:
            self._note("Đã kết nối máy chủ / connected to the hub")
        else:
            self._note("Mất kết nối với máy chủ / hub connection lost")

    def _refused(self, kind: str, exc: HubError) -> None:
        if exc.code == "not_authorised":
            self._note("Thiết bị chưa được cấp quyền / device not authorised: "
                       f"{self.device} (motcua keys enrol)")
        else:
            log.warning("%s refused: %s", kind, exc.en)

    # -- worker thread -----------------------------------------------------------------
    def _run(self) -> None:
        next_poll = 0.0
        while not self._stop.is_set():
            try:
                job = self._jobs.get(timeout=max(0.0, next_poll - time.monotonic()))
            except queue.Empty:
                job = None
            if self._stop.is_set():
                break
            try:
                if job is not None:
                    self._print(job)
                if time.monotonic() >= next_poll:
                    self._set_status(self._read_status())
                    next_poll = time.monotonic() + self.poll_status_s
                self._sync_status()
                self._flush_outbox()
                if self._pending_wanted.is_set():
                    self._print_pending()
                self._keep_alive()
            except Exception:  # a node must keep running whatever one ticket did
                log.exception("printer node step failed")
                next_poll = time.monotonic() + self.poll_status_s

    def _note(self, text: str) -> None:
        log.info("%s: %s", self.device, text)
        if self.on_note is not None:
            try:
                self.on_note(text)
            except Exception:
                log.exception("on_note failed")

    def _read_status(self) -> PrinterStatus:
        try:
            return self.printer.status()
        except Exception:  # a link that fails in an unexpected way is not a working one
            log.exception("status query failed")
            return PrinterStatus.OFFLINE

    def _print_now(self, ticket: TicketPrint) -> PrintResult:
        try:
            return self.printer.print_ticket(ticket)
        except Exception as exc:
            log.exception("printing %s failed", ticket.number)
            return PrintResult(False, PrinterStatus.OFFLINE, None, 0, 0.0,
                               f"Lỗi khi in: {exc}", f"Printing failed: {exc}")

    def _set_status(self, new: PrinterStatus) -> None:
        old, self.status = self.status, new
        if new is old:
            return
        self._note(f"Máy in: {new.vi} / printer: {new.en}")
        if old is not None and not _printable(old) and _printable(new):
            self._pending_wanted.set()  # recovered: reprint what failed meanwhile

    def _hub_down(self) -> bool:
        return time.monotonic() < self._hub_retry_at

    def _ask(self, kind: str, body: dict[str, Any], request_id: str | None = None,
             ) -> dict[str, Any]:
        """One request to the hub (HubUnavailable starts the back-off at the caller)."""
        reply = self.client.request(kind, body, request_id=request_id)
        self._last_contact = time.monotonic()
        return reply

    def _keep_alive(self) -> None:
        if time.monotonic() - self._last_contact < PING_S or self._hub_down():
            return
        try:
            self._ask("ping", {})
        except HubUnavailable:
            self._hub_retry_at = time.monotonic() + HUB_RETRY_S
        except HubError as exc:
            self._refused("ping", exc)
            self._last_contact = time.monotonic()

    def _sync_status(self) -> None:
        """Tell the hub the printer's status if it does not hold it yet."""
        if self.status is None or self._hub_down():
            return
        status, vi, en = wire_status(self.status)
        if self._hub_has == (status, vi):
            return
        try:
            self._ask("device.status", {"status": status, "detail_vi": vi, "detail_en": en},
                      f"st-{uuid.uuid4().hex}")
        except HubUnavailable:
            self._hub_retry_at = time.monotonic() + HUB_RETRY_S
            return
        except HubError as exc:
            self._refused("device.status", exc)
        self._hub_has = (status, vi)

    def _report(self, kind: str, body: dict[str, Any], request_id: str) -> None:
        self._outbox.append(_Report(kind, body, request_id))
        self._flush_outbox()

    def _flush_outbox(self) -> None:
        while self._outbox and not self._hub_down():
            r = self._outbox[0]
            try:
                self._ask(r.kind, r.body, r.request_id)
            except HubUnavailable:
                self._hub_retry_at = time.monotonic() + HUB_RETRY_S
                return
            except HubError as exc:  # e.g. a ticket of a day the hub has closed
                log.warning("%s %s refused: %s", r.kind, r.body.get("ticket"), exc.en)
            self._outbox.popleft()

    def _already_printed(self, ticket_id: str) -> bool:
        if ticket_id in self.printed:
            return True
        view = self._view
        known = view.state.tickets.get(ticket_id) if view is not None else None
        return known is not None and known.printed

    def _print(self, job: PrintJob) -> bool:
        """Print one job unless it was printed already; report the outcome."""
        with self._lock:
            self._queued.discard(job.ticket_id)
        if self._already_printed(job.ticket_id):
            log.info("%s already printed; not printed again", job.label)
            return True
        result = self._print_now(job.ticket)
        self._set_status(result.status)
        # Status first: it is what stops the kiosk handing out the next number.
        self._sync_status()
        tid = job.ticket_id
        if result.ok:
            with self._lock:
                self.printed.add(tid)
                self.failed.discard(tid)
            self.prints += 1
            self.reprints += job.ticket.reprint
            what = "In lại" if job.ticket.reprint else "Đã in"
            self._note(f"{what} số {job.label} / printed {job.label}"
                       f"{' (reprint)' if job.ticket.reprint else ''}")
            rid = "printed-" + hashlib.sha1(tid.encode("utf-8")).hexdigest()[:32]
            self._report("printer.printed", {"ticket": tid, "reprint": job.ticket.reprint},
                         rid)
            return True
        with self._lock:
            self.failed.add(tid)
        self._note(f"Chưa in được số {job.label}: {result.reason_vi} / "
                   f"{job.label} not printed: {result.reason_en}")
        self._report("printer.failed",
                     {"ticket": tid, "reason": f"{result.reason_vi} / {result.reason_en}"},
                     f"failed-{uuid.uuid4().hex}")
        return False

    def _print_pending(self) -> None:
        """Print this kiosk's tickets the hub says are not printed yet (failed ones as
        "IN LẠI")."""
        if not _printable(self.status) or self._hub_down() or self._view is None:
            return  # kept wanted: done when the printer and the hub are both back
        self._pending_wanted.clear()
        try:
            reply = self._ask("printer.pending", {})
        except HubUnavailable:
            self._hub_retry_at = time.monotonic() + HUB_RETRY_S
            self._pending_wanted.set()
            return
        except HubError as exc:
            log.warning("printer.pending refused: %s", exc.en)
            return
        view, kiosk = self._view, self.kiosk
        for info in reply.get("tickets", []):
            tid = str(info.get("id", ""))
            with self._lock:
                queued = tid in self._queued
            if queued or self._already_printed(tid):
                continue  # its live job is on the way, or it is done
            known = view.state.tickets.get(tid)
            # Not in our view yet: its ticket.issued event is still on the way and
            # prints it as a first print; the hub's kiosk filter is checked again here.
            if known is None or kiosk is None or known.kiosk != kiosk:
                continue
            # "IN LẠI" only when a print of it was tried before: a ticket that never
            # reached paper (issued while we started or were away) is the citizen's only
            # one and must not look like a duplicate.
            again = known.print_failed or tid in self.failed
            job = PrintJob(tid, str(info["label"]), ticket_print(view.centre, info,
                                                                 reprint=again, page=self.page))
            if not self._print(job):
                break  # the printer failed again: the rest waits for its recovery
