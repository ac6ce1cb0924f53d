"""A virtual twin of a thermal ticket printer that speaks the same ESC/POS bytes.

:class:`VirtualPrinter` interprets the byte stream (init, code tables, text in
TCVN-3 / cp1258 / cp437, ``GS !`` sizes, ``ESC a``, ``ESC E``, ``GS v 0`` raster,
``ESC J`` / ``ESC d`` feeds, ``GS ( k`` QR, ``GS V`` cut) and answers ``DLE EOT`` from a
state that can be changed while it runs (paper near end, paper out, cover open, error,
silent). On every cut it keeps the ticket: the exact bytes as ``<seq>-<label>.bin`` and a
picture drawn from the interpreted commands as ``<seq>-<label>.png``.

It can be reached in-process (:class:`VirtualLink`), over a pseudo-terminal
(:class:`PtyServer`, for serial tests) or over TCP on 127.0.0.1 (:class:`TcpServer`,
for port-9100 tests).
"""

from __future__ import annotations

import logging
import os
import re
import select
import socket
import threading
import tty
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from PIL import Image

from motcua.core.text import fold, nfc
from motcua.printer.codepages import decode_bytes
from motcua.printer.link import PrinterLink
from motcua.printer.paper import FONT_A_HEIGHT, Paper, Run, qr_image, text_image
from motcua.printer.parse import Command, Parser
from motcua.printer.profile import PrinterProfile, code_tables, get_profile

__all__ = [
    "PtyServer",
    "TcpServer",
    "VirtualLink",
    "VirtualPrinter",
    "VirtualState",
    "VirtualTicket",
]

log = logging.getLogger(__name__)


class VirtualState(StrEnum):
    """Condition of the virtual printer, settable at any time."""

    OK = "ok"
    PAPER_NEAR_END = "paper_near_end"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    ERROR = "error"
    SILENT = "silent"
    """Switched off or unplugged: nothing is printed and nothing is answered."""


# DLE EOT answers (n = 1 printer, 2 offline cause, 3 error cause, 4 paper sensor).
_REPLIES: dict[VirtualState, dict[int, int]] = {
    VirtualState.OK: {1: 0x12, 2: 0x12, 3: 0x12, 4: 0x12},
    VirtualState.PAPER_NEAR_END: {1: 0x12, 2: 0x12, 3: 0x12, 4: 0x1E},
    VirtualState.PAPER_OUT: {1: 0x1A, 2: 0x32, 3: 0x12, 4: 0x7E},
    VirtualState.COVER_OPEN: {1: 0x1A, 2: 0x16, 3: 0x12, 4: 0x12},
    VirtualState.ERROR: {1: 0x1A, 2: 0x52, 3: 0x1A, 4: 0x12},
}
_PRINTS = (VirtualState.OK, VirtualState.PAPER_NEAR_END)
_REALTIME = ("DLE EOT", "DLE ENQ", "DLE DC4")


@dataclass
class VirtualTicket:
    """One cut ticket as the virtual printer saw it."""

    seq: int
    label: str
    data: bytes
    """Exact bytes of the job, real-time status queries left out."""
    text_lines: list[str]
    """Every printed text line, NFC (raster lines are not text and are not listed)."""
    qr_data: list[bytes]
    rasters: int
    """Number of ``GS v 0`` images printed."""
    image: Image.Image
    bin_path: Path | None = None
    png_path: Path | None = None


@dataclass
class _Head:
    """Print settings, as reset by ``ESC @``."""

    align: int = 0
    bold: bool = False
    width: int = 1
    height: int = 1
    table: int = 0
    line_spacing: int = 30
    left_margin: int = 0
    qr_module: int = 3
    qr_ec: int = 48
    qr_data: bytes = b""
    runs: list[tuple[bytes, int, bool, int, int]] = field(default_factory=list)


