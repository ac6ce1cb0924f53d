"""The printer node against a real hub and a virtual printer on a pty or on TCP.

Every fault a kiosk printer has in a day (paper near end, paper out mid-ticket, cover
open, unplugged mid-ticket) is played here; the hub's own state is then checked: numbers
gap-free, every ticket printed exactly once, the failed ones once more as "IN LẠI".
"""

from __future__ import annotations

import dataclasses
import termios
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from motcua.core.centre.model import Device
from motcua.hub.storage.db import sqlite_url
from motcua.link.client import Endpoints, EventFollower, HubClient, HubError
from motcua.printer import node as printer_node
from motcua.printer.connections import FileLink, NetworkLink, PrinterLink, SerialLink
from motcua.printer.driver import TicketPrinter
from motcua.printer.node import PrinterNode, ticket_print
from motcua.printer.render import decode_text, render
from motcua.printer.virtual import PtyServer, TcpServer, VirtualLink, VirtualPrinter, VirtualState
from tests.support.hubs import free_port, start_hub
from tests.support.twins import TWIN_STATUS_S
from tests.support.wait import EventWatch, Signal, wait_until

DEADLINE_S = 8.0
REPRINT = "*** IN LẠI ***"


class FaultyPrinter(VirtualPrinter):
    """A virtual printer that can fail in the middle of the next ticket it receives."""

    def __init__(self, out_dir: Path) -> None:
        super().__init__(out_dir)
        self._fault: VirtualState | None = None
        self.on_job: Callable[[], None] | None = None
        """Called once, when the next ticket's first bytes arrive (before they print)."""

    def fail_next_job(self, state: VirtualState) -> None:
        """Half-way through the next ticket, switch to ``state`` (paper out, unplugged)."""
        self._fault = state

    def feed(self, data: bytes) -> bytes:
        is_query = len(data) <= 3 and data.startswith(b"\x10\x04")
        if not is_query and self.on_job is not None:
            hook, self.on_job = self.on_job, None
            hook()
        if not is_query and self._fault is not None:
            state, self._fault = self._fault, None
            half = len(data) // 2
            answer = super().feed(data[:half])
            self.state = state
            return answer + super().feed(data[half:])
        return super().feed(data)

    def labels(self) -> list[str]:
        return [t.label for t in self.tickets]

    def reprinted(self) -> list[str]:
        return [t.label for t in self.tickets if REPRINT in t.text_lines]


@dataclass
class Rig:
    """A hub, a virtual printer behind a pty or TCP, and the node printing on it."""

    hub: Any
    printer: FaultyPrinter
    node: PrinterNode
    kiosk: HubClient
    admin: HubClient
    out_dir: Path
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def take(self, field_code: str = "A", **extra: Any) -> dict[str, Any]:
        reply: dict[str, Any] = self.kiosk.request("ticket.take", {"field": field_code, **extra})
        return reply

    def state(self) -> dict[str, Any]:
        snap: dict[str, Any] = self.admin.request("snapshot", {})
        return dict(snap["state"])

    def ticket(self, label: str) -> dict[str, Any]:
        return next(t for t in self.state()["tickets"] if t["label"] == label)

    def hub_status(self) -> str | None:
        status = self.state()["devices"].get("printer-1", {}).get("status")
        return None if status is None else str(status)

    def wait_polls(self, n: int = 3) -> None:
        """Let the node ask the printer ``n`` more times (time passes, bounded)."""
        start = self.printer.status_queries
        wait_until(lambda: self.printer.status_queries >= start + n, f"{n} status queries")

    def printed_events(self) -> Counter[str]:
        return Counter(str(b["label"]) for kind, b in self.events if kind == "ticket.printed")


def _endpoints(hub: Any) -> Endpoints:
    return Endpoints(hub.command, hub.events)


BOTH_LINKS = pytest.mark.parametrize("rig", ["pty", "tcp"], indirect=True)


