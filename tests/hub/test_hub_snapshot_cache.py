"""Snapshots are encoded once per event, and still say exactly what the state says."""

from __future__ import annotations

from typing import Any

from motcua.hub.domain.engine import Actor


def test_the_encoded_snapshot_is_the_snapshot_and_follows_each_event(hub: Any) -> None:
    kiosk, board = hub.client("kiosk-1"), hub.client("display-hall")
    kiosk.request("ticket.take", {"field": "A"})
    first = board.request("snapshot", {})
    again = board.request("snapshot", {})  # from the cache
    actor = Actor("display-hall", "display", None, None)
    expected = hub.server.snapshot(actor)
    for got in (first, again):
        assert {k: v for k, v in got.items() if k not in ("hub_now", "online")} == \
            {k: v for k, v in expected.items() if k not in ("hub_now", "online")}
    kiosk.request("ticket.take", {"field": "A"})  # a new event: a new encoding
    after = board.request("snapshot", {})
    assert after["seq"] == first["seq"] + 1
    assert len(after["state"]["tickets"]) == 2
    staff = hub.client("manager-1").request("snapshot", {"staff": True})
    assert staff["you"]["role"] == "manager" and staff["centre"] != after["centre"]
