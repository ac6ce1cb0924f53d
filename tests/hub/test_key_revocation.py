"""A revoked or replaced key is cut off at once: on commands, on the event stream, in the log.

All against a real hub in CURVE mode with keys made by ``motcua keys``; the request-loop
test runs ``motcua hub --curve`` and ``motcua keys revoke / enrol`` as separate processes,
as a centre would.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import zmq
from zmq.utils.monitor import recv_monitor_message

from motcua.core import protocol
from motcua.hub import keys_cli
from motcua.hub.audit import fingerprint, read_entries
from motcua.hub.revocation import ENDPOINT_FILE, notify_hub
from motcua.link.client import (
    ClientKeys,
    Endpoints,
    EventFollower,
    HubClient,
    HubError,
    HubUnavailable,
)
from tests.support.hubs import ROOT, free_port
from tests.support.wait import wait_until


def _public(keys: Path, device: str) -> str:
    return (keys / "devices" / device / f"{device}.key").read_text("ascii").strip()


def _curve(sock: zmq.Socket[Any], key_dir: Path, device: str) -> None:
    k = ClientKeys.from_dir(key_dir, device)
    sock.curve_publickey, sock.curve_secretkey, sock.curve_serverkey = (
        k.public, k.secret, k.server_public)


def _subscriber(ctx: zmq.Context[Any], key_dir: Path, device: str,
                port: int) -> tuple[zmq.Socket[Any], zmq.Socket[Any]]:
    sub = ctx.socket(zmq.SUB)
    sub.linger = 0
    sub.setsockopt(zmq.RECONNECT_IVL, 100)
    sub.setsockopt(zmq.SUBSCRIBE, b"")
    _curve(sub, key_dir, device)
    monitor = sub.get_monitor_socket(zmq.EVENT_HANDSHAKE_FAILED_AUTH |
                                     zmq.EVENT_HANDSHAKE_SUCCEEDED)
    sub.connect(f"tcp://127.0.0.1:{port}")
    return sub, monitor


def _next_message(sub: zmq.Socket[Any], wait_ms: int) -> protocol.EventMessage | None:
    if not sub.poll(wait_ms):
        return None
    return protocol.decode_event(sub.recv_multipart())


def _wait_auth_failure(monitor: zmq.Socket[Any], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        if monitor.poll(int(left * 1000) + 1):
            if recv_monitor_message(monitor)["event"] == zmq.EVENT_HANDSHAKE_FAILED_AUTH:
                return True
    return False


def test_reenrolling_cuts_off_the_old_key_on_its_open_socket(secure_hub, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server, keys, client = secure_hub
    old_dir = tmp_path / "stolen-kiosk"
    shutil.copytree(keys / "devices" / "kiosk-1", old_dir)  # what the thief has
    stolen = client("kiosk-1", old_dir)
    assert stolen.request("ticket.take", {"field": "A"})["ticket"]["label"] == "A001"
    keys_cli.enrol(keys, "kiosk-1", "kiosk", None, None, keys / "devices" / "kiosk-1")
    for kind, body in [("ticket.take", {"field": "A"}), ("ping", {}), ("snapshot", {})]:
        with pytest.raises(HubError) as err:  # the old socket's very next request
            stolen.request(kind, body, retries=0)
        assert err.value.code == "not_authorised"
    assert server.engine.state.last_number["A"] == 1
    fresh = client("kiosk-1")  # the replacement PC, with the new key
    assert fresh.request("ticket.take", {"field": "A"})["ticket"]["label"] == "A002"
    assert fresh.request("ping")["device"] == "kiosk-1"
    # a new connection with the old key fails the handshake (ZAP)
    again = client("kiosk-1", old_dir, timeout=0.5, retries=1)
    with pytest.raises(HubError) as err:
        again.request("ping")
    assert err.value.code == "not_authorised"


def test_a_key_cannot_pose_as_another_device(secure_hub) -> None:  # type: ignore[no-untyped-def]
    server, keys, _client = secure_hub
    ctx = zmq.Context()
    try:
        dealer = ctx.socket(zmq.DEALER)
        dealer.linger = 0
        dealer.setsockopt(zmq.ROUTING_ID, b"kiosk-1#posing")  # the rating box's key
        _curve(dealer, keys / "devices" / "rating-1", "rating-1")
        dealer.connect(f"tcp://127.0.0.1:{server.command_port}")
        dealer.send_multipart(protocol.encode_command("ticket.take", "r1", {"field": "A"}))
        assert dealer.poll(5000)
        ok, _rid, body = protocol.decode_reply(dealer.recv_multipart()[-4:])
        assert not ok and body["code"] == "not_authorised"
        assert server.engine.state.last_number.get("A", 0) == 0
        # with its own name, or no routing id at all, the same key is itself: a rating box
        for rid in (b"rating-1#own", None):
            s = ctx.socket(zmq.DEALER)
            s.linger = 0
            if rid is not None:
                s.setsockopt(zmq.ROUTING_ID, rid)
            _curve(s, keys / "devices" / "rating-1", "rating-1")
            s.connect(f"tcp://127.0.0.1:{server.command_port}")
            s.send_multipart(protocol.encode_command("ping", "p1", {}))
            assert s.poll(5000)
            ok, _rid, body = protocol.decode_reply(s.recv_multipart())
            assert ok and (body["device"], body["role"]) == ("rating-1", "rating")
            s.close(0)
        dealer.close(0)
    finally:
        ctx.term()
    refused = [e for e in read_entries(keys / "audit.log") if e.event == "refused_routing_id"]
    assert refused and refused[0].device == "rating-1"
    assert refused[0].key == fingerprint(_public(keys, "rating-1"))


def test_a_revoked_subscriber_hears_nothing_after_revocation(secure_hub) -> None:  # type: ignore[no-untyped-def]
    server, keys, client = secure_hub
    ctx = zmq.Context()
    try:
        good, good_monitor = _subscriber(ctx, keys / "devices" / "rating-1", "rating-1", server.event_port)
        bad, bad_monitor = _subscriber(ctx, keys / "devices" / "display-hall", "display-hall",
                                       server.event_port)
        for sub in (good, bad):  # both hear heartbeats: connected and authenticated
            assert _next_message(sub, 5000) is not None
        kiosk = client("kiosk-1")
        kiosk.request("ticket.take", {"field": "A"})
        assert keys_cli.revoke(keys, "display-hall") == 0
        seq_at_revoke = server.store.last_seq()
        # new events until the kept subscriber (re-connected on its own) hears one
        heard_after = 0
        for _ in range(50):
            kiosk.request("ticket.take", {"field": "B"})
            while (m := _next_message(good, 300)) is not None:
                if m.type != "hb" and m.seq > seq_at_revoke:
                    heard_after += 1
            if heard_after >= 2:
                break
        assert heard_after >= 2
        late: list[protocol.EventMessage] = []
        while (m := _next_message(bad, 200)) is not None:
            late.append(m)
        assert all(m.seq <= seq_at_revoke for m in late), late  # only what came before
        assert _wait_auth_failure(bad_monitor)  # its reconnection fails ZAP
        fresh, fresh_monitor = _subscriber(ctx, keys / "devices" / "display-hall",
                                           "display-hall", server.event_port)
        assert _wait_auth_failure(fresh_monitor)
        assert _next_message(fresh, 0) is None
        for s in (good, bad, fresh):
            s.disable_monitor()
        for s in (good, bad, fresh, good_monitor, bad_monitor, fresh_monitor):
            s.close(0)
    finally:
        ctx.term()
    refusals = [e for e in read_entries(keys / "audit.log")
                if e.event == "refused_key" and e.device == "display-hall"]
    assert refusals and refusals[0].key == fingerprint(_public(keys, "display-hall"))


def test_a_kept_device_follows_on_across_the_rebind(secure_hub) -> None:  # type: ignore[no-untyped-def]
    """Re-binding the event socket drops every subscriber: the ones still enrolled come
    back through ZAP and catch up (sequence gap or heartbeat) without anyone noticing."""
    server, keys, client = secure_hub
    follower = EventFollower(Endpoints(f"tcp://127.0.0.1:{server.command_port}",
                                       f"tcp://127.0.0.1:{server.event_port}"), "rating-1",
                             keys=ClientKeys.from_dir(keys / "devices" / "rating-1", "rating-1"))
    follower.start()
    try:
        wait_until(lambda: follower.view is not None, "the first snapshot", timeout=10)
        kiosk = client("kiosk-1")
        assert keys_cli.revoke(keys, "display-hall") == 0
        for _ in range(3):  # published while the follower is reconnecting
            kiosk.request("ticket.take", {"field": "C"})
        wait_until(lambda: follower.view is not None
                   and follower.view.seq == server.store.last_seq(), "the follower caught up", timeout=10)
        assert follower.view is not None
        assert follower.view.state.last_number["C"] == 3 and not follower.refused
    finally:
        follower.stop()


def test_staff_details_reach_staff_keys_only(secure_hub) -> None:  # type: ignore[no-untyped-def]
    server, keys, client = secure_hub
    names = [o.name for o in server.centre.officers if o.name]
    # A board shows each counter's officer by name and title, as Decree 118/2025 Art. 9.8
    # asks at the counter, and nothing more of the staff list, whatever it asks for.
    board = client("display-hall").request("snapshot", {"staff": True})
    assert {k for o in board["centre"]["officers"] for k in o} <= {"id", "name", "title"}
    kiosk = client("kiosk-1").request("snapshot", {"staff": True})
    assert not any(n in json.dumps(kiosk, ensure_ascii=False) for n in names)
    desk = client("counter-1").request("snapshot", {"staff": True})
    assert {o["name"] for o in desk["centre"]["officers"]} >= set(names)
    # ... and a counter whose key is revoked gets no snapshot at all
    desk_client = client("counter-1")
    assert keys_cli.revoke(keys, "counter-1") == 0
    with pytest.raises(HubError) as err:
        desk_client.request("snapshot", {"staff": True}, retries=0)
    assert err.value.code == "not_authorised"


def test_the_audit_log_shows_every_key_event(secure_hub, capsys) -> None:  # type: ignore[no-untyped-def]
    _server, keys, client = secure_hub
    with pytest.raises(HubError):
        client("display-hall").request("ticket.take", {"field": "A"})  # a role refusal
    old_kiosk = _public(keys, "kiosk-1")
    keys_cli.enrol(keys, "kiosk-1", "kiosk", None, None, keys / "devices" / "kiosk-1")
    keys_cli.revoke(keys, "rating-1")
    capsys.readouterr()
    assert keys_cli.main(["--data", str(keys.parent), "log", "--last", "0"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()

    def line(event_words: str, device: str, key: str) -> str:
        found = [x for x in lines if event_words in x and device in x and key in x]
        assert found, (event_words, device, out)
        return found[0]

    assert line("cấp quyền / enrolled", "kiosk-1", fingerprint(_public(keys, "kiosk-1")))
    assert line("thay khoá / key replaced", "kiosk-1", fingerprint(old_kiosk))
    assert line("thu hồi / revoked", "rating-1", fingerprint(_public(keys, "rating-1")))
    refused = line("từ chối vai trò / role refused", "display-hall",
                   fingerprint(_public(keys, "display-hall")))
    assert "ticket.take" in refused
    assert re.match(r"\d\d/\d\d/\d{4} \d\d:\d\d:\d\d ", refused)  # when, local time
    # one device only
    assert keys_cli.main(["--data", str(keys.parent), "log", "rating-1"]) == 0
    only = capsys.readouterr().out.splitlines()
    assert only and all("rating-1" in x for x in only)


def test_refusals_are_throttled_in_the_audit_log(secure_hub) -> None:  # type: ignore[no-untyped-def]
    _server, keys, client = secure_hub
    board = client("display-hall")
    for _ in range(20):
        with pytest.raises(HubError):
            board.request("counter.call_next", {"counter": 1})
    entries = [e for e in read_entries(keys / "audit.log") if e.event == "refused_role"]
    assert len(entries) == 1  # 19 more are held back and counted, not written one by one
    audit = _server.registry.audit
    audit.throttle_s = 0  # as if a minute had passed: the hub's tick writes the count
    audit.flush()
    entries = [e for e in read_entries(keys / "audit.log") if e.event == "refused_role"]
    assert len(entries) == 2 and len(entries) + sum(e.repeats for e in entries) == 20
    assert entries[1].device == "display-hall" and entries[1].detail == "counter.call_next"


def test_the_tool_says_when_no_hub_is_running(tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    keys.mkdir()
    ok, words = notify_hub(keys)
    assert ok and "no hub admin channel found" in words
    # a hub killed with -9 leaves its endpoint file behind: nobody answers on it
    (keys / ENDPOINT_FILE).write_text(f"ipc://{tmp_path}/gone.sock\n")
    ok, words = notify_hub(keys)
    assert ok and "not running" in words


# -- against `motcua hub --curve` and `motcua keys`, as separate processes ----------------------

def _motcua(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "motcua.cli", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=60, check=False)


@pytest.fixture
def hub_process(tmp_path: Path):  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    for args in (["init"], ["enrol", "counter-1"], ["enrol", "kiosk-1"]):
        assert keys_cli.main(["--data", str(data), *args]) == 0  # what `motcua keys` runs
    cp, ep = free_port(), free_port()
    log = tmp_path / "hub.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "motcua.cli", "hub", "--curve", "--data", str(data),
             "--open-all-hours", "--command-port", str(cp), "--event-port", str(ep)],
            stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    try:
        wait_until(lambda: (data / "keys" / ENDPOINT_FILE).exists() or proc.poll() is not None,
                   "the hub's admin channel", timeout=30)
        assert proc.poll() is None, log.read_text()
        yield data, cp
    finally:
        proc.terminate()
        proc.wait(10)


def _loop(client: HubClient, commands: list[tuple[str, dict[str, Any]]],
          stop: threading.Event, record: list[tuple[float, str]]) -> None:
    """Send commands back to back on one socket; record (send time, outcome)."""
    i = 0
    while not stop.is_set():
        kind, body = commands[i % len(commands)]
        i += 1
        sent = time.monotonic()
        try:
            client.request(kind, body, retries=0, timeout=2.0)
            outcome = "ok"
        except HubUnavailable:
            outcome = "unavailable"
        except HubError as exc:  # a business refusal was still an authorised request
            outcome = "not_authorised" if exc.code == "not_authorised" else "authorised"
        record.append((sent, outcome))


def _cut_off_during_a_loop(data: Path, cp: int, device: str,
                           commands: list[tuple[str, dict[str, Any]]],
                           tool: list[str]) -> tuple[list[str], list[str]]:
    """Run ``motcua keys *tool`` while one socket of ``device`` sends back to back;
    return the outcomes of the requests sent before and after the tool returned."""
    keys = data / "keys"
    c = HubClient(f"tcp://127.0.0.1:{cp}", device,
                  keys=ClientKeys.from_dir(keys / "devices" / device, device))
    if device.startswith("counter"):
        c.request("counter.open", {"officer": "cb01"})
    record: list[tuple[float, str]] = []
    stop = threading.Event()
    loop = threading.Thread(target=_loop, args=(c, commands, stop, record))
    loop.start()
    try:
        wait_until(lambda: len(record) >= 50, "the request loop at full speed", timeout=30)
        done = _motcua("keys", "--data", str(data), *tool)
        returned = time.monotonic()
        assert done.returncode == 0, done.stdout + done.stderr
        assert "in force on the hub now" in done.stdout
        wait_until(lambda: sum(1 for t, _o in record if t > returned) >= 30, "requests after the tool returned",
                   timeout=20)
    finally:
        stop.set()
        loop.join(10)
        c.close()
    before = [o for t, o in record if t < returned]
    after = [o for t, o in record if t > returned]
    return before, after


def test_nothing_is_accepted_after_the_keys_tool_returns(hub_process) -> None:  # type: ignore[no-untyped-def]
    data, cp = hub_process
    for device, commands, tool in [
            ("kiosk-1", [("ping", {}), ("ticket.take", {"field": "A"})], ["enrol", "kiosk-1"]),
            ("counter-1", [("ping", {}), ("counter.waiting", {}), ("counter.call_next", {}),
                           ("counter.pause", {}), ("counter.resume", {})],
             ["revoke", "counter-1"])]:
        before, after = _cut_off_during_a_loop(data, cp, device, commands, tool)
        accepted_after = [o for o in after if o in ("ok", "authorised")]
        print(f"{' '.join(tool)}: {len(before)} requests before the tool returned, "
              f"{len(after)} after, {len(accepted_after)} of them accepted")
        assert before.count("ok") + before.count("authorised") >= 50
        assert len(after) >= 30 and accepted_after == []
        log = _motcua("keys", "--data", str(data), "log", device)
        expected = "thu hồi / revoked" if tool[0] == "revoke" else "thay khoá / key replaced"
        assert expected in log.stdout
        assert "từ chối khoá / key refused" in log.stdout
    keys = data / "keys"  # the re-enrolled kiosk's new key works at once
    with HubClient(f"tcp://127.0.0.1:{cp}", "kiosk-1",
                   keys=ClientKeys.from_dir(keys / "devices" / "kiosk-1", "kiosk-1")) as fresh:
        assert fresh.request("ping")["device"] == "kiosk-1"


def test_a_broken_allow_list_keeps_the_one_in_force(secure_hub) -> None:  # type: ignore[no-untyped-def]
    """A hand edit with a typo must not open the hub nor close it: the tool is told, the
    hub keeps the list it had, and its own periodic re-read does the same."""
    server, keys, client = secure_hub
    kiosk = client("kiosk-1")
    good = (keys / "devices.json").read_text("utf-8")
    (keys / "devices.json").write_text(good[: len(good) // 2], "utf-8")  # cut in half
    ok, words = notify_hub(keys)
    assert not ok and "previous list kept" in words
    server.registry.reload_if_changed()
    assert kiosk.request("ping")["device"] == "kiosk-1"
    (keys / "devices.json").write_text(good, "utf-8")
    assert notify_hub(keys)[0]


def test_audit_entries_survive_a_damaged_line(tmp_path: Path) -> None:
    from motcua.hub.audit import AuditLog

    log = AuditLog(tmp_path / "audit.log")
    log.record("enrolled", "kiosk-1", "ab" * 8, role="kiosk")
    with (tmp_path / "audit.log").open("a", encoding="utf-8") as fh:
        fh.write('{"time": "cut off by a power fail\n')
    log.record("revoked", "kiosk-1", "ab" * 8, role="kiosk")
    assert [e.event for e in read_entries(tmp_path / "audit.log")] == ["enrolled", "revoked"]
    assert oct((tmp_path / "audit.log").stat().st_mode & 0o777) == "0o600"
    key = zmq.curve_keypair()[0].decode()
    assert fingerprint(key) == fingerprint(key) and len(fingerprint(key)) == 16


def test_without_its_admin_socket_the_hub_serves_and_still_revokes(tmp_path: Path, centre, clock) -> None:  # type: ignore[no-untyped-def]
    from motcua.hub.security import Registry, read_key
    from motcua.hub.server import HubOptions, HubServer
    from motcua.hub.storage.db import HubStore, sqlite_url

    keys = tmp_path / "keys"
    keys_cli.init(keys)
    keys_cli.enrol(keys, "kiosk-1", "kiosk", None, None, keys / "devices" / "kiosk-1")
    (keys / "run").write_text("not a folder")  # the socket's folder cannot be made
    store = HubStore(sqlite_url(tmp_path / "hub.sqlite"), site_id=centre.id)
    server = HubServer(centre, store, HubOptions(
        "tcp://127.0.0.1:*", "tcp://127.0.0.1:*", curve_secret_key=read_key(keys / "hub.key_secret")),
        registry=Registry(centre, keys / "devices.json"), clock=clock)
    server.start()
    try:
        kiosk = HubClient(f"tcp://127.0.0.1:{server.command_port}", "kiosk-1",
                          keys=ClientKeys.from_dir(keys / "devices" / "kiosk-1", "kiosk-1"))
        assert kiosk.request("ping")["device"] == "kiosk-1"
        assert keys_cli.revoke(keys, "kiosk-1") == 0  # "... applies the change within 2 s"

        def refused() -> bool:
            try:
                kiosk.request("ping", retries=0)
            except HubError as exc:
                return exc.code == "not_authorised"
            return False

        wait_until(refused, "the hub's own re-read of the allow-list", timeout=10)
        kiosk.close()
    finally:
        server.stop()
        store.close()


def test_a_key_written_in_centre_toml_can_be_revoked_and_replaced(tmp_path: Path, centre, clock) -> None:  # type: ignore[no-untyped-def]
    """centre.toml may carry a device's public_key; `motcua keys` still decides."""
    from dataclasses import replace

    from motcua.hub.security import Registry, read_key, write_key_pair
    from motcua.hub.server import HubOptions, HubServer
    from motcua.hub.storage.db import HubStore, sqlite_url

    keys = tmp_path / "keys"
    keys_cli.init(keys)
    pub_k, _ = write_key_pair(tmp_path / "kiosk", "kiosk-1")
    pub_c, _ = write_key_pair(tmp_path / "counter", "counter-1")
    for d in ("kiosk", "counter"):
        shutil.copy(keys / "hub.key", tmp_path / d / "hub.key")
    in_toml = {"kiosk-1": pub_k.decode(), "counter-1": pub_c.decode()}
    centre = replace(centre, devices=tuple(replace(d, public_key=in_toml.get(d.id, ""))
                                           for d in centre.devices))
    store = HubStore(sqlite_url(tmp_path / "hub.sqlite"), site_id=centre.id)
    server = HubServer(centre, store, HubOptions(
        "tcp://127.0.0.1:*", "tcp://127.0.0.1:*", curve_secret_key=read_key(keys / "hub.key_secret")),
        registry=Registry(centre, keys / "devices.json"), clock=clock)
    server.start()
    endpoint = f"tcp://127.0.0.1:{server.command_port}"
    try:
        with HubClient(endpoint, "kiosk-1", keys=ClientKeys.from_dir(tmp_path / "kiosk", "kiosk-1")) as kiosk, \
                HubClient(endpoint, "counter-1",
                          keys=ClientKeys.from_dir(tmp_path / "counter", "counter-1")) as desk:
            assert kiosk.request("ping")["role"] == "kiosk"
            assert desk.request("ping")["role"] == "counter"
            assert keys_cli.revoke(keys, "kiosk-1", pub_k.decode(), "kiosk") == 0
            keys_cli.enrol(keys, "counter-1", "counter", 1, None, keys / "devices" / "counter-1")
            for old in (kiosk, desk):
                with pytest.raises(HubError) as err:
                    old.request("ping", retries=0)
                assert err.value.code == "not_authorised"
        with HubClient(endpoint, "counter-1",
                       keys=ClientKeys.from_dir(keys / "devices" / "counter-1", "counter-1")) as new:
            assert new.request("ping")["role"] == "counter"
    finally:
        server.stop()
        store.close()
