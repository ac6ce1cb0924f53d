"""``motcua keys``: the hub's CURVE key and the allow-list of device keys.

    motcua keys init    [--data var]                 hub key pair + an admin key for local tools
    motcua keys enrol   DEVICE [--role R] [--counter N] [--kiosk K] [--data var] [--out DIR]
    motcua keys list    [--data var]
    motcua keys revoke  DEVICE [--data var]
    motcua keys log     [DEVICE] [--last N] [--data var]

Keys live in ``DATA/keys``: ``hub.key`` (public), ``hub.key_secret`` (0600), and
``devices.json``, the allow-list. Enrolling writes the device's own pair and a copy of
``hub.key`` into its folder, ready to copy onto the device. ``enrol`` (which replaces a
device's old key) and ``revoke`` tell the running hub over its local admin socket and
return only once the hub has the change in force, on open sessions and on the event
stream too (``motcua.hub.revocation``). Every enrolment, revocation and refusal goes to
``keys/audit.log``; ``log`` prints it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from motcua.core.centre.load import load_centre
from motcua.hub.audit import (
    AUDIT_FILE,
    ENROLLED,
    REPLACED,
    REVOKED,
    WORDS,
    AuditLog,
    fingerprint,
    read_entries,
)
from motcua.hub.revocation import notify_hub
from motcua.hub.security import write_key_pair
from motcua.paths import SAMPLE_CONFIG

ROLES = ("kiosk", "printer", "display", "counter", "rating", "manager", "province", "admin")
DEFAULT_CONFIG = SAMPLE_CONFIG


def _load(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {"devices": []}
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


def _save(path: Path, data: dict[str, Any]) -> None:
    """Write atomically: the hub may be reading the file at this very moment."""
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), "utf-8")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def init(keys: Path) -> None:
    if not (keys / "hub.key_secret").exists():
        write_key_pair(keys, "hub")
        print(f"Đã tạo khoá máy chủ / hub key created: {keys / 'hub.key'}")
    else:
        print(f"Khoá máy chủ đã có / hub key exists: {keys / 'hub.key'}")
    if not any(d["device"] == "admin" and not d.get("revoked")
               for d in _load(keys / "devices.json")["devices"]):
        enrol(keys, "admin", "admin", None, None, keys)


PROGRAM = {"kiosk": "kiosk", "printer": "printer node", "display": "display",
           "counter": "counter", "rating": "rating", "manager": "live"}


def device_config(device: str, role: str, counter: int | None, kiosk: str | None,
                  hub: str, out: Path) -> str:
    """The device's own settings file: who it is, where the hub is, its keys, how to run."""
    lines = ["# motcua: cấu hình thiết bị / device configuration (motcua keys enrol)",
             f'device = "{device}"', f'role = "{role}"']
    if counter is not None:
        lines.append(f"counter = {counter}")
    if kiosk:
        lines.append(f'kiosk = "{kiosk}"')
    lines += [f'hub = "{hub}"', "command_port = 5570", "event_port = 5571",
              f'keys = "{out}"']
    program = PROGRAM.get(role)
    if program is not None:
        args = f"--hub {hub} --keys {out} --device {device}"
        if role in ("counter", "rating") and counter is not None:
            args += f" --counter {counter}"
        if role == "printer":
            args += " --link serial:/dev/motcua-printer"
        lines.append(f"# chạy / run: motcua {program} {args}")
    return "\n".join(lines) + "\n"


def enrol(keys: Path, device: str, role: str, counter: int | None, kiosk: str | None,
          out: Path, hub: str = "127.0.0.1") -> Path:
    if not (keys / "hub.key").exists():
        raise SystemExit("Chưa có khoá máy chủ: chạy 'motcua keys init' trước / "
                         "no hub key yet: run 'motcua keys init' first")
    if role not in ROLES:
        raise SystemExit(f"Vai trò không hợp lệ / unknown role {role!r} (known: {', '.join(ROLES)})")
    if role in ("counter", "rating") and counter is None:
        raise SystemExit(f"Vai trò {role} cần --counter / role {role} needs --counter")
    if role == "printer" and not kiosk:
        raise SystemExit("Máy in cần --kiosk / a printer needs --kiosk")
    data = _load(keys / "devices.json")
    replaced: list[str] = []
    for d in data["devices"]:
        if d["device"] == device and not d.get("revoked"):
            d["revoked"] = True  # re-enrolling replaces the old key (a stolen or broken PC)
            d["revoked_at"] = datetime.now().astimezone().isoformat()
            replaced.append(d["public_key"])
    public, _secret = write_key_pair(out, device)
    if out != keys:
        (out / "hub.key").write_text((keys / "hub.key").read_text("ascii"), "ascii")
        (out / "device.toml").write_text(device_config(device, role, counter, kiosk, hub, out),
                                         "utf-8")
    data["devices"].append({"device": device, "role": role, "counter": counter, "kiosk": kiosk,
                            "public_key": public.decode("ascii"),
                            "enrolled_at": datetime.now().astimezone().isoformat()})
    _save(keys / "devices.json", data)
    audit = AuditLog(keys / AUDIT_FILE)
    for old in replaced:
        audit.record(REPLACED, device, fingerprint(old), role=role, detail="re-enrolled")
    audit.record(ENROLLED, device, fingerprint(public.decode("ascii")), role=role,
                 detail=f"counter {counter}" if counter is not None else "")
    print(f"Đã cấp quyền / enrolled {device} ({role}); khoá / keys in {out}")
    if not _tell_hub(keys):
        raise SystemExit(1)
    return out


