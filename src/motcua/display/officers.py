"""The officer at each counter, for the boards: name, title and photo (Decree 118/2025
Art 9.8 asks that the officer's name and title be shown at the counter).

:class:`OfficerRoster` follows ``counter.opened``/``counter.closed`` to know who sits
where and asks the hub for each officer who signs in (``officer.photo``: name, title
and photo, given to a board only for an officer signed in at a counter), and caches it.
Boards never get the staff list. :func:`paint_officer`
draws one officer in a rectangle; the boards call it with a line each.
"""

from __future__ import annotations

import base64
import binascii
import functools
import logging
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QRectF, Qt, Signal
from PySide6.QtGui import QImage, QPainter

from motcua.display import paint
from motcua.link.client import CentreView, HubError
from motcua.qt.link import QtHubLink

log = logging.getLogger(__name__)
Align = Qt.AlignmentFlag


@dataclass
class OfficerCard:
    """What a board shows of one officer."""

    id: str
    name: str
    title: str = ""
    photo: QImage | None = None


class OfficerRoster(QObject):
    """Who is signed in at which counter, with their names, titles and photos."""

    changed = Signal()

    def __init__(self, link: QtHubLink, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.link = link
        self.cards: dict[str, OfficerCard] = {}
        self.at_counter: dict[int, str] = {}
        self._asked_photos: set[str] = set()
        self.on_hall = False
        """The centre wants officers named on the hall board too (``hall_shows_officers``)."""
        link.view_changed.connect(self._view)
        link.event_applied.connect(self._event)

    def card(self, counter: int) -> OfficerCard | None:
        """The officer signed in at ``counter`` (None: nobody, or names not known yet)."""
        officer = self.at_counter.get(counter)
        return self.cards.get(officer) if officer else None

    # -- following the hub ---------------------------------------------------------------
    def _view(self, view: CentreView) -> None:
        self.on_hall = view.centre.hall_shows_officers
        try:
            seated = {n: c.officer for n, c in list(view.state.counters.items())
                      if c.officer and c.status != "closed"}
        except RuntimeError:  # the link thread changed the state mid-read; next view fixes it
            return
        if seated != self.at_counter:
            self.at_counter = seated
            self._want_photos()
            self.changed.emit()

    def _event(self, _view: CentreView, event: Any) -> None:
        if event.type == "counter.opened":
            self.at_counter[int(event.body["counter"])] = str(event.body["officer"])
        elif event.type == "counter.closed":
            self.at_counter.pop(int(event.body["counter"]), None)
        else:
            return
        self._want_photos()
        self.changed.emit()

    def _want_photos(self) -> None:
        for officer in self.at_counter.values():
            if officer not in self._asked_photos:
                self._asked_photos.add(officer)
                self.link.request("officer.photo", {"officer": officer}, on_ok=self._photo,
                                  on_error=functools.partial(self._photo_failed, officer))

    def _photo_failed(self, officer: str, exc: HubError) -> None:
        log.info("no photo of %s: %s", officer, exc.en)
        self._asked_photos.discard(officer)  # ask again when they next sign in

    def _photo(self, reply: dict[str, Any]) -> None:
        officer = str(reply.get("officer"))
        card = self.cards[officer] = OfficerCard(officer, str(reply.get("name") or officer),
                                                 str(reply.get("title") or ""))
        self.changed.emit()
        data = reply.get("photo")
        if not data:
            return
        try:
            image = QImage.fromData(base64.b64decode(data))
        except (binascii.Error, ValueError):
            log.warning("bad photo data for %s", card.id)
            return
        if not image.isNull():
            card.photo = image
            self.changed.emit()


def paint_officer(p: QPainter, r: QRectF, card: OfficerCard, u: float, *,
                  photo: bool = True) -> float:
    """Draw the photo (if any, at the left) then name over title; returns the name's px."""
    x = r.x()
    if photo and card.photo is not None:
        h = r.height()
        w = h * card.photo.width() / max(1, card.photo.height())
        p.drawImage(QRectF(x, r.y(), w, h), card.photo)
        x += w + u * 0.02
    text = QRectF(x, r.y(), r.right() - x, r.height())
    if not card.title:
        return paint.draw_line(p, text, card.name, u * 0.06, paint.TEXT, bold=True,
                               align=Align.AlignLeft)
    top = QRectF(text.x(), text.y(), text.width(), text.height() * 0.56)
    px = paint.draw_line(p, top, card.name, u * 0.06, paint.TEXT, bold=True,
                         align=Align.AlignLeft)
    paint.draw_line(p, QRectF(text.x(), top.bottom(), text.width(), text.height() - top.height()),
                    card.title, u * 0.045, paint.DIM, align=Align.AlignLeft)
    return px
