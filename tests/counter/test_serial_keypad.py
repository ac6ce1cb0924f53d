"""The caller keypad read over a real pty (its virtual twin), including unplug and replug."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import serial

from motcua.counter.keypad import Keypad, KeypadAction
from motcua.counter.virtual_keypad import VirtualKeypad
from motcua.serialio.frames import DeviceStatus, SerialDevice, SingleByteDecoder
from tests.support.wait import Signal, wait_until

A = KeypadAction
DEADLINE_S = 5.0


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Recorder:
    """Collects actions and status changes coming from the reader thread."""

    def __init__(self) -> None:
        self.actions: list[KeypadAction] = []
        self.statuses: list[DeviceStatus] = []
        self.messages: list[str] = []
        self.lock = threading.Lock()

    def on_action(self, action: KeypadAction) -> None:
        with self.lock:
            self.actions.append(action)

    def on_status(self, status: DeviceStatus, message: str) -> None:
        with self.lock:
            self.statuses.append(status)
            self.messages.append(message)

    def has_actions(self, count: int) -> Callable[[], bool]:
        return lambda: len(self.actions) == count


@pytest.fixture
def twin() -> Iterator[VirtualKeypad]:
    with VirtualKeypad(counter=2) as keypad:
        yield keypad


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def rec() -> Recorder:
    return Recorder()


@pytest.fixture
def keypad(twin: VirtualKeypad, rec: Recorder, clock: FakeClock) -> Iterator[Keypad]:
    kp = Keypad(
        twin.path, 2, rec.on_action, rec.on_status,
        retry_initial=0.02, retry_max=0.1, clock=clock,
    )
    with kp:
        wait_until(lambda: kp.status is DeviceStatus.CONNECTED, "the keypad to connect")
        yield kp


def test_every_key_reaches_on_action(twin: VirtualKeypad, keypad: Keypad, rec: Recorder) -> None:
    for action in A:
        twin.press(action)
    wait_until(lambda: len(rec.actions) == len(A), "all actions")
    assert rec.actions == list(A)
    assert rec.statuses == [DeviceStatus.CONNECTED]
    assert "bàn phím gọi số quầy 2" in rec.messages[0]


def test_noise_and_byte_by_byte_frames(twin: VirtualKeypad, keypad: Keypad, rec: Recorder) -> None:
    twin.send_raw(b"\x00\xffnoise\x02\x02")
    for byte in twin.frame(A.CALL_NEXT) + b"\r\n" + twin.frame(A.START):
        twin.send_raw(bytes([byte]))
    wait_until(lambda: len(rec.actions) == 2, "two actions")
    assert rec.actions == [A.CALL_NEXT, A.START]
    assert keypad.stats["noise_bytes"] > 0


def test_held_key_counts_once_then_again_after_release(
    twin: VirtualKeypad, keypad: Keypad, rec: Recorder, clock: FakeClock
) -> None:
    twin.hold(A.CALL_NEXT, repeats=6)
    wait_until(lambda: keypad.stats["frames"] == 6, "six frames read")
    assert rec.actions == [A.CALL_NEXT]
    assert keypad.stats["held_repeats"] == 5
    clock.now += 1.0  # the officer let go and pressed again a second later
    twin.press(A.CALL_NEXT)
    wait_until(lambda: len(rec.actions) == 2, "the second press")
    assert rec.actions == [A.CALL_NEXT, A.CALL_NEXT]


def test_unknown_codes_bad_checksums_and_other_counters_ignored(
    twin: VirtualKeypad, keypad: Keypad, rec: Recorder
) -> None:
    bad = bytearray(twin.frame(A.FINISH))
    bad[4] ^= 0x01  # one bit flipped in the checksum
    twin.send_raw(bytes(bad))
    twin.press("Z")
    twin.press(A.CALL_NEXT, counter=5)
    twin.press(A.RECALL)
    wait_until(lambda: rec.actions == [A.RECALL], "the good press")
    stats = keypad.stats
    assert (stats["bad_checksum"], stats["unknown_key"], stats["other_device"]) == (1, 1, 1)
    assert stats["presses"] == 1


def test_unplug_and_replug_heal_by_themselves(
    twin: VirtualKeypad, keypad: Keypad, rec: Recorder, clock: FakeClock
) -> None:
    failed_opens: Signal[str] = Signal()
    real_open = keypad.device._opener

    def open_and_count() -> object:
        try:
            return real_open()
        except (serial.SerialException, OSError) as exc:
            failed_opens.append(str(exc))
            raise

    keypad.device._opener = open_and_count  # counts what the reader thread tries
    twin.press(A.CALL_NEXT)
    wait_until(lambda: len(rec.actions) == 1, "a press before the unplug")
    for cycle in range(3):
        twin.unplug()
        wait_until(lambda: keypad.status is DeviceStatus.DISCONNECTED, "disconnected")
        assert twin.press(A.RECALL) == b""  # pressed while unplugged: nothing is sent
        # It keeps trying: three more re-opens fail while the cable is out.
        failed_opens.wait_len(len(failed_opens) + 3, "re-open attempts while unplugged")
        twin.replug()
        wait_until(lambda: keypad.status is DeviceStatus.CONNECTED, "reconnected")
        clock.now += 1.0  # a new press, not the same key held down
        twin.press(A.FINISH)
        wait_until(rec.has_actions(cycle + 2), "a press after the replug")
    assert rec.actions == [A.CALL_NEXT] + [A.FINISH] * 3
    connected, disconnected = DeviceStatus.CONNECTED, DeviceStatus.DISCONNECTED
    assert rec.statuses == [connected] + [disconnected, connected] * 3
    assert keypad.stats["connects"] == 4
    assert keypad.stats["disconnects"] == 3
    assert any("mất kết nối" in m for m in rec.messages)


def test_half_frame_before_unplug_is_not_completed_after_replug(
    twin: VirtualKeypad, keypad: Keypad, rec: Recorder
) -> None:
    frame = twin.frame(A.HOLD)
    twin.send_raw(frame[:4])
    wait_until(lambda: keypad.stats["bytes_read"] == 4, "the half frame read")
    twin.unplug()
    wait_until(lambda: keypad.status is DeviceStatus.DISCONNECTED, "disconnected")
    twin.replug()
    wait_until(lambda: keypad.status is DeviceStatus.CONNECTED, "reconnected")
    twin.send_raw(frame[4:])  # the tail alone must not make a press
    twin.press(A.TRANSFER)
    wait_until(lambda: len(rec.actions) == 1, "the press after the replug")
    assert rec.actions == [A.TRANSFER]


def test_starts_unplugged_then_device_appears(rec: Recorder, clock: FakeClock) -> None:
    twin = VirtualKeypad(counter=1)
    twin.unplug()
    try:
        with Keypad(
            twin.path, 1, rec.on_action, rec.on_status,
            retry_initial=0.02, retry_max=0.05, clock=clock,
        ) as kp:
            wait_until(lambda: rec.statuses == [DeviceStatus.DISCONNECTED], "disconnected")
            assert "không mở được" in rec.messages[0]
            twin.replug()
            wait_until(lambda: kp.status is DeviceStatus.CONNECTED, "connected")
            twin.press(A.PAUSE_RESUME)
            wait_until(lambda: rec.actions == [A.PAUSE_RESUME], "the press")
        assert rec.statuses[-1] is DeviceStatus.CLOSED
    finally:
        twin.close()


def test_close_is_prompt_and_idempotent(twin: VirtualKeypad, rec: Recorder) -> None:
    kp = Keypad(twin.path, 2, rec.on_action, rec.on_status).start()
    wait_until(lambda: kp.status is DeviceStatus.CONNECTED, "connected")
    kp.close()
    kp.close()
    assert kp.device._thread is not None and not kp.device._thread.is_alive()
    assert rec.statuses == [DeviceStatus.CONNECTED, DeviceStatus.CLOSED]
    twin.press(A.CALL_NEXT)  # nobody listens any more; nothing breaks
    assert rec.actions == []


def test_failing_handler_does_not_stop_the_reader(twin: VirtualKeypad) -> None:
    seen: list[KeypadAction] = []

    def handler(action: KeypadAction) -> None:
        seen.append(action)
        if len(seen) == 1:
            raise RuntimeError("bug in the counter program")

    with Keypad(twin.path, 2, handler, debounce_s=0) as kp:
        wait_until(lambda: kp.status is DeviceStatus.CONNECTED, "connected")
        twin.press(A.CALL_NEXT)
        twin.press(A.CALL_NEXT)
        wait_until(lambda: len(seen) == 2, "both presses")
        assert kp.stats["callback_errors"] == 1


def test_custom_decoder_on_loop_url() -> None:
    """A cheap one-byte keypad, through pyserial's loop:// (what is written is read back)."""
    port = serial.serial_for_url("loop://", timeout=0.05)
    got: list[str] = []
    device = SerialDevice(
        "loop://", SingleByteDecoder("NRF"), lambda f: got.append(f.key), opener=lambda: port
    )
    with device:
        wait_until(lambda: device.status is DeviceStatus.CONNECTED, "connected")
        port.write(b"N\r\nxF")
        wait_until(lambda: got == ["N", "F"], "two presses")
        assert device.stats["unknown_key"] == 1


