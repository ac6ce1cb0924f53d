"""From live call events to spoken announcements (the voice package does the speaking).

* :class:`CallVoice` listens to the hub link's ``event_applied`` and queues one
  announcement per ``ticket.called``, ``ticket.recalled`` and ``ticket.unheld`` that
  arrives *live*. Calls that are only part of a (re)snapshot are never spoken: the
  follower reports applied events only, and :func:`motcua.display.model.is_live_call`
  drops anything stamped before the snapshot.
* :class:`CentreSpeaker` builds ``motcua.voice.player.Announcer`` with the centre's
  ``announcement`` settings (template, repeats, digits, south, chime) once the first
  snapshot tells us what they are. The announcer queues calls and plays them one
  after another, so they never overlap; without a sound device it stays silent
  and keeps working.

Tests pass any object with ``announce(label, counter, *, recall=False)`` instead.
"""

from __future__ import annotations

import logging
import threading
import warnings
from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QObject

from motcua.core.centre.model import Announcement
from motcua.display.model import is_live_call
from motcua.link.client import CentreView
from motcua.qt.link import QtHubLink

log = logging.getLogger(__name__)


class Speaker(Protocol):
    """What the boards need from an announcer (``motcua.voice.player.Announcer`` has it)."""

    def announce(self, number_label: str, counter: int | str, *, recall: bool = False) -> Any:
        ...


def default_announcer(settings: Announcement) -> Any:
    """The voice package's queued announcer, with clips generated into the user cache."""
    from motcua.voice.player import Announcer

    return Announcer(settings=settings)


class CentreSpeaker:
    """An announcer that follows the centre's announcement settings.

    ``factory(settings)`` makes the real announcer; it is called on the first
    :meth:`configure` and again only when the settings change (a hub restarted
    with a new configuration).
    """

    def __init__(self, factory: Callable[[Announcement], Any] = default_announcer, *,
                 prepare: bool = True) -> None:
        self._factory = factory
        self._prepare = prepare
        self._settings: Announcement | None = None
        self._current: Any = None
        self._lock = threading.Lock()

    @property
    def announcer(self) -> Any:
        """The announcer in use (None before the first snapshot)."""
        return self._current

    def configure(self, settings: Announcement) -> None:
        with self._lock:
            if settings == self._settings and self._current is not None:
                return
            old, self._settings = self._current, settings
            self._current = self._factory(settings)
            log.info("giọng đọc / voice: %r, %d lần, %s, %s", settings.template_vi,
                     settings.repeats, "đọc từng chữ số" if settings.digits else "đọc cả số",
                     "miền Nam" if settings.south else "miền Bắc")
        if old is not None:
            # Closing waits for the worker; never block the GUI thread on it.
            threading.Thread(target=_close, args=(old,), daemon=True).start()
        if self._prepare:
            threading.Thread(target=_prepare, args=(self._current,), name="voice-prepare",
                             daemon=True).start()

    def announce(self, number_label: str, counter: int | str, *, recall: bool = False) -> Any:
        if self._current is None:
            self.configure(Announcement())
        return self._current.announce(number_label, counter, recall=recall)

    def close(self) -> None:
        with self._lock:
            current, self._current = self._current, None
        if current is not None:
            _close(current, drain=False)


def _prepare(announcer: Any) -> None:
    """Make every clip now, so the first call of the day is not late."""
    prepare = getattr(announcer, "prepare", None)
    if prepare is None:
        return
    try:
        prepare()
    except Exception as exc:  # no espeak-ng, read-only cache ...: calls will say why
        log.warning("Chưa chuẩn bị được âm thanh / could not prepare voice clips: %s", exc)


def _close(announcer: Any, drain: bool = True) -> None:
    close = getattr(announcer, "close", None)
    if close is not None:
        try:
            close(drain=drain, timeout=15.0)
        except Exception as exc:
            log.warning("closing the announcer failed: %s", exc)


class CallVoice(QObject):
    """Speaks live calls from ``link``; ``counter`` limits it to one counter's calls."""

    def __init__(self, link: QtHubLink, speaker: Speaker, *, counter: int | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.link = link
        self.speaker = speaker
        self.counter = counter
        self._detached = False
        self.queued: list[tuple[str, int, bool]] = []
        """Every announcement queued so far: (label, counter, recall)."""
        link.event_applied.connect(self._on_event)
        link.view_changed.connect(self._on_view)
        if link.view is not None:
            self._on_view(link.view)

    def detach(self) -> None:
        if self._detached:
            return
        self._detached = True
        for signal, slot in ((self.link.event_applied, self._on_event),
                             (self.link.view_changed, self._on_view)):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    signal.disconnect(slot)
                except (RuntimeError, TypeError):
                    pass

    def _on_view(self, view: CentreView) -> None:
        configure = getattr(self.speaker, "configure", None)
        if callable(configure):
            configure(view.centre.announcement)

    def _on_event(self, view: CentreView, event: Any) -> None:
        if not is_live_call(view, event):
            return
        body = event.body
        counter = int(body.get("counter", 0))
        if self.counter is not None and counter != self.counter:
            return
        label = str(body.get("label", ""))
        recall = event.type != "ticket.called"
        try:
            self.speaker.announce(label, counter, recall=recall)
        except Exception as exc:  # a label the voice cannot read must not stop the board
            log.error("Không đọc được số %s / cannot announce %s: %s", label, label, exc)
            return
        self.queued.append((label, counter, recall))
