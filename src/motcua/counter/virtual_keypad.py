"""Virtual twin of the caller keypad: a pty that speaks exactly the keypad's bytes.

Tests and drills open :attr:`VirtualKeypad.path` with :class:`motcua.counter.keypad.Keypad` as if
it were ``/dev/ttyUSB0``. :meth:`~VirtualKeypad.press` writes a real MC frame,
:meth:`~VirtualKeypad.unplug` / :meth:`~VirtualKeypad.replug` pull and re-insert the cable
(the path vanishes and comes back).

Drill from a terminal (the counter program opens the printed path)::

    python -m motcua.counter.virtual_keypad --counter 1 --link /tmp/motcua-keypad-1
    > N          (call next; any key code of docs/devices.md)
    > unplug     > replug     > quit
"""

from __future__ import annotations

import argparse

from motcua.counter.keypad import KEY_FOR_ACTION, KEYPAD_CODES, KEYPAD_DEVICE_TYPE, KeypadAction
from motcua.serialio.frames import encode_mc_frame
from motcua.serialio.virtual import VirtualButtonBox, run_drill

__all__ = ["VirtualKeypad"]


class VirtualKeypad(VirtualButtonBox[KeypadAction | str]):
    """A keypad for ``counter`` at ``link`` (a fresh temporary path when ``None``).

    :attr:`path` is where the keypad appears; give it to :class:`motcua.counter.keypad.Keypad`.
    ``press(key, counter=None)`` takes an action or a raw one-character key code; see
    :class:`motcua.serialio.virtual.VirtualButtonBox` for hold, send_raw, unplug and replug.
    """

    def frame(self, key: KeypadAction | str, counter: int | None = None) -> bytes:
        """The bytes a press of ``key`` (an action or a raw one-character code) sends."""
        code = KEY_FOR_ACTION[key] if isinstance(key, KeypadAction) else key
        return encode_mc_frame(
            KEYPAD_DEVICE_TYPE, self.counter if counter is None else counter, code,
            self.address_coding,
        )


def main(argv: list[str] | None = None) -> int:
    """Interactive drill: type key codes, ``unplug``, ``replug``, ``quit``."""
    parser = argparse.ArgumentParser(description="Bàn phím gọi số ảo / virtual caller keypad")
    parser.add_argument("--counter", type=int, default=1, help="số quầy / counter number")
    parser.add_argument("--link", help="đường dẫn cổng ảo / path of the virtual port")
    args = parser.parse_args(argv)
    codes = ", ".join(f"{code}={action.value}" for code, action in KEYPAD_CODES.items())
    with VirtualKeypad(args.counter, args.link) as keypad:
        run_drill(keypad, f"Cổng ảo / virtual port: {keypad.path}\nPhím / keys: {codes}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
