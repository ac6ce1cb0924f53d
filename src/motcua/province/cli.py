"""``motcua province ...``: run the provincial sync server and manage its keys.

::

    motcua province keys  --out DIR [--name server] [--force]
    motcua province allow --keys DIR --site SITE --public-key Z85
    motcua province serve --db postgresql+psycopg://USER@HOST/DB --bind tcp://*:5580 --keys DIR

Key directory layout (pyzmq certificate format, readable by ``zmq.auth.load_certificate``)::

    DIR/server.key          public key: give it to every hub (curve_serverkey)
    DIR/server.key_secret   secret key, mode 0600: never leaves the provincial server
    DIR/hubs.toml           allow-list, one [[hub]] table per centre: site + public_key

``serve`` re-reads ``hubs.toml`` when it changes: a removed key is refused from its
next batch, even on a connection that is already open.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import stat
import sys
import threading
import tomllib
from datetime import datetime
from pathlib import Path
from types import FrameType

import zmq
import zmq.auth
import zmq.utils.z85
from sqlalchemy.exc import SQLAlchemyError

from motcua.core.text import nfc
from motcua.province.server import ProvinceServer

__all__ = ["load_allow_list", "main", "write_key_pair"]

log = logging.getLogger(__name__)

_SECRET_BANNER = """#   ****  Generated on {0} by motcua  ****
#   ZeroMQ CURVE **Secret** Certificate
#   DO NOT PROVIDE THIS FILE TO OTHER USERS nor change its permissions.

"""
_PUBLIC_BANNER = """#   ****  Generated on {0} by motcua  ****
#   ZeroMQ CURVE Public Certificate

