"""Qt's own messages go to Python logging, so a program's console shows only its lines.

Qt prints warnings straight to stderr unless a message handler is installed. The
programs install :func:`route_qt_messages` at start-up: a Qt warning becomes a
``logging`` warning of the ``qt`` logger (the program's log settings decide whether it is
shown), and notices that say nothing about motcua are kept at debug level:

* "This plugin does not support propagateSizeHints()" — the offscreen and some X11
  platform plugins cannot pass a window's size hints to a window manager; boards and
  kiosks are full screen, so there is nothing to pass.

Tests do the opposite: pytest-qt's handler (``qt_log_level_fail`` in pyproject.toml)
fails a test on any Qt warning other than the notices above. A handler installed here
while a test runs hands every other message on to the handler that was there before.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger("qt")

HARMLESS = ("This plugin does not support propagateSizeHints()",)
"""Qt notices that are expected and say nothing about motcua (see above)."""

_installed: list[Any] = []


def is_harmless(message: str) -> bool:
    return any(message.startswith(text) for text in HARMLESS)


def route_qt_messages() -> None:
    """Install the handler (once per process)."""
    if _installed:
        return
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    levels = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
              QtMsgType.QtWarningMsg: logging.WARNING,
              QtMsgType.QtCriticalMsg: logging.ERROR, QtMsgType.QtFatalMsg: logging.CRITICAL}
    previous: list[Any] = []

    def handler(kind: QtMsgType, context: Any, message: str) -> None:
        if is_harmless(message):
            log.debug("%s", message)
        elif previous and previous[0] is not None:
            previous[0](kind, context, message)
        else:
            log.log(levels.get(kind, logging.WARNING), "%s", message)

    previous.append(qInstallMessageHandler(handler))
    _installed.append(handler)
