"""Find texts a screen cuts off: each visible label and button measured with QFontMetrics
against its own rectangle.

Used by the screenshot tests (a clipped text fails them) and by the demo's screenshot
tour (it logs a warning). A label that elides on purpose sets the dynamic property
``elided`` and shows its full text in a tooltip; it is not reported.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget


@dataclass(frozen=True)
class Clipped:
    """A text that does not fit its widget."""

    widget: str
    """Object name (or class name) of the widget."""
    text: str
    need: tuple[int, int]
    """Width and height the text needs."""
    have: tuple[int, int]
    """Width and height the widget gives it."""

    def __str__(self) -> str:
        return (f"{self.widget}: {self.text!r} needs {self.need[0]}×{self.need[1]} px, "
                f"has {self.have[0]}×{self.have[1]}")


def _name(widget: QWidget) -> str:
    return widget.objectName() or type(widget).__name__


def _label_clip(label: QLabel) -> Clipped | None:
    text = label.text()
    if not text or label.property("elided"):
        return None
    rect = label.contentsRect()
    margin = label.margin()
    rect = rect.adjusted(margin, margin, -margin, -margin)
    rich = label.textFormat() == Qt.TextFormat.RichText or (
        label.textFormat() == Qt.TextFormat.AutoText and "<" in text and ">" in text)
    if rich:
        # Rich text: the label's own layout says how tall it must be at this width.
        need_h = label.heightForWidth(label.width()) if label.wordWrap() else \
            label.sizeHint().height()
        need_w = 0 if label.wordWrap() else label.sizeHint().width()
        if need_h > label.height() + 1 or need_w > label.width() + 1:
            return Clipped(_name(label), text, (need_w, need_h),
                           (label.width(), label.height()))
        return None
    flags = int(label.alignment())
    if label.wordWrap():
        flags |= int(Qt.TextFlag.TextWordWrap)
    metrics = QFontMetrics(label.font())
    box: QRect = metrics.boundingRect(rect, flags, text)
    if box.width() > rect.width() + 1:
        return Clipped(_name(label), text, (box.width(), box.height()),
                       (rect.width(), rect.height()))
    if box.height() > rect.height() + 1:
        if label.wordWrap() or "\n" in text:
            return Clipped(_name(label), text, (box.width(), box.height()),
                           (rect.width(), rect.height()))
        # One line in a box lower than its line box: what counts is the ink. Qt places
        # the line box (centred, top or bottom aligned); the glyphs' own bounds (marks
        # included) must stay inside the label.
        ink = metrics.tightBoundingRect(text)
        line = metrics.height()
        align = label.alignment()
        if align & Qt.AlignmentFlag.AlignTop:
            line_top = 0
        elif align & Qt.AlignmentFlag.AlignBottom:
            line_top = rect.height() - line
        else:
            line_top = (rect.height() - line) // 2
        top = line_top + metrics.ascent() + ink.top()
        bottom = line_top + metrics.ascent() + ink.bottom()
        if top < -margin or bottom > rect.height() + margin:
            return Clipped(_name(label), text, (box.width(), ink.height()),
                           (rect.width(), rect.height()))
    return None


def _button_clip(button: QAbstractButton) -> Clipped | None:
    text = button.text()
    if not text or button.property("elided"):
        return None
    metrics = QFontMetrics(button.font())
    box = metrics.boundingRect(QRect(0, 0, 100000, 100000), 0, text.replace("&&", "&"))
    have = button.contentsRect()
    if box.width() > have.width() or box.height() > have.height():
        return Clipped(_name(button), text, (box.width(), box.height()),
                       (have.width(), have.height()))
    return None


def clipped_texts(root: QWidget) -> list[Clipped]:
    """Every visible label or button under ``root`` whose text does not fit."""
    found: list[Clipped] = []
    widgets: list[QWidget] = [root, *root.findChildren(QWidget)]
    for widget in widgets:
        if widget is not root and not widget.isVisibleTo(root):
            continue
        if widget.width() <= 0 or widget.height() <= 0:
            continue
        clip: Clipped | None = None
        if isinstance(widget, QLabel):
            clip = _label_clip(widget)
        elif isinstance(widget, QAbstractButton):
            clip = _button_clip(widget)
        if clip is not None:
            found.append(clip)
    return found
