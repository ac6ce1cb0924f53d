"""Virtual twin of the rating button box: a pty that speaks exactly the box's bytes.

Tests and drills open :attr:`VirtualRatingBox.path` with :class:`motcua.rating.box.RatingBox`.
``protocol="mc"`` sends MC frames (type ``R``), ``protocol="simple"`` one ASCII byte per
press, like the cheap boxes. :meth:`~VirtualRatingBox.unplug` / ``replug`` pull and
re-insert the cable.

Drill from a terminal::

    python -m motcua.rating.virtual_box --counter 1 --link /tmp/motcua-rating-1 [--simple]
    > 1 .. 5     > unplug     > replug     > quit
"""

from __future__ import annotations

import argparse
import os

from motcua.rating.box import RATING_DEVICE_TYPE, RatingProtocol
from motcua.serialio.frames import AddressCoding, encode_mc_frame
from motcua.serialio.virtual import VirtualButtonBox, run_drill

__all__ = ["VirtualRatingBox"]


class VirtualRatingBox(VirtualButtonBox[str | int]):
    """A rating box for ``counter`` at ``link`` (a fresh temporary path when ``None``).

    :attr:`path` is where the box appears; give it to :class:`motcua.rating.box.RatingBox`.
    ``press(key, counter=None)`` takes a button ``"1"``..``"5"`` or 1..5; see
    :class:`motcua.serialio.virtual.VirtualButtonBox` for hold, send_raw, unplug and replug.
    """

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
        self.protocol: RatingProtocol = protocol
        super().__init__(counter, link, address_coding=address_coding)

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


def main(argv: list[str] | None = None) -> int:
    """Interactive drill: type a level key, ``unplug``, ``replug``, ``quit``."""
    parser = argparse.ArgumentParser(description="Hộp đánh giá ảo / virtual rating box")
    parser.add_argument("--counter", type=int, default=1, help="số quầy / counter number")
    parser.add_argument("--link", help="đường dẫn cổng ảo / path of the virtual port")
    parser.add_argument("--simple", action="store_true", help="one byte per press")
    args = parser.parse_args(argv)
    protocol: RatingProtocol = "simple" if args.simple else "mc"
    with VirtualRatingBox(args.counter, args.link, protocol=protocol) as box:
        run_drill(box, f"Cổng ảo / virtual port: {box.path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