@pytest.fixture
def rig(request: pytest.FixtureRequest, hub: Any, tmp_path: Path) -> Iterator[Rig]:
    """Serial over a pty by default; ``@BOTH_LINKS`` runs a test over TCP port 9100 too."""
    out = tmp_path / "tickets"
    printer = FaultyPrinter(out)
    server: PtyServer | TcpServer
    link: PrinterLink
    if getattr(request, "param", "pty") == "pty":
        server = PtyServer(printer)
        link = SerialLink(server.path, 115200, rtscts=True)
    else:
        server = TcpServer(printer)
        link = NetworkLink(server.host, server.port)
    node = PrinterNode(_endpoints(hub), "printer-1",
                       printer=TicketPrinter(link, "tcvn3", status_timeout=TWIN_STATUS_S),
                       poll_status_s=0.1)
    events: list[tuple[str, dict[str, Any]]] = []
    watcher = EventFollower(_endpoints(hub), "display-hall",
                            on_event=lambda _v, e: events.append((e.type, e.body)))
    watcher.start()
    node.start()
    r = Rig(hub, printer, node, hub.client("kiosk-1"), hub.client("admin"), out, events)
    try:
        wait_until(lambda: watcher.connected and node.connected and r.hub_status() == "ok",
                   "the node to connect and report the printer ready")
        assert node.kiosk == "kiosk-1"
        yield r
    finally:
        node.stop()
        watcher.stop()
        link.close()
        server.close()


@BOTH_LINKS
def test_prints_a_kiosk_ticket_once_and_tells_the_hub(rig: Rig, centre: Any) -> None:
    reply = rig.take("A", procedure="A.1", priority="elderly")
    label = reply["ticket"]["label"]
    assert label == "A001"
    wait_until(lambda: rig.ticket(label)["printed"], "ticket.printed at the hub")
    assert rig.printer.wait_for_tickets(1)
    printed = rig.printer.tickets[0]
    assert printed.label == label
    assert sorted(p.name for p in rig.out_dir.iterdir()) == [f"0001-{label}.bin",
                                                             f"0001-{label}.png"]
    data = (rig.out_dir / f"0001-{label}.bin").read_bytes()
    # Exactly the ticket the hub issued, from the centre's configuration.
    assert data == render(ticket_print(centre, reply["ticket"]), "tcvn3")
    text = decode_text(data)
    for expected in (label, centre.name_vi, centre.place_vi, "Tư pháp - Hộ tịch",  # TCVN-3 has no –
                     "Đăng ký khai sinh", "Ưu tiên: Người cao tuổi", "24/11/2025 09:00",
                     centre.slogan_vi):
        assert expected in text
    assert REPRINT not in text
    assert printed.qr_data == [reply["ticket"]["id"].encode()]
    wait_until(lambda: rig.printed_events()[label] == 1, "the ticket.printed event")
    rig.wait_polls(5)
    assert rig.printer.labels() == [label]
    assert rig.printed_events() == Counter({label: 1})
    assert rig.node.prints == 1 and rig.node.reprints == 0


def test_paper_near_end_is_reported_and_printing_continues(rig: Rig) -> None:
    rig.printer.state = VirtualState.PAPER_NEAR_END
    wait_until(lambda: rig.hub_status() == "paper_near_end", "paper_near_end at the hub")
    assert rig.state()["devices"]["printer-1"]["detail_vi"] == "Giấy in sắp hết, vẫn in được"
    label = rig.take("B")["ticket"]["label"]
    wait_until(lambda: rig.ticket(label)["printed"], "the ticket printed on low paper")
    assert rig.printer.labels() == [label]


