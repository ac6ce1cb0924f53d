"""A hub whose disk is full: the hall board shows the alert, and drops it on recovery."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from motcua.display.base import STORAGE
from motcua.display.hall import HallBoard
from motcua.link.client import Endpoints, HubError
from motcua.qt.link import QtHubLink


def _pragma(store: Any, sql: str) -> None:
    with store._lock:  # the hub's one writing connection, between two of its commits
        store._writer.exec_driver_sql(sql)
        store._writer.commit()


def test_the_board_alerts_while_the_hub_cannot_store(qtbot, hub, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    link = QtHubLink(Endpoints(hub.command, hub.events), "display-hall")
    link.start()
    try:
        board = HallBoard(link)
        qtbot.addWidget(board)
        board.resize(1920, 1080)
        qtbot.waitUntil(lambda: board.connected, timeout=10_000)
        _pragma(hub.store, "PRAGMA query_only = ON")  # the disk stops taking writes
        try:
            hub.client("kiosk-1", retries=0).request("ticket.take", {"field": "A"})
        except HubError as exc:
            assert exc.code == "storage_unavailable"
        qtbot.waitUntil(lambda: board.overlay == STORAGE, timeout=10_000)
        title, english, _detail = board.overlay_texts()
        assert title == "TẠM NGỪNG CẤP SỐ" and "not issuing" in english
        shot = tmp_path / "board-storage.png"
        board.grab().save(str(shot))
        # The hub's next probe replaces its connection: recovered, the alert goes.
        qtbot.waitUntil(lambda: board.overlay is None, timeout=10_000)
    finally:
        link.stop()


def test_the_kiosk_words_for_a_storage_fault() -> None:
    from motcua.kiosk.model import KioskState, failure_text

    state = KioskState(online=True, storage_ok=False)
    assert not state.can_take
    assert state.problem("vi").startswith("Tạm ngừng cấp số")
    assert state.problem("en").startswith("Temporarily not issuing tickets")
    refused = HubError("storage_full", "Ổ đĩa đầy", "Disk full")
    assert failure_text(refused, "vi").startswith("Tạm ngừng cấp số")
