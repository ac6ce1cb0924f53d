"""The web kit: sessions, CSRF, password hashing, login rate limit, SSE, filters, layout.

A tiny app built the way every motcua web screen is built, served by a real uvicorn
for the browser test and by Starlette's TestClient (over https://) for the rest.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date, datetime
from typing import Annotated, Any

import jinja2
import pytest
from fastapi import Depends, FastAPI, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.testclient import TestClient
from playwright.sync_api import expect

from motcua.web import (
    EventBroker,
    LoginRateLimiter,
    PasswordHasher,
    WebSettings,
    check_csrf,
    create_app,
    login_session,
    make_templates,
    session_subject,
    sse_response,
)
from motcua.web.sse import format_sse
from motcua.web.templating import vn_date, vn_datetime, vn_number, vn_percent
from tests.support.browser import LiveServer

HOME = """{% extends "web/base.html" %}{% import "web/macros.html" as m %}
{% block body_attrs %} data-live="/live"{% endblock %}
{% block content %}<h1>{{ m.t("Xin chào", "Hello") }} <span id="who">{{ user.name }}</span></h1>
<p>Ngày <span id="day">{{ day|vn_date }}</span> · <span id="count">0</span></p>
<form method="post" action="/note">{{ m.csrf(request) }}<input name="note"><button>Lưu</button></form>
{% endblock %}
{% block scripts %}<script src="{{ url_for('web-static', path='live.js') }}"></script>{% endblock %}"""
LOGIN = """{% extends "web/base.html" %}{% block content %}
<form class="stack" method="post" action="/login">
<input type="hidden" name="csrf_token" value="{{ csrf_token(request) }}">
<label>Tên <input name="username"></label><label>Mật khẩu <input name="password" type="password"></label>
<button>Đăng nhập</button></form>{% endblock %}"""


class User:
    def __init__(self, name: str) -> None:
        self.name = name


def current_user(request: Request) -> User:
    sub = session_subject(request)
    if sub is None:
        raise HTTPException(401)
    request.state.user = User(sub)
    return request.state.user


CurrentUser = Annotated[User, Depends(current_user)]


def kit_app(secure: bool = True) -> tuple[FastAPI, EventBroker]:
    hasher = PasswordHasher(fast_for_tests=True)
    users = {"lan": hasher.hash("mật-khẩu-đúng")}
    limiter = LoginRateLimiter(max_failures=3, window=60)
    broker = EventBroker()
    templates = make_templates([jinja2.DictLoader({"home.html": HOME, "login.html": LOGIN})])
    app = create_app(WebSettings.for_tests(secure_cookies=secure), templates)
    notes: list[str] = []

    @app.get("/")
    def home(request: Request, user: CurrentUser) -> Response:
        return templates.TemplateResponse(request, "home.html",
                                          {"user": user, "day": date(2025, 11, 24)})

    @app.get("/login")
    def login_form(request: Request) -> Response:
        return templates.TemplateResponse(request, "login.html", {})

    @app.post("/login", dependencies=[Depends(check_csrf)])
    def login(request: Request, username: Annotated[str, Form()],
              password: Annotated[str, Form()]) -> Response:
        keys = (f"ip:{request.client.host if request.client else ''}", f"user:{username}")
        wait = limiter.retry_after(*keys)
        if wait:
            raise HTTPException(429, headers={"Retry-After": str(int(wait) + 1)})
        stored = users.get(username)
        if stored is None or not hasher.verify(stored, password):
            limiter.failure(*keys)
            raise HTTPException(401, "Sai tên hoặc mật khẩu / wrong name or password")
        limiter.success(*keys)
        login_session(request, username)
        return RedirectResponse("/", 303)

    @app.post("/note", dependencies=[Depends(check_csrf)])
    def note(note: Annotated[str, Form()], user: CurrentUser) -> Response:
        notes.append(note)
        return RedirectResponse("/", 303)

    @app.get("/live")
    def live(request: Request, user: CurrentUser) -> Response:
        return sse_response(request, broker, {"home"}, first=[("hello", {"n": 0})],
                            heartbeat=0.5)

    app.state.notes = notes
    return app, broker


@pytest.fixture
def client() -> Iterator[TestClient]:
    app, _ = kit_app()
    with TestClient(app, base_url="https://testserver") as c:
        yield c


def _csrf(client: TestClient, path: str = "/login") -> str:
    html = client.get(path).text
    return html.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def _login(client: TestClient, password: str = "mật-khẩu-đúng") -> Any:
    return client.post("/login", data={"username": "lan", "password": password,
                                       "csrf_token": _csrf(client)}, follow_redirects=False)


def test_password_hash_is_argon2id_and_verifies() -> None:
    hasher = PasswordHasher(fast_for_tests=True)
    h = hasher.hash("Mật khẩu 123")
    assert h.startswith("$argon2id$")
    assert hasher.verify(h, "Mật khẩu 123")
    assert not hasher.verify(h, "mật khẩu 123")
    assert not hasher.verify("not a hash", "x")
    assert PasswordHasher().needs_rehash(h)  # weak test parameters get upgraded
    with pytest.raises(ValueError):
        hasher.hash("")


def test_login_sets_a_hardened_session_cookie(client: TestClient) -> None:
    r = _login(client)
    assert r.status_code == 303
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "secure" in cookie and "samesite=lax" in cookie
    page = client.get("/")
    assert page.status_code == 200 and "lan" in page.text
    assert page.headers["x-frame-options"] == "DENY"
    assert "script-src 'self'" in page.headers["content-security-policy"]


def test_pages_need_a_session_and_errors_are_in_words(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 401 and "Cần đăng nhập" in r.text and "Sign-in required" in r.text
    r = client.get("/nowhere", headers={"accept": "application/json"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "http_404"


def test_forms_without_the_csrf_token_are_refused(client: TestClient) -> None:
    r = client.post("/login", data={"username": "lan", "password": "mật-khẩu-đúng"})
    assert r.status_code == 403 and "reload the page" in r.text
    r = client.post("/login", data={"username": "lan", "password": "mật-khẩu-đúng",
                                    "csrf_token": "forged"})
    assert r.status_code == 403
    _login(client)
    r = client.post("/note", data={"note": "x"})  # signed in, still needs the token
    assert r.status_code == 403
    r = client.post("/note", data={"note": "x", "csrf_token": _csrf(client, "/")},
                    follow_redirects=False)
    assert r.status_code == 303


def test_login_rate_limit_locks_after_failures(client: TestClient) -> None:
    for _ in range(3):
        assert _login(client, "sai").status_code == 401
    r = _login(client)  # right password, but locked out for now
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    assert "Quá nhiều lần thử" in r.text


def test_rate_limiter_window_slides() -> None:
    now = [0.0]
    limiter = LoginRateLimiter(max_failures=2, window=10, clock=lambda: now[0])
    limiter.failure("k")
    now[0] = 5
    limiter.failure("k")
    assert limiter.retry_after("k") == pytest.approx(5)
    now[0] = 10.5  # the first failure left the window
    assert limiter.retry_after("k") == 0
    limiter.success("k")
    assert limiter.retry_after("k", "other") == 0


def test_filters_write_vietnamese_formats() -> None:
    assert vn_date(date(2025, 11, 4)) == "04/11/2025"
    assert vn_date("2025-11-24T23:30:00+00:00") == "25/11/2025"  # the day in Hồ Chí Minh City
    assert vn_datetime(datetime.fromisoformat("2025-11-24T09:05:00+07:00")) == "24/11/2025 09:05"
    assert vn_number(1234567.25, 1) == "1.234.567,2" or vn_number(1234567.25, 1) == "1.234.567,3"
    assert vn_number(1234) == "1.234" and vn_number(None) == ""
    assert vn_percent(0.875) == "87,5 %"


def test_templates_escape_hostile_text() -> None:
    templates = make_templates([jinja2.DictLoader({"x.html": "<p>{{ name }}</p>"})])
    html = templates.get_template("x.html").render(name="<script>alert(1)</script>' OR 1=1 --")
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_sse_message_format_and_broker_from_another_thread() -> None:
    assert format_sse("patch", {"a": "Đ"}) == 'event: patch\ndata: {"a":"Đ"}\n\n'
    import asyncio

    async def scenario() -> list[Any]:
        broker = EventBroker(queue_size=2)
        sub = broker.subscribe({"t"})
        other = broker.subscribe({"u"})
        threads = [threading.Thread(target=broker.publish, args=("t", "e", i)) for i in range(3)]
        for t in threads:
            t.start()
            t.join()
        got = [await asyncio.wait_for(sub.queue.get(), 5) for _ in range(2)]
        assert other.queue.empty() and sub.dropped == 1  # bounded: oldest dropped
        broker.unsubscribe(sub)
        assert broker.publish("t", "e", 9) == 0
        return got

    # A loop of its own in a thread of its own: Playwright's sync API (other tests, same
    # worker) keeps an event loop on the main thread, where asyncio.run() may not start one.
    result: list[Any] = []
    runner = threading.Thread(target=lambda: result.extend(asyncio.run(scenario())))
    runner.start()
    runner.join(10)
    assert [d for _, d in result] == [1, 2]


def test_browser_login_live_update_and_layout(browser: Any) -> None:
    """Real uvicorn + Chromium: log in, see a live SSE patch, fit on a phone."""
    app, broker = kit_app()
    with LiveServer(app) as server:
        ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
        page = ctx.new_page()
        page.goto(server.url + "/login")
        page.fill("input[name=username]", "lan")
        page.fill("input[name=password]", "mật-khẩu-đúng")
        page.click("button")
        page.wait_for_url(server.url + "/")
        assert page.text_content("#day") == "24/11/2025"
        # the server subscribes before it answers, so an open stream has a subscriber
        page.wait_for_selector("body[data-live-state=open]", state="attached")
        assert broker.subscribers == 1
        broker.publish("home", "patch", {"text": {"count": "<b>7</b>"}, "version": 1})
        expect(page.locator("#count")).to_have_text("<b>7</b>")
        assert page.locator("#count b").count() == 0  # text, never markup
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390  # nothing wider than a phone
        ctx.close()
