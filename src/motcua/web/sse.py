"""Server-sent events: a thread-safe broker and a streaming response.

Producers (an ingest thread, a database poller) call :meth:`EventBroker.publish` from
any thread; each connected browser has an asyncio queue on the server's event loop.
A slow or gone client never blocks a producer: its queue is bounded and, when full,
the oldest message is dropped — every message the web screens send is a "something
changed, here is the latest" notice, so the newest one is all a client needs.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from fastapi.responses import StreamingResponse

__all__ = ["EventBroker", "format_sse", "sse_response"]

log = logging.getLogger(__name__)


def format_sse(event: str, data: Any, event_id: str | None = None) -> str:
    """One SSE message: ``event:``, optional ``id:``, JSON ``data:`` and a blank line."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    lines = [f"event: {event}"]
    if event_id is not None:
        lines.append(f"id: {event_id}")
    # json.dumps never emits a raw newline, so the data fits on one line.
    lines.append(f"data: {payload}")
    return "\n".join(lines) + "\n\n"


@dataclass(eq=False)
class _Subscriber:
    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue[tuple[str, Any]]
    topics: frozenset[str]
    dropped: int = field(default=0)


class EventBroker:
    """Publish ``(topic, event, data)`` from any thread to the subscribed SSE clients."""

    def __init__(self, queue_size: int = 64) -> None:
        self.queue_size = queue_size
        self._subs: set[_Subscriber] = set()
        self._lock = threading.Lock()

    @property
    def subscribers(self) -> int:
        with self._lock:
            return len(self._subs)

    def subscribe(self, topics: set[str] | frozenset[str]) -> _Subscriber:
        """Register the calling coroutine's client (must run on the server's loop)."""
        sub = _Subscriber(asyncio.get_running_loop(), asyncio.Queue(self.queue_size),
                          frozenset(topics))
        with self._lock:
            self._subs.add(sub)
        return sub

    def unsubscribe(self, sub: _Subscriber) -> None:
        with self._lock:
            self._subs.discard(sub)

    def publish(self, topic: str, event: str, data: Any) -> int:
        """Send to every subscriber of ``topic``; returns how many were addressed."""
        with self._lock:
            targets = [s for s in self._subs if topic in s.topics]
        for sub in targets:
            try:
                sub.loop.call_soon_threadsafe(self._put, sub, event, data)
            except RuntimeError:  # its loop is closed: the server is stopping
                self.unsubscribe(sub)
        return len(targets)

    @staticmethod
    def _put(sub: _Subscriber, event: str, data: Any) -> None:
        if sub.queue.full():
            sub.queue.get_nowait()
            sub.dropped += 1
        sub.queue.put_nowait((event, data))


async def _stream(request: Request, broker: EventBroker, topics: set[str],
                  first: list[tuple[str, Any]], heartbeat: float) -> AsyncIterator[str]:
    sub = broker.subscribe(topics)  # here: on the server's loop, before anything is sent
    try:
        # retry: how long the browser's EventSource waits before reconnecting (ms);
        # "ready" tells the page (and tests) that nothing published from now on is missed.
        yield "retry: 3000\n\n"
        yield format_sse("ready", {})
        for event, data in first:
            yield format_sse(event, data)
        while True:
            try:
                event, data = await asyncio.wait_for(sub.queue.get(), heartbeat)
            except TimeoutError:
                if await request.is_disconnected():
                    break
                yield ": keep-alive\n\n"  # a comment: keeps proxies from closing the stream
                continue
            yield format_sse(event, data)
    finally:
        broker.unsubscribe(sub)


def sse_response(request: Request, broker: EventBroker, topics: set[str],
                 first: list[tuple[str, Any]] | None = None,
                 heartbeat: float = 15.0) -> StreamingResponse:
    """A ``text/event-stream`` response for ``topics``, starting with ``first`` messages.

    The stream opens with a ``ready`` event once the client is subscribed.
    """
    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}  # nginx: no buffering
    return StreamingResponse(_stream(request, broker, set(topics), first or [], heartbeat),
                             media_type="text/event-stream", headers=headers)
