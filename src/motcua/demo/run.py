"""``motcua demo``: a whole sample centre on this machine, on the embedded SQLite database.

Starts the hub (open mode on 127.0.0.1, tickets at any hour), a printer node on a virtual
printer that saves every ticket as its exact bytes and a PNG, and the device programs: the
kiosk, the hall board with the Vietnamese voice, the counter app and the rating tablet of
counter 1, and the manager's live view. With a screen they open as windows, so one person
can walk the whole flow. Without one (offscreen) a short guided tour takes a ticket at the
kiosk, calls it at counter 1, finishes and rates it, and saves a screenshot of every window
after every step; the demo then keeps running so other programs (``motcua take``, ``motcua
call``, ``motcua kiosk``…) can join, until Ctrl-C or ``--seconds``.

Each run writes into its own folder ``<--out>/<YYYYMMDD-HHMMSS>/`` and prints it. The
console shows only the demo's own lines; the full log is ``demo.log`` in that folder.
With ``--speed N`` a simulated day runs beside the tour in simulated time (speed.py): the
demo ends when the day is over, with a report (XLSX + PNG charts) in ``report/``.
Screenshots are taken after every tour step and then every ``SHOT_SECONDS`` until the end.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from motcua.core import protocol
from motcua.paths import SAMPLE_CONFIG

log = logging.getLogger(__name__)
CONFIG = SAMPLE_CONFIG


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _pick_ports() -> tuple[int, int]:
    """The standard ports when free (so `motcua take` works as is), else any free pair."""
    if _port_free(protocol.COMMAND_PORT) and _port_free(protocol.EVENT_PORT):
        return protocol.COMMAND_PORT, protocol.EVENT_PORT
    ports = []
    for _ in range(2):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            ports.append(int(s.getsockname()[1]))
    return ports[0], ports[1]


@dataclass
class Demo:
    out: Path
    windows: dict[str, Any] = field(default_factory=dict)
    links: list[Any] = field(default_factory=list)
    shots: list[Path] = field(default_factory=list)
    step: int = 0

    def screenshot(self, label: str) -> None:
        self.step += 1
        for name, window in self.windows.items():
            path = self.out / "screenshots" / f"{self.step:03d}-{label}-{name}.png"
            window.grab().save(str(path))
            self.shots.append(path)


def run_demo(args: argparse.Namespace) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from motcua.core.centre.load import load_centre
    from motcua.demo import speed as at_speed
    from motcua.hub.server import HubOptions, HubServer
    from motcua.hub.storage.db import HubStore, sqlite_url
    from motcua.link.client import Endpoints
    from motcua.printer.driver import TicketPrinter
    from motcua.printer.node import PrinterNode
    from motcua.printer.virtual import VirtualLink, VirtualPrinter
    from motcua.qt.messages import route_qt_messages

    out = at_speed.run_folder(Path(args.out).resolve())
    for sub in ("hub", "tickets", "screenshots"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    at_speed.quiet_console(out / "demo.log")
    print(f"Kết quả của lần chạy này / this run's output: {out}", flush=True)
    offscreen = os.environ.get("QT_QPA_PLATFORM") == "offscreen"
    centre = load_centre(CONFIG)
    cp, ep = _pick_ports()
    store = HubStore(sqlite_url(out / "hub" / "hub.sqlite"), site_id=centre.id)
    sim_day = at_speed.simulated_day(centre) if args.speed else None
    clock = at_speed.start_clock(centre, sim_day) if sim_day is not None else None
    hub = HubServer(centre, store, HubOptions(f"tcp://127.0.0.1:{cp}", f"tcp://127.0.0.1:{ep}",
                                              open_all_hours=True),
                    **({"clock": clock} if clock is not None else {}))
    hub.start()
    endpoints = Endpoints(f"tcp://127.0.0.1:{cp}", f"tcp://127.0.0.1:{ep}")
    virtual = VirtualPrinter(out_dir=out / "tickets", profile="default")
    node = PrinterNode(endpoints, "printer-1",
                       printer=TicketPrinter(VirtualLink(virtual), "raster", "default"),
                       on_note=lambda text: print(f"[máy in / printer] {text}", flush=True))
    node.start()

    route_qt_messages()
    app = QApplication.instance() or QApplication(["motcua-demo"])

    from motcua.qt.link import collect_garbage_on_gui_thread


    gc_timer = collect_garbage_on_gui_thread(app)  # noqa: F841  (kept alive by its parent)
    demo = Demo(out)
    _open_windows(demo, endpoints, offscreen)
    print(_banner(centre, cp, ep, out, offscreen), flush=True)

    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    watchdog = QTimer()
    watchdog.timeout.connect(lambda: app.quit() if stop.is_set() else None)
    watchdog.start(200)
    if args.seconds:
        QTimer.singleShot(int(args.seconds * 1000), stop.set)
    sim_thread = None
    if sim_day is not None:
        def day_over(report: Any) -> None:
            print("Ngày mô phỏng đã xong / the simulated day is over"
                  + ("" if report is not None else " (lỗi, xem demo.log / failed, see demo.log)"),
                  flush=True)
            stop.set()

        print(f"Ngày mô phỏng / simulated day: {sim_day:%d/%m/%Y}, nhanh gấp / speed "
              f"×{args.speed:g}; quầy {at_speed.TOUR_COUNTER} dành cho tham quan / counter "
              f"{at_speed.TOUR_COUNTER} is the tour's", flush=True)
        sim_thread = at_speed.start_simulation(endpoints, centre, clock, speed=args.speed,
                                               day=sim_day, on_done=day_over,
                                               stopping=stop)
    shots = QTimer()
    shots.timeout.connect(lambda: demo.screenshot("run"))
    if offscreen:
        def toured() -> None:
            print(_tour_summary(demo), flush=True)
            shots.start(int(at_speed.SHOT_SECONDS * 1000))
            if getattr(args, "exit_after_tour", False):
                stop.set()

        _tour(demo, app, on_done=toured)
    app.exec()
    shots.stop()
    if offscreen:
        demo.screenshot("end")
    for link in demo.links:
        link.stop()
    if sim_thread is not None:
        sim_thread.join(5)
    node.stop()
    hub.stop()
    store.close()
    if sim_day is not None:
        try:
            paths = at_speed.write_report(out / "hub" / "hub.sqlite", centre, sim_day,
                                          out / "report")
            print(f"Báo cáo ngày mô phỏng / report of the simulated day: {len(paths)} tệp / "
                  f"files in {out / 'report'}", flush=True)
        except Exception:
            log.exception("could not write the report")
            print("Không ghi được báo cáo, xem demo.log / report failed, see demo.log",
                  flush=True)
    print(f"Đã dừng / stopped. Phiếu / tickets: {out / 'tickets'}; "
          f"ảnh chụp / screenshots: {out / 'screenshots'} ({len(demo.shots)}); "
          f"nhật ký / log: {out / 'demo.log'}", flush=True)
    return 0


def _open_windows(demo: Demo, endpoints: Any, offscreen: bool) -> None:
    from motcua.counter.window import CounterWindow
    from motcua.display.hall import HallBoard
    from motcua.display.voice_bridge import CentreSpeaker
    from motcua.kiosk.window import KioskWindow
    from motcua.qt.link import QtHubLink
    from motcua.rating.tablet import RatingTablet

    def link(device: str) -> QtHubLink:
        lk = QtHubLink(endpoints, device)
        demo.links.append(lk)
        return lk

    speaker: Any = None
    try:
        speaker = CentreSpeaker()
    except Exception as exc:  # no espeak-ng: the board still shows every call
        log.warning("voice off: %s", exc)
    windows: dict[str, Any] = {
        # The kiosk is laid out for its real screen: 1080×1920 portrait (offscreen, as
        # built) or 1920×1080 landscape (fits a desktop monitor).
        "kiosk": KioskWindow(link("kiosk-1"),
                             orientation="portrait" if offscreen else "landscape"),
        "hall": HallBoard(link("display-hall"), announcer=speaker),
        "counter1": CounterWindow(link("counter-1"), 1, on_top=False),
        "rating1": RatingTablet(link("rating-1"), 1),
    }
    try:
        from motcua.manager.window import LiveView

        windows["live"] = LiveView(link("manager-1"))
    except ImportError:  # pragma: no cover - the live view ships with the manager package
        log.info("live view not available")
    kiosk_size = (1080, 1920) if offscreen else (1920, 1080)
    sizes = {"kiosk": kiosk_size, "hall": (1280, 720), "counter1": (720, 680),
             "rating1": (800, 600), "live": (1100, 700)}
    for name, w in windows.items():
        w.resize(*sizes.get(name, (800, 600)))
        w.setWindowTitle(f"motcua – {name}")
        w.show()
    for lk in demo.links:
        lk.start()
    demo.windows = windows


STEP_LIMIT_S = 30.0
"""How long one tour step may take on a busy machine before the tour goes on regardless."""


def _tour(demo: Demo, app: Any, on_done: Callable[[], None]) -> None:
    """Offscreen: walk one citizen through the centre, screenshotting each step.

    Each step waits until it can run (``ready``) and until its effect is there (``done``:
    the kiosk shows the next screen, or the hub's answer came back as an event), so the
    pictures are right however busy the machine is; then the windows are photographed.
    """
    from PySide6.QtCore import QTimer

    w = demo.windows
    kiosk, desk, tablet = w["kiosk"], w["counter1"], w["rating1"]

    def seq() -> int:
        views = [lk.view for lk in demo.links]
        return min((v.seq for v in views if v is not None), default=-1)

    def always() -> bool:
        return True

    def screen(name: str) -> Callable[[int], bool]:
        return lambda _before: bool(kiosk.current_screen() == name)

    def answered(before: int) -> bool:  # an event came back and every window has it
        return seq() > before

    Step = tuple[str, Callable[[], bool], Callable[[], object], Callable[[int], bool]]
    steps: list[Step] = [
        ("home", lambda: all(lk.view is not None for lk in demo.links), lambda: None,
         lambda _b: True),
        ("field", always, lambda: kiosk.choose_field("A"), screen("procedures")),
        ("procedure", always, lambda: kiosk.choose_procedure("A.1"), screen("documents")),
        ("confirm", always, lambda: kiosk.show_screen("confirm"), screen("confirm")),
        ("ticket", always, kiosk.take, lambda b: screen("result")(b) and answered(b)),
        # counter 1 is the tour's: a simulated day (--speed) staffs the others
        ("sign-in", lambda: bool(desk.connected and desk.officer_names),
         lambda: _sign_in(desk, TOUR_OFFICER), lambda _b: bool(desk.signed_in)),
        ("called", always, lambda: desk.trigger("call_next"),
         lambda _b: desk.panel is not None and desk.panel.current is not None),
        ("finished", always, lambda: _finish(desk),
         lambda _b: desk.panel is not None and desk.panel.current is None),
        # the tablet asks once it has heard of the finished service
        ("rated", lambda: tablet.phase.value == "asking", lambda: tablet.press_level(
            tablet.link.view.centre.rating_scale[0].value), answered),
    ]
    tick_ms, settle_ms = 100, 400

    def wait(cond: Callable[[], bool], then: Callable[[], None], label: str,
             waited: float = 0.0) -> None:
        if cond() or waited >= STEP_LIMIT_S:
            if waited >= STEP_LIMIT_S:
                log.warning("demo step %s: still not there after %.0f s", label, waited)
            then()
            return
        QTimer.singleShot(tick_ms, lambda: wait(cond, then, label, waited + tick_ms / 1000))

    def run(index: int) -> None:
        if index == len(steps):
            on_done()
            return
        label, ready, action, done = steps[index]

        def act() -> None:
            before = seq()
            try:
                action()
            except Exception:
                log.exception("demo step %s failed", label)

            def shoot() -> None:
                demo.screenshot(label)  # before the next step runs: each picture is its own
                run(index + 1)

            # A moment for the windows to paint what they just received.
            wait(lambda: done(before), lambda: QTimer.singleShot(settle_ms, shoot), label)

        wait(ready, act, label)

    QTimer.singleShot(0, lambda: run(0))


TOUR_OFFICER = "cb01"
"""The tour's officer: the simulation signs officers in by counter order and leaves the
tour's counter 1 (and so cb01) alone."""


def _finish(desk: Any) -> None:
    """Finish as an officer does: the finish dialog records what happened (guidance)."""
    desk.trigger("finish")
    dialog = getattr(desk, "dialog", None)
    if dialog is not None and hasattr(dialog, "try_accept"):
        dialog.choose("guidance")
        dialog.try_accept()


def _sign_in(window: Any, officer: str) -> None:
    box = window.signin.officer_box
    index = box.findData(officer)
    if index >= 0:
        box.setCurrentIndex(index)
    window.sign_in()


def _banner(centre: Any, cp: int, ep: int, out: Path, offscreen: bool) -> str:
    lines = [
        f"motcua demo — {centre.name_vi}, {centre.place_vi}",
        f"  máy chủ / hub: tcp://127.0.0.1:{cp} (lệnh/commands), :{ep} (sự kiện/events)",
        f"  CSDL / database: {out / 'hub' / 'hub.sqlite'}",
        f"  phiếu in (ảnh PNG + byte ESC/POS) / printed tickets (PNG + bytes): {out / 'tickets'}",
        f"  ảnh chụp màn hình / screenshots: {out / 'screenshots'}",
        "  thử / try: .venv/bin/motcua take A   ·   .venv/bin/motcua queue   ·   "
        ".venv/bin/motcua tail",
    ]
    if offscreen:
        lines.append("  không có màn hình: chạy tham quan tự động / no screen: running a guided "
                     "tour offscreen")
    lines.append("  Ctrl-C để dừng / to stop")
    return "\n".join(lines)


def _tour_summary(demo: Demo) -> str:
    tickets = sorted((demo.out / "tickets").glob("*.png"))
    return (f"Tham quan xong / tour done: {len(demo.shots)} ảnh chụp / screenshots in "
            f"{demo.out / 'screenshots'}; {len(tickets)} phiếu / tickets in "
            f"{demo.out / 'tickets'}" + (f" (e.g. {tickets[0].name})" if tickets else ""))
