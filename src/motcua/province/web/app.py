"""The provincial web screen's app: sign-in, overview, drill-down, reports, public pages.

``make_app(engine, schema, settings)`` returns the FastAPI app; ``motcua province web``
serves it with uvicorn behind a TLS reverse proxy (deploy/province-web.Caddyfile,
deploy/province-web.nginx.conf). Routes:

==========================  ======================================================
``/login`` ``/logout``      sign-in form (CSRF, rate limit), sign-out (POST)
``/``                       overview of every centre the user may see, live by SSE
``/centre/{site}``          one centre today, live by SSE
``/reports``                month report of the province (or the user's centre)
``/centre/{site}/report``   month report of one centre, with charts
``/export/...``             XLSX / CSV downloads, each written to the audit log
``/audit``                  the audit log (province staff)
``/public/{site}``          the centre's published satisfaction results (no sign-in)
==========================  ======================================================
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Annotated, Any

import jinja2
from fastapi import Depends, FastAPI, Form, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Engine

from motcua.province.reports import create_fact_tables
from motcua.province.store import Store
from motcua.province.web.accounts import Account, Accounts
from motcua.province.web.api import make_api
from motcua.province.web.api_tokens import ApiTokens
from motcua.province.web.deps import ProvinceWeb, User, nav, require_site, vn_now
from motcua.province.web.live import TOPIC, LiveFeed
from motcua.province.web.queries import centre_live, overview
from motcua.web import (
    EventBroker,
    LoginRateLimiter,
    PasswordHasher,
    WebSettings,
    check_csrf,
    create_app,
    login_session,
    logout_session,
    make_templates,
    sse_response,
)

__all__ = ["ProvinceWeb", "make_app"]

log = logging.getLogger(__name__)


def make_app(engine: Engine, schema: str, settings: WebSettings, *,
             clock: Callable[[], datetime] = vn_now, hasher: PasswordHasher | None = None,
             offline_after: timedelta = timedelta(minutes=15), poll_interval: float = 1.0,
             login_failures: int = 5) -> FastAPI:
    """The provincial screen on the province schema ``schema`` of ``engine``."""
    templates = make_templates([jinja2.PackageLoader("motcua.province.web", "templates")])
    broker = EventBroker()
    accounts = Accounts(engine, schema, hasher)
    feed = LiveFeed(engine, schema, broker, interval=poll_interval)
    tokens = ApiTokens(engine, schema)
    pw = ProvinceWeb(engine, schema, accounts, broker, feed,
                     LoginRateLimiter(max_failures=login_failures, window=300), clock,
                     offline_after)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        Store(engine, schema).create_schema()
        create_fact_tables(engine, schema)
        accounts.create_tables()
        tokens.create_tables()
        feed.start()
        try:
            yield
        finally:
            feed.stop()

    app = create_app(settings, templates, lifespan=lifespan)
    app.state.province = pw
    app.mount("/api", make_api(engine, schema, tokens))

    def page(request: Request, name: str, ctx: dict[str, Any], status: int = 200,
             account: Account | None = None) -> Response:
        user = account or getattr(request.state, "user", None)
        return templates.TemplateResponse(
            request, name, {"user": user, "nav": nav(request, user), "now": pw.now(), **ctx},
            status_code=status)

    # -- sign-in ----------------------------------------------------------------------------
    @app.get("/login")
    def login_form(request: Request) -> Response:
        return page(request, "province/login.html", {"error": None, "username": ""})

    @app.post("/login", dependencies=[Depends(check_csrf)])
    def login(request: Request, username: Annotated[str, Form(max_length=200)],
              password: Annotated[str, Form(max_length=1000)]) -> Response:
        client = request.client.host if request.client else "?"
        keys = (f"ip:{client}", f"user:{username.strip().lower()}")
        wait = pw.limiter.retry_after(*keys)
        if wait:
            raise HTTPException(429, f"Quá nhiều lần đăng nhập sai; thử lại sau {int(wait) + 1} "
                                     f"giây / too many failed sign-ins; try again in "
                                     f"{int(wait) + 1} s",
                                headers={"Retry-After": str(int(wait) + 1)})
        account = accounts.authenticate(username, password)
        if account is None:
            pw.limiter.failure(*keys)
            log.info("failed sign-in for %r from %s", username[:40], client)
            return page(request, "province/login.html",
                        {"error": "Sai tên đăng nhập hoặc mật khẩu / wrong user name or "
                                  "password", "username": username}, status=401)
        pw.limiter.success(*keys)
        login_session(request, account.username)
        target = "/" if account.role == "province" else f"/centre/{account.site}"
        return RedirectResponse(target, 303)

    @app.post("/logout", dependencies=[Depends(check_csrf)])
    def logout(request: Request) -> Response:
        logout_session(request)
        return RedirectResponse("/login", 303)

    # -- live pages -------------------------------------------------------------------------
    def overview_for(account: Account) -> list[Any]:
        sites = None if account.role == "province" else {account.site or ""}
        return overview(engine, schema, pw.now(), pw.site_names(), offline_after, sites)

    @app.get("/")
    def home(request: Request, account: User) -> Response:
        rows = overview_for(account)
        return page(request, "province/overview.html", {"rows": rows})

    @app.get("/live/overview")
    async def live_overview(request: Request, account: User) -> Response:
        fragment = templates.get_template("province/_overview_rows.html")

        async def render(event: str, data: Any) -> tuple[str, Any]:
            rows = await run_in_threadpool(overview_for, account)
            html = fragment.render(rows=rows, now=pw.now(), request=request)
            return "patch", {"html": {"overview-rows": html}, "version": data["version"]}

        return sse_response(request, broker, {TOPIC}, render=render)

    @app.get("/centre/{site}")
    def centre(request: Request, site: str, account: User) -> Response:
        require_site(account, site)
        live = centre_live(engine, schema, site, pw.now())
        if not live["known"]:
            raise HTTPException(404, f"Không có trung tâm {site} / no centre {site}")
        return page(request, "province/centre.html",
                    {"site": site, "name": pw.site_names().get(site, site), "live": live})

    @app.get("/live/centre/{site}")
    async def live_centre(request: Request, site: str, account: User) -> Response:
        require_site(account, site)
        fragment = templates.get_template("province/_centre_live.html")

        async def render(event: str, data: Any) -> tuple[str, Any]:
            live = await run_in_threadpool(centre_live, engine, schema, site, pw.now())
            html = fragment.render(live=live, site=site, request=request)
            return "patch", {"html": {"centre-live": html}, "version": data["version"]}

        return sse_response(request, broker, {TOPIC}, render=render)

    from motcua.province.web import reports_routes

    reports_routes.install(app, pw, page)
    return app
