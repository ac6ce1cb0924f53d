"""API tokens of the integration API: per client, scoped, hashed at rest, revocable.

A token reads ``mc_<id>_<secret>``: ``id`` names the row, ``secret`` is 32 random bytes
(URL-safe base64). Only SHA-256 of the secret is stored — the secret has 256 bits of
entropy, so a slow password hash adds nothing — and the whole token is shown once, when
it is made. Checking compares digests in constant time.

Scopes: ``tickets:read`` (the tickets feed). A revoked token is refused from its next
request, with its own error code so the client's operator knows to ask for a new one.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import Engine, text

from motcua.core.text import nfc

__all__ = ["SCOPES", "ApiClient", "ApiTokens", "TokenProblem"]

SCOPES = ("tickets:read",)
_TOKEN = re.compile(r"^mc_([a-z0-9]{8})_([A-Za-z0-9_-]{20,100})$")


@dataclass(frozen=True)
class ApiClient:
    id: str
    client: str
    scopes: tuple[str, ...]
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True)
class TokenProblem:
    """Why a token was not accepted (code + words)."""

    code: Literal["token_missing", "token_invalid", "token_revoked"]
    vi: str
    en: str


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokens:
    def __init__(self, engine: Engine, schema: str) -> None:
        self.engine = engine
        self.schema = schema

    def create_tables(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(text(f"""CREATE TABLE IF NOT EXISTS {self.schema}.api_tokens (
                id text PRIMARY KEY, client text NOT NULL, token_sha256 text NOT NULL,
                scopes text[] NOT NULL, created_at timestamptz NOT NULL DEFAULT now(),
                revoked_at timestamptz, last_used_at timestamptz)"""))

    def issue(self, client: str, scopes: list[str]) -> tuple[str, str]:
        """A new token for ``client``; returns (id, the token — shown only now)."""
        name = nfc(client.strip())
        if not name or len(name) > 120:
            raise ValueError("tên hệ thống khách cần 1–120 ký tự / the client name needs 1 to "
                             "120 characters")
        bad = [s for s in scopes if s not in SCOPES]
        if bad or not scopes:
            raise ValueError(f"phạm vi không hợp lệ / unknown scope {bad or scopes}; "
                             f"known: {', '.join(SCOPES)}")
        token_id = secrets.token_hex(4)
        secret = secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            conn.execute(text(
                f"INSERT INTO {self.schema}.api_tokens (id, client, token_sha256, scopes) "
                "VALUES (:i, :c, :h, :s)"),
                {"i": token_id, "c": name, "h": _digest(secret), "s": sorted(set(scopes))})
        return token_id, f"mc_{token_id}_{secret}"

    def revoke(self, token_id: str) -> bool:
        with self.engine.begin() as conn:
            return bool(conn.execute(text(
                f"UPDATE {self.schema}.api_tokens SET revoked_at = now() "
                "WHERE id = :i AND revoked_at IS NULL"), {"i": token_id}).rowcount)

    def all(self) -> list[ApiClient]:
        with self.engine.connect() as conn:
            rows = conn.execute(text(
                f"SELECT id, client, scopes, created_at, revoked_at "
                f"FROM {self.schema}.api_tokens ORDER BY created_at")).all()
        return [ApiClient(r.id, r.client, tuple(r.scopes), r.created_at, r.revoked_at)
                for r in rows]

    def check(self, token: str | None) -> ApiClient | TokenProblem:
        """The client this token belongs to, or why it is refused."""
        if not token:
            return TokenProblem("token_missing", "Thiếu mã truy cập (Authorization: Bearer …)",
                                "No API token (Authorization: Bearer …)")
        m = _TOKEN.match(token)
        invalid = TokenProblem("token_invalid", "Mã truy cập không đúng",
                               "The API token is not valid")
        if m is None:
            return invalid
        with self.engine.begin() as conn:
            row = conn.execute(text(
                f"SELECT id, client, token_sha256, scopes, created_at, revoked_at "
                f"FROM {self.schema}.api_tokens WHERE id = :i"), {"i": m[1]}).one_or_none()
            if row is None or not hmac.compare_digest(row.token_sha256, _digest(m[2])):
                return invalid
            if row.revoked_at is not None:
                return TokenProblem("token_revoked", "Mã truy cập đã bị thu hồi",
                                    "The API token has been revoked")
            conn.execute(text(f"UPDATE {self.schema}.api_tokens SET last_used_at = now() "
                              "WHERE id = :i"), {"i": row.id})
        return ApiClient(row.id, row.client, tuple(row.scopes), row.created_at, None)
