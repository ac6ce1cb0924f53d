"""Passwords, sessions, CSRF tokens and the login rate limit of the web kit.

- Passwords are hashed with argon2id (argon2-cffi, its RFC 9106 low-memory profile);
  a hash made with weaker parameters is re-hashed at the next successful login.
- The session is Starlette's signed cookie (itsdangerous HMAC, HttpOnly, SameSite=Lax,
  Secure unless the settings say otherwise); :func:`login_session` clears it first so a
  session made before the login never carries over (no session fixation).
- CSRF: a random token lives in the session; every form sends it back in the hidden
  field ``csrf_token`` (or a ``X-CSRF-Token`` header for fetch calls) and
  :func:`check_csrf` compares in constant time. Together with SameSite=Lax this stops
  a foreign site from posting in a signed-in user's name.
- :class:`LoginRateLimiter`: after ``max_failures`` failed logins for one key (the client
  address, and separately the user name) within ``window`` seconds, that key waits
  until the oldest failure leaves the window.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import argon2
from argon2 import profiles as argon2_profiles
from fastapi import HTTPException, Request

__all__ = ["CSRF_FIELD", "CSRF_HEADER", "LoginRateLimiter", "PasswordHasher", "check_csrf",
           "csrf_token", "login_session", "logout_session", "session_subject"]

log = logging.getLogger(__name__)

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
_CSRF_KEY = "_csrf"
_SUBJECT_KEY = "sub"


class PasswordHasher:
    """argon2id hashing: ``hash``, ``verify`` (never raises on a wrong password)."""

    def __init__(self, *, fast_for_tests: bool = False) -> None:
        # The RFC 9106 low-memory profile (64 MiB, t=3) is the library's default; tests
        # may use a cheap profile so that a suite with many logins stays fast.
        if fast_for_tests:
            self._hasher = argon2.PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
        else:
            self._hasher = argon2.PasswordHasher.from_parameters(
                argon2_profiles.RFC_9106_LOW_MEMORY)

    def hash(self, password: str) -> str:
        if not password:
            raise ValueError("mật khẩu trống / empty password")
        return self._hasher.hash(password)

    def verify(self, stored_hash: str, password: str) -> bool:
        """True when ``password`` matches; False for a wrong one or a damaged hash."""
        try:
            return self._hasher.verify(stored_hash, password)
        except argon2.exceptions.VerifyMismatchError:
            return False
        except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
            log.warning("stored password hash could not be checked (damaged?)")
            return False

    def needs_rehash(self, stored_hash: str) -> bool:
        try:
            return self._hasher.check_needs_rehash(stored_hash)
        except argon2.exceptions.InvalidHashError:
            return True


# -- sessions ---------------------------------------------------------------------------------
def login_session(request: Request, subject: str, **claims: Any) -> None:
    """Start a fresh session for ``subject`` (drops everything the old one held)."""
    request.session.clear()
    request.session[_SUBJECT_KEY] = subject
    request.session[_CSRF_KEY] = secrets.token_urlsafe(32)
    request.session["iat"] = int(time.time())
    request.session.update(claims)


def logout_session(request: Request) -> None:
    request.session.clear()


def session_subject(request: Request) -> str | None:
    """Who is signed in on this request, or None."""
    sub = request.session.get(_SUBJECT_KEY)
    return sub if isinstance(sub, str) and sub else None


# -- CSRF -------------------------------------------------------------------------------------
def csrf_token(request: Request) -> str:
    """The session's CSRF token (made on first use; templates put it in every form)."""
    token = request.session.get(_CSRF_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session[_CSRF_KEY] = token
    return token


async def check_csrf(request: Request) -> None:
    """Raise 403 unless the request carries this session's CSRF token.

    Use as a FastAPI dependency on every state-changing route that a browser calls.
    """
    expected = request.session.get(_CSRF_KEY)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded",
                                    "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
    if not isinstance(expected, str) or not expected or sent is None \
            or not hmac.compare_digest(expected.encode(), sent.encode()):
        raise HTTPException(403, detail="Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ; "
                                        "hãy tải lại trang / The form is stale or forged; "
                                        "reload the page and try again")


# -- login rate limit -------------------------------------------------------------------------
class LoginRateLimiter:
    """Failed-login counter per key with a sliding window (thread-safe, in memory).

    One process serves a province, so memory is enough; a restart forgets the
    failures, which only ever helps a legitimate user.
    """

    def __init__(self, max_failures: int = 5, window: float = 300.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_failures = max_failures
        self.window = window
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _prune(self, key: str, now: float) -> deque[float]:
        q = self._failures.setdefault(key, deque())
        while q and q[0] <= now - self.window:
            q.popleft()
        return q

    def retry_after(self, *keys: str) -> float:
        """Seconds until a login may be tried again for these keys (0: go ahead)."""
        now = self._clock()
        wait = 0.0
        with self._lock:
            for key in keys:
                q = self._prune(key, now)
                if len(q) >= self.max_failures:
                    wait = max(wait, q[0] + self.window - now)
        return wait

    def failure(self, *keys: str) -> None:
        now = self._clock()
        with self._lock:
            for key in keys:
                self._prune(key, now).append(now)

    def success(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)
