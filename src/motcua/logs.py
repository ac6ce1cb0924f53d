"""The one logging set-up of every motcua program (``logging.config.dictConfig``).

Quiet by default: warnings and errors only, on standard error, one line each. ``-v``
adds what the programs do (info), ``-vv`` everything (debug). Code never configures
logging itself: each module logs to ``logging.getLogger(__name__)`` (a logger under
``motcua``), and only the entry point (:func:`motcua.cli.main`) calls :func:`setup_logging`.
Libraries' own loggers (ZeroMQ, SQLAlchemy, Qt…) stay at warnings whatever ``-v`` says, so
``-vv`` shows motcua's debug lines, not SQLAlchemy's.
"""

from __future__ import annotations

import logging
import logging.config
from typing import Any

__all__ = ["FORMAT", "level_for", "logging_config", "setup_logging", "split_verbosity"]

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_VERBOSE_FLAGS = {"-v": 1, "--verbose": 1, "-vv": 2, "-vvv": 3}


def level_for(verbosity: int) -> int:
    """0 -> WARNING (quiet), 1 -> INFO, 2 or more -> DEBUG."""
    return logging.WARNING if verbosity <= 0 else logging.INFO if verbosity == 1 \
        else logging.DEBUG


def logging_config(verbosity: int = 0) -> dict[str, Any]:
    """The dictConfig schema for ``verbosity`` (see :func:`level_for`)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,  # module loggers made at import keep working
        "formatters": {"line": {"format": FORMAT}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "line",
                                "stream": "ext://sys.stderr"}},
        "loggers": {"motcua": {"level": logging.getLevelName(level_for(verbosity))}},
        "root": {"level": "WARNING", "handlers": ["stderr"]},
    }


def setup_logging(verbosity: int = 0) -> None:
    """Configure logging for a motcua program (call once, from the entry point)."""
    logging.config.dictConfig(logging_config(verbosity))
    logging.captureWarnings(True)


def split_verbosity(argv: list[str]) -> tuple[int, list[str]]:
    """Take the global ``-v``/``-vv``/``--verbose`` flags off the front of ``argv``
    (before the program's name), so ``motcua -v kiosk ...`` works for every program."""
    verbosity = 0
    rest = list(argv)
    while rest and rest[0] in _VERBOSE_FLAGS:
        verbosity += _VERBOSE_FLAGS[rest.pop(0)]
    return verbosity, rest
