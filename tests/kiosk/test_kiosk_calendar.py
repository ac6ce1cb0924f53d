"""The kiosk on a closed day: it says so, with the next opening day, before anyone taps."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tests.support.clock import VN
from tests.support.kiosk import WAIT


def test_kiosk_says_closed_for_tet_with_the_next_opening_day(hub: Any, clock: Any,
                                                             make_kiosk: Any,
                                                             qtbot: Any) -> None:
    clock.now = datetime(2028, 1, 26, 8, 0, tzinfo=VN)  # mùng 1 Tết Mậu Thân
    w = make_kiosk(hub)
    qtbot.waitUntil(lambda: w.home.cannot_take.isVisible(), timeout=WAIT)
    assert w.home.cannot_take.text() == ("Hôm nay trung tâm nghỉ (Tết Nguyên Đán). "
                                         "Mở cửa lại: Thứ Hai 31/01/2028 lúc 07:30")
    assert not any(t.isEnabled() for t in w.home.field_buttons.values())
    assert w.home.lookup_button.isEnabled()  # reading about procedures is still possible
    w.set_lang("en")
    assert w.home.cannot_take.text().startswith("The centre is closed today (Lunar New Year)")


def test_checklist_shows_the_fees_from_the_procedure_list(qtbot: Any, tmp_path: Any,
                                                           centre: Any, clock: Any,
                                                           make_kiosk: Any) -> None:
    """Procedures imported from the portal carry fees; the kiosk's checklist shows them."""
    import dataclasses

    from PySide6.QtCore import Qt

    from motcua.hub.storage.db import sqlite_url
    from tests.support.hubs import start_hub

    fields = tuple(dataclasses.replace(f, procedures=tuple(
        dataclasses.replace(p, fees_vi="Miễn lệ phí") if p.id == "A.1" else p
        for p in f.procedures)) for f in centre.fields)
    hub = start_hub(dataclasses.replace(centre, fields=fields),
                    sqlite_url(tmp_path / "hub.sqlite"), clock, db_path=tmp_path / "hub.sqlite")
    try:
        w = make_kiosk(hub)
        qtbot.mouseClick(w.home.field_buttons["A"], Qt.MouseButton.LeftButton)
        qtbot.mouseClick(w.procedures.buttons["A.1"], Qt.MouseButton.LeftButton)
        assert w.current_screen() == "documents"
        assert w.documents.time_limit.text().endswith("\nPhí, lệ phí: Miễn lệ phí")
        w.set_lang("en")
        assert w.documents.time_limit.text().endswith("\nFees: Miễn lệ phí")
    finally:
        hub.stop()
