"""``motcua simulate``: play a busy day against a hub (see hub/simulate.py)."""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from motcua.link.client import ClientKeys, Endpoints, HubClient, HubError
from motcua.simulate.day import SimulationStopped, run_day
from motcua.simulate.model import (
    DEFAULT_SERVICE_SCALE,
    ControlledClock,
    SimReport,
    first_open_day,
)

__all__ = ["build_parser", "main"]
log = logging.getLogger(__name__)


# -- command line ----------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    from motcua.link.args import add_hub_address
    from motcua.paths import SAMPLE_CONFIG as DEFAULT_CONFIG

    p = argparse.ArgumentParser(prog="motcua simulate",
                                description="Mô phỏng một ngày đông khách / a busy simulated day")
    add_hub_address(p)
    p.add_argument("--speed", type=float, default=60.0,
                   help="nhanh gấp N lần / N simulated seconds per second (60; 0 = tối đa/max, "
                        "only with --own-hub)")
    p.add_argument("--tickets", type=int, default=350, help="số phiếu / tickets (350)")
    p.add_argument("--seed", type=int, default=1, help="hạt giống ngẫu nhiên / random seed (1)")
    p.add_argument("--report", type=Path, default=None, help="ghi báo cáo JSON / write JSON")
    p.add_argument("--service-scale", type=float, default=DEFAULT_SERVICE_SCALE,
                   help=f"hệ số thời gian phục vụ / service-time factor ({DEFAULT_SERVICE_SCALE})")
    p.add_argument("--own-hub", action="store_true",
                   help="tự chạy máy chủ với đồng hồ mô phỏng / run a private hub whose clock "
                        "the simulation controls (binds --hub/--command-port/--event-port)")
    p.add_argument("--config", default=str(DEFAULT_CONFIG), help="centre.toml (--own-hub)")
    p.add_argument("--db", default=None, help="SQLAlchemy URL của máy chủ riêng / own hub's "
                   "database (default: a temporary SQLite file)")
    p.add_argument("--date", default=None, help="ngày mô phỏng / simulated day dd/mm/yyyy "
                   "(--own-hub; default: today or the next open day)")
    return p


def _parse_day(text: str) -> date:
    try:
        return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        raise ValueError(f"Ngày không hợp lệ {text!r} (dd/mm/yyyy) / invalid date {text!r}") from None


def main(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.tickets < 0 or args.tickets > 5000:
        parser.error("--tickets phải từ 0 đến 5000 / --tickets must be 0..5000")
    if args.speed < 0 or (args.speed == 0 and not args.own_hub):
        parser.error("--speed phải > 0 (0 chỉ dùng với --own-hub) / --speed must be above 0 "
                     "(0 only with --own-hub)")
    if args.service_scale <= 0:
        parser.error("--service-scale phải > 0 / --service-scale must be above 0")
    try:
        day = _parse_day(args.date) if args.date else None
        report = _run_own_hub(args, day) if args.own_hub else _run_remote(args)
    except (ValueError, OSError) as exc:
        print(f"Lỗi / error: {exc}", file=sys.stderr)
        return 2
    except SimulationStopped as stop:
        e = stop.cause
        hint = (" Hãy chạy máy chủ với --open-all-hours / start the hub with --open-all-hours"
                if e.code == "closed_hours" else "")
        print(f"Dừng mô phỏng / simulation stopped [{e.code}]: {e.vi} / {e.en}.{hint}",
              file=sys.stderr)
        return 1
    except HubError as exc:
        print(f"Lỗi máy chủ / hub error [{exc.code}]: {exc.vi} / {exc.en}", file=sys.stderr)
        return 1
    print(report.table())
    if args.report is not None:
        import json

        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=1),
                               "utf-8")
    return 0


def _run_remote(args: argparse.Namespace) -> SimReport:
    from motcua.core.centre.load import centre_from_dict
    from motcua.link.args import endpoints_from

    endpoints = endpoints_from(args)
    keys = ClientKeys.from_dir(args.keys, "kiosk-1") if args.keys else None
    with HubClient(endpoints.command, "kiosk-1", keys=keys, timeout=3.0, retries=1) as c:
        snap = c.request("snapshot", {})
    centre = centre_from_dict(snap["centre"])
    return run_day(endpoints, centre, speed=args.speed, tickets=args.tickets, seed=args.seed,
                   clock=None, keys_dir=args.keys, service_scale=args.service_scale)


def _port_free(host: str, port: int) -> bool:
    import socket

    with socket.socket() as s:
        # as ZeroMQ does: connections of a hub that just stopped (TIME_WAIT) do not count
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
            s.listen()
        except OSError:
            return False
    return True


def _run_own_hub(args: argparse.Namespace, day: date | None) -> SimReport:
    from motcua.core.centre.load import load_centre
    from motcua.hub.server import HubOptions, HubServer
    from motcua.hub.storage.db import HubStore, sqlite_url

    centre = load_centre(args.config)
    for port in (args.command_port, args.event_port):
        if port and not _port_free(args.hub, port):
            raise ValueError(f"Cổng {port} đang bận (một máy chủ khác đang chạy?) / port {port} "
                             "is in use (another hub running?); choose --command-port/--event-port")
    tz = ZoneInfo(centre.timezone)
    day = first_open_day(centre, day or datetime.now(tz).date())
    clock = ControlledClock(datetime.combine(day, datetime.min.time(), tz))
    with tempfile.TemporaryDirectory(prefix="motcua-sim-") as tmp:
        store = HubStore(args.db or sqlite_url(Path(tmp) / "hub.sqlite"), site_id=centre.id)
        options = HubOptions(f"tcp://{args.hub}:{args.command_port}",
                             f"tcp://{args.hub}:{args.event_port}")
        server = HubServer(centre, store, options, clock=clock)
        server.start()
        print(f"Máy chủ mô phỏng / simulated hub: lệnh/commands :{server.command_port}, "
              f"sự kiện/events :{server.event_port}, ngày/day {day:%d/%m/%Y}", flush=True)
        try:
            endpoints = Endpoints(f"tcp://{args.hub}:{server.command_port}",
                                  f"tcp://{args.hub}:{server.event_port}")
            return run_day(endpoints, centre, speed=args.speed, tickets=args.tickets,
                           seed=args.seed, clock=clock, service_scale=args.service_scale,
                           day=day)
        finally:
            server.stop()
            store.close()
