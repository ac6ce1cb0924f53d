"""The address behind a ticket's QR code: the citizen's live ticket page.

The token is an HMAC of the business day and the ticket id under a secret that only the
centre's printer node and its citizen service hold (a file on the centre box, never in
the configuration the hub sends to devices). So the printer can put the URL on paper
without asking anyone, the page needs no table of tokens, the token cannot be guessed
(128 bits) or derived from the number on the ticket, and it means nothing after its day.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

__all__ = ["page_token", "page_url"]


def page_token(secret: bytes, day: str, ticket_id: str) -> str:
    """26 lower-case letters and digits (128 bits) for ``ticket_id`` on ``day``."""
    digest = hmac.new(secret, f"{day}|{ticket_id}".encode(), hashlib.sha256).digest()[:16]
    return base64.b32encode(digest).decode("ascii").rstrip("=").lower()


def page_url(base_url: str, secret: bytes, day: str, ticket_id: str) -> str:
    """``https://…/t/<token>``: what the ticket's QR code holds."""
    return f"{base_url.rstrip('/')}/t/{page_token(secret, day, ticket_id)}"
