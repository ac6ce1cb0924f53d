"""The headless box bridge: the virtual rating box on a pty -> a real hub."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from motcua.link.client import Endpoints
from motcua.rating.box_bridge import BoxBridge
from motcua.rating.drill import ServiceDrill
from motcua.rating.virtual_box import VirtualRatingBox
from motcua.serialio.frames import DeviceStatus
from tests.support.wait import wait_until

DEADLINE_S = 5.0


class Ticks:
    """The box's debounce clock, moved by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Rig:
    def __init__(self, hub: Any, protocol: str = "mc") -> None:
        self.hub = hub
        self.twin = VirtualRatingBox(counter=1, protocol=protocol)  # type: ignore[arg-type]
        self.ticks = Ticks()
        self.bridge = BoxBridge(self.twin.path, 1, Endpoints(hub.command, hub.events),
                                protocol=protocol,  # type: ignore[arg-type]
                                retry_initial=0.02, retry_max=0.1, box_clock=self.ticks)
        self.drill = ServiceDrill(hub.command, 1)
        self.bridge.start()
        wait_until(lambda: self.bridge.hub_connected, "the hub")
        wait_until(lambda: self.bridge.box_status is DeviceStatus.CONNECTED, "the box")
        wait_until(lambda: self.device().get("status") == "connected", "the box reported")

    def device(self) -> dict[str, Any]:
        state: dict[str, Any] = self.hub.server.engine.state.devices.get("rating-1", {})
        return state

    def serve(self) -> dict[str, Any]:
        """Serve one ticket and wait until the bridge sees the open window."""
        ticket = self.drill.serve()
        wait_until(lambda: (w := self.bridge.tracker.window()) is not None
                   and w.ticket == ticket["id"], "the rating window")
        return ticket

    def rating(self, ticket: dict[str, Any]) -> Any:
        return next(r["rating"] for r in self.hub.store.facts() if r["ticket"] == ticket["id"])

    def press(self, key: str) -> None:
        self.ticks.now += 1.0  # a real, separate press (not a held button)
        assert self.twin.press(key)

    def close(self) -> None:
        self.bridge.stop()
        self.drill.close()
        self.twin.close()


@pytest.fixture(params=["mc", "simple"])
def rig(hub: Any, request: pytest.FixtureRequest) -> Iterator[Rig]:
    r = Rig(hub, request.param)
    yield r
    r.close()


def test_a_press_lands_as_the_rating_of_the_served_ticket(rig: Rig) -> None:
    ticket = rig.serve()
    scale = rig.bridge.tracker.scale
    rig.press(scale[1].key)
    wait_until(lambda: rig.bridge.stats["given"] == 1, "the rating")
    assert rig.rating(ticket) == scale[1].value
    fact = next(r for r in rig.hub.store.facts() if r["ticket"] == ticket["id"])
    assert (fact["counter"], fact["officer"], fact["satisfied"]) == (1, "cb01",
                                                                     scale[1].satisfied)
    # The window is closed now: another press is ignored without bothering the hub.
    wait_until(lambda: rig.bridge.tracker.window() is None, "the window to close")
    rig.press(scale[0].key)
    wait_until(lambda: rig.bridge.stats["ignored_no_window"] == 1, "the ignored press")
    assert rig.bridge.stats["sent"] == 1
    assert rig.rating(ticket) == scale[1].value


def test_a_held_button_gives_one_rating(rig: Rig) -> None:
    ticket = rig.serve()
    rig.ticks.now += 1.0
    rig.twin.hold(rig.bridge.tracker.scale[0].key, repeats=8)
    wait_until(lambda: rig.bridge.box.stats["frames"] == 8, "every repeat read")
    wait_until(lambda: rig.bridge.stats["given"] == 1, "the rating")
    assert rig.bridge.stats["presses"] == 1
    assert rig.bridge.box.stats["held_repeats"] == 7
    assert rig.rating(ticket) == rig.bridge.tracker.scale[0].value


def test_a_press_with_no_window_is_ignored_and_counted(rig: Rig) -> None:
    rig.press("1")
    wait_until(lambda: rig.bridge.stats["ignored_no_window"] == 1, "the ignored press")
    assert rig.bridge.stats["sent"] == 0


def test_unplug_and_replug_are_reported_and_ratings_still_land(rig: Rig) -> None:
    rig.twin.unplug()
    wait_until(lambda: rig.device().get("status") == "disconnected", "disconnected at the hub")
    assert "mất kết nối" in rig.device()["detail_vi"]
    rig.twin.replug()
    wait_until(lambda: rig.device().get("status") == "connected", "connected again")
    ticket = rig.serve()
    rig.press(rig.bridge.tracker.scale[-1].key)
    wait_until(lambda: rig.bridge.stats["given"] == 1, "the rating after the replug")
    assert rig.rating(ticket) == rig.bridge.tracker.scale[-1].value


def test_unknown_codes_are_ignored(rig: Rig) -> None:
    ticket = rig.serve()
    keys = {lv.key for lv in rig.bridge.tracker.scale}
    stranger = next(k for k in "56789X" if k not in keys)
    rig.press(stranger)  # a button the centre's scale does not have
    rig.twin.send_raw(b"\r\n\x00\xff")  # line noise
    wait_until(lambda: rig.bridge.stats["unknown_key"] == 1, "the unknown key")
    assert rig.bridge.stats["sent"] == 0
    rig.press(rig.bridge.tracker.scale[0].key)
    wait_until(lambda: rig.bridge.stats["given"] == 1, "the real press")
    assert rig.rating(ticket) == rig.bridge.tracker.scale[0].value


def test_a_press_after_the_window_is_not_counted(hub: Any, clock: Any) -> None:
    rig = Rig(hub)
    try:
        ticket = rig.serve()
        clock.advance(seconds=31)  # the hub's clock passes rating_until
        rig.press("1")  # the bridge still thinks the window is open; the hub decides
        wait_until(lambda: rig.bridge.stats["ignored_no_window"] == 1, "the refusal")
        assert rig.bridge.stats["given"] == 0
        assert rig.bridge.tracker.window() is None  # not asked again
        assert rig.rating(ticket) is None
    finally:
        rig.close()


def test_another_counters_box_frame_is_ignored(hub: Any) -> None:
    rig = Rig(hub)
    try:
        ticket = rig.serve()
        rig.ticks.now += 1.0
        rig.twin.press("1", counter=2)  # the neighbouring box on a shared line
        rig.press("2")
        wait_until(lambda: rig.bridge.stats["given"] == 1, "this counter's rating")
        assert rig.bridge.box.stats["other_device"] == 1
        assert rig.rating(ticket) == rig.bridge.tracker.scale[1].value
    finally:
        rig.close()


def test_stopping_reports_the_box_gone(hub: Any) -> None:
    rig = Rig(hub)
    rig.close()
    state = hub.server.engine.state.devices["rating-1"]
    assert state["status"] == "disconnected"
    assert "đã tắt" in state["detail_vi"]
