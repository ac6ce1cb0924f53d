"""The rating button box read over a real pty (its virtual twin), both wire formats."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from motcua.core.centre.model import RatingLevel
from motcua.rating.box import RatingBox, level_for_key
from motcua.rating.virtual_box import VirtualRatingBox
from motcua.serialio.frames import DeviceStatus
from tests.support.wait import wait_until

DEADLINE_S = 5.0

SCALE = (
    RatingLevel(3, "Hài lòng", "Satisfied", "#2e7d32", True, key="1"),
    RatingLevel(2, "Bình thường", "Neutral", "#f9a825", True, key="2"),
    RatingLevel(1, "Không hài lòng", "Not satisfied", "#c62828", False, key="3"),
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Levels:
    def __init__(self) -> None:
        self.keys: list[str] = []
        self.statuses: list[DeviceStatus] = []
        self.lock = threading.Lock()

    def on_level(self, key: str) -> None:
        with self.lock:
            self.keys.append(key)

    def on_status(self, status: DeviceStatus, message: str) -> None:
        with self.lock:
            self.statuses.append(status)


@pytest.fixture(params=["mc", "simple"])
def twin(request: pytest.FixtureRequest) -> Iterator[VirtualRatingBox]:
    with VirtualRatingBox(counter=4, protocol=request.param) as box:
        yield box


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def open_box(
    twin: VirtualRatingBox, got: Levels, clock: FakeClock, **kwargs: object
) -> RatingBox:
    box = RatingBox(
        twin.path, 4, got.on_level, got.on_status,
        protocol=twin.protocol, retry_initial=0.02, retry_max=0.1, clock=clock,
        **kwargs,  # type: ignore[arg-type]
    ).start()
    wait_until(lambda: box.status is DeviceStatus.CONNECTED, "the box to connect")
    return box


def test_levels_reach_on_level_and_map_to_the_scale(
    twin: VirtualRatingBox, clock: FakeClock
) -> None:
    got = Levels()
    with open_box(twin, got, clock):
        for key in "12345":
            twin.press(key)
        twin.press(3)
        wait_until(lambda: len(got.keys) == 6, "six ratings")
    assert got.keys == ["1", "2", "3", "4", "5", "3"]
    level = level_for_key(SCALE, got.keys[0])
    assert level is not None and level.vi == "Hài lòng"
    assert level_for_key(SCALE, "5") is None


def test_scale_keys_limit_what_is_accepted(twin: VirtualRatingBox, clock: FakeClock) -> None:
    got = Levels()
    with open_box(twin, got, clock, keys=[lvl.key for lvl in SCALE]) as box:
        twin.press("5")  # a fifth button the configured scale does not have
        twin.press("2")
        wait_until(lambda: got.keys == ["2"], "the known level")
        assert box.stats["unknown_key"] == 1


def test_noise_split_bytes_and_held_button(twin: VirtualRatingBox, clock: FakeClock) -> None:
    got = Levels()
    with open_box(twin, got, clock) as box:
        twin.send_raw(b"\r\n\x00\x02")
        for byte in twin.frame("4"):
            twin.send_raw(bytes([byte]))
        wait_until(lambda: got.keys == ["4"], "the byte-by-byte press")
        clock.now += 1.0
        twin.hold("1", repeats=8)  # a citizen leaning on the button
        wait_until(lambda: box.stats["frames"] == 9, "all repeats read")
        assert got.keys == ["4", "1"]
        assert box.stats["held_repeats"] == 7
        clock.now += 1.0
        twin.press("1")
        wait_until(lambda: got.keys == ["4", "1", "1"], "a real second press")


def test_unplug_and_replug(twin: VirtualRatingBox, clock: FakeClock) -> None:
    got = Levels()
    with open_box(twin, got, clock) as box:
        twin.press("2")
        wait_until(lambda: got.keys == ["2"], "a rating")
        twin.unplug()
        wait_until(lambda: box.status is DeviceStatus.DISCONNECTED, "disconnected")
        twin.replug()
        wait_until(lambda: box.status is DeviceStatus.CONNECTED, "reconnected")
        twin.press("5")
        wait_until(lambda: got.keys == ["2", "5"], "a rating after the replug")
    assert got.statuses == [
        DeviceStatus.CONNECTED,
        DeviceStatus.DISCONNECTED,
        DeviceStatus.CONNECTED,
        DeviceStatus.CLOSED,
    ]


def test_mc_box_ignores_other_counters_and_bad_checksums(clock: FakeClock) -> None:
    got = Levels()
    with VirtualRatingBox(counter=4) as twin, open_box(twin, got, clock) as box:
        twin.press("1", counter=5)  # the neighbouring counter's box on a shared line
        bad = bytearray(twin.frame("2"))
        bad[3] = ord("1")  # key changed on the line
        twin.send_raw(bytes(bad))
        twin.press("3")
        wait_until(lambda: got.keys == ["3"], "this counter's rating")
        assert box.stats["other_device"] == 1
        assert box.stats["bad_checksum"] == 1


def test_binary_address_coding(clock: FakeClock) -> None:
    """Counter 3 in binary is 0x03, the same byte as ETX; the fixed length keeps it apart."""
    got = Levels()
    with VirtualRatingBox(counter=3, address_coding="binary") as twin:
        box = RatingBox(
            twin.path, 3, got.on_level, address_coding="binary", clock=clock
        ).start()
        try:
            wait_until(lambda: box.status is DeviceStatus.CONNECTED, "connected")
            assert twin.press("2")[2] == 0x03
            wait_until(lambda: got.keys == ["2"], "the rating")
        finally:
            box.close()


def test_bad_configuration_is_refused_in_words() -> None:
    with pytest.raises(ValueError, match="Số quầy"):
        RatingBox("/dev/null", 100, lambda k: None)
    with pytest.raises(ValueError, match="phím đánh giá"):
        RatingBox("/dev/null", 1, lambda k: None, keys=["10"])
    with pytest.raises(ValueError, match="protocol"):
        RatingBox("/dev/null", 1, lambda k: None, protocol="morse")  # type: ignore[arg-type]
