"""The public booking pages and their JSON API (``motcua province booking serve``).

==============================================  =============================================
``GET /booking``                                 the centres that take bookings
``GET /booking/{site}?field=&day=``             pick field (and procedure), day, then a slot
``POST /booking/{site}``                         book (form, CSRF) -> the code and its QR
``GET /booking/code/{code}.png``                 the QR again, as a picture to download
``GET|POST /booking/cancel``                     cancel with the code and the phone number
``GET /api/booking/sites``                       JSON: centres, fields, procedures
``GET /api/booking/{site}/slots?field=&day=``    JSON: free places per slot
``POST /api/booking``                            JSON: book
``POST /api/booking/cancel``                     JSON: cancel
==============================================  =============================================

No sign-in and no CAPTCHA: attempts are limited per client address and per phone number
(sliding windows), bookings per person per day by the centre's rule.
"""

from __future__ import annotations

import base64
import io
import logging
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Annotated, Any

import jinja2
import qrcode
from fastapi import Depends, FastAPI, Form, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from motcua.core.booking import BookingError, format_code, normalise_code, sign
from motcua.province.booking.service import BookingService, Made
from motcua.web import LoginRateLimiter, WebSettings, check_csrf, create_app, make_templates

log = logging.getLogger(__name__)

WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"]


class BookRequest(BaseModel):
    site: str = Field(max_length=64)
    field: str = Field(max_length=4)
    day: date
    start: time
    phone: str = Field(max_length=32)
    procedure: str | None = Field(default=None, max_length=32)
    id_number: str | None = Field(default=None, max_length=20)


class CancelRequest(BaseModel):
    code: str = Field(max_length=20)
    phone: str = Field(max_length=32)


def qr_png(token: str) -> bytes:
    buf = io.BytesIO()
    qrcode.make(token, border=2, box_size=6).save(buf, "PNG")
    return buf.getvalue()


