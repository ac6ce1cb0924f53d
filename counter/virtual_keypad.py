"""Virtual twin of the caller keypad: a pty that speaks exactly the keypad's bytes.

Tests and drills open :attr:`VirtualKeypad.path` with :class:`counter.keypad.Keypad` as if
it were ``/dev/ttyUSB0``. :meth:`~VirtualKeypad.press` writes a real MC frame,
:meth:`~VirtualKeypad.unplug` / :meth:`~VirtualKeypad.replug` pull and re-insert the cable
(the path vanishes and comes back).

Drill from a terminal (the counter program opens the printed path)::

    python -m counter.virtual_keypad --counter 1 --link /tmp/motcua-keypad-1
    > N          (call next; any key code of docs/devices.md)
    > unplug     > replug     > quit
"""

from __future__ import annotations

import argparse
import os
import sys

from counter.keypad import KEY_FOR_ACTION, KEYPAD_CODES, KEYPAD_DEVICE_TYPE, KeypadAction
from motcua.serialframes import AddressCoding, VirtualSerialLink, encode_mc_frame

__all__ = ["VirtualKeypad"]


class VirtualKeypad:
    """A keypad for ``counter`` at ``link`` (a fresh temporary path when ``None``)."""

    def __init__(
        self,
        counter: int,
        link: str | os.PathLike[str] | None = None,
        *,
        address_coding: AddressCoding = "ascii",
    ) -> None:
        self.counter = counter
        self.address_coding: AddressCoding = address_coding
        self.link = VirtualSerialLink(link)

    @property
    def path(self) -> str:
        """Where the keypad appears; give this to :class:`counter.keypad.Keypad`."""
        return self.link.path

    @property
    def plugged(self) -> bool:
        return self.link.plugged

    def frame(self, key: KeypadAction | str, counter: int | None = None) -> bytes:
        """The bytes a press of ``key`` (an action or a raw one-character code) sends."""
        code = KEY_FOR_ACTION[key] if isinstance(key, KeypadAction) else key
        return encode_mc_frame(
            KEYPAD_DEVICE_TYPE, self.counter if counter is None else counter, code,
            self.address_coding,
        )

    def press(self, key: KeypadAction | str, counter: int | None = None) -> bytes:
        """Press and release ``key`` once; returns the frame sent (``b""`` if unplugged).

        ``counter`` overrides the address, to act as another counter's keypad on the line.
        """
        data = self.frame(key, counter)
        return data if self.link.write(data) else b""

    def hold(self, key: KeypadAction | str, repeats: int = 5) -> bytes:
        """Hold ``key`` down: the keypad repeats its frame ``repeats`` times back to back."""
        data = self.frame(key) * repeats
        return data if self.link.write(data) else b""

    def send_raw(self, data: bytes) -> int:
        """Write any bytes (noise, broken frames) as a faulty line would."""
        return self.link.write(data)

    def unplug(self) -> None:
        """Pull the cable out: the path vanishes and the reader's port fails."""
        self.link.unplug()

    def replug(self) -> None:
        """Plug it back in at the same path."""
        self.link.replug()

    def close(self) -> None:
        self.link.close()

    def __enter__(self) -> VirtualKeypad:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def main(argv: list[str] | None = None) -> int:
    """Interactive drill: type key codes, ``unplug``, ``replug``, ``quit``."""
    parser = argparse.ArgumentParser(description="Bàn phím gọi số ảo / virtual caller keypad")
    parser.add_argument("--counter", type=int, default=1, help="số quầy / counter number")
    parser.add_argument("--link", help="đường dẫn cổng ảo / path of the virtual port")
    args = parser.parse_args(argv)
    codes = ", ".join(f"{code}={action.value}" for code, action in KEYPAD_CODES.items())
    with VirtualKeypad(args.counter, args.link) as keypad:
        print(f"Cổng ảo / virtual port: {keypad.path}\nPhím / keys: {codes}")
        for line in sys.stdin:
            word = line.strip()
            if word in ("quit", "exit"):
                break
            if word == "unplug":
                keypad.unplug()
            elif word == "replug":
                keypad.replug()
            elif len(word) == 1:
                try:
                    print(keypad.press(word) or "đã rút cáp / unplugged")
                except ValueError as exc:
                    print("Phím không hợp lệ / invalid key:", exc)
            elif word:
                print("Lệnh không hiểu / unknown command:", word)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
