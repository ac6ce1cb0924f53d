"""What a queue ticket says, and the one template that lays it out.

:class:`TicketPrint` is the data (filled by the printer node from the hub's answer);
:data:`TICKET_TEMPLATE` is the layout, a list of :class:`Block` rows defined here and
nowhere else. :func:`fill` turns the two into resolved :class:`Line` rows that every
render mode (raster, TCVN-3, cp1258) and the virtual printer's picture share, so the
three modes cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from motcua.core.text import nfc

__all__ = [
    "TICKET_TEMPLATE",
    "VN_TZ",
    "Align",
    "Block",
    "BlockKind",
    "Line",
    "TicketPrint",
    "estimate_text",
    "fill",
    "sample_ticket",
]

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

Align = Literal["left", "center", "right"]
BlockKind = Literal["text", "number", "qr", "rule", "cut"]


@dataclass(frozen=True)
class TicketPrint:
    """Everything printed on one ticket. Strings are stored in NFC."""

    centre_name: str
    """Centre name for the header, e.g. "Trung tâm Phục vụ hành chính công phường Ba Đình"."""
    number: str
    """Ticket number label as called, e.g. "A025"."""
    field_vi: str
    """Field (lĩnh vực) in Vietnamese, e.g. "Tư pháp – Hộ tịch"."""
    issued_at: datetime
    """When the hub issued the ticket; must carry a time zone (printed in Asia/Ho_Chi_Minh)."""
    ticket_id: str
    """Identifier put in the QR code (lets a phone or the counter look the ticket up)."""
    ahead: int = 0
    """People waiting before this ticket in its queue."""
    estimate_minutes: int = 0
    """Estimated wait in whole minutes."""
    procedure_vi: str | None = None
    """Procedure (thủ tục) chosen at the kiosk, if any."""
    priority_vi: str | None = None
    """Priority group, e.g. "Người cao tuổi", if the ticket is a priority ticket."""
    place: str = ""
    """Second header line: commune/ward and province."""
    slogan: str = ""
    """Short line at the bottom chosen by the centre."""
    footer: str = "Vui lòng chờ đến lượt được gọi. Xin cảm ơn!"
    """Closing line."""
    reprint: bool = False
    """True when staff print the ticket again; the ticket then says "IN LẠI"."""

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, str):
                object.__setattr__(self, f.name, nfc(value).strip())
        if not self.number:
            raise ValueError("Số thứ tự trống / ticket number is empty")
        if not self.field_vi:
            raise ValueError("Lĩnh vực trống / field name is empty")
        if not self.ticket_id:
            raise ValueError("Mã vé trống / ticket id is empty")
        if self.issued_at.tzinfo is None or self.issued_at.utcoffset() is None:
            raise ValueError(
                "Giờ lấy số phải có múi giờ / issued_at must be timezone-aware"
            )
        if self.ahead < 0 or self.estimate_minutes < 0:
            raise ValueError(
                "Số người chờ và thời gian chờ không được âm / "
                "ahead and estimate_minutes must not be negative"
            )
        for name in ("procedure_vi", "priority_vi"):
            if getattr(self, name) == "":
                object.__setattr__(self, name, None)

    @property
    def issued_local(self) -> datetime:
        """``issued_at`` in Vietnam time."""
        return self.issued_at.astimezone(VN_TZ)


@dataclass(frozen=True)
class Block:
    """One row of the ticket template.

    ``text`` is a ``str.format`` pattern over the names :func:`fill` provides
    (centre_name, place, number, field, procedure, priority, ahead, estimate, issued,
    footer, slogan). ``when`` names a value that must be non-empty for the row to print.
    ``size`` is the native character size (GS !, 1-8) used in text modes and for the
    number; ``px`` is the font height in dots when the row is drawn as a raster image.
    ``gap`` is extra paper feed in dots after the row.
    """

    kind: BlockKind
    text: str = ""
    align: Align = "center"
    size: int = 1
    bold: bool = False
    px: int = 22
    when: str | None = None
    gap: int = 0


@dataclass(frozen=True)
class Line:
    """A template row resolved against one ticket: what to print, and how."""

    kind: BlockKind
    text: str = ""
    align: Align = "center"
    size: int = 1
    bold: bool = False
    px: int = 22
    gap: int = 0


# The ticket layout: the only place that decides what goes where.
TICKET_TEMPLATE: tuple[Block, ...] = (
    Block("text", "{centre_name}", bold=True, px=24),
    Block("text", "{place}", when="place", px=20),
    Block("rule", gap=4),  # a short centred dash rule (a third of the line: few bytes)
    Block("text", "*** IN LẠI ***", when="reprint", bold=True, px=24),
    Block("text", "SỐ THỨ TỰ", bold=True, px=24, gap=6),
    Block("number", "{number}", size=6, bold=True, gap=8),
    Block("text", "{field}", bold=True, px=24),
    Block("text", "{procedure}", when="procedure", px=20),
    Block("text", "Ưu tiên: {priority}", when="priority", bold=True, px=22),
    Block("text", "Số người đang chờ trước bạn: {ahead}", px=22, gap=2),
    Block("text", "Thời gian chờ dự kiến: {estimate}", px=22),
    Block("text", "{issued}", px=22, gap=8),
    Block("qr", "{ticket_id}", gap=8),
    Block("text", "{footer}", when="footer", px=20),
    Block("text", "{slogan}", when="slogan", px=20),
    Block("cut"),
)


def estimate_text(minutes: int) -> str:
    """Wait estimate in words: "khoảng 12 phút"; "dưới 1 phút" when nobody is ahead."""
    return "dưới 1 phút" if minutes <= 0 else f"khoảng {minutes} phút"


def _values(ticket: TicketPrint) -> dict[str, str]:
    local = ticket.issued_local
    return {
        "centre_name": ticket.centre_name,
        "place": ticket.place,
        "number": ticket.number,
        "field": ticket.field_vi,
        "procedure": ticket.procedure_vi or "",
        "priority": ticket.priority_vi or "",
        "ahead": str(ticket.ahead),
        "estimate": estimate_text(ticket.estimate_minutes),
        "issued": local.strftime("%d/%m/%Y %H:%M"),
        "ticket_id": ticket.ticket_id,
        "footer": ticket.footer,
        "slogan": ticket.slogan,
        "reprint": "1" if ticket.reprint else "",
    }


def fill(ticket: TicketPrint, template: tuple[Block, ...] = TICKET_TEMPLATE) -> list[Line]:
    """Resolve ``template`` against ``ticket``: rows whose ``when`` is empty are dropped."""
    values = _values(ticket)
    lines: list[Line] = []
    for block in template:
        if block.when is not None and not values.get(block.when):
            continue
        text = nfc(block.text.format(**values)) if block.text else ""
        lines.append(
            Line(
                kind=block.kind,
                text=text,
                align=block.align,
                size=block.size,
                bold=block.bold,
                px=block.px,
                gap=block.gap,
            )
        )
    return lines


def sample_ticket(**changes: object) -> TicketPrint:
    """A ticket full of Vietnamese letters (ỹ ự ễ ẫ ặ Đ ờ ở), for tests, docs and benches."""
    base = TicketPrint(
        centre_name="Trung tâm Phục vụ hành chính công phường Ba Đình",
        place="Thành phố Hà Nội",
        number="A025",
        field_vi="Tư pháp – Hộ tịch",
        procedure_vi="Đăng ký khai sinh; chữ mẫu: ỹ ự ễ ẫ ặ Đ ờ ở",
        ahead=3,
        estimate_minutes=12,
        issued_at=datetime(2025, 7, 16, 14, 30, tzinfo=VN_TZ),
        ticket_id="MC-20250716-A025-7F3K",
        slogan="Sự hài lòng của người dân là thước đo chất lượng phục vụ",
    )
    return replace(base, **changes)  # type: ignore[arg-type]
