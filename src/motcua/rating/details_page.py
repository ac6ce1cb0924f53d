"""After the tap: the centre's Art. 33.1 questions and, after a low score, the reason.

Shown over the rating tablet only when the centre asks for it (``[ratings]`` in
centre.toml: ``criteria``, ``ask_reason``); otherwise the tablet stays one tap. Every
answer is one large button (elderly citizens, gloves, a wobbly stand); nothing is
required: "Gửi đánh giá" sends what was answered, "Bỏ qua" sends the tap alone, and
before the rating window closes the page sends by itself, so a citizen who walks away
still leaves their tap. The hub checks the answers again (core/criteria.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QRect, QTimer
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from motcua.core.criteria import MAX_COMMENT, RatingRules

if TYPE_CHECKING:
    from motcua.core.centre.model import RatingLevel
    from motcua.rating.window import OpenWindow


class Tablet(Protocol):
    """What the page needs of the tablet (no import of tablet.py: it imports this)."""

    details: DetailsPage | None

    def send_rating(self, window: OpenWindow, level: RatingLevel,
                    details: dict[str, Any]) -> None: ...

    def rect(self) -> QRect: ...

__all__ = ["DetailsPage", "ask_details"]

log = logging.getLogger(__name__)
_BUTTON = ("QPushButton { font-size: 22px; min-height: 64px; padding: 6px 14px;"
           " border: 2px solid #9aa5b1; border-radius: 10px; background: #ffffff; }"
           " QPushButton:checked { background: #1a5fb4; color: #ffffff; border-color: #1a5fb4; }")
_SEND = ("QPushButton { font-size: 26px; min-height: 76px; border-radius: 12px;"
         " background: #a31f24; color: #ffffff; padding: 8px 24px; }")
_SKIP = ("QPushButton { font-size: 22px; min-height: 76px; border-radius: 12px;"
         " background: #e4e8ee; color: #1b2430; padding: 8px 24px; }")


class DetailsPage(QFrame):
    """The questions; ``on_send(details)`` is called once, with the answers given."""

    def __init__(self, parent: QWidget, rules: RatingRules, satisfied: bool | None,
                 on_send: Callable[[dict[str, Any]], None], seconds_left: float) -> None:
        super().__init__(parent)
        self.setObjectName("ratingDetails")
        self.setStyleSheet("#ratingDetails { background: #f4f6f9; } QLabel { color: #1b2430; }")
        self._on_send = on_send
        self._sent = False
        self.groups: dict[str, QButtonGroup] = {}
        self.reason_group: QButtonGroup | None = None
        self.comment: QLineEdit | None = None
        outer = QVBoxLayout(self)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        layout = QVBoxLayout(body)
        title = QLabel("Xin quý vị cho biết thêm (không bắt buộc)\n"
                       "A few more questions (optional)")
        title.setStyleSheet("font-size: 26px; font-weight: bold;")
        layout.addWidget(title)
        if satisfied is False and rules.ask_reason and rules.reasons:
            layout.addWidget(self._question("Vì sao quý vị chưa hài lòng?",
                                            "Why were you not satisfied?"))
            self.reason_group = self._choices(layout, [(c, vi, en) for c, vi, en in rules.reasons])
            self.comment = QLineEdit()
            self.comment.setMaxLength(MAX_COMMENT)
            self.comment.setPlaceholderText("Góp ý thêm (không bắt buộc) / Comment (optional)")
            self.comment.setStyleSheet("font-size: 20px; min-height: 56px;")
            layout.addWidget(self.comment)
        for c in rules.criterion_list():
            layout.addWidget(self._question(f"{c.vi} (Điều 33.1.{c.point})", c.en))
            self.groups[c.code] = self._choices(layout, [(v, vi, en) for v, vi, en in c.choices])
        layout.addStretch(1)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        row = QHBoxLayout()
        self.skip_button = QPushButton("Bỏ qua\nSkip")
        self.skip_button.setStyleSheet(_SKIP)
        self.skip_button.clicked.connect(lambda: self.send(skip=True))
        self.send_button = QPushButton("Gửi đánh giá\nSend")
        self.send_button.setStyleSheet(_SEND)
        self.send_button.clicked.connect(lambda: self.send())
        row.addWidget(self.skip_button, 1)
        row.addWidget(self.send_button, 2)
        outer.addLayout(row)
        # Send what was answered shortly before the hub stops taking the rating.
        QTimer.singleShot(int(max(0.0, seconds_left - 3.0) * 1000), self.send)

    @staticmethod
    def _question(vi: str, en: str) -> QLabel:
        label = QLabel(f"{vi}\n{en}")
        label.setWordWrap(True)
        label.setStyleSheet("font-size: 22px; font-weight: bold; margin-top: 10px;")
        return label

    def _choices(self, layout: QVBoxLayout, items: list[tuple[Any, str, str]]) -> QButtonGroup:
        group = QButtonGroup(self)
        grid = QGridLayout()
        for i, (value, vi, en) in enumerate(items):
            b = QPushButton(f"{vi}\n{en}")
            b.setCheckable(True)
            b.setStyleSheet(_BUTTON)
            b.setProperty("answer", value)
            group.addButton(b)
            grid.addWidget(b, i // 3, i % 3)
        layout.addLayout(grid)
        return group

    def choose(self, code: str, value: Any) -> None:
        """Tap the answer ``value`` of criterion ``code`` (``"reason"`` for the reason)."""
        group = self.reason_group if code == "reason" else self.groups[code]
        assert group is not None
        next(b for b in group.buttons() if b.property("answer") == value).click()

    def details(self) -> dict[str, Any]:
        answers = {}
        for code, group in self.groups.items():
            b = group.checkedButton()
            if b is not None:
                answers[code] = int(b.property("answer"))
        out: dict[str, Any] = {}
        if answers:
            out["criteria"] = answers
        chosen = self.reason_group.checkedButton() if self.reason_group is not None else None
        if chosen is not None:
            out["reason"] = str(chosen.property("answer"))
        if self.comment is not None and self.comment.text().strip():
            out["comment"] = self.comment.text()
        return out

    def send(self, *, skip: bool = False) -> None:
        if self._sent:
            return
        self._sent = True
        details = {} if skip else self.details()
        self.hide()
        self.deleteLater()
        self._on_send(details)


def ask_details(tablet: Tablet, window: OpenWindow, level: RatingLevel,
                rules: RatingRules) -> DetailsPage:
    """Cover the tablet with the questions; the rating is sent when they are answered."""
    assert isinstance(tablet, QWidget)
    page = DetailsPage(tablet, rules, level.satisfied,
                       lambda details: tablet.send_rating(window, level, details),
                       window.seconds_left)
    page.setGeometry(tablet.rect())
    page.show()
    page.raise_()
    tablet.details = page
    return page
