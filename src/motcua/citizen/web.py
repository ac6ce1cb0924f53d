"""The citizen service's web app: ticket pages, their live stream, and the kiosk's
"tell me by message" request.

- ``GET /t/{token}``: the ticket page (no sign-in: the token is the key; it shows nothing
  personal and works only on the ticket's day);
- ``GET /t/{token}/stream``: server-sent events with the page's new text whenever the
  ticket moves; the page beeps and vibrates when it is called;
- ``POST /api/subscribe``: a kiosk (``Authorization: Bearer <kiosk token>``) leaves a phone
  number for a waiting ticket; answers in words.
"""

from __future__ import annotations

import hmac
import logging

import jinja2
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from motcua.citizen.service import CitizenService
from motcua.core.phone import PhoneError
from motcua.web.app import WebSettings, create_app, error_response
from motcua.web.sse import sse_response
from motcua.web.templating import make_templates

log = logging.getLogger(__name__)

GONE_VI = "Không tìm thấy số thứ tự này hôm nay. Trang của mỗi số chỉ dùng trong ngày."
GONE_EN = "No ticket of today has this page. A ticket's page works on its own day only."


class SubscribeRequest(BaseModel):
    ticket: str = Field(max_length=64)
    phone: str = Field(max_length=32)
    near: int | None = Field(default=None, ge=0, le=50)


def create_citizen_app(service: CitizenService, settings: WebSettings, *,
                       kiosk_tokens: frozenset[str] = frozenset()) -> FastAPI:
    templates = make_templates([jinja2.PackageLoader("motcua.citizen", "templates")])
    app = create_app(settings, templates)
    app.mount("/static/citizen", StaticFiles(packages=[("motcua.citizen", "static")]),
              name="citizen-static")

    def centre_name() -> tuple[str, str]:
        view = service.view
        if view is None:
            return ("", "")
        c = view.centre
        return (f"{c.name_vi} {c.place_vi}".strip(), c.name_en)

    @app.get("/t/{token}", response_class=HTMLResponse)
    async def ticket_page(request: Request, token: str) -> Response:
        page = service.page(token)
        if page is None:
            return error_response(request, 404, f"{GONE_VI} / {GONE_EN}", "ticket_not_found")
        vi, en = centre_name()
        return templates.TemplateResponse(request, "citizen/ticket.html", {
            "page": page, "token": token, "centre_vi": vi, "centre_en": en})

    @app.get("/t/{token}/stream")
    async def ticket_stream(request: Request, token: str) -> Response:
        page = service.page(token)
        if page is None:
            return error_response(request, 404, f"{GONE_VI} / {GONE_EN}", "ticket_not_found")
        return sse_response(request, service.broker, {token}, first=[("patch", page.patch())])

    @app.post("/api/subscribe")
    async def subscribe(request: Request, body: SubscribeRequest) -> Response:
        auth = request.headers.get("authorization", "")
        given = auth.removeprefix("Bearer ").strip()
        if not any(hmac.compare_digest(given, t) for t in kiosk_tokens):
            raise HTTPException(401, "Thiết bị chưa được cấp quyền / device not authorised")
        if service.notifier is None:
            raise HTTPException(503, "Trung tâm chưa bật nhắn tin / messages are not set up")
        try:
            phone = service.notifier.subscribe(body.ticket, body.phone, body.near)
        except PhoneError as exc:
            return JSONResponse({"error": {"code": "bad_phone", "message":
                                           f"{exc.vi} / {exc.en}"}}, status_code=400)
        # The number is echoed masked: the kiosk shows it back, no log line holds it.
        return JSONResponse({"ok": True, "phone": f"{phone[:3]}****{phone[-3:]}"})

    return app
