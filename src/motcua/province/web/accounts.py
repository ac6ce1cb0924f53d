"""Accounts, roles and the export audit log of the provincial web screen.

Tables in the province schema:

``web_users``
    ``username`` (folded to lower case NFC), display ``name``, argon2id ``password_hash``,
    ``role`` — ``province`` (province staff: every centre) or ``centre`` (a centre
    manager: only ``site``) — and ``active``.
``web_audit``
    One row per export or account change: when, who, what, which site/month, from where.
    Rows are only ever inserted.
``web_sites``
    Optional display names of sites (``motcua province site name``); a site without a row
    is shown by its id.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Engine, text

from motcua.core.text import nfc
from motcua.web.security import PasswordHasher

__all__ = ["ROLES", "Account", "AccountError", "Accounts"]

ROLES = ("province", "centre")
Role = Literal["province", "centre"]
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
_SCHEMA = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
MAX_NAME = 120


class AccountError(ValueError):
    """A bad account request, in words (Vietnamese / English)."""


@dataclass(frozen=True)
class Account:
    username: str
    name: str
    role: Role
    site: str | None
    active: bool

    @property
    def role_vi(self) -> str:
        return "Cán bộ tỉnh" if self.role == "province" else f"Quản lý trung tâm {self.site}"

    @property
    def role_en(self) -> str:
        return "Province staff" if self.role == "province" else f"Manager of {self.site}"

    def may_see(self, site: str) -> bool:
        """Province staff see every centre; a centre manager only their own."""
        return self.active and (self.role == "province" or self.site == site)


class Accounts:
    """Account and audit storage in one province schema (thread-safe: a connection a call)."""

    def __init__(self, engine: Engine, schema: str = "province",
                 hasher: PasswordHasher | None = None) -> None:
        if not _SCHEMA.match(schema):
            raise ValueError(f"invalid schema name {schema!r}")
        self.engine = engine
        self.schema = schema
        self.hasher = hasher or PasswordHasher()

    def create_tables(self) -> None:
        s = self.schema
        with self.engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"),
                         {"k": f"motcua-province-web:{s}"})
            conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {s}"))
            conn.execute(text(f"""CREATE TABLE IF NOT EXISTS {s}.web_users (
                username text PRIMARY KEY, name text NOT NULL, password_hash text NOT NULL,
                role text NOT NULL CHECK (role IN ('province', 'centre')), site text,
                active boolean NOT NULL DEFAULT true,
                created_at timestamptz NOT NULL DEFAULT now(),
                CHECK (role = 'province' OR site IS NOT NULL))"""))
            conn.execute(text(f"""CREATE TABLE IF NOT EXISTS {s}.web_audit (
                id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(),
                username text NOT NULL, action text NOT NULL, site text, month text,
                detail jsonb NOT NULL DEFAULT '{{}}', client text)"""))
            conn.execute(text(f"""CREATE TABLE IF NOT EXISTS {s}.web_sites (
                site text PRIMARY KEY, name text NOT NULL)"""))

    # -- users ------------------------------------------------------------------------------
    @staticmethod
    def clean_username(username: str) -> str:
        u = nfc(username.strip()).lower()
        if not _USERNAME.match(u):
            raise AccountError(
                "tên đăng nhập chỉ gồm a-z, 0-9, dấu chấm, gạch ngang, gạch dưới (2–40 ký tự) / "
                "user names use a-z, 0-9, '.', '-', '_' (2 to 40 characters)")
        return u

    def add(self, username: str, name: str, password: str, role: str,
            site: str | None = None) -> Account:
        """Create an account; AccountError in words for every bad input."""
        u = self.clean_username(username)
        display = nfc(name.strip())
        if not display or len(display) > MAX_NAME:
            raise AccountError(f"họ tên cần 1–{MAX_NAME} ký tự / the name needs 1 to "
                               f"{MAX_NAME} characters")
        if role not in ROLES:
            raise AccountError("vai trò phải là 'province' (cán bộ tỉnh) hoặc 'centre' (quản lý "
                               "trung tâm) / role must be 'province' or 'centre'")
        site_id = nfc(site.strip()) if site else None
        if role == "centre" and not site_id:
            raise AccountError("quản lý trung tâm cần --site / a centre manager needs --site")
        if role == "province":
            site_id = None
        if len(password) < 10:
            raise AccountError("mật khẩu cần ít nhất 10 ký tự / the password needs at least "
                               "10 characters")
        with self.engine.begin() as conn:
            done = conn.execute(text(
                f"INSERT INTO {self.schema}.web_users (username, name, password_hash, role, site)"
                " VALUES (:u, :n, :h, :r, :s) ON CONFLICT (username) DO NOTHING"),
                {"u": u, "n": display, "h": self.hasher.hash(password), "r": role,
                 "s": site_id}).rowcount
        if not done:
            raise AccountError(f"tên đăng nhập {u} đã có / user {u} already exists")
        self.audit("cli", "user.add", site_id, None, {"username": u, "role": role})
        return Account(u, display, role, site_id, True)  # type: ignore[arg-type]

    def get(self, username: str) -> Account | None:
        with self.engine.connect() as conn:
            row = conn.execute(text(
                f"SELECT username, name, role, site, active FROM {self.schema}.web_users "
                "WHERE username = :u"), {"u": nfc(username.strip()).lower()}).one_or_none()
        return Account(*row) if row else None

    def all(self) -> list[Account]:
        with self.engine.connect() as conn:
            rows = conn.execute(text(
                f"SELECT username, name, role, site, active FROM {self.schema}.web_users "
                "ORDER BY username")).all()
        return [Account(*r) for r in rows]

    def set_active(self, username: str, active: bool) -> None:
        with self.engine.begin() as conn:
            n = conn.execute(text(f"UPDATE {self.schema}.web_users SET active = :a "
                                  "WHERE username = :u"),
                             {"a": active, "u": self.clean_username(username)}).rowcount
        if not n:
            raise AccountError(f"không có tài khoản {username} / no user {username}")
        self.audit("cli", "user.enable" if active else "user.disable", None, None,
                   {"username": username})

    def authenticate(self, username: str, password: str) -> Account | None:
        """The active account for these credentials, or None (same cost either way)."""
        try:
            u = self.clean_username(username)
        except AccountError:
            u = ""
        with self.engine.connect() as conn:
            row = conn.execute(text(
                f"SELECT username, name, role, site, active, password_hash "
                f"FROM {self.schema}.web_users WHERE username = :u"), {"u": u}).one_or_none()
        if row is None:
            # Hash anyway so a wrong user name takes as long as a wrong password.
            self.hasher.verify(self._dummy_hash(), password)
            return None
        if not self.hasher.verify(row.password_hash, password) or not row.active:
            return None
        if self.hasher.needs_rehash(row.password_hash):
            with self.engine.begin() as conn:
                conn.execute(text(f"UPDATE {self.schema}.web_users SET password_hash = :h "
                                  "WHERE username = :u"),
                             {"h": self.hasher.hash(password), "u": u})
        return Account(row.username, row.name, row.role, row.site, row.active)

    _dummy: str | None = None

    def _dummy_hash(self) -> str:
        if self._dummy is None:
            self._dummy = self.hasher.hash("motcua-not-a-password")
        return self._dummy

    # -- sites ------------------------------------------------------------------------------
    def name_site(self, site: str, name: str) -> None:
        display = nfc(name.strip())
        if not site.strip() or not display or len(display) > MAX_NAME:
            raise AccountError("cần mã điểm và tên (1–120 ký tự) / a site id and a name "
                               "(1 to 120 characters) are needed")
        with self.engine.begin() as conn:
            conn.execute(text(f"INSERT INTO {self.schema}.web_sites (site, name) VALUES (:s, :n)"
                              " ON CONFLICT (site) DO UPDATE SET name = EXCLUDED.name"),
                         {"s": nfc(site.strip()), "n": display})

    def site_names(self) -> dict[str, str]:
        with self.engine.connect() as conn:
            return {s: n for s, n in conn.execute(text(
                f"SELECT site, name FROM {self.schema}.web_sites")).all()}

    # -- audit ------------------------------------------------------------------------------
    def audit(self, username: str, action: str, site: str | None, month: str | None,
              detail: dict[str, Any] | None = None, client: str | None = None) -> None:
        with self.engine.begin() as conn:
            conn.execute(text(
                f"INSERT INTO {self.schema}.web_audit (username, action, site, month, detail,"
                " client) VALUES (:u, :a, :s, :m, CAST(:d AS jsonb), :c)"),
                {"u": username, "a": action, "s": site, "m": month,
                 "d": json.dumps(detail or {}, ensure_ascii=False), "c": client})

    def audit_log(self, limit: int = 200) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(text(
                f"SELECT at, username, action, site, month, detail, client "
                f"FROM {self.schema}.web_audit ORDER BY id DESC LIMIT :n"),
                {"n": limit}).mappings().all()
        return [dict(r) for r in rows]


def now_vn() -> datetime:
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo("Asia/Ho_Chi_Minh"))
