"""``motcua citizen``: the centre's citizen service (live ticket pages and messages).

    motcua citizen --page-secret /var/lib/motcua/page.secret --port 8090 \\
        --kiosk-tokens /etc/motcua/kiosk-tokens --sms-url https://sms.example/send \\
        --sms-field to={phone} --sms-field message={text} --sms-field ref={key}

The page secret is shared with the printer node (``motcua printer node --page-url ...
--page-secret ...``), which prints the page's address in the ticket's QR code.
"""

from __future__ import annotations

import argparse
import logging
import secrets
import sys
from pathlib import Path

from motcua.citizen.notifier import Notifier, Wording
from motcua.citizen.outbox import NotifyStore
from motcua.citizen.senders import HttpSms, Sender, ZaloZns
from motcua.citizen.service import CitizenService
from motcua.core.cccd import load_or_create_secret
from motcua.link.args import add_hub_address, endpoints_from
from motcua.link.client import ClientKeys

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="motcua citizen", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    add_hub_address(p)
    p.add_argument("--device", default="citizen-web", help="tên thiết bị / device id")
    p.add_argument("--bind", default="0.0.0.0", help="địa chỉ web / web address (0.0.0.0)")
    p.add_argument("--port", type=int, default=8090, help="cổng web / web port (8090)")
    p.add_argument("--page-secret", type=Path, required=True,
                   help="tệp bí mật của trang vé (tạo nếu chưa có) / page secret file")
    p.add_argument("--data", type=Path, default=Path("var/citizen"),
                   help="thư mục dữ liệu / data folder (the message outbox)")
    p.add_argument("--kiosk-tokens", type=Path, default=None,
                   help="tệp mã của các kiosk, mỗi dòng một mã / kiosk tokens, one per line")
    p.add_argument("--near", type=int, default=3,
                   help="nhắn khi còn N người phía trước / message when N are ahead (3)")
    p.add_argument("--sms-url", help="cổng SMS (HTTP) / SMS gateway URL")
    p.add_argument("--sms-field", action="append", default=[], metavar="NAME=TEMPLATE",
                   help="trường gửi đi, có {phone} {text} {key} / a request field")
    p.add_argument("--sms-bearer", help="mã truy cập cổng SMS / gateway bearer token")
    p.add_argument("--sms-form", action="store_true", help="gửi dạng form / send as a form")
    p.add_argument("--zns-token", help="Zalo ZNS access token")
    p.add_argument("--zns-template", help="Zalo ZNS template id")
    p.add_argument("--plain", action="store_true",
                   help="nhắn không dấu / send without diacritics")
    return p


def sender_from(args: argparse.Namespace) -> Sender | None:
    if args.zns_token and args.zns_template:
        return ZaloZns(args.zns_token, args.zns_template)
    if args.sms_url:
        fields = {}
        for item in args.sms_field:
            name, sep, template = item.partition("=")
            if not sep:
                raise SystemExit(f"--sms-field cần dạng NAME=TEMPLATE / expected NAME=TEMPLATE: "
                                 f"{item!r}")
            fields[name] = template
        return HttpSms(args.sms_url, fields or {"to": "{phone}", "message": "{text}",
                                                 "ref": "{key}"},
                       format="form" if args.sms_form else "json", bearer=args.sms_bearer)
    return None


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    import uvicorn

    from motcua.citizen.web import create_citizen_app
    from motcua.web.app import WebSettings

    keys = ClientKeys.from_dir(args.keys, args.device) if args.keys else None
    service = CitizenService(endpoints_from(args), load_or_create_secret(args.page_secret),
                             device=args.device, keys=keys)
    sender = sender_from(args)
    if sender is not None:
        store = NotifyStore(args.data / "notify.sqlite")
        service.notifier = Notifier(
            store, sender, centre_name="", near=args.near, wording=Wording(plain=args.plain),
            view_state=lambda: service.view.state if service.view else None)
    tokens: frozenset[str] = frozenset()
    if args.kiosk_tokens is not None:
        tokens = frozenset(t.strip() for t in args.kiosk_tokens.read_text("utf-8").splitlines()
                           if t.strip())
    app = create_citizen_app(service, WebSettings(secret_key=secrets.token_urlsafe(32),
                                                  title="motcua"), kiosk_tokens=tokens)
    service.start()
    print(f"Trang vé / ticket pages: http://{args.bind}:{args.port}/t/<token>", flush=True)
    try:
        uvicorn.run(app, host=args.bind, port=args.port, log_level="warning",
                    proxy_headers=True)
    finally:
        service.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