def test_keypad_custom_decoder_unknown_code_is_counted(twin: VirtualKeypad) -> None:
    got: list[KeypadAction] = []
    decoder = SingleByteDecoder("NQ")  # "Q" is not a keypad code
    with Keypad(twin.path, 2, got.append, decoder=decoder) as kp:
        wait_until(lambda: kp.status is DeviceStatus.CONNECTED, "connected")
        twin.send_raw(b"QN")
        wait_until(lambda: got == [A.CALL_NEXT], "the press")
        assert kp.stats["unknown_key"] == 1


def test_bad_counter_is_refused_in_words() -> None:
    with pytest.raises(ValueError, match="Số quầy"):
        Keypad("/dev/null", 0, lambda a: None)


def test_port_path_vanishing_while_quiet_is_noticed(
    twin: VirtualKeypad, keypad: Keypad, rec: Recorder
) -> None:
    """Some USB adapters vanish without making read() fail: the missing path is enough."""
    os.unlink(twin.path)  # the device node goes, the open descriptor stays quiet
    wait_until(lambda: keypad.status is DeviceStatus.DISCONNECTED, "disconnected")
    assert any("không còn" in m for m in rec.messages)
    twin.unplug()
    twin.replug()
    wait_until(lambda: keypad.status is DeviceStatus.CONNECTED, "reconnected")
    twin.press(A.NO_SHOW)
    wait_until(lambda: rec.actions == [A.NO_SHOW], "the press")


