"""Frame decoders, debounce and back-off of motcua.serialio.frames (pure, no ports)."""

from __future__ import annotations

from itertools import islice

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.counter.keypad import KEY_FOR_ACTION, KEYPAD_CODES, KeypadAction
from motcua.serialio.frames import (
    ETX,
    STX,
    Debouncer,
    Frame,
    FrameDecoder,
    MCFrameDecoder,
    SingleByteDecoder,
    backoff_delays,
    encode_mc_frame,
    mc_checksum,
)

KEYS = KEYPAD_CODES.keys()


def keypad_decoder(counter: int = 1, coding: str = "ascii") -> MCFrameDecoder:
    return MCFrameDecoder("K", counter, KEYS, address_coding=coding)  # type: ignore[arg-type]


def keys_of(frames: list[Frame]) -> str:
    return "".join(f.key for f in frames)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_documented_example_frame() -> None:
    # docs/devices.md: counter 1 presses "call next".
    assert encode_mc_frame("K", 1, "N") == b"\x02K1N36\x03"
    assert mc_checksum(b"\x02K1N") == b"36"
    frames = keypad_decoder().feed(b"\x02K1N36\x03")
    assert frames == [Frame(key="N", device_type="K", address=1, raw=b"\x02K1N36\x03")]


def test_decoders_satisfy_the_protocol() -> None:
    decoders: list[FrameDecoder] = [keypad_decoder(), SingleByteDecoder()]
    for decoder in decoders:
        assert decoder.feed(b"") == []
        decoder.reset()


def test_noise_before_between_and_inside_frames() -> None:
    dec = keypad_decoder()
    n, r = encode_mc_frame("K", 1, "N"), encode_mc_frame("K", 1, "R")
    # Noise before, an STX of noise right before a frame, a half frame cut by another frame.
    stream = b"\xff\x00garbage" + b"\x02\x02" + n + b"zz\r\n" + r[:4] + n + b"\x03\x03" + r
    assert keys_of(dec.feed(stream)) == "NNR"
    assert dec.stats.frames == 3
    assert dec.stats.noise_bytes > 0
    assert dec.stats.malformed >= 2  # the lone STX and the truncated frame


def test_frame_split_byte_by_byte() -> None:
    dec = keypad_decoder()
    stream = encode_mc_frame("K", 1, "N") + b"x" + encode_mc_frame("K", 1, "F")
    got: list[Frame] = []
    for i in range(len(stream)):
        got += dec.feed(stream[i : i + 1])
    assert keys_of(got) == "NF"
    assert dec.stats.noise_bytes == 1


def test_bad_checksum_ignored_and_counted() -> None:
    dec = keypad_decoder()
    good = encode_mc_frame("K", 1, "N")
    corrupt = bytearray(good)
    corrupt[3] = ord("R")  # the key changed on the line, checksum still says "N"
    assert dec.feed(bytes(corrupt) + good) == [Frame("N", "K", 1, good)]
    assert dec.stats.bad_checksum == 1
    # Lower-case hex digits are accepted (some firmwares print them so).
    finish = encode_mc_frame("K", 1, "F")
    assert finish[4:6] == b"3E"
    assert keys_of(dec.feed(finish[:4] + b"3e" + finish[6:])) == "F"


def test_unknown_key_wrong_counter_and_wrong_type_are_counted() -> None:
    dec = keypad_decoder(counter=3)
    stream = (
        encode_mc_frame("K", 3, "Z")  # unknown key code
        + encode_mc_frame("K", 4, "N")  # another counter's keypad on the same line
        + encode_mc_frame("R", 3, "5")  # a rating box
        + encode_mc_frame("K", 3, "T")
    )
    assert keys_of(dec.feed(stream)) == "T"
    assert (dec.stats.unknown_key, dec.stats.other_device, dec.stats.frames) == (1, 2, 1)


def test_malformed_shapes() -> None:
    dec = keypad_decoder()
    bad = [
        b"\x02k1N36\x03",  # lower-case type letter
        b"\x02K0N36\x03",  # address 0
        b"\x02K1NZZ\x03",  # checksum not hex
        b"\x02K1N36\x04",  # no ETX
    ]
    assert dec.feed(b"".join(bad)) == []
    assert dec.stats.malformed == 4
    assert dec.stats.frames == 0


