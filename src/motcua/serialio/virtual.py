"""Virtual serial hardware: a pty that can be unplugged, and the base of the virtual twins.

- :class:`VirtualSerialLink` is a pty at a stable path that can vanish and come back (a USB
  adapter pulled out and plugged in).
- :class:`VirtualButtonBox` is what the virtual caller keypad
  (:class:`motcua.counter.virtual_keypad.VirtualKeypad`) and the virtual rating box
  (:class:`motcua.rating.virtual_box.VirtualRatingBox`) share: the link, press / hold / raw bytes,
  unplug / replug. A twin only says which bytes one press of a key sends (:meth:`frame`).
- :func:`run_drill` is the interactive terminal loop both twins offer as ``python -m``.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import threading
import tty
from collections.abc import Iterable
from typing import TYPE_CHECKING, Self

if TYPE_CHECKING:
    # Only for annotations: motcua.serialio.frames re-exports VirtualSerialLink from here.
    from motcua.serialio.frames import AddressCoding

__all__ = ["VirtualButtonBox", "VirtualSerialLink", "run_drill"]

log = logging.getLogger(__name__)


class VirtualSerialLink:
    """A pty pair whose reading end appears at a stable path that can vanish and return.

    The device program opens :attr:`path` exactly like ``/dev/ttyUSB0``; :meth:`write`
    sends bytes as the hardware would. :meth:`unplug` closes the pty and removes the path
    (the reader's ``read`` fails, re-opening fails); :meth:`replug` makes a new pty and
    puts the path back. ``link=None`` makes a path in a private temporary directory.
    """

    def __init__(self, link: str | os.PathLike[str] | None = None) -> None:
        self._tmpdir: str | None = None
        if link is None:
            self._tmpdir = tempfile.mkdtemp(prefix="motcua-serial-")
            link = os.path.join(self._tmpdir, "tty")
        self.path = os.fspath(link)
        self._master: int | None = None
        self._slave: int | None = None
        self._lock = threading.Lock()
        self.replug()

    @property
    def plugged(self) -> bool:
        return self._master is not None

    def write(self, data: bytes) -> int:
        """Send ``data`` down the line; returns 0 (bytes lost) while unplugged."""
        with self._lock:
            if self._master is None:
                log.info("%s is unplugged: %d bytes lost", self.path, len(data))
                return 0
            view = memoryview(data)
            while view:
                view = view[os.write(self._master, view) :]
            return len(data)

    def unplug(self) -> None:
        """Pull the cable: close the pty and make the path vanish."""
        with self._lock:
            for fd in (self._master, self._slave):
                if fd is not None:
                    os.close(fd)
            self._master = self._slave = None
            try:
                os.unlink(self.path)
            except FileNotFoundError:
                pass

    def replug(self) -> None:
        """Plug the cable back in: a new pty appears at the same path."""
        with self._lock:
            if self._master is not None:
                return
            master, slave = os.openpty()
            # Raw mode before anyone opens it: a canonical line discipline would hold
            # bytes back until a newline, echo them, and turn ETX (0x03) into a signal.
            tty.setraw(slave)
            temp = f"{self.path}.new"
            try:
                os.unlink(temp)
            except FileNotFoundError:
                pass
            os.symlink(os.ttyname(slave), temp)
            os.replace(temp, self.path)
            self._master, self._slave = master, slave

    def close(self) -> None:
        """Unplug for good and remove the temporary directory if this link made one."""
        self.unplug()
        if self._tmpdir is not None:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None

    def __enter__(self) -> VirtualSerialLink:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class VirtualButtonBox[KeyT]:
    """Base of a virtual serial button box for ``counter`` at ``link``.

    ``link`` is the path where the box appears (a fresh temporary path when ``None``).
    ``KeyT`` is what names a button in :meth:`press` (a keypad action, a rating level...);
    subclasses implement :meth:`frame` to turn it into the bytes the real box sends.
    """

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
        """Where the box appears; give this to the reading device class as its port."""
        return self.link.path

    @property
    def plugged(self) -> bool:
        return self.link.plugged

    def frame(self, key: KeyT, counter: int | None = None) -> bytes:
        """The bytes one press of ``key`` sends (``counter`` overrides the address)."""
        raise NotImplementedError

    def press(self, key: KeyT, counter: int | None = None) -> bytes:
        """Press and release ``key`` once; returns the bytes sent (``b""`` if unplugged).

        ``counter`` overrides the address, to act as another counter's box on the line.
        """
        data = self.frame(key, counter)
        return data if self.link.write(data) else b""

    def hold(self, key: KeyT, repeats: int = 5) -> bytes:
        """Hold ``key`` down: the box repeats its frame ``repeats`` times back to back."""
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

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def run_drill(box: VirtualButtonBox[str], intro: str, lines: Iterable[str] | None = None) -> None:
    """Interactive drill: print ``intro``, then read one-character keys, ``unplug``,
    ``replug`` and ``quit`` (or ``exit``) from ``lines`` (standard input by default)."""
    print(intro)
    for line in sys.stdin if lines is None else lines:
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
