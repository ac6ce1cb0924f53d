"""``motcua province booking``: the signing key, the centres that take bookings, the pages.

::

    motcua province booking keygen --out /etc/motcua/booking
    motcua province booking site --db URL --config centre.toml [--slot-minutes 15]
        [--per-slot 2] [--days-ahead 14] [--per-person 2]
    motcua province booking serve --db URL --key /etc/motcua/booking/booking.key
        --secret-file /var/lib/motcua/booking.secret [--host 127.0.0.1] [--port 8081]

``keygen`` writes ``booking.key`` (the province's Ed25519 private key, 0600: it signs every
booking code) and ``booking.pub`` (give it to every centre's hub: they verify codes with it,
also offline). ``--secret-file`` keys the person hashes and signs session cookies; it is
made (0600) on first start.
"""

from __future__ import annotations

import argparse
import os
import secrets
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

__all__ = ["add_parsers", "load_private_key", "load_public_key", "run"]


class BookingCliError(Exception):
    """Printed without a traceback."""


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    b = sub.add_parser("booking", help="đặt lịch hẹn trực tuyến / online booking")
    bsub = b.add_subparsers(dest="booking_command", required=True)
    k = bsub.add_parser("keygen", help="tạo khoá ký mã đặt lịch / make the signing key")
    k.add_argument("--out", type=Path, required=True)
    s = bsub.add_parser("site", help="một trung tâm nhận đặt lịch / a centre takes bookings")
    s.add_argument("--db", required=True)
    s.add_argument("--schema", default="province")
    s.add_argument("--config", type=Path, required=True, help="centre.toml của trung tâm")
    s.add_argument("--slot-minutes", type=int, default=15)
    s.add_argument("--per-slot", type=int, default=2,
                   help="số lịch mỗi lĩnh vực mỗi khung giờ / bookings per field per slot")
    s.add_argument("--days-ahead", type=int, default=14)
    s.add_argument("--per-person", type=int, default=2,
                   help="số lịch mỗi người mỗi ngày / bookings per person per day")
    v = bsub.add_parser("serve", help="chạy trang đặt lịch / serve the booking pages")
    v.add_argument("--db", required=True)
    v.add_argument("--schema", default="province")
    v.add_argument("--key", type=Path, required=True, help="booking.key")
    v.add_argument("--secret-file", type=Path, required=True)
    v.add_argument("--host", default="127.0.0.1")
    v.add_argument("--port", type=int, default=8081)


def load_private_key(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError) as exc:
        raise BookingCliError(f"không đọc được khoá ký {path} / cannot read the signing key: "
                              f"{exc}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise BookingCliError(f"{path} không phải khoá Ed25519 / is not an Ed25519 key")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    """The province's public key a hub verifies booking codes with."""
    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise BookingCliError(f"không đọc được khoá {path} / cannot read the key: {exc}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise BookingCliError(f"{path} không phải khoá Ed25519 / is not an Ed25519 key")
    return key


def _secret(path: Path) -> bytes:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32) + "\n")
    return bytes.fromhex(path.read_text().strip())


def _keygen(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    private, public = out / "booking.key", out / "booking.pub"
    if private.exists():
        raise BookingCliError(f"{private} đã có; không ghi đè / exists; not overwritten")
    key = Ed25519PrivateKey.generate()
    fd = os.open(private, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    public.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                     serialization.PublicFormat.SubjectPublicKeyInfo))
    print(f"Đã tạo / created {private} (giữ kín / keep secret) và {public} (gửi cho các hub / "
          "give to every centre's hub)")
    return 0


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except BookingCliError as exc:
        print(f"Lỗi / error: {exc}")
        return 2


def _run(args: argparse.Namespace) -> int:
    if args.booking_command == "keygen":
        return _keygen(args.out)
    from sqlalchemy import create_engine

    from motcua.province.booking.store import BookingStore, SiteRules

    store = BookingStore(create_engine(args.db), args.schema)
    store.create_tables()
    if args.booking_command == "site":
        from motcua.core.centre.load import ConfigError, load_centre

        try:
            centre = load_centre(args.config)
        except ConfigError as exc:
            raise BookingCliError(str(exc)) from None
        if min(args.slot_minutes, args.per_slot, args.days_ahead, args.per_person) < 1:
            raise BookingCliError("các số phải từ 1 trở lên / every number must be at least 1")
        store.put_site(centre, SiteRules(args.slot_minutes, args.per_slot, args.days_ahead,
                                         args.per_person))
        print(f"Trung tâm {centre.id} nhận đặt lịch / now takes bookings")
        return 0
    import uvicorn

    from motcua.province.booking.app import make_booking_app
    from motcua.province.booking.service import BookingService
    from motcua.web import WebSettings

    secret = _secret(args.secret_file)
    service = BookingService(store, load_private_key(args.key), secret)
    app = make_booking_app(service, WebSettings(secret_key=secret.hex(), title="motcua"),
                           clock=lambda: datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")))
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", proxy_headers=True)
    return 0
