"""Headless bridge: a serial rating button box at a counter -> ``rating.submit`` at the hub.

One process per counter box, no screen needed (``motcua rating --counter N --box PORT
--headless``). A press of the box's key ``k`` is the level of the centre's scale whose
``key`` is ``k`` (``[[rating_scale]] key = "1"`` in centre.toml); the scale comes from the
hub's snapshot, so editing it at the hub re-maps every box.

* a press while the counter's rating window is open -> ``rating.submit`` {value}; the hub
  binds it to the ticket, counter, officer and field and closes the window;
* a press with no open window (nobody just served, time up, already rated) is ignored,
  counted in ``stats["ignored_no_window"]`` and logged; so is a press the hub refuses with
  ``no_rating_window`` (the hub is the authority on time);
* a key not on the scale is ignored and counted in ``stats["unknown_key"]``; a held
  button counts once (the box driver debounces it);
* the box's connected / disconnected changes are reported with ``device.status`` and
  reported again when the hub comes back.

Threads: the serial reader (presses), the event follower (the view), and one worker that
sends commands in order, so neither a slow hub nor a slow line blocks the other.
All hub commands go through the follower's own :class:`~motcua.link.client.HubClient`: one
DEALER per device name (two sockets with one routing id make the hub hand the
connection back and forth, see docs/rating.md).
"""

from __future__ import annotations

import logging
import queue
import string
import threading
import time
from collections.abc import Callable
from typing import Any

from motcua.core.state import Event
from motcua.link.client import CentreView, ClientKeys, Endpoints, EventFollower, HubError
from motcua.rating.box import RatingBox, RatingProtocol, level_for_key
from motcua.rating.window import RatingTracker
from motcua.serialio.frames import AddressCoding, DeviceStatus

__all__ = ["ALL_KEYS", "BoxBridge"]

log = logging.getLogger(__name__)

ALL_KEYS = frozenset(string.printable[:94])
"""Every printable ASCII key: the box passes them all and the hub's scale decides, so a
scale with keys other than "1".."5" works without changing the driver."""

_Job = tuple[str, dict[str, Any]]


