"""Waiting in tests: on the event itself where there is one, on state where there is not.

Nothing here sleeps a fixed time to "let something happen". :class:`Signal` and
:class:`EventWatch` wake the waiting test the moment the thing it waits for arrives;
:func:`wait_for_line` blocks on a program's output pipe; :func:`wait_until` is for state
that nothing announces (a database row, a socket's buffer) and checks it on a short tick
until a deadline, failing with words that say what did not happen.
"""

from __future__ import annotations

import logging
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from motcua.core.state import Event
from motcua.link.client import CentreView, Endpoints, EventFollower

DEADLINE_S = 10.0
"""How long any wait lasts before the test fails (a hang would hide the bug)."""


def wait_until(cond: Callable[[], object], what: str = "condition",
               timeout: float = DEADLINE_S) -> None:
    """Check ``cond`` until it is true; fail with ``what`` after ``timeout`` seconds.

    For state nothing announces. Where an event exists use :class:`Signal` or
    :class:`EventWatch` instead.
    """
    deadline = time.monotonic() + timeout
    tick = threading.Event()  # never set: its wait is the check interval
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not met within {timeout} s")
        tick.wait(0.005)


class Signal[T]:
    """A list that wakes waiters on every append (thread-safe).

    Give :meth:`append` as a callback to the code under test; the test then waits with
    :meth:`wait_for` / :meth:`wait_len`, which return the moment a matching item arrives.
    """

    def __init__(self) -> None:
        self.items: list[T] = []
        self._cond = threading.Condition()

    def append(self, item: T) -> None:
        with self._cond:
            self.items.append(item)
            self._cond.notify_all()

    def __call__(self, *args: Any) -> None:
        """Use the signal itself as a callback: one argument is stored as is, more as a tuple."""
        self.append(args[0] if len(args) == 1 else args)  # type: ignore[arg-type]

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[T]:
        return iter(list(self.items))

    def __eq__(self, other: object) -> bool:
        return self.items == other

    __hash__ = None  # type: ignore[assignment]

    def wait_len(self, count: int, what: str = "", timeout: float = DEADLINE_S) -> list[T]:
        """Block until at least ``count`` items arrived; return a copy of them."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.items) >= count, timeout):
                raise AssertionError(f"{what or 'signal'}: {len(self.items)} of {count} "
                                     f"within {timeout} s: {self.items!r}")
            return list(self.items)

    def wait_for(self, match: Callable[[T], object], what: str = "",
                 timeout: float = DEADLINE_S) -> T:
        """Block until an item (already here or still to come) matches; return it."""
        with self._cond:
            found: list[T] = []

            def seen() -> bool:
                found[:] = [i for i in self.items if match(i)][:1]
                return bool(found)

            if not self._cond.wait_for(seen, timeout):
                raise AssertionError(f"{what or 'signal'}: no match within {timeout} s: "
                                     f"{self.items!r}")
            return found[0]


class EventWatch:
    """Hub events as a real device applies them (an :class:`EventFollower` named
    ``device``), so a test waits on the event, not on a guess of how long it takes.

    Use as a context manager: entering returns once the follower holds the hub's snapshot,
    so every event after that is seen exactly once and in order.
    """

    def __init__(self, endpoints: Endpoints, device: str = "admin", **follower: Any) -> None:
        self.events: Signal[Event] = Signal()
        self.views: Signal[CentreView] = Signal()
        """Every snapshot the follower took (a second one follows a lost hub)."""
        self.connections: Signal[bool] = Signal()
        self.refusals: Signal[bool] = Signal()
        self._changed = threading.Condition()
        self.follower = EventFollower(endpoints, device, on_event=self._on_event,
                                      on_view=self._on_view,
                                      on_connection=self.connections.append,
                                      on_refused=self.refusals.append, **follower)

    def _on_view(self, view: CentreView) -> None:
        self.views.append(view)
        with self._changed:
            self._changed.notify_all()

    def _on_event(self, _view: CentreView, event: Event) -> None:
        self.events.append(event)
        with self._changed:
            self._changed.notify_all()

    @property
    def view(self) -> CentreView:
        view = self.follower.view
        assert view is not None, "no snapshot yet"
        return view

    def start(self, *, wait_snapshot: bool = True) -> EventWatch:
        self.follower.start()
        if wait_snapshot:
            self.views.wait_len(1, "the hub's snapshot")
        return self

    def stop(self) -> None:
        self.follower.stop()

    def __enter__(self) -> EventWatch:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def wait_for(self, kind: str, match: Callable[[Event], object] = lambda _e: True,
                 timeout: float = DEADLINE_S) -> Event:
        """The first event of type ``kind`` (seen since the snapshot) that ``match`` accepts."""
        return self.events.wait_for(lambda e: e.type == kind and match(e), kind, timeout)

    def wait_view(self, cond: Callable[[CentreView], object], what: str,
                  timeout: float = DEADLINE_S) -> CentreView:
        """Block until the follower's view satisfies ``cond`` (checked on every snapshot
        and every applied event, under the follower's lock); return the view."""
        def holds() -> bool:
            with self.follower.lock:
                view = self.follower.view
                return view is not None and bool(cond(view))

        with self._changed:
            if not self._changed.wait_for(holds, timeout):
                raise AssertionError(f"{what}: not seen within {timeout} s")
        return self.view

    def wait_seq(self, seq: int, timeout: float = DEADLINE_S) -> CentreView:
        """Block until the follower's view has caught up with the hub's sequence ``seq``."""
        return self.wait_view(lambda v: v.seq >= seq, f"seq {seq}", timeout)


