"""What every route of the provincial screen shares: the app's state and who is signed in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy import Engine

from motcua.province.web.accounts import Account, Accounts
from motcua.province.web.live import LiveFeed
from motcua.province.web.queries import VN_TZ
from motcua.web import EventBroker, LoginRateLimiter, session_subject

__all__ = ["ProvinceWeb", "User", "current_account", "nav", "require_site", "vn_now"]


@dataclass
class ProvinceWeb:
    """Everything the routes share (kept on ``app.state.province``)."""

    engine: Engine
    schema: str
    accounts: Accounts
    broker: EventBroker
    feed: LiveFeed
    limiter: LoginRateLimiter
    clock: Callable[[], datetime]
    offline_after: timedelta
    names: dict[str, str] = field(default_factory=dict)

    def now(self) -> datetime:
        return self.clock().astimezone(VN_TZ)

    def site_names(self) -> dict[str, str]:
        self.names = self.accounts.site_names()
        return self.names


def vn_now() -> datetime:
    return datetime.now(VN_TZ)


def province_of(request: Request) -> ProvinceWeb:
    pw: ProvinceWeb = request.app.state.province
    return pw


def current_account(request: Request) -> Account:
    """The signed-in, still active account; 401 otherwise (re-read on every request)."""
    sub = session_subject(request)
    account = province_of(request).accounts.get(sub) if sub else None
    if account is None or not account.active:
        raise HTTPException(401)
    request.state.user = account
    return account


User = Annotated[Account, Depends(current_account)]


def require_site(account: Account, site: str) -> None:
    if not account.may_see(site):
        raise HTTPException(403, "Tài khoản này không được xem trung tâm đó / this account "
                                 "may not see that centre")


def nav(request: Request, account: Account | None) -> list[tuple[str, str, str, bool]]:
    if account is None:
        return []
    path = request.url.path
    items = [("/", "Tổng quan", "Overview", path == "/"),
             ("/reports", "Báo cáo tháng", "Month reports", path.startswith("/reports"))]
    if account.role == "province":
        items.append(("/audit", "Nhật ký xuất", "Export log", path == "/audit"))
    return items
