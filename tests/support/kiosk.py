"""The kiosk window on a real link to a hub, for the kiosk tests (fixture in tests/kiosk)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

WAIT = 10_000
"""Milliseconds a kiosk test waits for what the window shows (pytest-qt's ``waitUntil``)."""


def hub_tickets(hub: Any) -> list[dict[str, Any]]:
    """Every ticket the hub holds today (asked over the wire, as any device would)."""
    from motcua.link.client import HubClient

    with HubClient(hub.command, "admin") as client:
        tickets: list[dict[str, Any]] = client.request("snapshot", {})["state"]["tickets"]
        return tickets


def kiosk_maker(qtbot: Any) -> Iterator[Callable[..., Any]]:
    """Generator behind the ``make_kiosk`` fixture: ``make(hub, device=..., ...)``."""
    from motcua.kiosk.window import KioskWindow
    from motcua.link.client import Endpoints
    from motcua.qt.link import QtHubLink

    links: list[QtHubLink] = []

    def make(hub: Any, *, device: str = "kiosk-1", orientation: str = "portrait",
             lang: str = "vi", online: bool = True, **window: Any) -> KioskWindow:
        link = QtHubLink(Endpoints(hub.command, hub.events), device)
        window_ = KioskWindow(link, orientation=orientation, lang=lang,  # type: ignore[arg-type]
                              **window)
        window = window_
        qtbot.addWidget(window)
        link.start()
        links.append(link)
        window.show()
        if online:
            qtbot.waitUntil(lambda: window.state.online and window.ctx.view is not None,
                            timeout=WAIT)
        return window

    yield make
    for link in links:
        link.stop()