def make_booking_app(service: BookingService, settings: WebSettings, *,
                     clock: Callable[[], datetime], ip_attempts: int = 20,
                     phone_attempts: int = 6) -> FastAPI:
    templates = make_templates([jinja2.PackageLoader("motcua.province.booking", "templates")],
                               {"weekday": lambda d: WEEKDAYS[d.weekday()],
                                "format_code": format_code})
    app = create_app(settings, templates, docs=True)
    app.mount("/static/booking", StaticFiles(packages=[("motcua.province.booking", "static")]),
              name="booking-static")
    by_ip = LoginRateLimiter(max_failures=ip_attempts, window=600)
    by_phone = LoginRateLimiter(max_failures=phone_attempts, window=3600)

    def throttle(request: Request, phone: str) -> None:
        ip = f"ip:{request.client.host if request.client else '?'}"
        key = f"phone:{''.join(ch for ch in phone if ch.isdigit())[-9:]}"
        wait = max(by_ip.retry_after(ip), by_phone.retry_after(key))
        if wait:
            raise HTTPException(429, f"Quá nhiều lần đặt lịch; thử lại sau {int(wait) + 1} giây"
                                f" / too many attempts; try again in {int(wait) + 1} s",
                                headers={"Retry-After": str(int(wait) + 1)})
        by_ip.failure(ip)  # every attempt counts, not only failed ones
        by_phone.failure(key)

    def refusal(exc: BookingError) -> HTTPException:
        status = 404 if exc.code in {"unknown_centre", "not_found"} else (
            409 if exc.code in {"slot_full", "person_limit", "not_live"} else 400)
        err = HTTPException(status, f"{exc.vi} / {exc.en}")
        err.code = exc.code  # type: ignore[attr-defined]
        return err

    def page(request: Request, name: str, ctx: dict[str, Any], status: int = 200) -> Response:
        return templates.TemplateResponse(request, name, ctx, status_code=status)

    # -- pages --------------------------------------------------------------------------
    @app.get("/booking")
    def sites_page(request: Request) -> Response:
        return page(request, "booking/sites.html", {"sites": service.store.sites()})

    @app.get("/booking/cancel")
    def cancel_form(request: Request) -> Response:
        return page(request, "booking/cancel.html", {"done": None, "error": None})

    @app.post("/booking/cancel", dependencies=[Depends(check_csrf)])
    def cancel_page(request: Request, code: Annotated[str, Form(max_length=20)],
                    phone: Annotated[str, Form(max_length=32)]) -> Response:
        throttle(request, phone)
        try:
            b = service.cancel(normalise_code(code), phone, clock())
        except BookingError as exc:
            return page(request, "booking/cancel.html", {"done": None, "error": exc}, 400)
        return page(request, "booking/cancel.html", {"done": b, "error": None})

    @app.get("/booking/code/{code}.png")
    def qr_download(code: str) -> Response:
        found = service.store.get(normalise_code(code))
        if found is None or found[0].status != "booked":
            raise HTTPException(404, "Không tìm thấy lịch hẹn / no such booking")
        png = qr_png(sign(found[0].booking, service.key))
        return Response(png, media_type="image/png", headers={
            "Content-Disposition": f'attachment; filename="lich-hen-{found[0].booking.code}.png"'})

    @app.get("/booking/{site}")
    def pick_page(request: Request, site: str, field: str | None = None,
                  day: date | None = None) -> Response:
        try:
            s = service.site(site)
            days = service.days(s, clock())
            f = s.centre.field_by_code(field) if field else None
            slots = service.slots(s, field, day, clock()) if f and day in days and field \
                else []
        except BookingError as exc:
            raise refusal(exc) from None
        return page(request, "booking/pick.html", {"s": s, "days": days, "field": f,
                                                   "day": day, "slots": slots, "error": None})

    @app.post("/booking/{site}", dependencies=[Depends(check_csrf)])
    def book_page(request: Request, site: str, field: Annotated[str, Form(max_length=4)],
                  day: Annotated[date, Form()], start: Annotated[time, Form()],
                  phone: Annotated[str, Form(max_length=32)],
                  procedure: Annotated[str, Form(max_length=32)] = "",
                  id_number: Annotated[str, Form(max_length=20)] = "") -> Response:
        throttle(request, phone)
        try:
            s = service.site(site)
            made = service.book(site, field, day, start, phone, clock(),
                                procedure=procedure or None, id_number=id_number or None)
        except BookingError as exc:
            if exc.code == "unknown_centre":
                raise refusal(exc) from None
            f = s.centre.field_by_code(field)
            slots = service.slots(s, field, day, clock()) if f else []
            return page(request, "booking/pick.html", {
                "s": s, "days": service.days(s, clock()), "field": f, "day": day,
                "slots": slots, "error": exc}, 409 if exc.code == "slot_full" else 400)
        log.info("booking %s made for %s %s %s", made.booking.code, site, day, start)
        return done_page(request, made, s.centre.name_vi + " " + s.centre.place_vi)

    def done_page(request: Request, made: Made, centre_name: str) -> Response:
        qr = base64.b64encode(qr_png(made.token)).decode("ascii")
        return page(request, "booking/done.html", {"b": made.booking, "qr": qr,
                                                   "centre_name": centre_name})

    # -- JSON API -------------------------------------------------------------------------
    @app.get("/api/booking/sites")
    def api_sites() -> Response:
        return JSONResponse([{
            "site": s.site, "name_vi": f"{s.centre.name_vi} {s.centre.place_vi}",
            "name_en": s.centre.name_en, "slot_minutes": s.rules.slot_minutes,
            "fields": [{"code": f.code, "vi": f.vi, "en": f.en, "procedures": [
                {"id": p.id, "vi": p.vi, "en": p.en,
                 "documents": [d.vi for d in p.documents]} for p in f.procedures]}
                for f in s.centre.fields]} for s in service.store.sites()])

    @app.get("/api/booking/{site}/slots")
    def api_slots(site: str, field: str, day: date) -> Response:
        try:
            s = service.site(site)
            if day not in service.days(s, clock()):
                return JSONResponse({"day": day.isoformat(), "open": False, "slots": []})
            slots = service.slots(s, field, day, clock())
        except BookingError as exc:
            raise refusal(exc) from None
        return JSONResponse({"day": day.isoformat(), "open": True, "slots": [
            {"start": sl.start.strftime("%H:%M"), "free": sl.free} for sl in slots]})

    @app.post("/api/booking")
    def api_book(request: Request, body: BookRequest) -> Response:
        throttle(request, body.phone)
        try:
            made = service.book(body.site, body.field, body.day, body.start, body.phone,
                                clock(), procedure=body.procedure, id_number=body.id_number)
        except BookingError as exc:
            raise refusal(exc) from None
        return JSONResponse({"code": made.booking.code, "display_code":
                             format_code(made.booking.code), "token": made.token,
                             "booking": made.booking.to_dict()}, status_code=201)

    @app.post("/api/booking/cancel")
    def api_cancel(request: Request, body: CancelRequest) -> Response:
        throttle(request, body.phone)
        try:
            b = service.cancel(normalise_code(body.code), body.phone, clock())
        except BookingError as exc:
            raise refusal(exc) from None
        return JSONResponse({"cancelled": b.code})

    return app
