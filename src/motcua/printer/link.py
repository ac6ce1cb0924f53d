"""What every printer connection is: :class:`PrinterLink` (write bytes, read with a short
time-out) and the one error it raises. The real links are in :mod:`motcua.printer.connections`,
the virtual printer's in :mod:`motcua.printer.virtual`; both build on this module alone.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from types import TracebackType

__all__ = ["PrinterLink", "PrinterLinkError"]


class PrinterLinkError(OSError):
    """The link to the printer failed; the message is Vietnamese / English."""


class PrinterLink(ABC):
    """Bytes to and from one printer."""

    description: str = "printer"
    """Human-readable name for logs, e.g. "serial /dev/ttyUSB0 9600 RTS/CTS"."""
    can_read: bool = True
    """False for write-only links (files, spools): status cannot be asked."""

    @abstractmethod
    def write(self, data: bytes) -> None:
        """Send all of ``data``; raise :class:`PrinterLinkError` if it cannot be sent."""

    @abstractmethod
    def read(self, size: int = 1, timeout: float = 0.3) -> bytes:
        """Return up to ``size`` bytes, waiting at most ``timeout`` s; b"" if none came."""

    def discard_input(self) -> None:
        """Drop bytes that arrived unasked (late status answers, automatic status)."""
        while self.read(256, 0.0):
            pass

    def close(self) -> None:  # noqa: B027  (optional hook: most links hold a device)
        """Release the device."""

    def __enter__(self) -> PrinterLink:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