class OutputLines:
    """Reads a process's output on a thread, line by line, so tests wait on a line."""

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        self.proc = proc
        self.lines: Signal[str | None] = Signal()
        """Output lines; ``None`` marks the end of the output (the process closed it)."""
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        stdout = self.proc.stdout
        assert stdout is not None
        with stdout:
            for raw in stdout:
                self.lines.append(raw.decode("utf-8", "replace").rstrip("\n"))
        self.lines.append(None)

    def text(self) -> str:
        return "\n".join(line for line in self.lines.items if line is not None)

    def wait_for(self, needle: str, timeout: float = 30.0) -> str:
        """The first output line containing ``needle``; fails if the output ends first."""
        try:
            line = self.lines.wait_for(lambda ln: ln is None or needle in ln, needle, timeout)
        except AssertionError:
            raise AssertionError(f"no line with {needle!r} within {timeout} s:\n"
                                 f"{self.text()}") from None
        if line is None:
            raise AssertionError(f"the program ended before printing {needle!r}:\n"
                                 f"{self.text()}")
        return line

    def close(self) -> None:
        """Wait for the reader to reach the end of the output (after the process ended)."""
        self._thread.join(10)


def wait_for_line(proc: subprocess.Popen[bytes], needle: str, timeout: float = 30.0) -> OutputLines:
    """Follow ``proc``'s stdout (piped) and block until a line contains ``needle``."""
    out = OutputLines(proc)
    out.wait_for(needle, timeout)
    return out


class LogWatch(logging.Handler):
    """The log records of ``logger`` (and its children) as a :class:`Signal`: a test waits
    for the line the code writes the moment it reaches a state (``with LogWatch() as w``)."""

    def __init__(self, logger: str = "motcua", level: int = logging.INFO) -> None:
        super().__init__(level)
        self.records: Signal[logging.LogRecord] = Signal()
        self._logger = logging.getLogger(logger)
        self._old_level = self._logger.level

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def wait_for(self, needle: str, timeout: float = DEADLINE_S) -> logging.LogRecord:
        """The first record whose message contains ``needle``."""
        return self.records.wait_for(lambda r: needle in r.getMessage(), needle, timeout)

    def __enter__(self) -> LogWatch:
        self._logger.addHandler(self)
        if self._logger.getEffectiveLevel() > self.level:
            self._logger.setLevel(self.level)
        return self

    def __exit__(self, *_exc: object) -> None:
        self._logger.removeHandler(self)
        self._logger.setLevel(self._old_level)
