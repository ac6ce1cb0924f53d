"""Building blocks shared by the kiosk screens: big tiles, scrolling lists, nav bars.

A :class:`Tile` is a button whose text wraps (long procedure names do not fit on one
line at a readable size); it is a ``QAbstractButton`` so it has ``clicked``, a pressed
look and keyboard activation, and its labels let touches through to it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QScrollArea,
    QScroller,
    QSizePolicy,
    QStyle,
    QStyleOption,
    QVBoxLayout,
    QWidget,
)

from motcua.kiosk.model import Context
from motcua.kiosk.strings import Lang, tr
from motcua.kiosk.theme import MIN_TOUCH_PX, Metrics


def label(text: str = "", name: str = "", *, wrap: bool = True,
          align: Qt.AlignmentFlag | None = None) -> QLabel:
    """A QLabel with an object name for the style sheet; wraps by default."""
    lbl = QLabel(text)
    if name:
        lbl.setObjectName(name)
    lbl.setWordWrap(wrap)
    lbl.setTextFormat(Qt.TextFormat.PlainText)
    if align is not None:
        lbl.setAlignment(align)
    return lbl


def push(text: str, role: str = "", on_click: Callable[[], None] | None = None) -> QPushButton:
    """A large push button (style role ``primary``, ``lang``, ``key`` or plain)."""
    b = QPushButton(text)
    if role:
        b.setProperty("role", role)
    b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    b.setMinimumHeight(MIN_TOUCH_PX)
    if on_click is not None:
        b.clicked.connect(on_click)
    return b


class Tile(QAbstractButton):
    """A touch tile: optional letter badge, a wrapping title and subtitle, a side note."""

    def __init__(self, kind: str = "item", *, badge: str = "", min_height: int = 110,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("kind", kind)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setMinimumHeight(max(min_height, MIN_TOUCH_PX))
        row = QHBoxLayout(self)
        row.setContentsMargins(22, 16, 22, 16)
        row.setSpacing(20)
        self.badge = label(badge, "tileBadge", wrap=False, align=Qt.AlignmentFlag.AlignCenter)
        self.badge.setVisible(bool(badge))
        row.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignVCenter)
        col = QVBoxLayout()
        col.setSpacing(6)
        self.title = label("", "tileTitle")
        self.subtitle = label("", "tileSub")
        col.addStretch(1)
        col.addWidget(self.title)
        col.addWidget(self.subtitle)
        col.addStretch(1)
        row.addLayout(col, 1)
        self.side = label("", "tileSide", wrap=False,
                          align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.side, 0, Qt.AlignmentFlag.AlignVCenter)
        for child in (self.badge, self.title, self.subtitle, self.side):
            child.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    def set_texts(self, title: str, subtitle: str = "", side: str = "") -> None:
        self.title.setText(title)
        self.subtitle.setText(subtitle)
        self.subtitle.setVisible(bool(subtitle))
        self.side.setText(side)
        self.side.setVisible(bool(side))
        self.setAccessibleName(title)
        self.fit()

    def set_badge_size(self, px: int) -> None:
        self.badge.setFixedSize(px, px)

    def set_title_px(self, px: int) -> None:
        """The title's normal size; :meth:`fit` may go smaller for a long name."""
        self._title_px = px
        self._fitted_px = 0
        self.fit()

    def fit(self) -> None:
        """Shrink the title (down to 60 %) until title and subtitle fit the tile.

        A centre may name a field at any length ("People with meritorious services to
        the revolution"); on a wide screen with a fault banner a tile is short, and a
        clipped name is worse than a smaller one.
        """
        base = getattr(self, "_title_px", 0)
        width = self.title.width()
        if base <= 0 or width <= 0 or self.height() <= 0:
            return
        layout = self.layout()
        if layout is None:
            return
        margins = layout.contentsMargins()
        room = self.height() - margins.top() - margins.bottom()
        if self.subtitle.isVisibleTo(self):
            room -= self.subtitle.sizeHint().height() + 6
        font = QFont(self.title.font())
        chosen = base
        for px in range(base, max(int(base * 0.6), 14) - 1, -1):
            font.setPixelSize(px)
            box = QFontMetrics(font).boundingRect(QRect(0, 0, width, 100_000),
                                                  int(Qt.TextFlag.TextWordWrap),
                                                  self.title.text())
            chosen = px
            if box.height() <= room:
                break
        if chosen != getattr(self, "_fitted_px", 0):
            self._fitted_px = chosen
            self.title.setStyleSheet(f"font-size: {chosen}px;")

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit()

    def paintEvent(self, event: QPaintEvent) -> None:
        # Let the style sheet draw background, border and the :pressed/:disabled looks.
        opt = QStyleOption()
        opt.initFrom(self)
        if self.isDown():
            opt.state |= QStyle.StateFlag.State_Sunken
        painter = QPainter(self)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_Widget, opt, painter, self)
        painter.end()


