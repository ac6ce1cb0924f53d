"""One citizen through the whole centre, every program on one real hub.

The kiosk takes the ticket (clicks), the printer node prints it on the virtual printer,
the counter app calls it, the hall board shows it and queues its announcement, the
officer finishes, the rating tablet takes the rating, and the rating lands on the right
officer, counter, ticket and field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from motcua.counter.window import CounterWindow
from motcua.display.hall import HallBoard
from motcua.kiosk.window import KioskWindow
from motcua.link.client import Endpoints
from motcua.printer.driver import TicketPrinter
from motcua.printer.node import PrinterNode
from motcua.printer.virtual import VirtualLink, VirtualPrinter
from motcua.qt.link import QtHubLink
from motcua.rating.tablet import RatingTablet

pytestmark = pytest.mark.slow  # a long drill: started first, beside the short tests

WAIT_MS = 10_000


class RecordingSpeaker:
    """Stands in for the loudspeaker: records what would be announced, in order."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int, bool]] = []

    def configure(self, settings: Any) -> None:
        self.settings = settings

    def announce(self, label: str, counter: int, *, recall: bool = False) -> None:
        self.calls.append((label, counter, recall))

    def close(self, drain: bool = True) -> None:
        pass


def test_a_kiosk_ticket_is_printed_called_shown_announced_and_rated(qtbot, hub, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    eps = Endpoints(hub.command, hub.events)
    links = {d: QtHubLink(eps, d) for d in ("kiosk-1", "counter-1", "display-hall", "rating-1")}
    printer = VirtualPrinter(out_dir=tmp_path / "tickets", profile="default")
    node = PrinterNode(eps, "printer-1", printer=TicketPrinter(VirtualLink(printer), "raster"))
    speaker = RecordingSpeaker()
    kiosk = KioskWindow(links["kiosk-1"], orientation="portrait")
    desk = CounterWindow(links["counter-1"], 1, on_top=False)
    board = HallBoard(links["display-hall"], announcer=speaker)
    tablet = RatingTablet(links["rating-1"], 1)
    for w in (kiosk, desk, board, tablet):
        qtbot.addWidget(w)
    node.start()
    for link in links.values():
        link.start()
    try:
        qtbot.waitUntil(lambda: all(lk.view is not None for lk in links.values())
                        and node.kiosk == "kiosk-1" and kiosk.state.can_take, timeout=WAIT_MS)
        # the citizen: field, procedure, documents, confirm
        kiosk.choose_field("A")
        kiosk.choose_procedure("A.1")
        kiosk.show_screen("confirm")
        kiosk.take()
        qtbot.waitUntil(lambda: kiosk.flow.result is not None, timeout=WAIT_MS)
        label = kiosk.flow.result["ticket"]["label"]
        assert label == "A001"
        qtbot.waitUntil(lambda: len(printer.tickets) == 1, timeout=WAIT_MS)
        assert list((tmp_path / "tickets").glob("*A001.png"))
        # the officer signs in and calls next
        qtbot.waitUntil(lambda: desk.signin.officer_box.count() > 0, timeout=WAIT_MS)
        officer = desk.signin.officer_box.currentData()
        desk.sign_in()
        qtbot.waitUntil(lambda: desk.signed_in, timeout=WAIT_MS)
        desk.trigger("call_next")
        # the hall board shows it as the newest call and queues its announcement
        qtbot.waitUntil(lambda: board.model is not None and board.model.newest is not None
                        and board.model.newest.label == label, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: speaker.calls == [(label, 1, False)], timeout=WAIT_MS)
        # service ends; the tablet asks and the citizen presses the best level
        desk.trigger("finish")
        best = hub.server.centre.rating_scale[0]
        qtbot.waitUntil(lambda: tablet.press_level(best.value), timeout=WAIT_MS)
        qtbot.waitUntil(lambda: hub.store.facts()[0]["rating"] == best.value, timeout=WAIT_MS)
        row = hub.store.facts()[0]
        assert (row["label"], row["officer"], row["counter"], row["field"]) == \
            (label, officer, 1, "A")
        assert row["status"] == "done" and row["satisfied"] is True
        assert hub.server.engine.state.tickets[row["ticket"]].printed
    finally:
        node.stop()
        for link in links.values():
            link.stop()
