"""Command-line options every device program shares: where the hub is and who we are."""

from __future__ import annotations

import argparse
from pathlib import Path

from motcua.core import protocol
from motcua.link.client import ClientKeys, Endpoints, HubClient


def add_hub_address(p: argparse.ArgumentParser) -> None:
    """Options every client program shares: where the hub is and who we are."""
    p.add_argument("--hub", default="127.0.0.1", help="địa chỉ máy chủ / hub host (127.0.0.1)")
    p.add_argument("--command-port", type=int, default=protocol.COMMAND_PORT)
    p.add_argument("--event-port", type=int, default=protocol.EVENT_PORT)
    p.add_argument("--keys", type=Path, default=None,
                   help="thư mục khoá CURVE / CURVE key folder (device.key, device.key_secret, hub.key)")


def endpoints_from(args: argparse.Namespace) -> Endpoints:
    return Endpoints(f"tcp://{args.hub}:{args.command_port}", f"tcp://{args.hub}:{args.event_port}")


def client_from(args: argparse.Namespace, device: str) -> HubClient:
    keys = ClientKeys.from_dir(args.keys, device) if args.keys else None
    return HubClient(endpoints_from(args).command, device, keys=keys, timeout=3.0, retries=1)
