"""Heavy reads leave the hub's request loop: the hub hands them to a worker process.

``report.summary`` over a year reads and summarises ~90,000 rows. Run on a thread of
the hub it held the interpreter lock for a second at a time (take-ticket p99 rose 3-7x)
and left the hub's memory at ~150 MB. Here the hub only forwards the request to
``motcua.hub.read_worker`` (started on first use, on a private ``ipc://`` socket) and
passes the answer back when it comes; the loop goes on serving meanwhile. At most
``MAX_JOBS`` reports wait at once; more are refused as ``busy`` in words.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import zmq

import motcua
from motcua.core.centre.load import centre_to_dict
from motcua.core.centre.model import Centre

log = logging.getLogger(__name__)
MAX_JOBS = 8

Answer = tuple[bytes, str, bool, dict[str, Any]]
"""(routing identity, request id, ok, body) to send to the device that asked."""


def _worker_failed() -> dict[str, Any]:
    return {"code": "internal", "message_vi": "Không lập được báo cáo, xin thử lại",
            "message_en": "The report could not be made; please retry", "details": {}}


def _too_many() -> dict[str, Any]:
    return {"code": "busy", "message_vi": "Máy chủ đang lập nhiều báo cáo, xin thử lại sau",
            "message_en": "The hub is making several reports; please retry shortly",
            "details": {"max_jobs": MAX_JOBS}}


class HeavyReads:
    """The hub loop's side: one socket to poll, jobs in, answers out."""

    def __init__(self, ctx: zmq.Context[Any], url: str, centre: Centre) -> None:
        self.url = url
        self._centre = centre_to_dict(centre, include_staff=True)
        self._dir = tempfile.mkdtemp(prefix="motcua-reads-")  # private (0700) socket folder
        self.endpoint = f"ipc://{self._dir}/reads"
        self.socket: zmq.Socket[Any] = ctx.socket(zmq.DEALER)
        self.socket.linger = 0
        self.socket.bind(self.endpoint)
        self._proc: subprocess.Popen[bytes] | None = None
        self._ready = False
        self._next = 0
        self._waiting: list[tuple[bytes, bytes]] = []
        """Jobs not yet handed to a worker: (job id, JSON)."""
        self._jobs: dict[bytes, tuple[bytes, str]] = {}
        """Job id -> (identity, request id) of every job not yet answered."""
        self.started = 0

    def submit(self, identity: bytes, rid: str, body: dict[str, Any]) -> Answer | None:
        """Queue a report; an immediate answer (a refusal) when too many wait."""
        if len(self._jobs) >= MAX_JOBS:
            return identity, rid, False, _too_many()
        self._next += 1
        job_id = b"%d" % self._next
        self._jobs[job_id] = (identity, rid)
        job = {"url": self.url, "centre": self._centre,
               "date_from": body.get("date_from"), "date_to": body.get("date_to")}
        self._waiting.append((job_id, json.dumps(job, ensure_ascii=False).encode()))
        self._ensure_worker()
        self._flush()
        return None

    def _ensure_worker(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            return
        src = str(Path(motcua.__file__).resolve().parents[1])
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            p for p in (src, os.environ.get("PYTHONPATH", "")) if p))
        self._proc = subprocess.Popen([sys.executable, "-m", "motcua.hub.read_worker",
                                       self.endpoint], env=env, stdin=subprocess.DEVNULL)
        self._ready = False
        self.started += 1
        log.info("read worker started (pid %d)", self._proc.pid)

    def _flush(self) -> None:
        while self._ready and self._waiting:
            job_id, raw = self._waiting[0]
            try:
                self.socket.send_multipart([job_id, raw], zmq.NOBLOCK)
            except zmq.Again:
                return
            self._waiting.pop(0)

    def receive(self) -> list[Answer]:
        """Answers that have come back (call when the socket is readable)."""
        out: list[Answer] = []
        while True:
            try:
                frames = self.socket.recv_multipart(zmq.NOBLOCK)
            except zmq.Again:
                break
            if frames[0] == b"ready":
                self._ready = True
                continue
            if len(frames) != 3 or frames[0] not in self._jobs:
                continue
            identity, rid = self._jobs.pop(frames[0])
            try:
                body = json.loads(frames[2])
            except ValueError:
                body = _worker_failed()
            out.append((identity, rid, frames[1] == b"1", body))
        self._flush()
        return out

    def check(self) -> list[Answer]:
        """On the hub's tick: a worker that died fails its jobs (the manager may retry);
        jobs still waiting get a new worker."""
        proc = self._proc
        if proc is None or proc.poll() is None:
            return []
        self._proc, self._ready = None, False
        if proc.returncode != 0:
            log.warning("read worker exited with %s", proc.returncode)
        waiting = {job_id for job_id, _raw in self._waiting}
        lost = [job_id for job_id in self._jobs if job_id not in waiting]
        out: list[Answer] = []
        for job_id in lost:
            identity, rid = self._jobs.pop(job_id)
            out.append((identity, rid, False, _worker_failed()))
        if self._waiting:
            self._ensure_worker()
        return out

    def close(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self.socket.close(0)
        shutil.rmtree(self._dir, ignore_errors=True)