"""
_HUBS_HEADER = """# Hubs allowed to sync with this provincial server: one [[hub]] per centre.
# Các hub được phép đồng bộ: mỗi trung tâm một mục [[hub]] (điểm + khóa công khai).
"""


class CliError(Exception):
    """A problem the user can fix; printed without a traceback."""


def _cert(banner: str, public: str, secret: str | None) -> str:
    lines = [banner.format(datetime.now().isoformat(timespec="seconds")), "metadata\n",
             "curve\n", f'    public-key = "{public}"\n']
    if secret is not None:
        lines.append(f'    secret-key = "{secret}"\n')
    return "".join(lines)


def write_key_pair(out: Path, name: str = "server", force: bool = False) -> tuple[Path, Path]:
    """Make a CURVE key pair as ``out/name.key`` and ``out/name.key_secret`` (0600)."""
    out.mkdir(parents=True, exist_ok=True)
    public_path, secret_path = out / f"{name}.key", out / f"{name}.key_secret"
    if not force and (public_path.exists() or secret_path.exists()):
        raise CliError(f"khóa đã có trong {out}, dùng --force để ghi đè / keys already exist "
                       f"in {out}; use --force to replace them")
    public, secret = (k.decode("ascii") for k in zmq.curve_keypair())
    secret_path.unlink(missing_ok=True)
    # Created 0600 from the start: no window in which the secret is world-readable.
    fd = os.open(secret_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(_cert(_SECRET_BANNER, public, secret))
    public_path.write_text(_cert(_PUBLIC_BANNER, public, None), encoding="utf-8")
    return public_path, secret_path


def load_allow_list(path: Path) -> dict[str, str]:
    """Read ``hubs.toml`` into {hub public key (Z85): site}; a missing file is empty."""
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CliError(f"{path}: tệp không đọc được / unreadable file: {exc}") from None
    allowed: dict[str, str] = {}
    for i, hub in enumerate(data.get("hub", []), start=1):
        key, site = hub.get("public_key"), hub.get("site")
        if not isinstance(key, str) or len(key) != 40 or not isinstance(site, str) \
                or not site.strip():
            raise CliError(f"{path}: mục [[hub]] thứ {i} cần site và public_key (40 ký tự Z85) "
                           f"/ entry {i} needs site and a 40-character Z85 public_key")
        if key in allowed and allowed[key] != nfc(site.strip()):
            raise CliError(f"{path}: khóa {key} gán cho hai điểm / key bound to two sites")
        allowed[key] = nfc(site.strip())
    return allowed


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _cmd_keys(args: argparse.Namespace) -> int:
    public_path, secret_path = write_key_pair(Path(args.out), args.name, args.force)
    public, _ = zmq.auth.load_certificate(public_path)
    print(f"Đã tạo khóa / key pair written:\n  {public_path}\n  {secret_path} (0600)\n"
          f"Khóa công khai / public key: {public.decode()}")
    return 0


def _cmd_allow(args: argparse.Namespace) -> int:
    key = args.public_key.strip()
    try:
        if len(key) != 40:
            raise ValueError
        zmq.utils.z85.decode(key)
    except (ValueError, KeyError):
        raise CliError("public key phải là 40 ký tự Z85 / public key must be 40 Z85 "
                       "characters") from None
    site = nfc(args.site.strip())
    if not site:
        raise CliError("thiếu tên điểm / --site is empty")
    hubs = Path(args.keys) / "hubs.toml"
    allowed = load_allow_list(hubs)
    if key in allowed:
        raise CliError(f"khóa đã được phép cho điểm {allowed[key]} / key already allowed "
                       f"for site {allowed[key]}")
    hubs.parent.mkdir(parents=True, exist_ok=True)
    text = hubs.read_text(encoding="utf-8") if hubs.exists() else _HUBS_HEADER
    text += f"\n[[hub]]\nsite = {_toml_string(site)}\npublic_key = {_toml_string(key)}\n"
    hubs.write_text(text, encoding="utf-8")
    print(f"Đã cho phép hub của {site} / hub of {site} allowed ({hubs})")
    return 0


def _load_server_keys(keys: Path) -> tuple[bytes, bytes]:
    secret_path = keys / "server.key_secret"
    if not secret_path.exists():
        raise CliError(f"không thấy {secret_path}; chạy 'motcua province keys --out {keys}' "
                       f"/ {secret_path} not found; run 'motcua province keys' first")
    if secret_path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        log.warning("%s is readable by others; chmod 600 it", secret_path)
    public, secret = zmq.auth.load_certificate(secret_path)
    if secret is None:
        raise CliError(f"{secret_path} không chứa khóa bí mật / holds no secret key")
    return public, secret


def _make_server(args: argparse.Namespace) -> tuple[ProvinceServer, Path | None]:
    """The server described by the ``serve`` options, and its allow-list file."""
    if args.keys:
        hubs = Path(args.keys) / "hubs.toml"
        public, secret = _load_server_keys(Path(args.keys))
        return ProvinceServer(args.db, args.bind, secret_key=secret, public_key=public,
                              allowed_sites=load_allow_list(hubs), schema=args.schema,
                              workers=args.workers), hubs
    if args.insecure:
        return ProvinceServer(args.db, args.bind, schema=args.schema,
                              workers=args.workers), None
    raise CliError("cần --keys DIR (hoặc --insecure khi thử nghiệm) / --keys DIR is "
                   "required (or --insecure for testing)")


def _cmd_serve(args: argparse.Namespace) -> int:
    try:
        server, hubs = _make_server(args)
    except (ValueError, SQLAlchemyError) as exc:
        raise CliError(f"cấu hình không hợp lệ / invalid settings: {exc}") from None
    stop = threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    try:
        server.start()
    except SQLAlchemyError as exc:
        raise CliError(f"không kết nối được cơ sở dữ liệu / cannot use the database: "
                       f"{exc.__class__.__name__}: {str(exc).splitlines()[0]}") from None
    except zmq.ZMQError as exc:
        raise CliError(f"không mở được {args.bind} / cannot bind {args.bind}: {exc}") from None
    mtime = hubs.stat().st_mtime_ns if hubs and hubs.exists() else 0
    previous = {s: signal.signal(s, _on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    print(f"Máy chủ tỉnh đang nghe / province server listening on {server.endpoint}",
          flush=True)
    try:
        while not stop.wait(2.0):
            if hubs is None:
                continue
            now = hubs.stat().st_mtime_ns if hubs.exists() else 0
            if now != mtime:  # the allow-list was edited: apply it to the next message
                mtime = now
                try:
                    server.set_allowed_sites(load_allow_list(hubs))
                except CliError as exc:
                    log.error("allow-list not reloaded: %s", exc)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        server.stop()
    print("Đã dừng / stopped", flush=True)
    return 0


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="motcua province",
                                description="Máy chủ đồng bộ cấp tỉnh / provincial sync server")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="nhận sự kiện từ các hub / receive hub events")
    s.add_argument("--db", required=True, help="postgresql+psycopg://USER@HOST:5432/DB")
    s.add_argument("--bind", default="tcp://*:5580")
    s.add_argument("--keys", help="thư mục khóa / key directory (server.key_secret, hubs.toml)")
    s.add_argument("--insecure", action="store_true",
                   help="không mã hóa, chỉ để thử / no CURVE, testing only")
    s.add_argument("--schema", default="province", help="PostgreSQL schema")
    s.add_argument("--workers", type=int, default=4,
                   help="ingest threads, each with its own database connection")
    s.add_argument("-v", "--verbose", action="store_true")
    k = sub.add_parser("keys", help="tạo cặp khóa / generate a key pair")
    k.add_argument("--out", required=True)
    k.add_argument("--name", default="server")
    k.add_argument("--force", action="store_true")
    a = sub.add_parser("allow", help="cho phép một hub / allow a hub key")
    a.add_argument("--keys", required=True)
    a.add_argument("--site", required=True)
    a.add_argument("--public-key", required=True,
                   help="khoá Z85 của hub; dùng --public-key=KHOÁ nếu khoá bắt đầu bằng '-' / "
                        "the hub's Z85 key; write --public-key=KEY when it starts with '-'")
    from motcua.province.booking.cli import add_parsers as add_booking_parsers

    add_booking_parsers(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point for ``motcua province``; returns the process exit code."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error already printed by argparse
        return int(exc.code or 0) if not isinstance(exc.code, str) else 2
    if getattr(args, "verbose", False):  # logging itself is set up by ``motcua`` (motcua.logs)
        logging.getLogger("motcua").setLevel(logging.DEBUG)
    if args.command == "booking":
        from motcua.province.booking.cli import run as run_booking

        return run_booking(args)
    handlers = {"serve": _cmd_serve, "keys": _cmd_keys, "allow": _cmd_allow}
    try:
        return handlers[args.command](args)
    except CliError as exc:
        print(f"Lỗi / error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
