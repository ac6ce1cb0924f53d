"""Sending replies to devices without ever blocking or crashing the hub loop."""

from __future__ import annotations

import logging
from typing import Any

import zmq

from motcua.core import protocol
from motcua.hub.limits import ThrottledLog

log = logging.getLogger(__name__)

KEEPALIVE_IDLE_S = 10
KEEPALIVE_INTERVAL_S = 3
KEEPALIVE_COUNT = 3


def tcp_keepalive(sock: zmq.Socket[Any]) -> None:
    """Find peers that vanished (power cut, cable pulled) within ~20 s, on the kernel's
    side: the hub's sockets use no ZMTP heartbeats of their own (see HubServer._bind)."""
    sock.setsockopt(zmq.TCP_KEEPALIVE, 1)
    sock.setsockopt(zmq.TCP_KEEPALIVE_IDLE, KEEPALIVE_IDLE_S)
    sock.setsockopt(zmq.TCP_KEEPALIVE_INTVL, KEEPALIVE_INTERVAL_S)
    sock.setsockopt(zmq.TCP_KEEPALIVE_CNT, KEEPALIVE_COUNT)


def device_of(identity: bytes) -> str:
    """A printable name for log lines and per-device limits (open mode: before "#")."""
    name = identity.split(b"#", 1)[0][:64]
    try:
        text = name.decode("ascii")
        if text.isprintable() and text:
            return text
    except UnicodeDecodeError:
        pass
    return "0x" + identity[:16].hex()


class ReplySender:
    """NOBLOCK sends on the ROUTER; a full or gone peer costs one throttled log line."""

    def __init__(self) -> None:
        self.dropped = 0
        self._log = ThrottledLog()

    def send(self, router: zmq.Socket[Any], identity: bytes, ok: bool, rid: str,
             body: dict[str, Any]) -> None:
        try:
            # NOBLOCK: a device that stops reading fills its pipe; it loses its replies
            # (a retry gets the stored one) instead of freezing the hub for everyone.
            router.send_multipart([identity, *protocol.encode_reply(ok, rid, body)],
                                  zmq.NOBLOCK)
        except zmq.Again:
            self.dropped += 1
            self._log.warn(device_of(identity), "does not read its replies; reply dropped")
        except zmq.ZMQError as exc:  # ROUTER_MANDATORY: the device has gone
            self.dropped += 1
            self._log.warn(device_of(identity), f"has gone; reply dropped ({exc})")
