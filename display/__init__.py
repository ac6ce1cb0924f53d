"""motcua display: the hall board and the counter boards (``motcua display``).

``HallBoard(link, *, announcer=None)`` and ``CounterBoard(link, counter)`` are
widgets fed by a started :class:`motcua.qtlink.QtHubLink`; see docs/display.md.
"""

from __future__ import annotations

from typing import Any

__all__ = ["CounterBoard", "HallBoard"]


def __getattr__(name: str) -> Any:
    # Lazy, so that ``display.model`` can be used without loading Qt.
    if name == "HallBoard":
        from display.hall import HallBoard

        return HallBoard
    if name == "CounterBoard":
        from display.counter_board import CounterBoard

        return CounterBoard
    raise AttributeError(name)