def _start_socat(link: str, feed: str) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        ["socat", f"pty,raw,echo=0,link={link}", f"pty,raw,echo=0,link={feed}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    wait_until(lambda: os.path.exists(link) and os.path.exists(feed), "socat's ptys")
    return proc


@pytest.mark.skipif(shutil.which("socat") is None, reason="socat is not installed")
def test_socat_link_killed_and_restarted(tmp_path: Path, rec: Recorder) -> None:
    """The same drill with socat: killing it makes the path vanish, restarting brings it back."""
    link, feed = str(tmp_path / "keypad"), str(tmp_path / "feed")
    proc = _start_socat(link, feed)
    try:
        with Keypad(
            link, 1, rec.on_action, rec.on_status, retry_initial=0.02, retry_max=0.1
        ) as kp:
            wait_until(lambda: kp.status is DeviceStatus.CONNECTED, "connected")
            with open(feed, "wb", buffering=0) as line:
                line.write(b"\x02K1N36\x03")
            wait_until(lambda: rec.actions == [A.CALL_NEXT], "the press")
            proc.terminate()
            proc.wait(timeout=DEADLINE_S)
            wait_until(lambda: kp.status is DeviceStatus.DISCONNECTED, "disconnected")
            proc = _start_socat(link, feed)
            wait_until(lambda: kp.status is DeviceStatus.CONNECTED, "reconnected")
            with open(feed, "wb", buffering=0) as line:
                line.write(b"\x02K1R2A\x03")
            wait_until(lambda: rec.actions == [A.CALL_NEXT, A.RECALL], "the second press")
    finally:
        proc.terminate()
        proc.wait(timeout=DEADLINE_S)
