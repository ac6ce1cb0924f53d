"""Device twins for tests: the real device code on a virtual twin of its hardware.

The keypad and the rating box are read over a real pty (:mod:`motcua.serialio.virtual`);
the printer node prints on a :class:`~motcua.printer.virtual.VirtualPrinter` through the
same ESC/POS bytes a real printer receives. :class:`ButtonRecorder` collects what a
serial device reports and lets the test wait on each report as it arrives.
"""

from __future__ import annotations

import threading
import time
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.support.wait import Signal

FAST_RETRY: dict[str, float] = {"retry_initial": 0.02, "retry_max": 0.1}
"""Serial devices re-open an unplugged port quickly in tests."""

TWIN_STATUS_S = 1.0
"""How long a status query waits for the virtual printer. A real printer answers DLE EOT
in milliseconds (the product waits 0.3 s); the twin answers from a thread of a busy test
process, or from a process beside many others, and may need longer."""


class ButtonRecorder:
    """Callbacks for a serial button device: presses and status changes, as signals."""

    def __init__(self) -> None:
        self.presses: Signal[Any] = Signal()
        self.statuses: Signal[Any] = Signal()
        self.messages: Signal[str] = Signal()

    def on_press(self, value: Any) -> None:
        self.presses.append(value)

    def on_status(self, status: Any, message: str) -> None:
        self.messages.append(message)
        self.statuses.append(status)

    def wait_presses(self, count: int, what: str = "presses") -> list[Any]:
        return self.presses.wait_len(count, what)

    def wait_status(self, status: Any, count: int = 1) -> None:
        """Block until ``status`` was reported ``count`` times in all."""
        self.statuses.wait_for(lambda _s: sum(1 for s in self.statuses.items if s is status)
                               >= count, f"{count}× {status}")


def keypad_twin(counter: int = 1) -> Any:
    """The caller keypad's twin (a context manager: its pty lives inside the ``with``)."""
    from motcua.counter.virtual_keypad import VirtualKeypad

    return VirtualKeypad(counter=counter)


def rating_box_twin(counter: int = 1, protocol: str = "mc") -> Any:
    """The rating button box's twin, ``mc`` frames or one-byte ``simple`` presses."""
    from motcua.rating.virtual_box import VirtualRatingBox

    return VirtualRatingBox(counter=counter, protocol=protocol)  # type: ignore[arg-type]


def printer_node(endpoints: Any, device: str, out: Path, *, printer: Any = None,
                 mode: str = "tcvn3", on_note: Callable[[str], None] | None = None,
                 **node: Any) -> tuple[Any, Any]:
    """A printer node (not started) for ``device`` on a virtual printer saving into ``out``.

    Returns ``(node, printer)``; pass ``printer`` to use a twin with faults of its own.
    """
    from motcua.printer.driver import TicketPrinter
    from motcua.printer.node import PrinterNode
    from motcua.printer.virtual import VirtualLink, VirtualPrinter

    paper = printer if printer is not None else VirtualPrinter(out_dir=out)
    return (PrinterNode(endpoints, device, printer=TicketPrinter(VirtualLink(paper), mode),
                        on_note=on_note, **node), paper)


class SpeakerTwin:
    """The centre's loudspeaker: each clip takes ``hold`` seconds to play, like a real one,
    and every play is recorded as ``(wav name, start, end, clip seconds)``; ``max_active``
    tells whether two plays ever overlapped."""

    name = "twin"

    def __init__(self, hold: float = 0.02) -> None:
        self.hold = hold
        self.events: list[tuple[str, float, float, float]] = []
        self.active = 0
        self.max_active = 0
        self._lock = threading.Lock()

    @property
    def spans(self) -> list[tuple[float, float]]:
        return [(start, end) for _name, start, end, _seconds in self.events]

    def play(self, wav: Path, duration: float) -> bool:
        with self._lock:
            self.active += 1
            self.max_active = max(self.max_active, self.active)
        start = time.monotonic()
        with wave.open(str(wav), "rb") as w:
            assert w.getnframes() > 0, f"{wav} holds no sound"
            seconds = w.getnframes() / w.getframerate()
        # The loudspeaker is busy while it plays: this models the device's playing time
        # (what the announcer must not overlap), it does not wait for anything.
        time.sleep(self.hold)
        end = time.monotonic()
        with self._lock:
            self.active -= 1
            self.events.append((wav.name, start, end, seconds))
        return True
