"""CURVE on every socket, a ZAP allow-list of device keys, roles checked on every message."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
import zmq
from zmq.auth.thread import ThreadAuthenticator

from motcua.core import protocol
from motcua.hub import keys_cli
from motcua.link import client as link_client
from motcua.link.client import ClientKeys, Endpoints, HubClient, HubError
from tests.support.wait import EventWatch


def test_enrolled_devices_work_under_curve(secure_hub) -> None:  # type: ignore[no-untyped-def]
    server, _keys, client = secure_hub
    t = client("kiosk-1").request("ticket.take", {"field": "A"})["ticket"]
    assert t["label"] == "A001"
    assert client("counter-1").request("ping")["role"] == "counter"


def test_key_files_are_private(secure_hub) -> None:  # type: ignore[no-untyped-def]
    _server, keys, _client = secure_hub
    for secret in [keys / "hub.key_secret", keys / "devices" / "kiosk-1" / "kiosk-1.key_secret"]:
        assert stat.S_IMODE(os.stat(secret).st_mode) == 0o600
    listed = json.loads((keys / "devices.json").read_text("utf-8"))["devices"]
    assert all("secret" not in json.dumps(d) for d in listed)
    # enrolling also writes the device's own settings: who it is, its hub, how to run it
    import tomllib

    conf = tomllib.loads((keys / "devices" / "counter-1" / "device.toml").read_text("utf-8"))
    assert (conf["device"], conf["role"], conf["counter"]) == ("counter-1", "counter", 1)
    text = (keys / "devices" / "counter-1" / "device.toml").read_text("utf-8")
    assert "motcua counter --hub 127.0.0.1" in text and "--counter 1" in text


def test_an_unknown_key_is_refused_with_words(secure_hub, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server, keys, client = secure_hub
    rogue = tmp_path / "rogue"
    from motcua.hub.security import write_key_pair

    write_key_pair(rogue, "kiosk-1")  # claims to be the kiosk, with its own key
    (rogue / "hub.key").write_text((keys / "hub.key").read_text())
    c = client("kiosk-1", rogue, timeout=1.0, retries=1)
    with pytest.raises(HubError) as err:
        c.request("ticket.take", {"field": "A"})
    assert err.value.code == "not_authorised"
    assert err.value.vi == "Thiết bị chưa được cấp quyền"
    assert server.engine.state.last_number.get("A", 0) == 0


def test_a_plain_connection_without_curve_gets_nothing(secure_hub) -> None:  # type: ignore[no-untyped-def]
    server, _keys, _client = secure_hub
    with HubClient(f"tcp://127.0.0.1:{server.command_port}", "kiosk-1", timeout=0.5,
                   retries=0) as c, pytest.raises(HubError):
        c.request("ticket.take", {"field": "A"})
    assert server.engine.state.last_number.get("A", 0) == 0


def test_roles_are_bound_to_keys(secure_hub) -> None:  # type: ignore[no-untyped-def]
    _server, _keys, client = secure_hub
    desk = client("counter-1")
    desk.request("counter.open", {"officer": "cb01"})
    with pytest.raises(HubError) as err:
        desk.request("counter.call_next", {"counter": 2})
    assert err.value.code == "forbidden"
    with pytest.raises(HubError) as err:
        client("rating-1").request("counter.call_next", {})
    assert err.value.code == "forbidden"
    with pytest.raises(HubError) as err:
        client("display-hall").request("ticket.take", {"field": "A"})
    assert err.value.code == "forbidden"


def test_revoking_a_key_stops_an_open_session(secure_hub) -> None:  # type: ignore[no-untyped-def]
    server, keys, client = secure_hub
    kiosk = client("kiosk-1")
    kiosk.request("ticket.take", {"field": "A"})  # the session is open and authenticated
    assert keys_cli.revoke(keys, "kiosk-1") == 0  # returns once the hub has it in force
    taken = server.engine.state.last_number["A"]
    with pytest.raises(HubError) as err:  # the very next request, same socket
        kiosk.request("ticket.take", {"field": "A"}, retries=0)
    assert err.value.code == "not_authorised"
    assert server.engine.state.last_number["A"] == taken


def _watch(server, keys: Path, device: str, **follower) -> EventWatch:  # type: ignore[no-untyped-def]
    return EventWatch(Endpoints(f"tcp://127.0.0.1:{server.command_port}",
                                f"tcp://127.0.0.1:{server.event_port}"), device,
                      keys=ClientKeys.from_dir(keys / "devices" / device, device), **follower)


def test_a_following_device_learns_it_was_revoked(secure_hub, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    server, keys, _client = secure_hub
    monkeypatch.setattr(link_client, "PRESENCE_PING_S", 0.2)  # the board pings often
    # The board hears nothing more once revoked (lost after 1 s), then asks the hub.
    with _watch(server, keys, "display-hall", lost_after=1.0) as board:
        assert board.refusals == []
        keys_cli.revoke(keys, "display-hall")
        board.refusals.wait_for(lambda refused: refused, "the board told it is refused")
        assert board.refusals == [True] and board.follower.refused


def test_events_are_encrypted_and_carry_no_personal_data(secure_hub) -> None:  # type: ignore[no-untyped-def]
    server, keys, client = secure_hub
    with _watch(server, keys, "display-hall") as board:
        desk = client("counter-1")
        desk.request("counter.open", {"officer": "cb01"})
        client("kiosk-1").request("ticket.take", {"field": "A"})
        desk.request("counter.call_next", {})
        desk.request("counter.finish", {})
        client("rating-1").request("rating.submit", {"value": 4})
        seen = [e.body for e in board.events.wait_len(5, "five events")]
    assert len(seen) >= 5
    names = [o.name for o in server.centre.officers]
    blob = json.dumps(seen, ensure_ascii=False)
    assert "cb01" in blob and not any(n and n in blob for n in names)
    # an unencrypted subscriber hears nothing at all
    sub = zmq.Context.instance().socket(zmq.SUB)
    sub.linger = 0
    sub.setsockopt(zmq.SUBSCRIBE, b"")
    sub.connect(f"tcp://127.0.0.1:{server.event_port}")
    assert not sub.poll(1500)
    sub.close()


# -- the three ZAP pitfalls of DESIGN.md, shown on plain pyzmq, and avoided by the hub --------

def _curve_trial(configure) -> bool:  # type: ignore[no-untyped-def]
    """Does a random client key get a message through to a CURVE server socket?"""
    ctx = zmq.Context()
    spub, ssec = zmq.curve_keypair()
    cpub, csec = zmq.curve_keypair()
    server = ctx.socket(zmq.ROUTER)
    server.linger = 0
    auth = configure(ctx, server)
    server.curve_server = True
    server.curve_secretkey = ssec
    port = server.bind_to_random_port("tcp://127.0.0.1")
    c = ctx.socket(zmq.DEALER)
    c.linger = 0
    c.curve_publickey, c.curve_secretkey, c.curve_serverkey = cpub, csec, spub
    c.connect(f"tcp://127.0.0.1:{port}")
    c.send(b"hello")
    got = bool(server.poll(1000))
    c.close()
    server.close()
    if auth is not None:
        auth.stop()
    ctx.term()
    return got


class _Nobody:
    def callback(self, domain: str, key: bytes) -> bool:
        return False


def test_pitfall_curve_without_zap_accepts_anyone() -> None:
    assert _curve_trial(lambda ctx, s: None) is True  # encryption only, no authentication

    def with_zap(ctx, s):  # type: ignore[no-untyped-def]
        auth = ThreadAuthenticator(ctx)
        auth.start()
        auth.configure_curve_callback("motcua", credentials_provider=_Nobody())
        s.zap_domain = b"motcua"
        return auth

    assert _curve_trial(with_zap) is False


def test_pitfall_empty_zap_domain_falls_to_another_policy() -> None:
    def empty_domain(ctx, s):  # type: ignore[no-untyped-def]
        auth = ThreadAuthenticator(ctx)
        auth.start()
        auth.configure_curve_callback("motcua", credentials_provider=_Nobody())
        auth.configure_curve(domain="*", location=zmq.auth.CURVE_ALLOW_ANY)
        return auth  # zap_domain left empty: our allow-list is never asked

    assert _curve_trial(empty_domain) is True


def test_pitfall_allow_any_on_one_domain_opens_every_domain() -> None:
    def allow_any_elsewhere(ctx, s):  # type: ignore[no-untyped-def]
        auth = ThreadAuthenticator(ctx)
        auth.start()
        auth.configure_curve_callback("motcua", credentials_provider=_Nobody())
        auth.configure_curve(domain="other", location=zmq.auth.CURVE_ALLOW_ANY)
        s.zap_domain = b"motcua"
        return auth

    assert _curve_trial(allow_any_elsewhere) is True


def test_the_hub_sets_its_domain_and_never_allows_any(secure_hub) -> None:  # type: ignore[no-untyped-def]
    server, _keys, _client = secure_hub
    assert server._auth.allow_any is False
    assert set(server._auth.credentials_providers) == {"motcua"}
    assert server.router.zap_domain == b"motcua" and server.pub.zap_domain == b"motcua"
    assert server.router.curve_server and server.pub.curve_server


def test_protocol_constant_names_match_the_documentation() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "protocol.md").read_text("utf-8")
    for kind in protocol.REQUESTS:
        assert f"`{kind}" in doc or kind.split(".")[1] in doc, kind