class BoxBridge:
    """Connects the rating box on ``port`` for counter ``counter`` to the hub.

    ``device`` defaults to ``rating-<counter>``. ``monotonic`` is the local clock used
    to follow the rating window on the hub's time; ``box_clock`` the debounce clock.
    """

    def __init__(self, port: str, counter: int, endpoints: Endpoints,
                 device: str | None = None, *, keys: ClientKeys | None = None,
                 baudrate: int = 9600, protocol: RatingProtocol = "mc",
                 address_coding: AddressCoding = "ascii", debounce_s: float = 0.3,
                 retry_initial: float = 0.5, retry_max: float = 4.0,
                 monotonic: Callable[[], float] = time.monotonic,
                 box_clock: Callable[[], float] = time.monotonic,
                 request_timeout: float = 2.0) -> None:
        self.counter = counter
        self.device = device or f"rating-{counter}"
        self.port = port
        self.request_timeout = request_timeout
        self.tracker = RatingTracker(counter, monotonic)
        self.stats = dict.fromkeys(
            ("presses", "sent", "given", "ignored_no_window", "unknown_key", "offline",
             "refused", "failed", "status_reports"), 0)
        self._lock = threading.Lock()
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._box_status: DeviceStatus | None = None
        self._status_sent: DeviceStatus | None = None
        self.follower = EventFollower(endpoints, self.device, keys=keys,
                                      on_view=self._on_view, on_event=self._on_event,
                                      on_connection=self._on_connection)
        self.box = RatingBox(port, counter, self._on_key, self._on_box_status, keys=ALL_KEYS,
                             protocol=protocol, baudrate=baudrate, debounce_s=debounce_s,
                             retry_initial=retry_initial, retry_max=retry_max,
                             address_coding=address_coding, clock=box_clock)
        self._worker = threading.Thread(target=self._work, name=f"bridge-{self.device}",
                                        daemon=True)

    # -- life ------------------------------------------------------------------------
    def start(self) -> BoxBridge:
        self._worker.start()
        self.follower.start()
        self.box.start()
        log.info("Hộp đánh giá quầy %d trên %s -> máy chủ như %s / rating box of counter %d "
                 "on %s -> hub as %s", self.counter, self.port, self.device, self.counter,
                 self.port, self.device)
        return self

    def stop(self) -> None:
        """Close the box, tell the hub it is gone (best effort), stop the threads."""
        self.box.close()
        self._jobs.put(None)
        self._worker.join(self.request_timeout * 2 + 1)
        self.follower.stop()

    def __enter__(self) -> BoxBridge:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def hub_connected(self) -> bool:
        return self.follower.connected

    @property
    def box_status(self) -> DeviceStatus:
        return self.box.status

    def _count(self, name: str) -> None:
        with self._lock:
            self.stats[name] += 1

    # -- follower thread -------------------------------------------------------------
    def _on_view(self, view: CentreView) -> None:
        self.tracker.update(view)

    def _on_event(self, view: CentreView, event: Event) -> None:
        self.tracker.update(view, event)

    def _on_connection(self, up: bool) -> None:
        if up and self._box_status is not None and self._box_status is not self._status_sent:
            self._jobs.put(("status", {}))

    # -- serial reader thread -----------------------------------------------------------
    def _on_key(self, key: str) -> None:
        self._count("presses")
        if self.tracker.view is None or not self.follower.connected:
            self._count("offline")
            log.warning("Quầy %d: chưa kết nối máy chủ, lượt bấm %r bị bỏ qua / hub not "
                        "connected, press %r ignored", self.counter, key, key)
            return
        level = level_for_key(self.tracker.scale, key)
        if level is None:
            self._count("unknown_key")
            log.info("Quầy %d: phím %r không có trong thang đánh giá, bỏ qua / key %r is not on "
                     "the rating scale; ignored", self.counter, key, key)
            return
        window = self.tracker.window()
        if window is None:
            self._count("ignored_no_window")
            log.info("Quầy %d: bấm %s khi không có lượt chờ đánh giá, bỏ qua / press with no "
                     "open rating window; ignored", self.counter, level.vi)
            return
        self._jobs.put(("rate", {"value": level.value, "ticket": window.ticket,
                                 "label": window.label}))

    def _on_box_status(self, status: DeviceStatus, message: str) -> None:
        self._box_status = status
        self._jobs.put(("status", {}))

    # -- worker thread ------------------------------------------------------------------
    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                self._report_status()  # the box is closed by now: say so
                return
            kind, data = job
            try:
                if kind == "rate":
                    self._rate(data)
                else:
                    self._report_status()
            except Exception:  # the bridge must outlive any one press
                log.exception("rating box job %s failed", kind)

    def _request(self, kind: str, body: dict[str, Any]) -> dict[str, Any]:
        return self.follower.client.request(kind, body, timeout=self.request_timeout,
                                            retries=1)

    def _rate(self, data: dict[str, Any]) -> None:
        self._count("sent")
        try:
            reply = self._request("rating.submit", {"value": data["value"]})
        except HubError as exc:
            if exc.code == "no_rating_window":
                self._count("ignored_no_window")
                self.tracker.dismiss(data["ticket"])
                log.info("Quầy %d: hết thời gian đánh giá số %s / rating window over",
                         self.counter, data["label"])
            elif exc.code == "unavailable":
                self._count("failed")
                log.warning("Quầy %d: mất kết nối, đánh giá số %s chưa gửi được / hub "
                            "unreachable, rating lost", self.counter, data["label"])
            else:
                self._count("refused")
                log.warning("Quầy %d: máy chủ từ chối đánh giá [%s] %s / %s", self.counter,
                            exc.code, exc.vi, exc.en)
            return
        self._count("given")
        log.info("Quầy %d: số %s được đánh giá mức %s / rated", self.counter,
                 data["label"], reply.get("value"))

    def _report_status(self) -> None:
        status = self._box_status
        if status is None or status is self._status_sent:
            return
        # "closed" (the program stops) is reported to the hub as disconnected.
        wire = "connected" if status is DeviceStatus.CONNECTED else "disconnected"
        words = {"connected": ("đã kết nối", "connected"),
                 "disconnected": ("mất kết nối", "disconnected")}[wire]
        if status is DeviceStatus.CLOSED:
            words = ("đã tắt", "stopped")
        body = {"status": wire,
                "detail_vi": f"Hộp đánh giá quầy {self.counter}: {words[0]} ({self.port})",
                "detail_en": f"Rating box of counter {self.counter}: {words[1]} ({self.port})"}
        try:
            self._request("device.status", body)
        except HubError as exc:
            log.warning("Không báo được trạng thái hộp đánh giá / box status not reported: "
                        "%s", exc.en)
            return  # sent again when the hub comes back (_on_connection)
        self._status_sent = status
        self._count("status_reports")
