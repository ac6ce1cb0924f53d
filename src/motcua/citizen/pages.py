"""What a citizen's ticket page shows, computed from the state a follower holds.

Nothing personal exists on a ticket; the page shows the number, the field, how many are
ahead, the estimate printed on the ticket turned into an expected time, and, once called,
the counter. Every text is Vietnamese first with English after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from motcua.citizen.position import people_ahead
from motcua.core.centre.model import Centre
from motcua.core.state import (
    CALLED,
    CANCELLED,
    DONE,
    HELD,
    NO_SHOW,
    SERVING,
    WAITING,
    DayState,
    Ticket,
)


@dataclass(frozen=True)
class TicketView:
    """One ticket as its page shows it (the page and its live patches use the same view)."""

    label: str
    field_vi: str
    field_en: str
    state: str
    """waiting | called | serving | held | done | no_show | cancelled"""
    headline_vi: str
    headline_en: str
    detail_vi: str
    detail_en: str
    counter: int | None

    def patch(self) -> dict[str, object]:
        """The live update (the web kit's ``patch`` message: element id -> text)."""
        return {"text": {"state": self.state, "headline-vi": self.headline_vi,
                         "headline-en": self.headline_en, "detail-vi": self.detail_vi,
                         "detail-en": self.detail_en}}


def _expected(ticket: Ticket, now: datetime) -> tuple[str, str]:
    minutes = ticket.estimate_minutes
    if minutes is None:
        return ("Chưa ước tính được thời gian chờ", "No wait estimate yet")
    at = ticket.issued_at + timedelta(minutes=minutes)
    left = max(0, round((at - now).total_seconds() / 60))
    if left == 0:
        return ("Sắp đến lượt Ông/Bà", "Your turn is coming up")
    return (f"Dự kiến được gọi khoảng {at:%H:%M} (còn khoảng {left} phút)",
            f"Expected around {at:%H:%M} (about {left} min)")


def ticket_view(centre: Centre, state: DayState, ticket: Ticket, now: datetime) -> TicketView:
    field = next((f for f in centre.fields if f.code == ticket.field), None)
    fvi, fen = (field.vi, field.en) if field is not None else (ticket.field, ticket.field)
    s = ticket.status
    if s == WAITING:
        ahead = people_ahead(state, ticket) or 0
        head = ((f"Còn {ahead} người phía trước", f"{ahead} ahead of you") if ahead
                else ("Ông/Bà là người tiếp theo", "You are next"))
        dvi, den = _expected(ticket, now)
        return TicketView(ticket.label, fvi, fen, s, head[0], head[1], dvi, den, None)
    if s in (CALLED, SERVING) and ticket.counter is not None:
        n = ticket.counter
        return TicketView(ticket.label, fvi, fen, "called" if s == CALLED else s,
                          f"Mời Ông/Bà đến quầy số\u00a0{n}", f"Please go to counter\u00a0{n}",
                          "Đã đến lượt Ông/Bà" if s == CALLED else "Đang được phục vụ",
                          "It is your turn" if s == CALLED else "Being served", n)
    words = {
        HELD: ("Số của Ông/Bà đang tạm giữ", "Your ticket is on hold",
               "Cán bộ sẽ gọi lại Ông/Bà", "The officer will call you again"),
        DONE: ("Đã phục vụ xong", "Service finished",
               "Cảm ơn Ông/Bà. Trang này hết hiệu lực cuối ngày.",
               "Thank you. This page expires at the end of the day."),
        NO_SHOW: ("Đã gọi nhưng Ông/Bà không có mặt", "Called, but you were not there",
                  "Xin liên hệ quầy hướng dẫn", "Please ask at the help desk"),
        CANCELLED: ("Số này đã huỷ", "This ticket was cancelled",
                    "Xin liên hệ quầy hướng dẫn", "Please ask at the help desk"),
    }
    hvi, hen, dvi, den = words.get(s, ("Đang xử lý", "In progress", "", ""))
    return TicketView(ticket.label, fvi, fen, s, hvi, hen, dvi, den, ticket.counter)
