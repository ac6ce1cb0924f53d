"""Per-device limits: one device can never take the hub away from the others.

The hub reads every message waiting on its ROUTER at once (reading is cheap) and files
it under the device that sent it. Each turn then takes at most ``per_device`` messages
from each device in turn (round robin), so a device sending as fast as it can gets its
share of a turn and no more; everyone else's requests are in the same turn as theirs.
A device with more than ``max_waiting`` messages already waiting gets a ``busy``
refusal in words straight away, so its backlog (and the hub's memory) stays bounded.

Limits, chosen so no well-behaved device ever meets them (a device sends one request
and waits for its answer; a kiosk's busiest minute is a few requests):

* ``MAX_FRAME_BYTES`` (256 KiB): ZeroMQ drops a bigger message and its connection
  before the hub sees it (``ZMQ_MAXMSGSIZE``); the device reconnects by itself.
* ``PER_DEVICE_PER_TURN`` = 16 and ``MAX_WAITING_PER_DEVICE`` = 64.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Any

from motcua.core import protocol

log = logging.getLogger(__name__)

MAX_FRAME_BYTES = 4 * protocol.MAX_BODY_BYTES
"""The largest message the hub's ROUTER accepts (ZMQ_MAXMSGSIZE, 256 KiB)."""
PER_DEVICE_PER_TURN = 16
MAX_WAITING_PER_DEVICE = 64
READ_BUDGET = 4096
"""At most this many messages are read off the socket per turn (then the turn runs)."""

Incoming = tuple[bytes, str | None, list[bytes]]
"""(routing identity, CURVE user id or None, frames after the identity)."""


def busy_body() -> dict[str, Any]:
    return {"code": "busy",
            "message_vi": "Thiết bị gửi quá nhiều yêu cầu cùng lúc, xin chờ rồi thử lại",
            "message_en": "This device sent too many requests at once; wait and retry",
            "details": {"max_waiting": MAX_WAITING_PER_DEVICE}}


@dataclass
class FairQueue:
    """Waiting messages filed per device, taken round robin."""

    per_device: int = PER_DEVICE_PER_TURN
    max_waiting: int = MAX_WAITING_PER_DEVICE
    _queues: OrderedDict[str, deque[Incoming]] = field(default_factory=OrderedDict)
    refused: int = 0
    """How many messages were refused as ``busy`` (for the drills and the status)."""

    def offer(self, device: str, message: Incoming) -> bool:
        """File ``message``; False when the device already has too many waiting."""
        q = self._queues.get(device)
        if q is None:
            q = self._queues[device] = deque()
        if len(q) >= self.max_waiting:
            self.refused += 1
            return False
        q.append(message)
        return True

    def take(self, limit: int) -> list[Incoming]:
        """Up to ``per_device`` messages of each device in turn, ``limit`` in all."""
        out: list[Incoming] = []
        for device in list(self._queues):
            if len(out) >= limit:
                break
            q = self._queues[device]
            for _ in range(min(self.per_device, limit - len(out))):
                if not q:
                    break
                out.append(q.popleft())
            # The device goes to the back of the line; an empty one is forgotten.
            del self._queues[device]
            if q:
                self._queues[device] = q
        return out

    def __len__(self) -> int:
        return sum(len(q) for q in self._queues.values())

    def __bool__(self) -> bool:
        return bool(self._queues)


class ThrottledLog:
    """One log line per device and minute, however many times something happens.

    A device that never reads its replies would otherwise write a line for each of
    thousands of dropped replies and fill the disk the hub needs.
    """

    def __init__(self, every_s: float = 60.0) -> None:
        self.every_s = every_s
        self._last: dict[str, tuple[float, int]] = {}

    def warn(self, device: str, what: str) -> None:
        now = time.monotonic()
        last, suppressed = self._last.get(device, (-1e18, 0))
        if now - last >= self.every_s:
            more = f" ({suppressed} more since the last line)" if suppressed else ""
            log.warning("%s: %s%s", device, what, more)
            self._last[device] = (now, 0)
        else:
            self._last[device] = (last, suppressed + 1)
        if len(self._last) > 10_000:  # hostile routing ids must not grow this forever
            self._last.clear()