def test_paper_out_mid_ticket_blocks_the_kiosk_then_reprints_once(rig: Rig) -> None:
    first = rig.take("A")["ticket"]["label"]
    wait_until(lambda: rig.ticket(first)["printed"], "the first ticket printed")

    rig.printer.fail_next_job(VirtualState.PAPER_OUT)
    lost = rig.take("A")["ticket"]["label"]
    wait_until(lambda: rig.ticket(lost)["print_failed"], "printer.failed for the ticket")
    assert rig.hub_status() == "paper_out"  # reported before the failure itself
    assert rig.printer.discarded_jobs == 1 and rig.printer.labels() == [first]

    with pytest.raises(HubError) as refused:
        rig.take("A")
    assert refused.value.code == "printer_unavailable"
    assert "Máy in vé đang gặp sự cố" in refused.value.vi
    assert rig.state()["last_number"] == {"A": 2}  # no number issued for the refusal

    rig.printer.state = VirtualState.OK
    wait_until(lambda: rig.ticket(lost)["printed"], "the lost ticket reprinted")
    assert rig.hub_status() == "ok"
    assert rig.printer.labels() == [first, lost]
    assert rig.printer.reprinted() == [lost]
    rig.wait_polls(5)
    assert rig.printer.labels() == [first, lost]  # exactly once
    reprint = next(b for k, b in rig.events if k == "ticket.printed" and b["label"] == lost)
    assert reprint["reprint"] is True

    after = rig.take("A")["ticket"]["label"]
    wait_until(lambda: rig.ticket(after)["printed"], "the next ticket printed")
    assert after == "A003"
    assert rig.printer.labels() == [first, lost, after]
    assert rig.printed_events() == Counter({first: 1, lost: 1, after: 1})


def test_cover_open_blocks_the_kiosk_until_closed(rig: Rig) -> None:
    rig.printer.state = VirtualState.COVER_OPEN
    wait_until(lambda: rig.hub_status() == "cover_open", "cover_open at the hub")
    with pytest.raises(HubError) as refused:
        rig.take("C")
    assert refused.value.code == "printer_unavailable"
    rig.printer.state = VirtualState.OK
    wait_until(lambda: rig.hub_status() == "ok", "ok at the hub")
    label = rig.take("C")["ticket"]["label"]
    assert label == "C001"  # the refusal used no number
    wait_until(lambda: rig.ticket(label)["printed"], "printed after the cover closed")
    assert rig.printer.labels() == [label] and rig.printer.reprinted() == []


def test_printer_unplugged_mid_ticket_is_offline_then_reprinted(rig: Rig) -> None:
    rig.printer.fail_next_job(VirtualState.SILENT)
    lost = rig.take("A")["ticket"]["label"]
    wait_until(lambda: rig.ticket(lost)["print_failed"], "printer.failed after the silence")
    assert rig.hub_status() == "offline"
    detail = rig.state()["devices"]["printer-1"]
    assert detail["detail_vi"] == "Máy in không trả lời (mất kết nối hoặc đang tắt)"
    with pytest.raises(HubError) as refused:
        rig.take("A")
    assert refused.value.code == "printer_unavailable"
    assert rig.printer.tickets == []  # half a job never makes a ticket

    rig.printer.state = VirtualState.OK  # plugged back in
    wait_until(lambda: rig.ticket(lost)["printed"], "the ticket reprinted after replug")
    assert rig.printer.reprinted() == [lost] and rig.printer.labels() == [lost]
    rig.wait_polls(5)
    assert rig.printer.labels() == [lost]


