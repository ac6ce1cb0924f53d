"""What an officer can do at a counter, and which hub command each action becomes.

One table (:data:`ACTIONS`) serves the window's buttons, its F-key shortcuts and the
physical keypad (``counter/keypad_bridge.py``), so a key press, a click and a keypad
press of the same action always send the same command. No Qt here.

The hub decides everything (``hub/domain/engine.py``); this module only names the
actions, builds their command bodies and puts the hub's answers into words.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from motcua.link.client import HubError

log = logging.getLogger(__name__)

Reply = dict[str, Any]


class Sender(Protocol):
    """Anything that sends a hub command and reports back by callback.

    :class:`motcua.qt.link.QtHubLink` is one (callbacks on the GUI thread);
    :class:`motcua.counter.keypad_bridge.ThreadedSender` is another (callbacks on its worker).
    """

    def request(self, kind: str, body: dict[str, Any] | None = None, *,
                on_ok: Callable[[Reply], None] | None = None,
                on_error: Callable[[HubError], None] | None = None,
                request_id: str | None = None) -> None: ...


@dataclass(frozen=True)
class CounterAction:
    """One thing the officer can do, with its hub command and its keyboard key."""

    name: str
    """Stable name used by the window, the keypad mapping and the tests."""
    command: str
    """Hub command type; ``""`` for pause/resume, which depends on the counter's state."""
    vi: str
    """Button text (Vietnamese)."""
    en: str
    """English text (tooltips, logs)."""
    key: str = ""
    """Keyboard shortcut (``"F1"``), ``""`` when the action has none."""


ACTIONS: dict[str, CounterAction] = {a.name: a for a in (
    CounterAction("call_next", "counter.call_next", "Gọi số tiếp", "Call next", "F1"),
    CounterAction("recall", "counter.recall", "Gọi lại", "Recall", "F2"),
    CounterAction("start", "counter.start", "Bắt đầu", "Start service", "F3"),
    CounterAction("finish", "counter.finish", "Hoàn thành", "Finish", "F4"),
    CounterAction("no_show", "counter.no_show", "Vắng mặt", "No-show", "F5"),
    CounterAction("hold", "counter.hold", "Tạm giữ", "Hold", "F6"),
    CounterAction("transfer", "counter.transfer", "Chuyển", "Transfer", "F7"),
    CounterAction("pause_resume", "", "Tạm dừng", "Pause / resume", "F8"),
    CounterAction("call_ticket", "counter.call_ticket", "Gọi số…", "Call a ticket", "F9"),
    CounterAction("unhold", "counter.unhold", "Gọi lại số đang giữ", "Bring back"),
    CounterAction("open", "counter.open", "Đăng nhập", "Sign in"),
    CounterAction("close", "counter.close", "Đăng xuất", "Sign out"),
)}
"""Every counter action, F-key actions first in key order."""

KEYED_ACTIONS: tuple[CounterAction, ...] = tuple(a for a in ACTIONS.values() if a.key)
"""The nine actions on F1..F9, in key order."""

RESUME_VI, RESUME_EN = "Tiếp tục", "Resume"
"""Text of the pause/resume button while the counter is paused."""

_STATUS_WORDS: dict[str, tuple[str, str]] = {
    "waiting": ("Đang chờ", "Waiting"),
    "called": ("Đang gọi", "Called"),
    "serving": ("Đang phục vụ", "Serving"),
    "held": ("Đang tạm giữ", "Held"),
    "done": ("Đã xong", "Done"),
    "no_show": ("Vắng mặt", "No-show"),
    "cancelled": ("Đã huỷ", "Cancelled"),
    "open": ("Đang mở", "Open"),
    "paused": ("Tạm dừng", "Paused"),
    "closed": ("Chưa mở", "Closed"),
}


def status_words(status: str) -> tuple[str, str]:
    """Words for a ticket or counter status, e.g. ``"serving"`` -> ("Đang phục vụ", ...)."""
    return _STATUS_WORDS.get(status, (status, status))


def error_words(exc: HubError) -> tuple[str, str]:
    """What to tell the officer when the hub refused or could not be reached."""
    if exc.code == "not_authorised":
        return "Thiết bị chưa được cấp quyền", "Device not authorised"
    if exc.code == "unavailable":
        return ("Mất kết nối với máy chủ: lệnh chưa được thực hiện, xin thử lại",
                "Connection to the hub lost: nothing was done, please try again")
    return exc.vi or exc.en or exc.code, exc.en or exc.code


