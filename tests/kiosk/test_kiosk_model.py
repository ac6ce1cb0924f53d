"""The kiosk's decisions without widgets: lookup, states, words."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from zoneinfo import ZoneInfo

from motcua.core.state import DayState
from motcua.core.text import sort_key
from motcua.kiosk.model import (
    KioskState,
    ahead_for,
    cap_reached,
    failure_text,
    find_procedure,
    hours_today,
    printer_of,
    printer_status,
    search_procedures,
)
from motcua.kiosk.strings import TEXTS, tr, wait_text
from motcua.link.client import CentreView, HubError, HubUnavailable

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _view(centre, state: DayState | None = None) -> CentreView:  # type: ignore[no-untyped-def]
    return CentreView(centre, state or DayState(day="2025-11-24"), 0, "s")


def test_search_without_diacritics_finds_vietnamese_names(centre) -> None:  # type: ignore[no-untyped-def]
    hits = search_procedures(centre, "khai sinh", "vi")
    assert [h.procedure.vi for h in hits] == ["Đăng ký khai sinh"]
    assert hits[0].field.code == "A"
    # With diacritics, in NFD, upper case: the same.
    assert [h.procedure.id for h in search_procedures(centre, "ĐĂNG KÝ KHAI SINH", "vi")] \
        == ["A.1"]
    assert [h.procedure.id for h in search_procedures(centre, "dang ky khai sinh", "vi")] \
        == ["A.1"]
    # Every word must match, in any order; "dat" finds the land procedures.
    assert {h.procedure.id for h in search_procedures(centre, "sinh khai", "vi")} == {"A.1"}
    assert {"C.1", "C.2", "C.3"} <= {h.procedure.id for h in search_procedures(centre, "dat",
                                                                              "vi")}
    assert search_procedures(centre, "xyzzy", "vi") == []
    # English names are searched too.
    assert "A.1" in {h.procedure.id for h in search_procedures(centre, "birth", "en")}


def test_search_results_follow_vietnamese_collation(centre) -> None:  # type: ignore[no-untyped-def]
    names = [h.procedure.vi for h in search_procedures(centre, "", "vi")]
    assert len(names) == sum(len(f.procedures) for f in centre.fields)
    assert names == sorted(names, key=sort_key)
    # Code-point order would put every "Đ..." after "T..."; Vietnamese puts Đ after D.
    assert names != sorted(names)
    initials = [n[0] for n in names]
    last_c = max(i for i, ch in enumerate(initials) if ch == "C")
    dd = [i for i, ch in enumerate(initials) if ch == "Đ"]
    first_t = min(i for i, ch in enumerate(initials) if ch == "T")
    assert dd and last_c < min(dd) and max(dd) < first_t
    assert sorted(names).index(names[dd[0]]) > sorted(names).index(names[first_t])


def test_find_procedure(centre) -> None:  # type: ignore[no-untyped-def]
    hit = find_procedure(centre, "B.2")
    assert hit is not None and hit.field.code == "B"
    assert find_procedure(centre, "Z.9") is None


def test_kiosk_state_words() -> None:
    assert KioskState(online=True).can_take
    assert KioskState(online=True).problem("vi") == ""
    lost = KioskState(online=False)
    assert not lost.can_take and "Mất kết nối" in lost.problem("vi")
    assert "lost" in lost.problem("en")
    paper = KioskState(online=True, printer="paper_out")
    assert not paper.can_take
    assert paper.problem("vi") == ("Máy in vé tạm thời không hoạt động (hết giấy). "
                                   "Xin vui lòng liên hệ quầy hướng dẫn.")
    for status in ("cover_open", "offline", "error"):
        assert not KioskState(online=True, printer=status).can_take
    near = KioskState(online=True, printer="paper_near_end")
    assert near.can_take and near.problem("vi") == ""
    assert near.staff_notice("vi") == "Máy in sắp hết giấy"
    assert "chưa được cấp quyền" in KioskState(online=True, authorised=False).problem("vi")


def test_printer_of_this_kiosk(centre) -> None:  # type: ignore[no-untyped-def]
    printer = printer_of(centre, "kiosk-1")
    assert printer is not None and printer.id == "printer-1"
    assert printer_of(centre, "kiosk-9") is None
    state = DayState(day="2025-11-24")
    view = _view(centre, state)
    assert printer_status(view, "kiosk-1") is None  # never reported: not blocking
    state.devices["printer-1"] = {"status": "cover_open"}
    assert printer_status(view, "kiosk-1") == "cover_open"
    assert printer_status(view, "kiosk-9") is None


def test_failure_words_come_from_the_hub() -> None:
    refusal = HubError("cap_reached", "Lĩnh vực A đã hết số hôm nay", "A has no numbers left")
    assert failure_text(refusal, "vi") == "Chưa lấy được số. Lĩnh vực A đã hết số hôm nay"
    assert failure_text(refusal, "en") == "No number was taken. A has no numbers left"
    assert "mất kết nối" in failure_text(HubUnavailable(), "vi")
    assert "chưa được cấp quyền" in failure_text(HubError("not_authorised", "", ""), "vi")


def test_waiting_and_cap(centre) -> None:  # type: ignore[no-untyped-def]
    from motcua.hub.domain.engine import Actor, Engine

    engine = Engine(centre)
    now = datetime(2025, 11, 24, 9, 0, tzinfo=VN)
    kiosk = Actor("kiosk-1", "kiosk")
    for body in ({"field": "A"}, {"field": "A"}, {"field": "A", "priority": "elderly"}):
        assert engine.handle(kiosk, "ticket.take", body, now).ok
    view = _view(centre, engine.state)
    assert ahead_for(view, "A", None) == 3
    assert ahead_for(view, "A", "pregnant") == 1
    field_a = centre.field_by_code("A")
    assert not cap_reached(view, field_a)
    assert cap_reached(view, dataclasses.replace(field_a, daily_cap=3))


def test_hours_and_wait_words(centre) -> None:  # type: ignore[no-untyped-def]
    monday = datetime(2025, 11, 24, 9, 0, tzinfo=VN)
    sunday = datetime(2025, 11, 23, 9, 0, tzinfo=VN)
    assert hours_today(centre, monday, "vi") == \
        "Giờ tiếp nhận hôm nay: 07:30–11:30, 13:30–17:00"
    assert hours_today(centre, sunday, "vi") == \
        "Hôm nay trung tâm nghỉ. Mở cửa lại: Thứ Hai 24/11/2025 lúc 07:30"
    assert hours_today(centre, sunday, "en") == \
        "The centre is closed today. Opens again: Monday 24/11/2025 at 07:30"
    assert wait_text(25, "vi") == "khoảng 25 phút"
    assert wait_text(70, "vi") == "khoảng 1 giờ 10 phút"
    assert wait_text(0, "vi") == "sắp đến lượt"
    assert wait_text(5, "en") == "about 5 min"


def test_every_string_has_both_languages_in_nfc() -> None:
    import unicodedata

    for key, (vi, en) in TEXTS.items():
        assert vi and en, key
        assert unicodedata.normalize("NFC", vi) == vi, key
    assert tr("no.such.key", "vi") == "no.such.key"
    assert tr("home.waiting", "vi", n=4) == "Đang chờ: 4"
