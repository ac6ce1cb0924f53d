"""The caller keypad (its virtual twin on a pty) driving a real hub, headless and in the window."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from motcua.counter.app import build_parser, main, run_headless
from motcua.counter.dialogs import TransferDialog
from motcua.counter.keypad import KeypadAction
from motcua.counter.keypad_bridge import KeypadBridge, ThreadedSender
from motcua.counter.virtual_keypad import VirtualKeypad
from motcua.counter.window import CounterWindow
from motcua.link.client import Endpoints, HubClient
from motcua.qt.link import QtHubLink
from tests.support.wait import wait_until

A = KeypadAction
DEADLINE_S = 8.0
FAST: dict[str, Any] = {"retry_initial": 0.02, "retry_max": 0.1}
"""Re-open an unplugged port quickly in tests."""


@pytest.fixture
def desk(hub: Any) -> Iterator[dict[str, HubClient]]:
    """The kiosk, and counter 1 opened by officer cb01 (as the window would)."""
    clients = {"kiosk": HubClient(hub.command, "kiosk-1", timeout=3.0),
               "admin": HubClient(hub.command, "admin", timeout=3.0)}
    clients["admin"].request("counter.open", {"counter": 1, "officer": "cb01"})
    yield clients
    for c in clients.values():
        c.close()


@pytest.fixture
def twin() -> Iterator[VirtualKeypad]:
    with VirtualKeypad(counter=1) as keypad:
        yield keypad


@pytest.fixture
def sender(hub: Any) -> Iterator[ThreadedSender]:
    s = ThreadedSender(hub.command, "counter-1")
    yield s
    s.close()


def take(desk: dict[str, HubClient], field: str = "A") -> str:
    return str(desk["kiosk"].request("ticket.take", {"field": field})["ticket"]["label"])


def ticket(hub: Any, label: str) -> Any:
    return next(t for t in hub.server.engine.state.tickets.values() if t.label == label)


def device_status(hub: Any) -> str | None:
    entry = hub.server.engine.state.devices.get("counter-1")
    return None if entry is None else str(entry["status"])


def test_keypad_presses_drive_the_hub_and_its_cable_is_reported(
        hub: Any, desk: dict[str, HubClient], twin: VirtualKeypad,
        sender: ThreadedSender) -> None:
    first, second = take(desk), take(desk)
    results: list[str] = []
    with KeypadBridge(sender, 1, twin.path, on_result=lambda vi, _en: results.append(vi),
                      **FAST) as bridge:
        wait_until(lambda: device_status(hub) == "connected", "keypad reported connected")
        assert "Bàn phím gọi số đã kết nối" in hub.server.engine.state.devices[
            "counter-1"]["detail_vi"]
        twin.press(A.CALL_NEXT)
        wait_until(lambda: ticket(hub, first).status == "called", "call next from the keypad")
        assert ticket(hub, first).counter == 1
        wait_until(lambda: bool(results), "a result in words")
        assert results[-1].startswith(f"Đã gọi số {first}")
        twin.press(A.RECALL)
        wait_until(lambda: ticket(hub, first).calls == 2, "recall")
        twin.press(A.START)
        wait_until(lambda: ticket(hub, first).status == "serving", "start")
        twin.press(A.FINISH)
        wait_until(lambda: ticket(hub, first).status == "done", "finish")
        twin.press(A.CALL_NEXT)
        wait_until(lambda: ticket(hub, second).status == "called", "second call")
        twin.press(A.HOLD)
        wait_until(lambda: ticket(hub, second).status == "held", "hold")
        twin.unplug()
        wait_until(lambda: device_status(hub) == "disconnected", "keypad reported unplugged")
        twin.replug()
        wait_until(lambda: device_status(hub) == "connected", "keypad reported back")
        assert bridge.status.value == "connected"
    wait_until(lambda: device_status(hub) == "disconnected", "closing reports disconnected")


def test_no_show_pause_toggle_and_transfer_refused_headless(
        hub: Any, desk: dict[str, HubClient], twin: VirtualKeypad,
        sender: ThreadedSender) -> None:
    label = take(desk)
    results: list[str] = []
    # No debounce: the test presses the pause key twice within a fraction of a second.
    with KeypadBridge(sender, 1, twin.path, on_result=lambda vi, _en: results.append(vi),
                      debounce_s=0.0, **FAST):
        wait_until(lambda: device_status(hub) == "connected", "keypad connected")
        twin.press(A.CALL_NEXT)
        wait_until(lambda: ticket(hub, label).status == "called", "called")
        twin.press(A.TRANSFER)  # needs a destination: refused in words, nothing sent
        wait_until(lambda: any("Chuyển số cần chọn nơi đến" in r for r in results),
                   "transfer explained")
        assert ticket(hub, label).status == "called"
        twin.press(A.NO_SHOW)
        wait_until(lambda: ticket(hub, label).status == "no_show", "no-show")
        counters = hub.server.engine.state.counters
        twin.press(A.PAUSE_RESUME)
        wait_until(lambda: counters[1].status == "paused", "paused by the toggle key")
        twin.press(A.PAUSE_RESUME)  # no live view: "already paused" makes it resume
        wait_until(lambda: results[-1:] == ["Quầy tiếp tục làm việc"], "resumed in words")
        assert counters[1].status == "open"


def test_headless_command_runs_the_bridge(hub: Any, desk: dict[str, HubClient],
                                          twin: VirtualKeypad) -> None:
    label = take(desk)
    command_port = hub.command.rsplit(":", 1)[1]
    args = build_parser().parse_args(["--command-port", command_port, "--counter", "1",
                                      "--headless", "--keypad", twin.path])
    stop = threading.Event()
    codes: list[int] = []
    runner = threading.Thread(target=lambda: codes.append(run_headless(args, "counter-1", None,
                                                                       stop)))
    runner.start()
    try:
        wait_until(lambda: device_status(hub) == "connected", "headless keypad connected")
        twin.press(A.CALL_NEXT)
        wait_until(lambda: ticket(hub, label).status == "called", "called from headless mode")
    finally:
        stop.set()
        runner.join(10)
    assert codes == [0]


def test_command_line_errors_are_words(capsys: Any) -> None:
    assert main(["--counter", "1", "--headless"]) == 2
    assert "--headless cần --keypad" in capsys.readouterr().err
    assert main(["--counter", "0"]) == 2
    assert "Số quầy phải từ 1 đến 99" in capsys.readouterr().err


def test_keypad_in_the_window_acts_like_the_function_keys(
        qtbot: Any, hub: Any, desk: dict[str, HubClient], twin: VirtualKeypad) -> None:
    label = take(desk)
    link = QtHubLink(Endpoints(hub.command, hub.events), "counter-1")
    window = CounterWindow(link, 1, on_top=False)
    qtbot.addWidget(window)
    link.start()
    try:
        window.show()
        qtbot.waitUntil(lambda: bool(window.connected and window.panel
                                     and window.panel.signed_in), timeout=8000)
        window.use_keypad(twin.path, **FAST)
        qtbot.waitUntil(lambda: window.main.keypad_label.text()
                        == "Bàn phím gọi số: đã kết nối", timeout=8000)
        qtbot.waitUntil(lambda: device_status(hub) == "connected", timeout=8000)
        twin.press(A.CALL_NEXT)
        qtbot.waitUntil(lambda: window.main.ticket_label.text() == label, timeout=8000)
        assert ticket(hub, label).status == "called"
        twin.press(A.TRANSFER)  # with a window, the keypad opens the transfer dialog
        qtbot.waitUntil(lambda: isinstance(window.dialog, TransferDialog), timeout=8000)
        twin.unplug()
        qtbot.waitUntil(lambda: window.main.keypad_label.text()
                        == "Bàn phím gọi số: mất kết nối", timeout=8000)
        qtbot.waitUntil(lambda: device_status(hub) == "disconnected", timeout=8000)
    finally:
        window.stop_keypad()
        link.stop()