@BOTH_LINKS
def test_a_day_of_faults_loses_no_number_and_prints_each_once(rig: Rig) -> None:
    issued: list[str] = []

    def take_and_print(field_code: str) -> str:
        label = str(rig.take(field_code)["ticket"]["label"])
        issued.append(label)
        return label

    def printed(label: str) -> Callable[[], bool]:
        return lambda: bool(rig.ticket(label)["printed"])

    wait_until(printed(take_and_print("A")), "A001")
    rig.printer.state = VirtualState.PAPER_NEAR_END
    wait_until(printed(take_and_print("A")), "A002 on low paper")
    rig.printer.fail_next_job(VirtualState.PAPER_OUT)
    failed = [take_and_print("B")]
    wait_until(lambda: rig.hub_status() == "paper_out", "paper out")
    rig.printer.state = VirtualState.OK
    wait_until(printed(failed[0]), "B001 reprinted")
    rig.printer.fail_next_job(VirtualState.SILENT)
    failed.append(take_and_print("A"))
    wait_until(lambda: rig.hub_status() == "offline", "offline")
    rig.printer.state = VirtualState.COVER_OPEN  # switched on, but the cover is open
    wait_until(lambda: rig.hub_status() == "cover_open", "cover open")
    for code in ("A", "B", "C"):
        with pytest.raises(HubError):
            rig.take(code)
    rig.printer.state = VirtualState.OK
    wait_until(printed(failed[1]), "A003 reprinted")
    wait_until(printed(take_and_print("C")), "C001")

    state = rig.state()
    numbers: dict[str, list[int]] = {}
    for t in state["tickets"]:
        numbers.setdefault(t["field"], []).append(t["number"])
        assert t["printed"], t["label"]
    assert {f: sorted(n) for f, n in numbers.items()} == {"A": [1, 2, 3], "B": [1], "C": [1]}
    assert sorted(rig.printer.labels()) == sorted(issued)  # each exactly once on paper
    assert sorted(rig.printer.reprinted()) == sorted(failed)
    wait_until(lambda: sum(rig.printed_events().values()) == len(issued), "printed events")
    assert set(rig.printed_events().values()) == {1}


# -- without the rig: other kiosks, start-up, a hub that goes away, write-only links --------

def _in_process_node(hub_command: str, hub_events: str, device: str, out: Path,
                     ) -> tuple[PrinterNode, FaultyPrinter]:
    printer = FaultyPrinter(out)
    node = PrinterNode(Endpoints(hub_command, hub_events), device,
                       printer=TicketPrinter(VirtualLink(printer), "tcvn3"), poll_status_s=0.1)
    return node, printer


def _printer_status(admin: HubClient, device: str) -> str | None:
    devices = admin.request("snapshot", {})["state"]["devices"]
    status = devices.get(device, {}).get("status")
    return None if status is None else str(status)


def test_only_this_kiosks_tickets_are_printed(tmp_path: Path, centre: Any, clock: Any) -> None:
    two_kiosks = dataclasses.replace(centre, devices=(
        *centre.devices, Device("kiosk-2", "kiosk"),
        Device("printer-2", "printer", kiosk="kiosk-2")))
    server, store = start_hub(two_kiosks, sqlite_url(tmp_path / "hub.sqlite"), clock)
    cmd = f"tcp://127.0.0.1:{server.command_port}"
    ev = f"tcp://127.0.0.1:{server.event_port}"
    one, paper_one = _in_process_node(cmd, ev, "printer-1", tmp_path / "one")
    two, paper_two = _in_process_node(cmd, ev, "printer-2", tmp_path / "two")
    clients = [HubClient(cmd, name) for name in ("kiosk-1", "kiosk-2", "manager-1", "admin")]
    kiosk1, kiosk2, manager, admin = clients
    try:
        one.start()
        two.start()
        wait_until(lambda: _printer_status(admin, "printer-1") == "ok"
                   and _printer_status(admin, "printer-2") == "ok"
                   and (one.kiosk, two.kiosk) == ("kiosk-1", "kiosk-2"), "both printers ready")
        by_manager = manager.request("ticket.take", {"field": "A"})["ticket"]["label"]
        at_two = kiosk2.request("ticket.take", {"field": "A"})["ticket"]["label"]
        at_one = kiosk1.request("ticket.take", {"field": "A"})["ticket"]["label"]
        assert paper_one.wait_for_tickets(1) and paper_two.wait_for_tickets(1)
        wait_until(lambda: all(t["printed"] for t in admin.request("snapshot", {})["state"][
            "tickets"] if t["label"] in (at_one, at_two)), "both tickets printed at the hub")
        assert (by_manager, at_two, at_one) == ("A001", "A002", "A003")
        assert paper_one.labels() == [at_one] and paper_two.labels() == [at_two]
        # The manager's ticket (no kiosk) is nobody's to print, now or as a reprint.
        paper_two.state = VirtualState.PAPER_OUT
        wait_until(lambda: _printer_status(admin, "printer-2") == "paper_out", "paper out")
        paper_two.state = VirtualState.OK
        wait_until(lambda: _printer_status(admin, "printer-2") == "ok", "printer-2 back")
        start = paper_one.status_queries
        wait_until(lambda: paper_one.status_queries > start + 5, "a few polls")
        assert paper_one.labels() == [at_one] and paper_two.labels() == [at_two]
    finally:
        one.stop()
        two.stop()
        for c in clients:
            c.close()
        server.stop()
        store.close()


