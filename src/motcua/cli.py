"""``motcua``: one command with a subcommand per program.

    motcua hub            the centre's hub (queue engine, database, ZeroMQ)
    motcua demo           a whole sample centre on this machine
    motcua take|open|call|act|queue|tail|do   drive the hub from a terminal
    motcua kiosk|display|counter|rating|live   the device programs (live = manager's view)
    motcua printer|voice|province|keys|report|simulate|drill|citizen ...   tools and services

Quiet by default (warnings and errors); ``motcua -v PROGRAM`` logs what it does,
``-vv`` debug lines too (:mod:`motcua.logs`). A box without the program's extra is told
which one to install (:mod:`motcua.extras`).
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from motcua import logs
from motcua.core import protocol
from motcua.extras import missing_extra
from motcua.link.args import add_hub_address, client_from
from motcua.paths import SAMPLE_CONFIG

DEFAULT_CONFIG = SAMPLE_CONFIG

# Subcommands that live in their own packages: name -> (module, help).
DELEGATED: dict[str, tuple[str, str]] = {
    "printer": ("motcua.printer.cli", "máy in vé / ticket printer: render, virtual, node"),
    "voice": ("motcua.voice.cli", "giọng đọc / voice: words, render, clips"),
    "kiosk": ("motcua.kiosk.app", "máy lấy số / touch kiosk"),
    "display": ("motcua.display.app", "bảng hiển thị / number boards"),
    "counter": ("motcua.counter.app", "ứng dụng quầy / officer's counter app"),
    "rating": ("motcua.rating.app", "thiết bị đánh giá / rating tablet and button box"),
    "province": ("motcua.province.cli", "máy chủ tỉnh / provincial server"),
    "keys": ("motcua.hub.keys_cli", "khoá thiết bị / enrol, list, revoke device keys"),
    "report": ("motcua.report_cli", "báo cáo / reports and exports"),
    "simulate": ("motcua.simulate.cli", "mô phỏng một ngày / simulated day"),
    "drill": ("motcua.hub.drill_flood", "diễn tập sự cố / fault drills: flood"),
    "live": ("motcua.manager.cli", "màn hình theo dõi / manager's live view"),
    "citizen": ("motcua.citizen.cli", "trang vé và tin nhắn / ticket pages and messages"),
}


def _hub(args: argparse.Namespace) -> int:
    from motcua.core.centre.load import load_centre
    from motcua.hub.security import Registry, read_key
    from motcua.hub.server import HubOptions, HubServer
    from motcua.hub.storage.db import HubStore, sqlite_url

    centre = load_centre(args.config)
    data = Path(args.data)
    data.mkdir(parents=True, exist_ok=True)
    url = args.db or sqlite_url(data / "hub.sqlite")
    try:
        store = HubStore(url, site_id=centre.id)
    except Exception as exc:
        from motcua.startup import StartupError, explain

        known = explain(exc)
        if known is None:
            raise
        raise StartupError(f"{known[1]}\nCSDL / database: {url}", "") from exc
    secret = None
    keys_file = None
    if args.curve:
        keys_dir = Path(args.keys_dir or data / "keys")
        secret = read_key(keys_dir / "hub.key_secret")
        keys_file = keys_dir / "devices.json"
    booking_key = None
    if args.booking_key:
        from motcua.core.booking import BookingError, load_public_key
        from motcua.startup import StartupError

        try:
            booking_key = load_public_key(Path(args.booking_key))
        except BookingError as exc:
            raise StartupError(exc.vi, exc.en) from None
    options = HubOptions(f"tcp://{args.bind}:{args.command_port}",
                         f"tcp://{args.bind}:{args.event_port}",
                         open_all_hours=args.open_all_hours, curve_secret_key=secret,
                         config_dir=Path(args.config).resolve().parent,
                         booking_key=booking_key)
    server = HubServer(centre, store, options, registry=Registry(centre, keys_file))
    sync = None
    if args.province:
        sync = _start_sync(args, store, server)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    server.start()
    if not server.health.ok:  # e.g. started on a full disk: it serves reads, says so, recovers
        h = server.health.to_dict()
        print(f"motcua hub: {h['message_vi']}\n{h['message_en']}", file=sys.stderr, flush=True)
    server.watchdog.ready()  # systemd Type=notify: the sockets are bound, devices may come
    print(f"motcua hub: {centre.name_vi} – {centre.place_vi}; lệnh/commands :{server.command_port}"
          f", sự kiện/events :{server.event_port}; CSDL/database {url}", flush=True)
    while not stop.wait(1.0):
        if not server.alive():  # a dead serving thread must not leave a deaf process
            print("motcua hub: vòng phục vụ đã dừng bất thường / the serving loop died",
                  file=sys.stderr, flush=True)
            server.stop()
            store.close()
            return 1
    server.watchdog.stopping()
    if sync is not None:
        sync.stop()
    server.stop()
    store.close()
    return 0


def _start_sync(args: argparse.Namespace, store: Any, server: Any) -> Any:
    """Send the outbox upward. Under CURVE the hub pins the province's key and uses its
    own sync key pair (made on first use; give its public key to the province)."""
    from motcua.hub.security import read_key, write_key_pair
    from motcua.hub.sync import SyncClient

    server_key = own_pub = own_sec = None
    if args.province_key:
        server_key = read_key(Path(args.province_key))
        keys_dir = Path(args.keys_dir or Path(args.data) / "keys")
        if not (keys_dir / "sync.key_secret").exists():
            write_key_pair(keys_dir, "sync")
        own_pub = read_key(keys_dir / "sync.key")
        own_sec = read_key(keys_dir / "sync.key_secret")
        print(f"Khoá đồng bộ của trung tâm / this centre's sync key (give it to the province): "
              f"{own_pub.decode()}", flush=True)
    else:
        logging.getLogger(__name__).warning("sync to the province WITHOUT CURVE (no --province-key)")
    # The same link brings the centre's bookings down (docs/booking.md).
    client = SyncClient(store, args.province, server_public_key=server_key,
                        client_secret_key=own_sec, client_public_key=own_pub,
                        bookings=server.bookings, site=server.centre.id)
    client.start()
    return client


def _estimate_words(t: dict[str, Any]) -> str:
    """"25 phút/min", or why the hub gave no figure (no counter open, past closing)."""
    minutes = t.get("estimate_minutes")
    if minutes is not None:
        return f"{minutes} phút/min"
    if t.get("estimate_note") == "beyond_closing":
        return f"có thể không kịp trong hôm nay / may not be served today (đóng / closes {t.get('closes_at')})"
    return "chưa có quầy mở / no counter open"


def _print_ticket(t: dict[str, Any]) -> None:
    print(f"{t['label']}  ({t['status']}, lĩnh vực {t['field']}, trước: {t.get('ahead', 0)}, "
          f"dự kiến {_estimate_words(t)})")


def _client_cmd(args: argparse.Namespace) -> int:
    from motcua.link.client import HubError

    client = client_from(args, args.device)
    try:
        if args.cmd == "take":
            body: dict[str, Any] = {"field": args.field.upper()}
            if args.procedure:
                body["procedure"] = args.procedure
            if args.priority:
                body["priority"] = args.priority
            r = client.request("ticket.take", body)
            print(f"Số thứ tự / ticket: {r['ticket']['label']} – {r['field_vi']}")
            print(f"Số người chờ trước / ahead: {r['ticket']['ahead']}; "
                  f"dự kiến / estimate: {_estimate_words(r['ticket'])}")
        elif args.cmd == "open":
            r = client.request("counter.open", {"counter": args.counter, "officer": args.officer})
            print(f"Quầy {args.counter}: {r['counter']['status']} ({args.officer})")
        elif args.cmd == "call":
            r = client.request("counter.call_next", {"counter": args.counter})
            if r["ticket"] is None:
                print(r["message_vi"])
            else:
                print(f"Mời số {r['ticket']['label']} đến quầy {args.counter} — {r['reason_vi']}")
        elif args.cmd == "act":
            body = {"counter": args.counter}
            if args.action == "transfer":
                if args.to_field:
                    body["to_field"] = args.to_field.upper()
                if args.to_counter:
                    body["to_counter"] = args.to_counter
            if args.action in ("unhold", "call_ticket"):
                body["ticket"] = args.ticket or ""
            if args.action == "call_ticket":
                body["reason"] = args.reason or ""
            r = client.request(f"counter.{args.action}", body)
            print(json.dumps(r, ensure_ascii=False, indent=1))
        elif args.cmd == "queue":
            snap = client.request("snapshot", {})
            _show_queue(snap)
        elif args.cmd == "do":
            r = client.request(args.type, json.loads(args.body))
            print(json.dumps(r, ensure_ascii=False, indent=1))
    except HubError as exc:
        print(f"Lỗi / error [{exc.code}]: {exc.vi} / {exc.en}", file=sys.stderr)
        return 1
    except json.JSONDecodeError as exc:
        print(f"JSON không hợp lệ / invalid JSON: {exc}", file=sys.stderr)
        return 2
    finally:
        client.close()
    return 0


def _show_queue(snap: dict[str, Any]) -> None:
    state = snap["state"]
    fields = {f["code"]: f["vi"] for f in snap["centre"]["fields"]}
    print(f"Ngày / day {state['day']}  (seq {snap['seq']})")
    for code, n in snap["waiting"].items():
        print(f"  {code} {fields.get(code, '')}: {n} đang chờ / waiting")
    for c in state["counters"]:
        cur = next((t["label"] for t in state["tickets"] if t["id"] == c["current"]), "-")
        print(f"  Quầy {c['number']}: {c['status']} cán bộ {c['officer'] or '-'}; số {cur}; "
              f"đã phục vụ {c['served']}")


def _tail(args: argparse.Namespace) -> int:
    import zmq

    ctx: zmq.Context[zmq.Socket[bytes]] = zmq.Context.instance()
    sub = ctx.socket(zmq.SUB)
    sub.setsockopt(zmq.SUBSCRIBE, b"" if args.heartbeats else b"e.")
    if args.keys:
        from motcua.link.client import ClientKeys

        k = ClientKeys.from_dir(args.keys, args.device)
        sub.curve_publickey, sub.curve_secretkey, sub.curve_serverkey = k.public, k.secret, k.server_public
    sub.connect(f"tcp://{args.hub}:{args.event_port}")
    n = 0
    try:
        while args.count <= 0 or n < args.count:
            msg = protocol.decode_event(sub.recv_multipart())
            print(f"{msg.seq:>8} {msg.type:<20} {json.dumps(msg.data, ensure_ascii=False)}",
                  flush=True)
            n += 1
    except KeyboardInterrupt:
        pass
    finally:
        sub.close(0)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="motcua", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-v", "--verbose", action="count", default=0,
                   help="ghi log chi tiết hơn (-v thông tin, -vv gỡ lỗi) / "
                        "more log lines (-v info, -vv debug)")
    sub = p.add_subparsers(dest="cmd", metavar="COMMAND")

    h = sub.add_parser("hub", help="máy chủ trung tâm / run the centre's hub")
    h.add_argument("--config", default=str(DEFAULT_CONFIG), help="centre.toml")
    h.add_argument("--data", default="var", help="thư mục dữ liệu / data folder (var)")
    h.add_argument("--db", default=None, help="SQLAlchemy URL (mặc định SQLite trong --data)")
    h.add_argument("--bind", default="127.0.0.1", help="địa chỉ lắng nghe / bind address")
    h.add_argument("--command-port", type=int, default=protocol.COMMAND_PORT)
    h.add_argument("--event-port", type=int, default=protocol.EVENT_PORT)
    h.add_argument("--curve", action="store_true", help="bật CURVE + danh sách khoá / require device keys")
    h.add_argument("--keys-dir", default=None, help="thư mục khoá / key folder (DATA/keys)")
    h.add_argument("--open-all-hours", action="store_true",
                   help="cấp số mọi giờ (demo, tập huấn) / issue tickets at any hour")
    h.add_argument("--province", default=None, help="tcp://host:5580 của máy chủ tỉnh / provincial server")
    h.add_argument("--province-key", default=None,
                   help="khoá công khai của máy chủ tỉnh / the province's public key file")
    h.add_argument("--booking-key", default=None,
                   help="khoá kiểm tra mã QR đặt lịch của tỉnh (booking.pub) / the province's "
                        "booking key")

    d = sub.add_parser("demo", help="chạy trung tâm mẫu / run the sample centre")
    d.add_argument("--out", default="demo-output", help="nơi lưu ảnh chụp và vé / screenshots and tickets")
    d.add_argument("--seconds", type=float, default=0, help="dừng sau N giây / stop after N seconds (0 = run)")
    d.add_argument("--speed", type=float, default=0, help="chạy ngày mô phỏng nhanh gấp N lần / simulated day speed")
    d.add_argument("--exit-after-tour", action="store_true",
                   help="không màn hình: dừng khi tham quan xong / offscreen: stop once the "
                        "tour is done (tests, CI)")
    d.add_argument("--screens", choices=("kiosk", "counter", "display", "rating", "live"),
                   default=None, help="chỉ chụp ảnh màn hình một chương trình vào --out / "
                   "only save one program's documentation pictures into --out")

    def client_parser(name: str, help_text: str) -> argparse.ArgumentParser:
        c = sub.add_parser(name, help=help_text)
        add_hub_address(c)
        c.add_argument("--device", default="admin", help="tên thiết bị / device id (admin)")
        return c

    t = client_parser("take", "lấy số / take a ticket")
    t.add_argument("field", help="mã lĩnh vực / field code, e.g. A")
    t.add_argument("--procedure", help="mã thủ tục / procedure id, e.g. A.1")
    t.add_argument("--priority", help="diện ưu tiên / priority category, e.g. elderly")
    o = client_parser("open", "mở quầy / open a counter")
    o.add_argument("counter", type=int)
    o.add_argument("officer", help="mã cán bộ / officer id, e.g. cb01")
    c = client_parser("call", "gọi số tiếp theo / call next")
    c.add_argument("counter", type=int)
    a = client_parser("act", "thao tác quầy / counter action")
    a.add_argument("counter", type=int)
    a.add_argument("action", choices=["recall", "start", "finish", "no_show", "hold", "unhold",
                                      "call_ticket", "transfer", "pause", "resume", "close"])
    a.add_argument("--ticket")
    a.add_argument("--reason")
    a.add_argument("--to-field")
    a.add_argument("--to-counter", type=int)
    client_parser("queue", "xem hàng chờ / show the queue")
    dd = client_parser("do", "gửi lệnh bất kỳ / send any command")
    dd.add_argument("type")
    dd.add_argument("body", nargs="?", default="{}")
    tl = client_parser("tail", "xem sự kiện / tail events")
    tl.add_argument("--count", type=int, default=0)
    tl.add_argument("--heartbeats", action="store_true")
    for name, (_module, help_text) in DELEGATED.items():
        sub.add_parser(name, help=help_text, add_help=False)
    return p


def main(argv: list[str] | None = None) -> int:
    """Every program starts here: a known start-up failure (port taken, data folder or
    database missing or unwritable, disk full, bad configuration) is one message in
    words and a non-zero exit, never a traceback (motcua.startup)."""
    from motcua.startup import run_main

    return run_main(_main, argv)


def _main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    program = next((a for a in argv if not a.startswith("-")), "")
    try:
        return _run(argv)
    except ModuleNotFoundError as exc:  # a box without the program's extra
        message = missing_extra(program, exc)
        if message is None:
            raise
        print(message, file=sys.stderr)
        return 3


def _run(argv: list[str]) -> int:
    verbosity, argv = logs.split_verbosity(argv)
    if argv and argv[0] in DELEGATED:
        # A program's own -v (after its name) counts too.
        verbosity += sum(logs.split_verbosity([a])[0] for a in argv[1:])
        logs.setup_logging(verbosity)
        module = importlib.import_module(DELEGATED[argv[0]][0])
        return int(module.main(argv[1:]))
    parser = build_parser()
    args = parser.parse_args(argv)
    logs.setup_logging(verbosity + args.verbose)
    if args.cmd is None:
        parser.print_help()
        return 2
    if args.cmd == "hub":
        return _hub(args)
    if args.cmd == "demo":
        if args.screens:
            from motcua.demo.screens import run_screens

            return run_screens(args.screens, Path(args.out))
        from motcua.demo.run import run_demo

        return run_demo(args)
    if args.cmd == "tail":
        return _tail(args)
    return _client_cmd(args)


if __name__ == "__main__":
    raise SystemExit(main())
