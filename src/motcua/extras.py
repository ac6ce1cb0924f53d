"""Which optional install ("extra") a program needs, and the words to say when it is missing.

Each box installs only its own extra (``pip install 'motcua[hub]'`` on the hub's PC,
``'motcua[kiosk]'`` on a kiosk…, see pyproject.toml). A program started on a box without
its extra would otherwise die with a bare ``ModuleNotFoundError``; :func:`missing_extra`
turns that into one line that names the extra to install.
"""

from __future__ import annotations

from typing import Final

__all__ = ["EXTRA_OF_PROGRAM", "missing_extra"]

EXTRA_OF_PROGRAM: Final[dict[str, str]] = {
    "hub": "hub", "keys": "hub", "simulate": "hub", "take": "hub", "open": "hub",
    "call": "hub", "act": "hub", "queue": "hub", "do": "hub", "tail": "hub",
    "voice": "hub", "drill": "hub", "printer": "printer", "kiosk": "kiosk", "display": "display",
    "counter": "counter", "rating": "rating", "live": "manager", "report": "reports",
    "province": "province", "citizen": "citizen", "demo": "all",
}
"""``motcua <program>`` -> the extra that brings everything it imports."""

THIRD_PARTY: Final[frozenset[str]] = frozenset({
    "PySide6", "shiboken6", "serial", "escpos", "PIL", "qrcode", "barcode", "usb",
    "openpyxl", "matplotlib", "numpy", "psycopg", "zmq", "sqlalchemy", "alembic",
    "fastapi", "starlette", "uvicorn", "jinja2", "argon2", "msgspec", "httpx",
    "itsdangerous", "multipart",
})
"""Top-level modules that come from an extra (or the core) and may be missing."""


def missing_extra(program: str, exc: ModuleNotFoundError) -> str | None:
    """The message for ``motcua <program>`` failing on ``exc``; None when ``exc`` is not a
    missing third-party package (a bug, which must surface as it is)."""
    top = (exc.name or "").split(".")[0]
    if top not in THIRD_PARTY:
        return None
    extra = EXTRA_OF_PROGRAM.get(program, "all")
    return (f"'motcua {program}' cần gói {top} nhưng gói này chưa được cài; hãy cài: "
            f"pip install 'motcua[{extra}]'\n"
            f"'motcua {program}' needs {top}, which is not installed; install it with: "
            f"pip install 'motcua[{extra}]'")