def test_tickets_waiting_at_start_are_printed_failed_ones_as_reprints(hub: Any,
                                                                      tmp_path: Path) -> None:
    kiosk, admin = hub.client("kiosk-1"), hub.client("admin")
    never, failed, gone = (kiosk.request("ticket.take", {"field": f})["ticket"]["label"]
                           for f in "ABC")
    # A previous run of the node failed B001, then stopped; C001 was cancelled since.
    hub.client("printer-1").request("printer.failed", {"ticket": failed, "reason": "hết giấy"})
    hub.client("manager-1").request("ticket.cancel", {"ticket": gone, "reason": "đã về"})
    node, paper = _in_process_node(hub.command, hub.events, "printer-1", tmp_path / "t")
    with node:
        wait_until(lambda: all(t["printed"] for t in admin.request("snapshot", {})["state"][
            "tickets"] if t["label"] in (never, failed)), "the waiting tickets printed")
        later = kiosk.request("ticket.take", {"field": "A"})["ticket"]["label"]
        assert paper.wait_for_tickets(3)
        start = paper.status_queries
        wait_until(lambda: paper.status_queries > start + 5, "a few polls")
    # Stopped: the hub knows nobody prints at kiosk-1 and refuses numbers there.
    assert admin.request("snapshot", {})["state"]["devices"]["printer-1"]["detail_en"] == (
        "Printer node stopped")
    with pytest.raises(HubError) as refused:
        kiosk.request("ticket.take", {"field": "A"})
    assert refused.value.code == "printer_unavailable"
    assert paper.labels() == [never, failed, later]  # the cancelled one is not printed
    assert paper.reprinted() == [failed]  # never printed before: not a duplicate
    assert node.reprints == 1 and node.prints == 3


