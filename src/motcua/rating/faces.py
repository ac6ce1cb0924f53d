"""Drawing for the rating tablet: face icons, the big level button, a check mark.

Accessibility (Decree 118/2025 Art. 31.3 asks staff to help weak groups rate): every
level is told apart by **text, colour and shape** together, never by colour alone. The
face's mouth goes from a wide open smile (most satisfied) through a straight line to a
frown (least satisfied), and the least satisfied face also gets slanted brows. Text on a
button is black or white, whichever has the higher WCAG contrast with the button colour,
and every button has a thick dark outline so a pale colour still stands out from the page.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QAbstractButton, QSizePolicy, QWidget

from motcua.core.centre.model import RatingLevel
from motcua.qt.fonts import FONT_FAMILY

__all__ = ["FONT_FAMILY", "LevelButton", "contrast_ratio", "draw_check", "draw_face",
           "mood_of", "text_colour_for"]

INK = QColor("#111111")


def _luminance(colour: QColor) -> float:
    """WCAG 2 relative luminance."""
    def channel(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    return (0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF())
            + 0.0722 * channel(colour.blueF()))


def contrast_ratio(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio between two colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_colour_for(background: QColor) -> QColor:
    """White when it reads well enough on ``background`` (WCAG AA, 4.5:1), else black.

    White first because on the mid-dark greens and reds of a rating scale black and white
    score almost the same, and white on a saturated colour is what people read faster.
    """
    black, white = QColor("#000000"), QColor("#ffffff")
    if contrast_ratio(background, white) >= 4.5:
        return white
    return black if contrast_ratio(background, black) >= contrast_ratio(background, white) \
        else white


def mood_of(index: int, count: int) -> float:
    """+1 for the first (most satisfied) of ``count`` levels down to -1 for the last."""
    if count <= 1:
        return 1.0
    return 1.0 - 2.0 * index / (count - 1)


def draw_face(p: QPainter, rect: QRectF, mood: float, ink: QColor, fill: QColor) -> None:
    """A round face in ``rect`` whose mouth shows ``mood`` (-1 frown .. +1 wide smile)."""
    side = min(rect.width(), rect.height())
    r = side / 2 - max(2.0, side * 0.04)
    c = rect.center()
    stroke = max(3.0, side * 0.06)
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(QPen(ink, stroke))
    p.setBrush(fill)
    p.drawEllipse(c, r, r)
    # Eyes.
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(ink)
    eye_r = r * 0.11
    for dx in (-0.35, 0.35):
        p.drawEllipse(QPointF(c.x() + dx * r, c.y() - 0.25 * r), eye_r, eye_r)
    pen = QPen(ink, stroke, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    if mood <= -0.99:
        # Worried brows (inner ends raised): a second cue, besides the mouth, for the
        # least satisfied face. Sad rather than angry: the citizen is not scolded.
        for sign in (-1, 1):
            p.drawLine(QPointF(c.x() + sign * 0.58 * r, c.y() - 0.42 * r),
                       QPointF(c.x() + sign * 0.2 * r, c.y() - 0.58 * r))
    # Mouth: a curve whose middle sinks (smile) or rises (frown) with the mood.
    left = QPointF(c.x() - 0.45 * r, c.y() + 0.35 * r)
    right = QPointF(c.x() + 0.45 * r, c.y() + 0.35 * r)
    mouth = QPainterPath(left)
    mouth.quadTo(QPointF(c.x(), c.y() + (0.35 + 0.55 * mood) * r), right)
    if mood >= 0.99:
        # The happiest face smiles with an open mouth.
        mouth.closeSubpath()
        p.setBrush(ink)
    p.drawPath(mouth)
    p.restore()


def draw_check(p: QPainter, rect: QRectF, colour: QColor) -> None:
    """A white check mark in a filled circle (the thank-you screen)."""
    side = min(rect.width(), rect.height())
    c = rect.center()
    r = side / 2 - 2
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(colour)
    p.drawEllipse(c, r, r)
    pen = QPen(QColor("#ffffff"), max(4.0, side * 0.1), Qt.PenStyle.SolidLine,
               Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    tick = QPainterPath(QPointF(c.x() - 0.45 * r, c.y() + 0.02 * r))
    tick.lineTo(QPointF(c.x() - 0.12 * r, c.y() + 0.35 * r))
    tick.lineTo(QPointF(c.x() + 0.5 * r, c.y() - 0.35 * r))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPath(tick)
    p.restore()


def _fitted_font(text: str, width: float, height: float, max_px: int, bold: bool) -> QFont:
    """The largest font (at most ``max_px``) in which ``text`` fits the box, word-wrapped."""
    font = QFont(FONT_FAMILY)
    font.setBold(bold)
    px = max_px
    while px > 10:
        font.setPixelSize(px)
        box = QFontMetricsF(font).boundingRect(
            QRectF(0, 0, width, 10_000), int(Qt.TextFlag.TextWordWrap), text)
        if box.width() <= width and box.height() <= height:
            break
        px -= 2
    return font


class LevelButton(QAbstractButton):
    """One big rating button: colour, a face and the level's name in Vietnamese + English."""

    def __init__(self, level: RatingLevel, mood: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.level = level
        self.mood = mood
        self.chosen = False
        """Drawn highlighted while its rating is being sent."""
        self.setText(level.vi)
        self.setAccessibleName(f"{level.vi} / {level.en}")
        # No keyboard focus: a focus ring on a touch screen looks like a choice already
        # made. Keyboards (staff, tests) press the level keys on the tablet instead.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def sizeHint(self) -> QSize:
        return QSize(240, 360)

    def minimumSizeHint(self) -> QSize:
        return QSize(160, 220)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        bg = QColor(self.level.colour)
        if not self.isEnabled() and not self.chosen:
            bg = bg.lighter(135)
        if self.isDown():
            bg = bg.darker(120)
        ink = text_colour_for(bg)
        outline = max(4.0, self.width() * 0.02)
        rect = QRectF(self.rect()).adjusted(outline, outline, -outline, -outline)
        radius = min(rect.width(), rect.height()) * 0.08
        p.setPen(QPen(INK, outline * (2.0 if self.chosen else 1.0)))
        p.setBrush(bg)
        p.drawRoundedRect(rect, radius, radius)
        inner = rect.adjusted(rect.width() * 0.06, rect.height() * 0.05,
                              -rect.width() * 0.06, -rect.height() * 0.04)
        face_side = min(inner.width() * 0.8, inner.height() * 0.48)
        face = QRectF(inner.center().x() - face_side / 2, inner.top(), face_side, face_side)
        fill = QColor("#ffffff") if ink == QColor("#000000") else QColor(bg).darker(115)
        draw_face(p, face, self.mood, ink, fill)
        text_top = face.bottom() + inner.height() * 0.04
        vi_box = QRectF(inner.left(), text_top, inner.width(), inner.bottom() - text_top)
        vi_h = vi_box.height() * 0.66
        p.setPen(ink)
        p.setFont(_fitted_font(self.level.vi, vi_box.width(), vi_h,
                               int(max(18.0, self.height() * 0.085)), True))
        p.drawText(QRectF(vi_box.left(), vi_box.top(), vi_box.width(), vi_h),
                   int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), self.level.vi)
        en_box = QRectF(vi_box.left(), vi_box.top() + vi_h, vi_box.width(),
                        vi_box.height() - vi_h)
        p.setFont(_fitted_font(self.level.en, en_box.width(), en_box.height(),
                               int(max(14.0, self.height() * 0.05)), False))
        p.drawText(en_box, int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap),
                   self.level.en)
        p.end()
