"""'Your turn is near': real hub, real follower, real HTTP gateway on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from motcua.citizen.notifier import Notifier, PhoneError, normalise_phone, unaccented
from motcua.citizen.outbox import Message, NotifyStore
from motcua.citizen.senders import HttpSms, SendError, ZaloZns
from motcua.core.state import DayState
from motcua.link.client import Endpoints, EventFollower
from tests.support.http_receiver import HttpReceiver, http_receiver
from tests.support.wait import wait_until


def test_phone_numbers_are_checked_in_words() -> None:
    assert normalise_phone("0912 345 678") == "0912345678"
    assert normalise_phone("+84 912.345.678") == "0912345678"
    for bad in ("091234567", "0112345678", "09123456789", "abc"):
        with pytest.raises(PhoneError) as e:
            normalise_phone(bad)
        assert "Số điện thoại" in e.value.vi
    assert unaccented("Mời Ông/Bà đến quầy số 2") == "Moi Ong/Ba den quay so 2"


class Centre:
    """A notifier following a real hub, its outbox in ``tmp_path``."""

    def __init__(self, hub: Any, tmp_path: Path, sender: Any, near: int = 2) -> None:
        self.hub = hub
        self.store = NotifyStore(tmp_path / "notify.sqlite")
        self.follower = EventFollower(
            Endpoints(hub.command, hub.events), "citizen-web",
            on_view=lambda v: self.notifier.decide(v.state),
            on_batch=lambda v, _e: self.notifier.decide(v.state))
        self.notifier = Notifier(self.store, sender, centre_name="Phường Bến Thành",
                                 view_state=self.state, near=near, backoff_s=0.05,
                                 max_backoff_s=0.2)
        self.kiosk = hub.client("kiosk-1")
        self.desk = hub.client("counter-1")

    def state(self) -> DayState | None:
        view = self.follower.view
        return None if view is None else view.state

    def start(self) -> Centre:
        self.notifier.start()
        self.follower.start()
        wait_until(lambda: self.follower.view is not None, what="the follower's snapshot")
        return self

    def stop(self) -> None:
        self.follower.stop()
        self.notifier.stop()

    def take(self, n: int) -> list[dict[str, Any]]:
        return [self.kiosk.request("ticket.take", {"field": "A"})["ticket"] for _ in range(n)]

    def seen(self, ticket_id: str, status: str) -> None:
        def there() -> bool:
            state = self.state()
            t = state.tickets.get(ticket_id) if state else None
            return t is not None and t.status == status
        wait_until(there, what=f"{ticket_id} {status} at the follower")


def sms(receiver: HttpReceiver) -> HttpSms:
    return HttpSms(receiver.url + "/sms", {"to": "{phone}", "message": "{text}",
                                           "ref": "{key}"}, timeout=2.0)


@pytest.fixture
def receiver() -> Iterator[HttpReceiver]:
    with http_receiver() as r:
        yield r


def test_near_then_called_each_exactly_once_in_order(hub: Any, tmp_path: Path,
                                                      receiver: HttpReceiver) -> None:
    c = Centre(hub, tmp_path, sms(receiver), near=2).start()
    try:
        tickets = c.take(5)
        mine = tickets[4]
        c.seen(mine["id"], "waiting")
        c.notifier.subscribe(mine["id"], "0912 345 678")
        c.desk.request("counter.open", {"counter": 1, "officer": "cb01"})
        for _ in range(2):  # two called: two left ahead of mine
            c.desk.request("counter.call_next", {"counter": 1})
            c.desk.request("counter.finish", {"counter": 1})
        got = receiver.wait_for(1)
        assert got[0].body["to"] == "84912345678"
        assert f"số {mine['label']}" in got[0].body["message"]
        assert "còn 2 người phía trước" in got[0].body["message"]
        for _ in range(2):
            c.desk.request("counter.call_next", {"counter": 1})
            c.desk.request("counter.finish", {"counter": 1})
        c.desk.request("counter.call_next", {"counter": 1})  # mine, at counter 1
        got = receiver.wait_for(2)
        assert "đến quầy số 1" in got[1].body["message"]
        assert [r.body["ref"] for r in got] == [f"motcua-2025-11-24-{mine['id']}-near",
                                                f"motcua-2025-11-24-{mine['id']}-called"]
    finally:
        c.stop()
    # A restarted notifier replays the day: nothing is decided or sent twice.
    again = Centre(hub, tmp_path, sms(receiver)).start()
    try:
        wait_until(lambda: again.state() is not None)
        assert again.notifier.decide(again.state() or DayState()) == 0
        assert [m["status"] for m in again.store.statuses()] == ["sent", "sent"]
        assert receiver.attempts == 2
    finally:
        again.stop()


def test_a_gateway_outage_delays_messages_and_loses_none(hub: Any, tmp_path: Path,
                                                          receiver: HttpReceiver) -> None:
    c = Centre(hub, tmp_path, sms(receiver), near=0).start()
    try:
        first, second = c.take(2)
        c.seen(second["id"], "waiting")
        c.notifier.subscribe(first["id"], "0987654321")
        c.notifier.subscribe(second["id"], "0987654322")
        receiver.wait_for(1)  # first is already near (nobody ahead)
        receiver.down()
        c.desk.request("counter.open", {"counter": 1, "officer": "cb01"})
        c.desk.request("counter.call_next", {"counter": 1})  # first called, second near
        wait_until(lambda: any(m["attempts"] > 0 for m in c.store.statuses()),
                   what="a failed try while the gateway is down")
        receiver.fail_next = 2
        receiver.up()
        got = receiver.wait_for(3)
        day = "2025-11-24"
        assert [r.body["ref"] for r in got] == [f"motcua-{day}-{first['id']}-near",
                                                f"motcua-{day}-{first['id']}-called",
                                                f"motcua-{day}-{second['id']}-near"]
        assert len({r.body["ref"] for r in got}) == len(got) == 3
    finally:
        c.stop()


def test_no_message_for_a_ticket_served_while_the_gateway_was_down(
        hub: Any, tmp_path: Path, receiver: HttpReceiver) -> None:
    receiver.down()
    c = Centre(hub, tmp_path, sms(receiver), near=0).start()
    try:
        (t,) = c.take(1)
        c.seen(t["id"], "waiting")
        c.notifier.subscribe(t["id"], "0912345678")
        c.desk.request("counter.open", {"counter": 1, "officer": "cb01"})
        c.desk.request("counter.call_next", {"counter": 1})
        c.desk.request("counter.finish", {"counter": 1})
        c.seen(t["id"], "done")
        receiver.up()
        wait_until(lambda: {m["status"] for m in c.store.statuses()} == {"dropped"},
                   what="both messages dropped")
        assert receiver.received == []
    finally:
        c.stop()


def test_a_lost_acknowledgement_resends_the_same_message_once(tmp_path: Path,
                                                              receiver: HttpReceiver) -> None:
    """The gateway took the message but the answer was lost: the retry carries the same
    idempotency key and the gateway keeps one."""
    gateway = sms(receiver)
    calls: list[str] = []

    class LostAnswer:
        def send(self, message: Message) -> None:
            gateway.send(message)
            calls.append(message.key)
            if len(calls) == 1:
                raise SendError("read timed out", retry=True)

    store = NotifyStore(tmp_path / "n.sqlite")
    state = DayState(day="2025-11-24")
    n = Notifier(store, LostAnswer(), centre_name="X", view_state=lambda: state,
                 backoff_s=0.0)
    store.decide("t1", "called", "2025-11-24", "0912345678", "mời")
    n.send_due()
    n.send_due()
    assert calls == ["motcua-2025-11-24-t1-called"] * 2
    assert len(receiver.received) == 1 and receiver.attempts == 2
    assert [m["status"] for m in store.statuses()] == ["sent"]


def test_zalo_zns_request_shape_and_refusal(tmp_path: Path, receiver: HttpReceiver) -> None:
    zns = ZaloZns("token-1", "tmpl-9", url=receiver.url + "/message/template", timeout=2.0)
    m = Message(1, "t1", "near", "2025-11-24", "0912345678", "còn 2 người", 0)
    zns.send(m)
    (got,) = receiver.wait_for(1)
    assert got.headers["access_token"] == "token-1"
    assert got.body == {"phone": "84912345678", "template_id": "tmpl-9", "tracking_id":
                        m.key, "template_data": {"ticket": "t1", "kind": "near",
                                                 "content": "còn 2 người"}}
    receiver.down()
    with pytest.raises(SendError) as e:
        zns.send(m)
    assert e.value.retry


def test_phone_numbers_are_forgotten_the_next_day(tmp_path: Path) -> None:
    store = NotifyStore(tmp_path / "n.sqlite")
    store.subscribe("t1", "2025-11-24", "A001", "0912345678", 2)
    store.decide("t1", "near", "2025-11-24", "0912345678", "còn 2")
    store.forget_before("2025-11-25")
    assert store.subscriptions("2025-11-24") == []
    assert store.due() == []
    assert [m["status"] for m in store.statuses()] == ["expired_unsent"]
    with store.engine.connect() as c:  # no phone number left anywhere in the tables
        rows = c.exec_driver_sql("SELECT * FROM messages UNION ALL SELECT ticket, day, label, "
                                 "phone, near, 0, 0, 0, 0, 0 FROM subscriptions").all()
    assert "0912345678" not in repr(rows)