def test_an_idle_node_stays_online_at_the_hub(hub: Any, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing to print, nothing changes: the node still pings, so it is listed online."""
    hub.server.offline_after_s = 0.5
    monkeypatch.setattr(printer_node, "PING_S", 0.2)
    node, _paper = _in_process_node(hub.command, hub.events, "printer-1", tmp_path / "t")
    pings: Signal[str] = Signal()
    real_ask = node._ask

    def ask(kind: str, body: dict[str, Any], request_id: str | None = None) -> dict[str, Any]:
        reply = real_ask(kind, body, request_id)
        if kind == "ping":
            pings.append(kind)
        return reply

    monkeypatch.setattr(node, "_ask", ask)
    admin = hub.client("admin")
    with EventWatch(hub.endpoints) as watch, node:
        wait_until(lambda: node.connected and _printer_status(admin, "printer-1") == "ok",
                   "the node ready")
        for n in range(1, 9):  # eight pings, 1.6 s: three times the hub's "offline after"
            pings.wait_len(n, "the idle node's pings")
            assert "printer-1" in admin.request("snapshot", {})["online"]
        assert not [e for e in watch.events if e.type == "device.status"
                    and e.body["device"] == "printer-1" and e.body["status"] == "offline"]


def test_a_report_the_hub_missed_is_delivered_later_and_nothing_reprints(
        tmp_path: Path, centre: Any, clock: Any) -> None:
    url = sqlite_url(tmp_path / "hub.sqlite")
    cp, ep = free_port(), free_port()
    server, store = start_hub(centre, url, clock, cp, ep)
    cmd, ev = f"tcp://127.0.0.1:{cp}", f"tcp://127.0.0.1:{ep}"
    node, paper = _in_process_node(cmd, ev, "printer-1", tmp_path / "t")
    kiosk, admin = HubClient(cmd, "kiosk-1"), HubClient(cmd, "admin")
    job_started, hub_gone = threading.Event(), threading.Event()

    def hold_the_job() -> None:  # the printer is busy with the ticket while the hub dies
        job_started.set()
        hub_gone.wait(DEADLINE_S)

    try:
        node.start()
        wait_until(lambda: _printer_status(admin, "printer-1") == "ok" and node.connected,
                   "printer ready")
        paper.on_job = hold_the_job
        label = kiosk.request("ticket.take", {"field": "A"})["ticket"]["label"]
        assert job_started.wait(DEADLINE_S)
        server.stop()
        store.close()
        hub_gone.set()
        assert paper.wait_for_tickets(1)
        wait_until(lambda: node.undelivered == 1, "the printed report kept for later")
        server, store = start_hub(centre, url, clock, cp, ep)
        wait_until(lambda: next(t for t in admin.request("snapshot", {})["state"]["tickets"]
                                if t["label"] == label)["printed"], "the late printed report")
        start = paper.status_queries
        wait_until(lambda: paper.status_queries > start + 5, "a few polls")
        assert paper.labels() == [label] and paper.reprinted() == []
    finally:
        node.stop()
        kiosk.close()
        admin.close()
        server.stop()
        store.close()


def test_a_write_only_printer_prints_and_says_its_status_is_unknown(hub: Any,
                                                                     tmp_path: Path) -> None:
    spool = tmp_path / "spool.bin"
    link = FileLink(spool)
    node = PrinterNode(_endpoints(hub), printer=TicketPrinter(link, "cp1258"),
                       poll_status_s=0.1)
    admin = hub.client("admin")
    try:
        node.start()
        wait_until(lambda: _printer_status(admin, "printer-1") == "ok" and node.connected,
                   "status reported")
        detail = admin.request("snapshot", {})["state"]["devices"]["printer-1"]
        assert detail["detail_en"] == "Printer status not readable (write-only link)"
        label = hub.client("kiosk-1").request("ticket.take", {"field": "A"})["ticket"]["label"]
        wait_until(lambda: node.prints == 1, "the ticket written")
        assert label in decode_text(spool.read_bytes())
    finally:
        node.stop()
        link.close()


def test_ticket_print_survives_codes_the_centre_no_longer_has(centre: Any) -> None:
    info = {"id": "20251124-Z001", "label": "Z001", "field": "Z", "procedure": "Z.9",
            "priority": "astronaut", "ahead": -1, "estimate_minutes": None,
            "issued_at": "2025-11-24T09:00:00+07:00"}
    t = ticket_print(centre, info, reprint=True)
    assert (t.field_vi, t.procedure_vi, t.priority_vi) == ("Z", None, "astronaut")
    assert (t.ahead, t.estimate_minutes, t.reprint) == (0, None, True)  # None: no figure
    assert REPRINT in decode_text(render(t, "tcvn3"))


class _AdapterPulledOut(VirtualLink):
    """pyserial on a vanished USB adapter: ``termios.error``, which is not an OSError."""

    def discard_input(self) -> None:
        raise termios.error(5, "Input/output error")


def test_a_link_failing_in_an_unexpected_way_counts_as_offline(hub: Any) -> None:
    node = PrinterNode(_endpoints(hub), printer=TicketPrinter(
        _AdapterPulledOut(VirtualPrinter()), "tcvn3"), poll_status_s=0.1)
    with node:
        wait_until(lambda: _printer_status(hub.client("admin"), "printer-1") == "offline",
                   "offline at the hub")
        with pytest.raises(HubError) as refused:
            hub.client("kiosk-1").request("ticket.take", {"field": "A"})
        assert refused.value.code == "printer_unavailable"
