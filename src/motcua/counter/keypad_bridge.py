"""The physical caller keypad wired to the hub, with or without the counter window.

A key press (:class:`motcua.counter.keypad.KeypadAction`) becomes the same counter action the
window's F-keys send (:data:`KEYPAD_ACTIONS`, :func:`motcua.counter.actions.send_action`).
The keypad's connection is reported to the hub as ``device.status`` connected /
disconnected, so the manager sees an unplugged keypad.

* Headless (``motcua counter --headless --keypad PORT``): :class:`ThreadedSender`
  sends the commands; results and refusals go to the log in words.
* With the window: presses are handed to the window (``handler``), so a keypad press
  behaves exactly like the matching F-key, including the transfer dialog.

Transfer needs a destination a keypad cannot give: with the window it opens the
transfer dialog; headless it is refused in words (see docs/counter.md).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import Any

from motcua.core.dossier import DossierRules
from motcua.counter.actions import Reply, Sender, error_words, result_words, send_action
from motcua.counter.keypad import Keypad, KeypadAction
from motcua.link.client import ClientKeys, HubClient, HubError, HubUnavailable
from motcua.serialio.frames import DeviceStatus

log = logging.getLogger(__name__)

KEYPAD_ACTIONS: dict[KeypadAction, str] = {
    KeypadAction.CALL_NEXT: "call_next",
    KeypadAction.RECALL: "recall",
    KeypadAction.START: "start",
    KeypadAction.FINISH: "finish",
    KeypadAction.NO_SHOW: "no_show",
    KeypadAction.HOLD: "hold",
    KeypadAction.TRANSFER: "transfer",
    KeypadAction.PAUSE_RESUME: "pause_resume",
    KeypadAction.FINISH_1: "finish_1",
    KeypadAction.FINISH_2: "finish_2",
    KeypadAction.FINISH_3: "finish_3",
    KeypadAction.FINISH_4: "finish_4",
}
"""Keypad key -> counter action name (``motcua.counter.actions.ACTIONS``)."""

TRANSFER_NEEDS_APP = (
    "Chuyển số cần chọn nơi đến: dùng ứng dụng quầy (F7) hoặc lệnh "
    "\"motcua act {n} transfer --to-field X\"",
    "A transfer needs a destination: use the counter app (F7) or "
    "\"motcua act {n} transfer --to-field X\"",
)

Job = tuple[str, dict[str, Any], Callable[[Reply], None] | None,
            Callable[[HubError], None] | None, str | None]


class ThreadedSender:
    """A :class:`HubClient` behind one worker thread, with QtHubLink's ``request`` shape.

    Callbacks run on the worker thread, in order. Used where there is no Qt event loop.
    """

    def __init__(self, endpoint: str, device: str, *, keys: ClientKeys | None = None,
                 timeout: float = 2.0, retries: int = 1) -> None:
        self.client = HubClient(endpoint, device, keys=keys, timeout=timeout, retries=retries)
        self._jobs: queue.Queue[Job | None] = queue.Queue()
        self._thread = threading.Thread(target=self._work, name=f"send-{device}", daemon=True)
        self._thread.start()

    def request(self, kind: str, body: dict[str, Any] | None = None, *,
                on_ok: Callable[[Reply], None] | None = None,
                on_error: Callable[[HubError], None] | None = None,
                request_id: str | None = None) -> None:
        self._jobs.put((kind, body or {}, on_ok, on_error, request_id))

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            kind, body, on_ok, on_error, rid = job
            try:
                reply = self.client.request(kind, body, request_id=rid)
            except HubError as exc:
                if on_error is not None:
                    self._safe(on_error, exc)
            except Exception as exc:  # a broken socket must not kill the keypad
                log.exception("%s failed", kind)
                if on_error is not None:
                    self._safe(on_error, HubUnavailable(str(exc)))
            else:
                if on_ok is not None:
                    self._safe(on_ok, reply)

    @staticmethod
    def _safe(callback: Callable[[Any], None], value: Any) -> None:
        try:
            callback(value)
        except Exception:
            log.exception("callback failed")

    def close(self) -> None:
        """Finish the queued commands (each bounded by its time-out), then stop."""
        self._jobs.put(None)
        self._thread.join(10)
        self.client.close()


class KeypadBridge:
    """Connects a :class:`Keypad` on ``port`` to the hub through ``sender``.

    ``handler(action_name)``: when given (the window), presses go there instead of
    being sent here. ``on_status(status, message)`` and ``on_result(vi, en)`` let a
    caller show what happened; both run on the keypad's or the sender's thread.
    ``keypad_options`` go to :class:`Keypad` (time-outs, a fake clock in tests).
    """

    def __init__(self, sender: Sender, counter: int, port: str, *, baudrate: int = 9600,
                 handler: Callable[[str], None] | None = None,
                 on_status: Callable[[DeviceStatus, str], None] | None = None,
                 on_result: Callable[[str, str], None] | None = None,
                 outcomes: tuple[str, ...] | None = None,
                 **keypad_options: Any) -> None:
        self.sender = sender
        self.counter = counter
        self.handler = handler
        self.on_status = on_status
        self.on_result = on_result
        self.outcomes = outcomes if outcomes is not None else tuple(
            o.code for o in DossierRules().keypad_outcomes())
        """Outcome codes of digit keys 1..4 (the centre's reduced set)."""
        self._lock = threading.Lock()
        self._last_status: str | None = None
        self._status_reported = True
        self.keypad = Keypad(port, counter, self.press, self._keypad_status,
                             baudrate=baudrate, **keypad_options)

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> KeypadBridge:
        self.keypad.start()
        return self

    def close(self) -> None:
        """Stop reading the keypad; the hub is told it is disconnected."""
        self.keypad.close()

    def __enter__(self) -> KeypadBridge:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def status(self) -> DeviceStatus:
        return self.keypad.status

    # -- presses -----------------------------------------------------------------------
    def press(self, action: KeypadAction) -> None:
        """What one key press does (called on the keypad's reader thread)."""
        name = KEYPAD_ACTIONS[action]
        log.info("counter %d keypad: %s", self.counter, name)
        if self.handler is not None and not name.startswith("finish_"):
            self.handler(name)
        else:
            self.perform(name)

    def perform(self, name: str) -> None:
        """Send action ``name`` to the hub (headless); the outcome goes to ``on_result``."""
        extra: dict[str, Any] = {}
        if name.startswith("finish_"):
            index = int(name.rsplit("_", 1)[1]) - 1
            if index >= len(self.outcomes):
                self._result(f"Phím {index + 1} chưa gán kết quả xử lý",
                             f"Key {index + 1} has no outcome", error=True)
                return
            name, extra = "finish", {"outcome": self.outcomes[index]}
        if name == "transfer":
            vi, en = TRANSFER_NEEDS_APP
            self._result(vi.format(n=self.counter), en.format(n=self.counter), error=True)
            return

        def ok(sent: str, reply: Reply, body: dict[str, Any]) -> None:
            self._result(*result_words(sent, reply, body))

        def failed(exc: HubError) -> None:
            self._result(*error_words(exc), error=True)

        send_action(self.sender, self.counter, name, on_ok=ok, on_error=failed, **extra)

    def _result(self, vi: str, en: str, *, error: bool = False) -> None:
        (log.warning if error else log.info)("counter %d: %s / %s", self.counter, vi, en)
        if self.on_result is not None:
            self.on_result(vi, en)

    # -- keypad connection -> hub --------------------------------------------------------
    def _keypad_status(self, status: DeviceStatus, message: str) -> None:
        hub_status = "connected" if status is DeviceStatus.CONNECTED else "disconnected"
        with self._lock:
            self._last_status = hub_status
            self._status_reported = False
        self.report_status()
        if self.on_status is not None:
            self.on_status(status, message)

    def report_status(self) -> None:
        """(Re)send the keypad's status to the hub if the last report did not arrive.

        Call it when the hub comes back: a keypad unplugged while the hub was away is
        still reported.
        """
        with self._lock:
            status, pending = self._last_status, not self._status_reported
        if status is None or not pending:
            return
        port = self.keypad.device.port
        if status == "connected":
            body = {"status": status, "detail_vi": f"Bàn phím gọi số đã kết nối ({port})",
                    "detail_en": f"Caller keypad connected ({port})"}
        else:
            body = {"status": status, "detail_vi": f"Bàn phím gọi số mất kết nối ({port})",
                    "detail_en": f"Caller keypad disconnected ({port})"}

        def ok(_reply: Reply) -> None:
            with self._lock:
                if self._last_status == status:
                    self._status_reported = True

        def failed(exc: HubError) -> None:
            log.info("counter %d: keypad status not reported yet (%s)", self.counter, exc.en)

        self.sender.request("device.status", body, on_ok=ok, on_error=failed)
