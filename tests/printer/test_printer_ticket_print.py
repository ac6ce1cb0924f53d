"""From the hub's ticket to the printed ticket: checklist and estimates without a figure."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from motcua.core.centre.model import Centre
from motcua.printer.node import ticket_print
from motcua.printer.render import decode_text, render
from motcua.printer.ticket import VN_TZ


def info(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"id": "T-1", "label": "A027", "field": "A", "ahead": 27,
                            "estimate_minutes": 12,
                            "issued_at": datetime(2025, 11, 24, 9, 0, tzinfo=VN_TZ)}
    return {**base, **changes}


def test_a_chosen_procedure_prints_its_short_checklist(centre: Centre) -> None:
    field = centre.field_by_code("A")
    assert field is not None
    procedure = field.procedures[0]
    ticket = ticket_print(centre, info(procedure=procedure.id))
    assert ticket.procedure_vi == procedure.vi
    assert len(ticket.documents) == len(procedure.documents) > 0
    for short, full in zip(ticket.documents, procedure.documents, strict=True):
        words = short.removesuffix(" (nếu cần)")
        assert full.vi.startswith(words.rstrip(".")) or full.short_vi == short
        assert "(" not in words and ";" not in short
    text = " ".join(decode_text(render(ticket, "tcvn3")).split())
    assert "Giấy tờ cần mang:" in text
    for short in ticket.documents:
        assert f"- {short}" in text


def test_no_procedure_no_checklist(centre: Centre) -> None:
    assert ticket_print(centre, info()).documents == ()
    assert ticket_print(centre, info(procedure="no-such")).documents == ()


def test_estimate_keys_before_and_after_the_unknown_estimate_lands(centre: Centre) -> None:
    old = ticket_print(centre, info())  # today's hub: a figure, no note keys at all
    assert old.estimate_minutes == 12 and old.estimate_note is None
    late = ticket_print(centre, info(estimate_minutes=None, estimate_note="beyond_closing",
                                     closes_at="17:00"))
    assert late.estimate_minutes is None
    text = " ".join(decode_text(render(late, "cp1258")).split())
    assert "Có thể không kịp phục vụ trong hôm nay (trung tâm đóng cửa lúc 17:00)" in text
    assert "phút" not in text
    shut = ticket_print(centre, info(estimate_minutes=None, estimate_note="no_counter_open"))
    assert "Hiện chưa có quầy mở cho lĩnh vực này" in " ".join(
        decode_text(render(shut, "tcvn3")).split())


def test_a_configured_short_form_survives_the_snapshot_and_is_printed(centre: Centre) -> None:
    from dataclasses import replace

    from motcua.core.centre.load import centre_from_dict, centre_to_dict

    field = centre.field_by_code("A")
    assert field is not None
    first = field.procedures[0]
    docs = (replace(first.documents[0], short_vi="Tờ khai (mẫu)"), *first.documents[1:])
    procedures = (replace(first, documents=docs), *field.procedures[1:])
    fields = tuple(replace(f, procedures=procedures) if f.code == "A" else f
                   for f in centre.fields)
    seen_by_printer = centre_from_dict(centre_to_dict(replace(centre, fields=fields)))
    ticket = ticket_print(seen_by_printer, info(procedure=first.id))
    assert ticket.documents[0] == "Tờ khai (mẫu)"
