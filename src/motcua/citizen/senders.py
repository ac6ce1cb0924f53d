"""Where "your turn is near" messages go: Zalo ZNS or an HTTP SMS gateway.

One seam, :class:`Sender` (``send(message)``), like python-escpos' ``_raw``: the notifier
knows nothing of either API. Both adapters send the message's idempotency key with every
try, so a resend after a crash or a time-out (the gateway may have accepted the first) is
recognised by the gateway as the same message: the outbox gives at-least-once delivery,
the key makes it exactly once at the receiver.

* :class:`ZaloZns` — Zalo Notification Service template messages: ``POST`` JSON
  ``{phone, template_id, template_data, tracking_id}`` with header ``access_token``; the
  answer ``{"error": 0, ...}`` means accepted.
* :class:`HttpSms` — a brandname SMS gateway with a JSON or form API: URL, bearer or basic
  auth and the request fields are configuration, with ``{phone}``, ``{text}``, ``{key}``
  placeholders.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Literal, Protocol

import httpx

from motcua.citizen.outbox import Message

log = logging.getLogger(__name__)


class SendError(Exception):
    """A message the gateway did not take; ``retry`` says whether trying later may help."""

    def __init__(self, reason: str, *, retry: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry = retry


class Sender(Protocol):
    def send(self, message: Message) -> None:
        """Deliver ``message`` or raise :class:`SendError`."""


def international(phone: str) -> str:
    """``0912345678`` -> ``84912345678`` (what both gateways expect)."""
    return "84" + phone[1:] if phone.startswith("0") else phone


def _check_http(response: httpx.Response) -> None:
    if response.status_code in (408, 425, 429) or response.status_code >= 500:
        raise SendError(f"HTTP {response.status_code}", retry=True)
    if response.status_code >= 400:
        raise SendError(f"HTTP {response.status_code}: {response.text[:200]}", retry=False)


def _post(client: httpx.Client, url: str, **kw: object) -> httpx.Response:
    try:
        return client.post(url, **kw)  # type: ignore[arg-type]
    except httpx.TransportError as exc:  # refused, reset, time-out: the gateway may be back
        raise SendError(f"{type(exc).__name__}: {exc}", retry=True) from None


@dataclass
class ZaloZns:
    """Zalo ZNS template messages (the template is approved by Zalo beforehand)."""

    access_token: str
    template_id: str
    url: str = "https://business.openapi.zalo.me/message/template"
    timeout: float = 10.0
    client: httpx.Client = field(default_factory=httpx.Client, repr=False)

    def send(self, message: Message) -> None:
        body = {"phone": international(message.phone), "template_id": self.template_id,
                "template_data": {"ticket": message.ticket, "kind": message.kind,
                                  "content": message.text},
                "tracking_id": message.key}
        r = _post(self.client, self.url, json=body, timeout=self.timeout,
                  headers={"access_token": self.access_token})
        _check_http(r)
        try:
            answer = r.json()
        except ValueError:
            raise SendError("ZNS answered something that is not JSON", retry=True) from None
        if not isinstance(answer, dict) or answer.get("error") != 0:
            raise SendError(f"ZNS refused: {answer!r}"[:300], retry=False)


@dataclass
class HttpSms:
    """A brandname SMS gateway with a plain HTTP API."""

    url: str
    fields: dict[str, str]
    """Request fields with ``{phone}``, ``{text}``, ``{key}`` placeholders, e.g.
    ``{"to": "{phone}", "message": "{text}", "brandname": "UBND-PHUONG", "ref": "{key}"}``."""
    format: Literal["json", "form"] = "json"
    bearer: str | None = None
    basic: tuple[str, str] | None = None
    timeout: float = 10.0
    client: httpx.Client = field(default_factory=httpx.Client, repr=False)

    def send(self, message: Message) -> None:
        values = {"phone": international(message.phone), "text": message.text,
                  "key": message.key}
        body = {k: v.format_map(values) for k, v in self.fields.items()}
        headers = {"Idempotency-Key": message.key}
        if self.bearer:
            headers["Authorization"] = f"Bearer {self.bearer}"
        kw: dict[str, object] = {"headers": headers, "timeout": self.timeout}
        if self.basic:
            kw["auth"] = self.basic
        kw["json" if self.format == "json" else "data"] = body
        _check_http(_post(self.client, self.url, **kw))