def _tell_hub(keys: Path) -> bool:
    """Have the running hub apply the allow-list now; False (with words) if it did not."""
    ok, words = notify_hub(keys)
    print(words, file=sys.stdout if ok else sys.stderr)
    return ok


def revoke(keys: Path, device: str, centre_key: str = "", role: str = "") -> int:
    """Withdraw every active key of ``device``; ``centre_key`` is a key centre.toml gives
    it (``public_key``), which is withdrawn too by listing it as revoked."""
    data = _load(keys / "devices.json")
    if centre_key and not any(d["public_key"] == centre_key for d in data["devices"]):
        data["devices"].append({"device": device, "role": role, "public_key": centre_key,
                                "from": "centre.toml"})
    withdrawn: list[dict[str, Any]] = []
    for d in data["devices"]:
        if d["device"] == device and not d.get("revoked"):
            d["revoked"] = True
            d["revoked_at"] = datetime.now().astimezone().isoformat()
            withdrawn.append(d)
    if not withdrawn:
        print(f"Không có thiết bị đang được cấp quyền tên {device!r} / no active device {device!r}",
              file=sys.stderr)
        return 1
    _save(keys / "devices.json", data)
    audit = AuditLog(keys / AUDIT_FILE)
    for d in withdrawn:
        audit.record(REVOKED, device, fingerprint(d["public_key"]), role=d["role"])
    print(f"Đã thu hồi / revoked {device}")
    return 0 if _tell_hub(keys) else 1


def show_log(keys: Path, device: str | None, last: int,
             timezone: str = "Asia/Ho_Chi_Minh") -> int:
    """Print the audit log, newest last, in the centre's local time (dd/mm/yyyy)."""
    entries = [e for e in read_entries(keys / AUDIT_FILE) if device in (None, e.device)]
    if not entries:
        print("Nhật ký trống / the audit log is empty")
        return 0
    zone = ZoneInfo(timezone)
    for e in entries[-last:] if last > 0 else entries:
        vi, en = WORDS.get(e.event, (e.event, e.event))
        try:
            when = datetime.fromisoformat(e.time).astimezone(zone).strftime("%d/%m/%Y %H:%M:%S")
        except ValueError:
            when = e.time
        more = f" (+{e.repeats} lần / times)" if e.repeats else ""
        what = f"{vi} / {en}"
        print(f"{when}  {what:<36} {e.device:<14} {e.role:<8} khoá/key {e.key or '-':<16}"
              f"  {e.detail}{more}".rstrip())
    return 0


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="motcua keys", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", default="var", help="thư mục dữ liệu của hub / hub data folder")
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("init", help="tạo khoá máy chủ / create the hub key")
    e = sub.add_parser("enrol", help="cấp quyền thiết bị / enrol a device")
    e.add_argument("device")
    e.add_argument("--role", choices=ROLES, help="mặc định lấy từ centre.toml / default from centre.toml")
    e.add_argument("--counter", type=int)
    e.add_argument("--kiosk")
    e.add_argument("--out", type=Path, help="thư mục ghi khoá thiết bị / where to write its keys")
    e.add_argument("--hub", default="127.0.0.1",
                   help="địa chỉ hub mà thiết bị sẽ kết nối / the hub address the device uses")
    e.add_argument("--config", default=str(DEFAULT_CONFIG))
    sub.add_parser("list", help="liệt kê / list")
    lg = sub.add_parser("log", help="nhật ký khoá / key audit log")
    lg.add_argument("device", nargs="?", help="chỉ thiết bị này / only this device")
    lg.add_argument("--last", type=int, default=50, help="số dòng cuối (0 = tất cả) / last N")
    lg.add_argument("--config", default=str(DEFAULT_CONFIG),
                    help="centre.toml (múi giờ / time zone)")
    r = sub.add_parser("revoke", help="thu hồi / revoke")
    r.add_argument("device")
    r.add_argument("--config", default=str(DEFAULT_CONFIG),
                   help="centre.toml (khoá ghi trong đó cũng bị thu hồi / its keys too)")
    args = p.parse_args(argv)
    keys = Path(args.data) / "keys"
    keys.mkdir(parents=True, exist_ok=True)
    if args.cmd == "init":
        init(keys)
        return 0
    if args.cmd == "enrol":
        role, counter, kiosk = args.role, args.counter, args.kiosk
        known = load_centre(args.config).device_by_id(args.device)
        if known is not None:
            role = role or known.role
            counter = counter if counter is not None else known.counter
            kiosk = kiosk or known.kiosk
        if role is None:
            print("Thiết bị không có trong centre.toml: cần --role / not in centre.toml: give --role",
                  file=sys.stderr)
            return 2
        enrol(keys, args.device, role, counter, kiosk, args.out or keys / "devices" / args.device,
              args.hub)
        return 0
    if args.cmd == "list":
        for d in _load(keys / "devices.json")["devices"]:
            state = "THU HỒI / revoked" if d.get("revoked") else "hiệu lực / active"
            extra = f" quầy/counter {d['counter']}" if d.get("counter") else ""
            print(f"{d['device']:<16} {d['role']:<9}{extra:<12} {fingerprint(d['public_key'])}"
                  f"  {state}")
        return 0
    if args.cmd == "log":
        return show_log(keys, args.device, args.last, load_centre(args.config).timezone)
    known = load_centre(args.config).device_by_id(args.device)
    return revoke(keys, args.device, known.public_key if known is not None else "",
                  known.role if known is not None else "")