def command_body(name: str, counter: int, **extra: Any) -> tuple[str, dict[str, Any]]:
    """The (command type, body) for action ``name``; ``extra`` adds ticket, reason, target.

    ``pause_resume`` is resolved by :func:`send_action`, not here.
    """
    action = ACTIONS[name]
    if not action.command:
        raise ValueError(f"{name} has no fixed command")
    body: dict[str, Any] = {"counter": counter}
    body.update({k: v for k, v in extra.items() if v is not None})
    return action.command, body


def _label(reply: Reply) -> str:
    t = reply.get("ticket")
    return str(t.get("label", "")) if isinstance(t, dict) else ""


def result_words(name: str, reply: Reply, body: dict[str, Any]) -> tuple[str, str]:
    """What a successful action did, in words (Vietnamese, English)."""
    label = _label(reply)
    if name in ("call_next", "call_ticket"):
        if reply.get("ticket") is None:
            return (str(reply.get("message_vi", "Không còn công dân nào đang chờ")),
                    str(reply.get("message_en", "Nobody is waiting")))
        return (f"Đã gọi số {label}: {reply.get('reason_vi', '')}",
                f"Called {label}: {reply.get('reason_en', '')}")
    if name == "transfer":
        if body.get("to_counter") is not None:
            n = body["to_counter"]
            return f"Đã chuyển số {label} sang quầy {n}", f"Transferred {label} to counter {n}"
        f = body.get("to_field")
        return (f"Đã chuyển số {label} sang lĩnh vực {f}",
                f"Transferred {label} to field {f}")
    fixed = {
        "recall": ("Đã gọi lại số {0}", "Recalled {0}"),
        "start": ("Bắt đầu phục vụ số {0}", "Started serving {0}"),
        "finish": ("Đã hoàn thành số {0}", "Finished {0}"),
        "no_show": ("Số {0} được ghi vắng mặt", "{0} marked as no-show"),
        "hold": ("Đã tạm giữ số {0}", "{0} is on hold"),
        "unhold": ("Đã gọi lại số đang giữ {0}", "Brought back {0}"),
        "pause": ("Quầy đã tạm dừng", "Counter paused"),
        "resume": ("Quầy tiếp tục làm việc", "Counter resumed"),
        "open": ("Đã đăng nhập, quầy đang mở", "Signed in, the counter is open"),
        "close": ("Đã đăng xuất, quầy đã đóng", "Signed out, the counter is closed"),
    }
    vi, en = fixed.get(name, ("Đã thực hiện", "Done"))
    return vi.format(label), en.format(label)


OkCallback = Callable[[str, Reply, dict[str, Any]], None]
"""``on_ok(action name actually sent, reply, body)``; pause/resume reports which one."""


def send_action(sender: Sender, counter: int, name: str, *,
                paused: bool | None = None,
                on_ok: OkCallback | None = None,
                on_error: Callable[[HubError], None] | None = None,
                **extra: Any) -> None:
    """Send action ``name`` for ``counter`` through ``sender``.

    ``pause_resume`` toggles: it resumes when ``paused`` is True and pauses otherwise.
    When the guess was wrong (the hub says "already paused" / "not paused", e.g. the
    keypad runs without a live view) the other command is sent, so one key always works.
    """
    def ok(sent: str, body: dict[str, Any]) -> Callable[[Reply], None]:
        def run(reply: Reply) -> None:
            if on_ok is not None:
                on_ok(sent, reply, body)
        return run

    def fail(exc: HubError) -> None:
        if on_error is not None:
            on_error(exc)

    if name != "pause_resume":
        kind, body = command_body(name, counter, **extra)
        sender.request(kind, body, on_ok=ok(name, body), on_error=fail)
        return
    first, other = ("resume", "pause") if paused else ("pause", "resume")
    body = {"counter": counter}

    def first_failed(exc: HubError) -> None:
        wrong_guess = {"pause": "counter_paused", "resume": "not_paused"}[first]
        if exc.code == wrong_guess:
            log.info("counter %d: %s refused (%s); sending %s", counter, first, exc.code, other)
            sender.request(f"counter.{other}", body, on_ok=ok(other, body), on_error=fail)
        else:
            fail(exc)

    sender.request(f"counter.{first}", body, on_ok=ok(first, body), on_error=first_failed)
