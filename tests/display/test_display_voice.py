"""The voice bridge on its own: which events are spoken, settings, no sound device."""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from motcua.core.centre.model import Announcement
from motcua.core.state import DayState, Event
from motcua.display.voice_bridge import CallVoice, CentreSpeaker
from motcua.link.client import CentreView, Endpoints
from motcua.qt.link import QtHubLink
from motcua.voice.announce import all_clip_names
from motcua.voice.clips import ClipSet
from motcua.voice.player import Announcer, SilentSink
from motcua.voice.wav import Audio, write_wav

VN = ZoneInfo("Asia/Ho_Chi_Minh")
SNAPSHOT_AT = datetime(2025, 11, 24, 9, 30, tzinfo=VN)


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, int, bool]] = []
        self.settings: list[Announcement] = []

    def configure(self, settings: Announcement) -> None:
        self.settings.append(settings)

    def announce(self, number_label: str, counter: int | str, *, recall: bool = False) -> None:
        if number_label == "A%1":
            raise ValueError("Không đọc được số / cannot read")
        self.calls.append((number_label, int(counter), recall))


@pytest.fixture
def link(qapp) -> Iterator[QtHubLink]:  # type: ignore[no-untyped-def]
    # Never started: events are emitted by hand, exactly as the follower emits them.
    yield QtHubLink(Endpoints("tcp://127.0.0.1:9", "tcp://127.0.0.1:9"), "display-hall")


def view(centre: Any) -> CentreView:
    return CentreView(centre, DayState(), 10, "stream", hub_now=SNAPSHOT_AT.isoformat())


def call(kind: str, label: str, counter: int, minutes: float = 1) -> Event:
    return Event(kind, SNAPSHOT_AT + timedelta(minutes=minutes),
                 {"ticket": f"t-{label}", "label": label, "counter": counter})


def test_call_events_are_spoken_history_is_not(qtbot, link, centre) -> None:  # type: ignore[no-untyped-def]
    rec = Recorder()
    voice = CallVoice(link, rec)
    v = view(centre)
    link.view_changed.emit(v)
    assert rec.settings == [centre.announcement]  # template, repeats, digits, south, chime
    for event in (call("ticket.called", "A001", 1), call("ticket.serving", "A001", 1),
                  call("ticket.recalled", "A001", 1), call("ticket.unheld", "C004", 3),
                  call("ticket.called", "B002", 2, minutes=-10),  # before the snapshot: old
                  call("ticket.called", "A%1", 2)):               # unreadable: logged, skipped
        link.event_applied.emit(v, event)
    assert rec.calls == [("A001", 1, False), ("A001", 1, True), ("C004", 3, True)]
    assert voice.queued == rec.calls
    voice.detach()
    link.event_applied.emit(v, call("ticket.called", "A002", 1))
    assert len(rec.calls) == 3


def test_a_counter_voice_speaks_only_its_counter(qtbot, link, centre) -> None:  # type: ignore[no-untyped-def]
    rec = Recorder()
    voice = CallVoice(link, rec, counter=2)  # kept: a QObject without parent is collected
    v = view(centre)
    for n in (1, 2, 3):
        link.event_applied.emit(v, call("ticket.called", f"A00{n}", n))
    assert rec.calls == [("A002", 2, False)] == voice.queued


@pytest.fixture(scope="module")
def tones(tmp_path_factory: pytest.TempPathFactory) -> ClipSet:
    folder = tmp_path_factory.mktemp("tones")
    for i, name in enumerate(all_clip_names()):
        samples = array("h", (round(6000 * math.sin(2 * math.pi * (300 + 10 * i) * n / 16000))
                              for n in range(400)))
        write_wav(folder / "recorded" / f"{name}.wav", Audio(samples, 16000))
    return ClipSet(folder)


def test_no_sound_device_is_not_an_error(tones: ClipSet) -> None:
    speaker = CentreSpeaker(lambda s: Announcer(tones, s, sink=SilentSink("test"),
                                                generate_missing=False), prepare=False)
    speaker.announce("B012", 4)  # before any snapshot: default settings
    announcer = speaker.announcer
    assert announcer.wait_idle(10)
    (played,) = announcer.played
    assert played.error is None and not played.audible and played.call.number_label == "B012"
    speaker.close()


def test_the_speaker_follows_the_centres_settings(tones: ClipSet) -> None:
    made: list[Announcement] = []

    def factory(settings: Announcement) -> Announcer:
        made.append(settings)
        return Announcer(tones, settings, sink=SilentSink("test"), generate_missing=False)

    speaker = CentreSpeaker(factory, prepare=False)
    south = Announcement(south=True, repeats=1)
    speaker.configure(south)
    speaker.configure(south)  # same settings: same announcer
    assert made == [south]
    digits = Announcement(digits=True)
    speaker.configure(digits)  # the hub came back with another configuration
    assert made == [south, digits] and speaker.announcer.settings == digits
    speaker.close()
