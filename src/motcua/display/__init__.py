"""motcua display: the hall board and the counter boards (``motcua display``).

``HallBoard(link, *, announcer=None)`` and ``CounterBoard(link, counter)`` are
widgets fed by a started :class:`motcua.qt.link.QtHubLink`; see docs/display.md.
"""

from __future__ import annotations

from typing import Any

__all__ = ["CounterBoard", "HallBoard"]


def __getattr__(name: str) -> Any:
    # Lazy, so that ``motcua.display.model`` can be used without loading Qt.
    if name == "HallBoard":
        from motcua.display.hall import HallBoard

        return HallBoard
    if name == "CounterBoard":
        from motcua.display.counter_board import CounterBoard

        return CounterBoard
    raise AttributeError(name)
