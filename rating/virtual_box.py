"""Virtual twin of the rating button box: a pty that speaks exactly the box's bytes.

Tests and drills open :attr:`VirtualRatingBox.path` with :class:`rating.box.RatingBox`.
``protocol="mc"`` sends MC frames (type ``R``), ``protocol="simple"`` one ASCII byte per
press, like the cheap boxes. :meth:`~VirtualRatingBox.unplug` / ``replug`` pull and
re-insert the cable.

Drill from a terminal::

    python -m rating.virtual_box --counter 1 --link /tmp/motcua-rating-1 [--simple]
    > 1 .. 5     > unplug     > replug     > quit
"""

from __future__ import annotations

import argparse
import os
import sys

from motcua.serialframes import AddressCoding, VirtualSerialLink, encode_mc_frame
from rating.box import RATING_DEVICE_TYPE, RatingProtocol

__all__ = ["VirtualRatingBox"]


class VirtualRatingBox:
    """A rating box for ``counter`` at ``link`` (a fresh temporary path when ``None``)."""

    def __init__(
        self,
        counter: int,
        link: str | os.PathLike[str] | None = None,
        *,
        protocol: RatingProtocol = "mc",
        address_coding: AddressCoding = "ascii",
    ) -> None:
        if protocol not in ("mc", "simple"):
            raise ValueError(f"protocol must be 'mc' or 'simple', got {protocol!r}")
        self.counter = counter
        self.protocol: RatingProtocol = protocol
        self.address_coding: AddressCoding = address_coding
        self.link = VirtualSerialLink(link)

    @property
    def path(self) -> str:
        """Where the box appears; give this to :class:`rating.box.RatingBox`."""
        return self.link.path

    @property
    def plugged(self) -> bool:
        return self.link.plugged

    def frame(self, key: str | int, counter: int | None = None) -> bytes:
        """The bytes a press of button ``key`` (``"1"``..``"5"`` or 1..5) sends."""
        code = str(key)
        if self.protocol == "simple":
            if len(code) != 1:
                raise ValueError(f"key must be one character, got {code!r}")
            return code.encode("ascii")
        return encode_mc_frame(
            RATING_DEVICE_TYPE, self.counter if counter is None else counter, code,
            self.address_coding,
        )

    def press(self, key: str | int, counter: int | None = None) -> bytes:
        """Press and release one button; returns the bytes sent (``b""`` if unplugged)."""
        data = self.frame(key, counter)
        return data if self.link.write(data) else b""

    def hold(self, key: str | int, repeats: int = 5) -> bytes:
        """Hold a button down: the box repeats its frame ``repeats`` times back to back."""
        data = self.frame(key) * repeats
        return data if self.link.write(data) else b""

    def send_raw(self, data: bytes) -> int:
        """Write any bytes (noise, broken frames) as a faulty line would."""
        return self.link.write(data)

    def unplug(self) -> None:
        self.link.unplug()

    def replug(self) -> None:
        self.link.replug()

    def close(self) -> None:
        self.link.close()

    def __enter__(self) -> VirtualRatingBox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def main(argv: list[str] | None = None) -> int:
    """Interactive drill: type a level key, ``unplug``, ``replug``, ``quit``."""
    parser = argparse.ArgumentParser(description="Hộp đánh giá ảo / virtual rating box")
    parser.add_argument("--counter", type=int, default=1, help="số quầy / counter number")
    parser.add_argument("--link", help="đường dẫn cổng ảo / path of the virtual port")
    parser.add_argument("--simple", action="store_true", help="one byte per press")
    args = parser.parse_args(argv)
    protocol: RatingProtocol = "simple" if args.simple else "mc"
    with VirtualRatingBox(args.counter, args.link, protocol=protocol) as box:
        print(f"Cổng ảo / virtual port: {box.path}")
        for line in sys.stdin:
            word = line.strip()
            if word in ("quit", "exit"):
                break
            if word == "unplug":
                box.unplug()
            elif word == "replug":
                box.replug()
            elif len(word) == 1:
                try:
                    print(box.press(word) or "đã rút cáp / unplugged")
                except ValueError as exc:
                    print("Phím không hợp lệ / invalid key:", exc)
            elif word:
                print("Lệnh không hiểu / unknown command:", word)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