def test_ascii_address_coding_reaches_99() -> None:
    dec = MCFrameDecoder("K", 42, KEYS)
    frame = encode_mc_frame("K", 42, "N")
    assert frame[2] == 0x30 + 42
    assert keys_of(dec.feed(frame)) == "N"
    with pytest.raises(ValueError):
        encode_mc_frame("K", 100, "N")
    with pytest.raises(ValueError):
        encode_mc_frame("K", 1, "é")


@pytest.mark.parametrize("counter", [STX, ETX, 1, 99])
def test_binary_address_equal_to_stx_or_etx(counter: int) -> None:
    dec = keypad_decoder(counter, coding="binary")
    frame = encode_mc_frame("K", counter, "S", address_coding="binary")
    assert frame[2] == counter
    stream = b"\x02\x03" + frame + frame[:3] + frame
    got: list[Frame] = []
    for i in range(len(stream)):
        got += dec.feed(stream[i : i + 1])
    assert [(f.key, f.address) for f in got] == [("S", counter), ("S", counter)]


def test_single_byte_decoder() -> None:
    dec = SingleByteDecoder("12345")
    assert keys_of(dec.feed(b"1\r\n5 9\x00x3")) == "153"
    assert dec.stats.frames == 3
    assert dec.stats.unknown_key == 2  # "9" and "x"
    assert dec.stats.noise_bytes == 4  # CR, LF, space, NUL


@settings(max_examples=200)
@given(st.binary(max_size=300), st.lists(st.integers(1, 40), min_size=1, max_size=20))
def test_random_bytes_never_crash(data: bytes, cuts: list[int]) -> None:
    for dec in (keypad_decoder(), keypad_decoder(7, "binary"), SingleByteDecoder()):
        pos = 0
        for cut in cuts * 20:
            if pos >= len(data):
                break
            for frame in dec.feed(data[pos : pos + cut]):
                assert frame.key
            pos += cut
        dec.feed(data[pos:])


@settings(max_examples=200)
@given(
    st.lists(
        st.tuples(st.sampled_from(sorted(KEYS)), st.binary(max_size=12).map(
            lambda b: bytes(x for x in b if x != STX)  # noise free of frame starts
        )),
        max_size=12,
    ),
    st.integers(1, 9),
)
def test_every_frame_found_in_noise_and_any_split(
    presses: list[tuple[str, bytes]], chunk: int
) -> None:
    stream = b"".join(noise + encode_mc_frame("K", 1, key) for key, noise in presses)
    dec = keypad_decoder()
    got: list[Frame] = []
    for i in range(0, len(stream), chunk):
        got += dec.feed(stream[i : i + chunk])
    assert keys_of(got) == "".join(key for key, _ in presses)


def test_every_action_has_a_code() -> None:
    assert set(KEY_FOR_ACTION) == set(KeypadAction)
    assert len(set(KEY_FOR_ACTION.values())) == len(KeypadAction)


def test_debounce_held_key_counts_once_release_counts_again() -> None:
    clock = FakeClock()
    deb = Debouncer(0.3, clock)
    n, r = Frame("N", "K", 1), Frame("R", "K", 1)
    assert deb.accept(n)
    for _ in range(10):  # held: a repeat every 100 ms for a whole second
        clock.now += 0.1
        assert not deb.accept(n)
    clock.now += 0.35  # released, pressed again
    assert deb.accept(n)
    assert deb.accept(r)  # another key counts at once
    assert deb.accept(n)
    assert not deb.accept(n)
    assert Debouncer(0.0, clock).accept(n)


def test_debounce_off() -> None:
    deb = Debouncer(0.0, FakeClock())
    assert all(deb.accept(Frame("N")) for _ in range(3))
    with pytest.raises(ValueError):
        Debouncer(-1)


def test_backoff_doubles_up_to_the_cap() -> None:
    assert list(islice(backoff_delays(0.5, 4.0), 6)) == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
