"""The shared web kit: one way to build motcua's browser pages.

Every web screen (the provincial screen, the centre admin, booking and ticket pages)
is a FastAPI app made by :func:`motcua.web.app.create_app`, so they all get the same
signed session cookie, CSRF check, security headers, bilingual error pages, base
layout and Jinja2 filters (dates dd/mm/yyyy, numbers 1.234,5). See docs/web.md.
"""

from __future__ import annotations

from motcua.web.app import WebSettings, create_app, wants_json
from motcua.web.security import (
    CSRF_FIELD,
    CSRF_HEADER,
    LoginRateLimiter,
    PasswordHasher,
    check_csrf,
    csrf_token,
    login_session,
    logout_session,
    session_subject,
)
from motcua.web.sse import EventBroker, sse_response
from motcua.web.templating import make_templates

__all__ = ["CSRF_FIELD", "CSRF_HEADER", "EventBroker", "LoginRateLimiter", "PasswordHasher",
           "WebSettings", "check_csrf", "create_app", "csrf_token", "login_session",
           "logout_session", "make_templates", "session_subject", "sse_response", "wants_json"]
