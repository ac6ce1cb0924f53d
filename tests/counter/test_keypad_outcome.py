"""The keypad's reduced outcome set: digit keys finish with an outcome (no dossier number)."""

from __future__ import annotations

from typing import Any

from motcua.counter.keypad import KeypadAction as A
from motcua.counter.keypad_bridge import KeypadBridge, ThreadedSender
from motcua.counter.virtual_keypad import VirtualKeypad
from motcua.link.client import HubClient
from tests.counter.test_counter_keypad import (  # noqa: F401  (fixtures)
    FAST,
    desk,
    device_status,
    sender,
    take,
    ticket,
    twin,
    wait_until,
)


def test_digit_keys_finish_with_the_reduced_outcomes(
        hub: Any, desk: dict[str, HubClient], twin: VirtualKeypad,  # noqa: F811
        sender: ThreadedSender) -> None:  # noqa: F811
    first, second = take(desk), take(desk)
    results: list[str] = []
    with KeypadBridge(sender, 1, twin.path, on_result=lambda vi, _en: results.append(vi),
                      **FAST):
        wait_until(lambda: device_status(hub) == "connected", "keypad connected")
        twin.press(A.CALL_NEXT)
        wait_until(lambda: ticket(hub, first).status == "called", "call")
        twin.press(A.FINISH_2)  # the 2nd of guidance, incomplete
        wait_until(lambda: ticket(hub, first).status == "done", "finish with an outcome")
        assert ticket(hub, first).outcome == "incomplete"
        twin.press(A.CALL_NEXT)
        wait_until(lambda: ticket(hub, second).status == "called", "second call")
        twin.press(A.FINISH_4)  # nothing on key 4 in the default set: refused in words
        wait_until(lambda: any("chưa gán" in r for r in results), "a message in words")
        assert ticket(hub, second).status == "called"
        twin.press(A.FINISH_1)
        wait_until(lambda: ticket(hub, second).outcome == "guidance", "guidance")
