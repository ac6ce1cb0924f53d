"""The hub link for Qt programs: sockets live in worker threads, never in the GUI.

Widgets get everything through queued signals (ZeroMQ sockets are not thread-safe
and a QSocketNotifier on ZMQ_FD is edge-triggered and loses messages). Commands run
on a worker thread too, so a slow or missing hub never freezes a touch screen; the
result comes back on the GUI thread through ``reply``/``failed`` signals.
"""

from __future__ import annotations

import copy
import gc
import logging
import queue
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from motcua.link.client import (
    CentreView,
    ClientKeys,
    Endpoints,
    EventFollower,
    HubClient,
    HubError,
    HubUnavailable,
)

log = logging.getLogger(__name__)
Callback = Callable[[dict[str, Any]], None]
ErrorCallback = Callable[[HubError], None]


class QtHubLink(QObject):
    """Signals (all delivered on the thread that owns this object, i.e. the GUI):

    * ``view_changed(CentreView)``: after a snapshot and after each event
    * ``event_applied(CentreView, Event)``: one applied event (type in ``event.type``)
    * ``connection(bool)``: hub found (True) or lost (False, show "Mất kết nối")
    * ``refused(bool)``: the hub refuses this device (True: show "Thiết bị chưa được cấp
      quyền") or accepts it again (False)
    * ``health(dict)``: the hub's own health changed (``{"storage": "ok"}`` or a fault
      such as a full disk: show that tickets are not issued; see docs/protocol.md)
    """

    view_changed = Signal(object)
    event_applied = Signal(object, object)
    connection = Signal(bool)
    refused = Signal(bool)
    health = Signal(object)
    _result = Signal(object, object, object)  # (callback, value, is_error)

    def __init__(self, endpoints: Endpoints, device: str, *, keys: ClientKeys | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.device = device
        # The follower's thread keeps changing its view; widgets get copies, made once
        # per snapshot and once per batch of events, so the GUI never reads a view that
        # is being changed under it.
        self.follower = EventFollower(endpoints, device, keys=keys,
                                      on_view=self._on_view,
                                      on_batch=self._on_batch,
                                      on_connection=self.connection.emit,
                                      on_refused=self.refused.emit)
        self.client = HubClient(endpoints.command, device, keys=keys, timeout=2.0, retries=1)
        self._jobs: queue.Queue[tuple[str, dict[str, Any], str | None, Callback | None,
                                      ErrorCallback | None] | None] = queue.Queue()
        self._worker = threading.Thread(target=self._work, name=f"cmd-{device}", daemon=True)
        self._result.connect(self._deliver)
        self._latest: CentreView | None = None
        self._health: dict[str, Any] = {"storage": "ok"}
        self.follower.on_health = self._on_health
        # Connected first, so every other slot that reads ``link.view`` sees this copy.
        self.view_changed.connect(self._remember)

    @property
    def view(self) -> CentreView | None:
        """The newest view delivered to this object's thread (a copy nobody else changes)."""
        if self._latest is None and self.follower.view is not None:
            with self.follower.lock:  # before the first delivery: copy the follower's now
                self._latest = copy.deepcopy(self.follower.view)
        return self._latest

    def _remember(self, view: CentreView) -> None:
        self._latest = view

    def start(self) -> None:
        self.follower.start()
        self._worker.start()

    def stop(self) -> None:
        self._jobs.put(None)
        self.follower.stop()
        self._worker.join(5)
        self.client.close()

    def _on_view(self, view: CentreView) -> None:
        self.view_changed.emit(copy.deepcopy(view))
        self._on_health(view)

    def _on_health(self, view: CentreView) -> None:
        if view.health != self._health:
            self._health = dict(view.health)
            self.health.emit(dict(view.health))

    @property
    def hub_health(self) -> dict[str, Any]:
        """The hub's own health as last heard (``{"storage": "ok"}`` when well)."""
        return self._health

    def _on_batch(self, view: CentreView, events: list[Any]) -> None:
        snapshot = copy.deepcopy(view)
        for event in events:
            self.event_applied.emit(snapshot, event)
        self.view_changed.emit(snapshot)

    def request(self, kind: str, body: dict[str, Any] | None = None, *,
                on_ok: Callback | None = None, on_error: ErrorCallback | None = None,
                request_id: str | None = None) -> None:
        """Send a command from the GUI without blocking it."""
        self._jobs.put((kind, body or {}, request_id, on_ok, on_error))

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            kind, body, rid, on_ok, on_error = job
            try:
                value = self.client.request(kind, body, request_id=rid)
            except HubError as exc:
                self._result.emit(on_error, exc, True)
            except Exception as exc:  # never let the worker die: report in words
                log.exception("request %s failed", kind)
                self._result.emit(on_error, HubUnavailable(str(exc)), True)
            else:
                self._result.emit(on_ok, value, False)

    def _deliver(self, callback: Any, value: Any, is_error: Any) -> None:
        if callback is not None:
            callback(value)


def collect_garbage_on_gui_thread(parent: QObject, interval_ms: int = 1000) -> QTimer:
    """Run Python's cyclic garbage collector on the GUI thread only.

    Left automatic, the collector runs in whichever thread happens to allocate, e.g. a
    link thread copying a view, and may then destroy Qt widgets there, off their thread,
    which crashes Qt. So automatic collection is switched off and a GUI-thread timer
    collects instead. Every Qt program of motcua calls this once.
    """
    gc.disable()
    timer = QTimer(parent)
    timer.timeout.connect(lambda: gc.collect())
    timer.start(interval_ms)
    return timer