class VirtualPrinter:
    """ESC/POS interpreter with a settable state; thread-safe."""

    def __init__(self, out_dir: Path | str | None = None,
                 profile: PrinterProfile | str = "default",
                 state: VirtualState | str = VirtualState.OK) -> None:
        self.profile = get_profile(profile)
        self.out_dir = Path(out_dir) if out_dir is not None else None
        if self.out_dir is not None:
            self.out_dir.mkdir(parents=True, exist_ok=True)
        self.tables = code_tables(self.profile)
        self.tickets: list[VirtualTicket] = []
        self.discarded_jobs = 0
        """Jobs cut while the printer could not print (paper out, cover open, error)."""
        self.status_queries = 0
        self.unknown_commands: list[bytes] = []
        self._state = VirtualState(state)
        self._cond = threading.Condition()
        self._parser = Parser()
        self._head = _Head()
        self._reset_job()

    # ------------------------------------------------------------ state

    @property
    def state(self) -> VirtualState:
        """Current condition; set it (from any thread) to simulate a fault."""
        return self._state

    @state.setter
    def state(self, value: VirtualState | str) -> None:
        with self._cond:
            new = VirtualState(value)
            if self._state is VirtualState.SILENT and new is not VirtualState.SILENT:
                # switched back on: empty buffer, settings as after power-on
                self._parser = Parser()
                self._head = _Head()
                self._reset_job()
            self._state = new
            log.info("virtual printer state: %s", new)

    def _reset_job(self) -> None:
        """Start a new ticket: fresh paper and job bytes (print settings are kept)."""
        self._paper = Paper(self.profile.dots)
        self._job = bytearray()
        self._lines: list[str] = []
        self._qr: list[bytes] = []
        self._rasters = 0
        self._label = ("", 0)

    # ------------------------------------------------------------ bytes in, answers out

    def feed(self, data: bytes) -> bytes:
        """Consume bytes sent to the printer; return what the printer answers."""
        with self._cond:
            if self._state is VirtualState.SILENT:
                return b""
            replies = bytearray()
            for cmd in self._parser.feed(data):
                if cmd.name in _REALTIME:
                    replies += self._realtime(cmd)
                    continue
                self._job += cmd.raw
                self._execute(cmd)
            return bytes(replies)

    def _realtime(self, cmd: Command) -> bytes:
        if cmd.name != "DLE EOT" or not cmd.args:
            return b""
        self.status_queries += 1
        answer = _REPLIES[self._state].get(cmd.args[0])
        return bytes((answer,)) if answer is not None else b""

    def wait_for_tickets(self, count: int, timeout: float = 5.0) -> bool:
        """Block until ``count`` tickets have been cut (for tests over pty/TCP)."""
        with self._cond:
            return self._cond.wait_for(lambda: len(self.tickets) >= count, timeout)

    # ------------------------------------------------------------ interpreter

    def _execute(self, cmd: Command) -> None:
        head, name, args = self._head, cmd.name, cmd.args
        if name == "text":
            style = (head.table, head.bold, head.width, head.height)
            if head.runs and head.runs[-1][1:] == style:  # same style: one run, however
                head.runs[-1] = (head.runs[-1][0] + args, *style)  # the bytes arrived
            else:
                head.runs.append((args, *style))
        elif name == "LF":
            self._print_line(feed=head.line_spacing)
        elif name == "ESC @":
            self._head = _Head()
        elif name == "ESC t":
            head.table = args[0]
        elif name == "ESC a":
            head.align = args[0] % 48 if args[0] >= 48 else args[0]
        elif name == "ESC E":
            head.bold = bool(args[0] & 1)
        elif name == "GS !":
            head.width, head.height = (args[0] >> 4) + 1, (args[0] & 0x0F) + 1
        elif name == "ESC !":
            head.bold = bool(args[0] & 0x08)
            head.height = 2 if args[0] & 0x10 else 1
            head.width = 2 if args[0] & 0x20 else 1
        elif name == "ESC 2":
            head.line_spacing = 30
        elif name == "ESC 3":
            head.line_spacing = args[0]
        elif name == "ESC J":
            self._print_line(feed=args[0])
        elif name == "ESC d":
            self._print_line(feed=args[0] * head.line_spacing)
        elif name == "GS L":
            head.left_margin = args[0] + 256 * args[1]
        elif name == "GS v 0":
            self._raster(args)
        elif name == "GS ( k":
            self._qr_command(args)
        elif name == "GS V":
            self._cut()
        elif name == "unknown":
            self.unknown_commands.append(cmd.raw)
        # Other commands (FS ., ESC -, GS B, ...) change nothing we draw.

    def _decode_runs(self) -> list[Run]:
        runs = []
        for data, table, bold, width, height in self._head.runs:
            text = decode_bytes(data, self.tables.get(table, "cp437"))
            runs.append(Run(text, bold, width, height))
        return runs

    def _print_line(self, feed: int) -> None:
        """LF / ESC J / ESC d: print what is buffered, then advance the paper."""
        head = self._head
        if head.runs:
            runs = self._decode_runs()
            text = nfc("".join(run.text for run in runs))
            if text.strip():
                self._lines.append(text)
                merged = [Run(nfc(run.text), run.bold, run.width, run.height) for run in runs]
                self._paper.put(text_image(merged), head.align, head.left_margin)
                biggest = max(merged, key=lambda run: run.width * run.height)
                size = biggest.width * biggest.height
                if size > self._label[1] and biggest.text.strip():
                    self._label = (biggest.text.strip(), size)
                used = max(FONT_A_HEIGHT * run.height for run in runs)
                feed = max(0, feed - used) if feed >= used else 0
            head.runs = []
        self._paper.feed(feed)

    def _raster(self, args: bytes) -> None:
        width_bytes = args[1] + 256 * args[2]
        height = args[3] + 256 * args[4]
        bitmap = args[5 : 5 + width_bytes * height]
        if width_bytes == 0 or height == 0:
            return
        image = Image.frombytes("1", (width_bytes * 8, height), bitmap)
        self._paper.put(image, self._head.align, self._head.left_margin)
        self._rasters += 1

    def _qr_command(self, args: bytes) -> None:
        # args: pL pH cn fn [parameters]; cn 49 = QR code
        if len(args) < 4 or args[2] != 49:
            return
        fn, rest = args[3], args[4:]
        head = self._head
        if fn == 67 and rest:
            head.qr_module = max(1, min(16, rest[0]))
        elif fn == 69 and rest:
            head.qr_ec = rest[0]
        elif fn == 80:
            head.qr_data = bytes(rest[1:])
        elif fn == 81 and head.qr_data:
            self._paper.put(qr_image(head.qr_data, head.qr_module, head.qr_ec),
                            head.align, head.left_margin)
            self._qr.append(head.qr_data)

    def _cut(self) -> None:
        self._print_line(feed=0)
        if self._state not in _PRINTS:
            self.discarded_jobs += 1
            log.info("virtual printer (%s) dropped a job of %d bytes", self._state,
                     len(self._job))
        elif not self._paper.blank:
            self._save()
        self._reset_job()

    def _save(self) -> None:
        seq = len(self.tickets) + 1
        label = re.sub(r"[^A-Za-z0-9_-]+", "", fold(self._label[0]).upper()) or "ticket"
        ticket = VirtualTicket(seq, label, bytes(self._job), list(self._lines),
                               list(self._qr), self._rasters, self._paper.picture())
        if self.out_dir is not None:
            stem = self.out_dir / f"{seq:04d}-{label}"
            ticket.bin_path = stem.with_suffix(".bin")
            ticket.png_path = stem.with_suffix(".png")
            ticket.bin_path.write_bytes(ticket.data)
            # zlib's default level, not optimize=True: 8x faster (24 ms against 200 ms a
            # ticket) for a file 20 % larger, so the twin answers the status query that
            # follows a job in time even on a loaded machine
            ticket.image.save(ticket.png_path)
        self.tickets.append(ticket)
        self._cond.notify_all()
        log.info("virtual printer cut ticket %d (%s, %d bytes)", seq, label, len(ticket.data))