def clear_layout(layout: QLayout) -> None:
    """Remove and delete every widget and sub-layout of ``layout``."""
    while layout.count():
        item = layout.takeAt(0)
        if item is None:
            break
        w = item.widget()
        if w is not None:
            w.setParent(None)
            w.deleteLater()
        sub = item.layout()
        if sub is not None:
            clear_layout(sub)


class ScrollList(QScrollArea):
    """A list of tiles in one or more columns that scrolls by finger or a wide bar."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget()
        inner.setObjectName("listInner")
        inner.setStyleSheet("QWidget#listInner { background: transparent; }")
        self.grid = QGridLayout(inner)
        self.grid.setContentsMargins(0, 0, 8, 0)
        self.grid.setSpacing(16)
        self.items: list[QWidget] = []
        self.columns = 1
        self.setWidget(inner)
        self.viewport().setObjectName("listViewport")
        # A selector, not a bare rule: a bare rule here would also apply to every tile.
        self.viewport().setStyleSheet("QWidget#listViewport { background: transparent; }")
        # Touch panels send touch events: drag to scroll. Mouse clicks stay clicks.
        QScroller.grabGesture(self.viewport(), QScroller.ScrollerGestureType.TouchGesture)

    def _place(self) -> None:
        for w in self.items:
            self.grid.removeWidget(w)
        for r in range(self.grid.rowCount()):
            self.grid.setRowStretch(r, 0)
        for i, w in enumerate(self.items):
            self.grid.addWidget(w, i // self.columns, i % self.columns)
        # An empty stretching row below keeps short lists at the top.
        self.grid.setRowStretch((len(self.items) + self.columns - 1) // self.columns, 1)
        for c in range(max(self.columns, self.grid.columnCount())):
            self.grid.setColumnStretch(c, 1 if c < self.columns else 0)

    def set_columns(self, columns: int) -> None:
        self.columns = max(1, columns)
        self._place()

    def clear(self) -> None:
        for w in self.items:
            self.grid.removeWidget(w)
            w.setParent(None)
            w.deleteLater()
        self.items = []
        self._place()

    def add(self, widget: QWidget) -> None:
        self.items.append(widget)
        self.grid.addWidget(widget, (len(self.items) - 1) // self.columns,
                            (len(self.items) - 1) % self.columns)
        self._place()

    def to_top(self) -> None:
        self.verticalScrollBar().setValue(0)


class NavBar(QWidget):
    """Bottom bar of a screen: Back on the left, optional extra buttons, Home on the right."""

    def __init__(self, on_back: Callable[[], None] | None, on_home: Callable[[], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.setSpacing(20)
        self.back = push("", on_click=on_back) if on_back is not None else None
        if self.back is not None:
            self.row.addWidget(self.back, 1)
        self.home = push("", on_click=on_home)
        self.row.addWidget(self.home, 1)

    def place_primary(self, button: QPushButton, screen: Screen, landscape: bool) -> None:
        """Put a screen's main button in this bar (wide screen) or above it (tall screen).

        On a 1080-pixel-high screen a full-width button row of its own would leave
        too little room for the content; on a tall screen it is the clearest call.
        """
        self.row.removeWidget(button)
        screen.outer.removeWidget(button)
        if landscape:
            self.row.addWidget(button, 2)
        else:
            screen.outer.insertWidget(screen.outer.indexOf(self), button)

    def retranslate(self, lang: Lang) -> None:
        if self.back is not None:
            self.back.setText(tr("nav.back", lang))
        self.home.setText(tr("nav.home", lang))


class Screen(QWidget):
    """Base of every screen: reads the shared :class:`Context`, adapts to orientation.

    ``refresh()`` sets every text from the context (language, view, flow); the window
    calls it when the screen is shown and whenever the hub's view or the kiosk's
    state changes while it is visible.
    """

    name = "screen"

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.metrics: Metrics | None = None
        self.outer = QVBoxLayout(self)
        self.outer.setSpacing(22)

    def add_title(self) -> QLabel:
        title = label("", "screenTitle")
        self.outer.addWidget(title)
        return title

    def refresh(self) -> None:
        """Set every text from the context; subclasses override."""

    def apply_metrics(self, m: Metrics) -> None:
        """Adapt sizes and grid columns to the orientation; subclasses extend."""
        self.metrics = m
        self.outer.setContentsMargins(m.margin, m.margin * 2 // 3, m.margin, m.margin)


def grid_columns(layout: QGridLayout, widgets: list[QWidget], columns: int) -> None:
    """Place ``widgets`` row by row in ``columns`` equal columns."""
    for w in widgets:
        layout.removeWidget(w)
    for i, w in enumerate(widgets):
        layout.addWidget(w, i // columns, i % columns)
    for c in range(max(columns, layout.columnCount())):
        layout.setColumnStretch(c, 1 if c < columns else 0)
