"""``motcua province user|site|web``: accounts, site names and the web screen.

::

    motcua province user add --db URL --username lan --name "Nguyễn Thị Lan" \\
        --role province|centre [--site SITE] [--password-stdin]
    motcua province user list --db URL
    motcua province user disable|enable --db URL --username lan
    motcua province site name --db URL --site 79-phuong-ben-thanh --name "Phường Bến Thành"
    motcua province web --db URL [--host 127.0.0.1] [--port 8080] --secret-file PATH

The password is asked twice on the terminal (never on the command line, where other
users could read it in the process list) or read from standard input with
``--password-stdin``. ``--secret-file`` holds the key that signs session cookies; it is
made (0600) on first start.
"""

from __future__ import annotations

import argparse
import getpass
import os
import secrets
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine
from sqlalchemy.exc import SQLAlchemyError

from motcua.province.web.accounts import ROLES, AccountError, Accounts

__all__ = ["add_parsers", "run"]


class WebCliError(Exception):
    """Printed without a traceback."""


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    u = sub.add_parser("user", help="tài khoản màn hình tỉnh / web screen accounts")
    usub = u.add_subparsers(dest="user_command", required=True)
    add = usub.add_parser("add", help="thêm tài khoản / add an account")
    add.add_argument("--username", required=True)
    add.add_argument("--name", required=True, help="họ tên / display name")
    add.add_argument("--role", required=True, choices=ROLES,
                     help="province: cán bộ tỉnh (mọi trung tâm); centre: quản lý một trung tâm")
    add.add_argument("--site", help="mã trung tâm (vai trò centre) / site id for role centre")
    add.add_argument("--password-stdin", action="store_true",
                     help="đọc mật khẩu từ stdin / read the password from standard input")
    usub.add_parser("list", help="liệt kê / list accounts")
    for name in ("disable", "enable"):
        p = usub.add_parser(name, help=f"{name} an account")
        p.add_argument("--username", required=True)
    s = sub.add_parser("site", help="tên trung tâm / centre names")
    ssub = s.add_subparsers(dest="site_command", required=True)
    sn = ssub.add_parser("name", help="đặt tên hiển thị / set a display name")
    sn.add_argument("--site", required=True)
    sn.add_argument("--name", required=True)
    t = sub.add_parser("token", help="mã truy cập API tích hợp / integration API tokens")
    tsub = t.add_subparsers(dest="token_command", required=True)
    tadd = tsub.add_parser("add", help="cấp mã / issue a token (shown once)")
    tadd.add_argument("--client", required=True, help="hệ thống khách / client system name")
    tadd.add_argument("--scope", action="append", default=[],
                      help="tickets:read (có thể lặp / may repeat)")
    trev = tsub.add_parser("revoke", help="thu hồi / revoke a token")
    trev.add_argument("--id", required=True)
    tlist = tsub.add_parser("list", help="liệt kê / list tokens")
    w = sub.add_parser("web", help="chạy màn hình tỉnh / serve the provincial web screen")
    w.add_argument("--host", default="127.0.0.1",
                   help="địa chỉ nghe; để sau reverse proxy TLS / listen address (behind TLS)")
    w.add_argument("--port", type=int, default=8080)
    w.add_argument("--secret-file", required=True, help="khóa ký cookie / cookie signing key")
    w.add_argument("--offline-minutes", type=int, default=15)
    w.add_argument("--insecure-cookies", action="store_true",
                   help="cookie không Secure, chỉ để thử qua http / testing over plain http")
    for p in (add, *(usub.choices[n] for n in ("list", "disable", "enable")), sn, w, tadd,
              trev, tlist):
        p.add_argument("--db", required=True, help="postgresql+psycopg://USER@HOST:5432/DB")
        p.add_argument("--schema", default="province")


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Mật khẩu / password: ")
    if first != getpass.getpass("Nhập lại / again: "):
        raise WebCliError("hai lần nhập không khớp / the two entries differ")
    return first


def _secret(path: Path) -> str:
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key + "\n")
    return key


def run(args: argparse.Namespace) -> int:
    """Run one of the commands above; returns the exit code."""
    engine = create_engine(args.db)
    accounts = Accounts(engine, args.schema)
    try:
        accounts.create_tables()
        if args.command == "user":
            return _user(args, accounts)
        if args.command == "token":
            return _token(args, engine)
        if args.command == "site":
            accounts.name_site(args.site, args.name)
            print(f"Đã đặt tên / named: {args.site} = {args.name}")
            return 0
        return _serve(args, engine)
    except (AccountError, WebCliError, ValueError) as exc:
        print(f"Lỗi / error: {exc}", file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:
        print(f"Lỗi / error: không dùng được cơ sở dữ liệu / cannot use the database: "
              f"{str(exc).splitlines()[0]}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()


def _user(args: argparse.Namespace, accounts: Accounts) -> int:
    if args.user_command == "add":
        account = accounts.add(args.username, args.name, _password(args), args.role, args.site)
        print(f"Đã tạo tài khoản / account created: {account.username} ({account.role_vi} / "
              f"{account.role_en})")
    elif args.user_command == "list":
        for a in accounts.all():
            state = "" if a.active else "  [khóa / disabled]"
            print(f"{a.username}\t{a.name}\t{a.role}\t{a.site or '-'}{state}")
    else:
        accounts.set_active(args.username, args.user_command == "enable")
        print(f"Đã {'mở' if args.user_command == 'enable' else 'khóa'} / "
              f"{args.user_command}d: {args.username}")
    return 0


def _token(args: argparse.Namespace, engine: Any) -> int:
    from motcua.province.web.api_tokens import ApiTokens

    tokens = ApiTokens(engine, args.schema)
    tokens.create_tables()
    if args.token_command == "add":
        token_id, token = tokens.issue(args.client, args.scope or ["tickets:read"])
        print(f"Mã truy cập (chỉ hiện một lần) / API token (shown once), id {token_id}:\n{token}")
    elif args.token_command == "revoke":
        if not tokens.revoke(args.id):
            raise WebCliError(f"không có mã {args.id} còn hiệu lực / no live token {args.id}")
        print(f"Đã thu hồi / revoked: {args.id}")
    else:
        for c in tokens.all():
            state = "thu hồi / revoked" if c.revoked_at else "hiệu lực / live"
            print(f"{c.id}\t{c.client}\t{','.join(c.scopes)}\t{state}")
    return 0


def _serve(args: argparse.Namespace, engine: object) -> int:
    from datetime import timedelta

    import uvicorn

    from motcua.province.web.app import make_app
    from motcua.web import WebSettings

    settings = WebSettings(secret_key=_secret(Path(args.secret_file)),
                           secure_cookies=not args.insecure_cookies,
                           title="motcua · màn hình tỉnh")
    app = make_app(engine, args.schema, settings,  # type: ignore[arg-type]
                   offline_after=timedelta(minutes=args.offline_minutes))
    # proxy_headers: the client address (rate limit, audit) is the one the proxy saw
    uvicorn.run(app, host=args.host, port=args.port, proxy_headers=True,
                forwarded_allow_ips="127.0.0.1", log_level="info")
    return 0
