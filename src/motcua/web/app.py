"""The app factory every motcua web screen starts from.

:func:`create_app` returns a FastAPI app with:

- the signed session cookie (HttpOnly, SameSite=Lax, Secure unless
  ``WebSettings.secure_cookies`` is False, which only a plain-http test should set);
- security headers on every response (CSP without inline scripts, no framing,
  no MIME sniffing, same-origin referrer);
- errors in words, Vietnamese first: HTML pages for browsers, ``{"error": {"code",
  "message"}}`` JSON for API clients (paths under ``/api/`` or ``Accept: application/json``);
- the kit's static files at ``/static/web`` (``motcua.css``, ``live.js``).

A reverse proxy terminates TLS in production (deploy/); uvicorn runs with
``proxy_headers`` so the client address of the rate limiter is the real one.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["WebSettings", "create_app", "error_response", "wants_json"]

log = logging.getLogger(__name__)

_SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"content-security-policy",
     b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
     b"connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"),
]

_MESSAGES = {
    400: ("Yêu cầu không hợp lệ", "Bad request"),
    401: ("Cần đăng nhập", "Sign-in required"),
    403: ("Không có quyền", "Forbidden"),
    404: ("Không tìm thấy", "Not found"),
    405: ("Phương thức không được phép", "Method not allowed"),
    413: ("Yêu cầu quá lớn", "Request too large"),
    422: ("Dữ liệu không hợp lệ", "Invalid input"),
    429: ("Quá nhiều lần thử", "Too many attempts"),
    500: ("Lỗi máy chủ", "Server error"),
}


@dataclass(frozen=True)
class WebSettings:
    """What every web app needs to know; ``secret_key`` signs the session cookie."""

    secret_key: str
    secure_cookies: bool = True
    session_cookie: str = "motcua_session"
    session_max_age: int = 8 * 3600  # one working day
    title: str = "motcua"

    @staticmethod
    def for_tests(**kw: Any) -> WebSettings:
        return WebSettings(secret_key=secrets.token_urlsafe(32), **kw)


class SecurityHeaders:
    """Pure ASGI middleware (keeps SSE streaming unbuffered) adding the headers above."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in _SECURITY_HEADERS if k not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def wants_json(request: Request) -> bool:
    """API clients get JSON errors; browsers get a page."""
    return request.url.path.startswith("/api/") or \
        "application/json" in request.headers.get("accept", "")


def error_response(request: Request, status: int, detail: str | None = None,
                   code: str | None = None,
                   headers: dict[str, str] | None = None) -> Response:
    """An error in words: JSON for API clients, the kit's error page for browsers."""
    vi, en = _MESSAGES.get(status, ("Lỗi", "Error"))
    message = detail or f"{vi} / {en}"
    if wants_json(request):
        return JSONResponse({"error": {"code": code or f"http_{status}", "message": message}},
                            status_code=status, headers=headers)
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(
        request, "web/error.html",
        {"status": status, "title_vi": vi, "title_en": en, "message": message,
         "user": getattr(request.state, "user", None)},
        status_code=status, headers=headers)


def create_app(settings: WebSettings, templates: Jinja2Templates, *,
               docs: bool = False, **fastapi_kw: Any) -> FastAPI:
    """A FastAPI app with the kit's session, headers, errors and static files.

    ``docs=True`` serves the OpenAPI schema at ``/api/openapi.json`` and its pages at
    ``/api/docs`` (for apps with an integration API); otherwise none are served.
    """
    app = FastAPI(title=settings.title,
                  openapi_url="/api/openapi.json" if docs else None,
                  docs_url="/api/docs" if docs else None, redoc_url=None, **fastapi_kw)
    app.state.settings = settings
    app.state.templates = templates
    app.add_middleware(SessionMiddleware, secret_key=settings.secret_key,
                       session_cookie=settings.session_cookie,
                       max_age=settings.session_max_age, same_site="lax",
                       https_only=settings.secure_cookies)
    app.add_middleware(SecurityHeaders)
    app.mount("/static/web", StaticFiles(packages=[("motcua.web", "static")]),
              name="web-static")

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else None
        code = getattr(exc, "code", None)
        return error_response(request, exc.status_code, detail, code,
                              dict(exc.headers) if exc.headers else None)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        where = "; ".join(".".join(str(p) for p in e.get("loc", ())) + ": " + str(e.get("msg"))
                          for e in exc.errors()[:5])
        return error_response(request, 422, f"Dữ liệu không hợp lệ / invalid input: {where}",
                              "invalid_input")

    @app.get("/healthz", include_in_schema=False)
    async def _health() -> Response:
        return HTMLResponse("ok")

    return app
