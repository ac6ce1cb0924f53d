"""The one error type of the voice package: a message a person can act on."""

from __future__ import annotations

__all__ = ["VoiceError"]


class VoiceError(Exception):
    """A voice problem explained in words (Vietnamese first, then English).

    Raised for a missing clip, an unusable recorded WAV, a missing espeak-ng, or
    an announcer used after it was closed. Bad numbers and templates raise
    ``ValueError`` with the same kind of message.
    """