def picture_of(data: bytes, profile: PrinterProfile | str = "default") -> Image.Image:
    """Interpret a job and return the picture of its (first) ticket."""
    printer = VirtualPrinter(profile=profile)
    printer.feed(data)
    if not printer.tickets:
        raise ValueError("Dữ liệu không có lệnh cắt giấy / the job has no cut command")
    return printer.tickets[0].image


class VirtualLink(PrinterLink):
    """In-process link to a :class:`VirtualPrinter` (no threads, no time-outs)."""

    def __init__(self, printer: VirtualPrinter) -> None:
        self.printer = printer
        self.description = "virtual (in-process)"
        self._rx = bytearray()

    def write(self, data: bytes) -> None:
        self._rx += self.printer.feed(data)

    def read(self, size: int = 1, timeout: float = 0.3) -> bytes:
        out = bytes(self._rx[:size])
        del self._rx[:size]
        return out


class PtyServer:
    """Serve a virtual printer on a pseudo-terminal; open :attr:`path` with pyserial."""

    def __init__(self, printer: VirtualPrinter) -> None:
        self.printer = printer
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)  # no echo, no CR/LF translation, no XON/XOFF
        self.path = os.ttyname(self._slave)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="virtual-pty", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self._master], [], [], 0.05)
            if not ready:
                continue
            try:
                data = os.read(self._master, 65536)
            except OSError:
                break
            answer = self.printer.feed(data)
            if answer:
                os.write(self._master, answer)

    def close(self) -> None:
        """Stop serving and close both ends of the pty."""
        self._stop.set()
        self._thread.join(timeout=2)
        os.close(self._master)
        os.close(self._slave)


class TcpServer:
    """Serve a virtual printer on 127.0.0.1 like a port-9100 network printer."""

    def __init__(self, printer: VirtualPrinter, port: int = 0, host: str = "127.0.0.1") -> None:
        self.printer = printer
        self._listener = socket.create_server((host, port))
        self._listener.settimeout(0.1)
        self.host, self.port = host, self._listener.getsockname()[1]
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._accept = threading.Thread(target=self._serve, name="virtual-tcp", daemon=True)
        self._accept.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                break
            thread = threading.Thread(target=self._client, args=(conn,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _client(self, conn: socket.socket) -> None:
        conn.settimeout(0.1)
        with conn:
            while not self._stop.is_set():
                try:
                    data = conn.recv(65536)
                except TimeoutError:
                    continue
                except OSError:
                    break
                if not data:
                    break
                answer = self.printer.feed(data)
                if answer:
                    conn.sendall(answer)

    def close(self) -> None:
        """Stop accepting and close every connection."""
        self._stop.set()
        self._accept.join(timeout=2)
        for thread in self._threads:
            thread.join(timeout=2)
        self._listener.close()
