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
    "short_document",
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
    estimate_minutes: int | None = 0
    """Estimated wait in whole minutes; None when no figure can be believed (the wait
    runs past closing time, or no counter serving the field is open)."""
    estimate_note: str | None = None
    """Why there is no figure: "beyond_closing" or "no_counter_open" (None otherwise)."""
    closes_at: str | None = None
    """Closing time "HH:MM" of the centre today, printed with "beyond_closing"."""
    procedure_vi: str | None = None
    """Procedure (thủ tục) chosen at the kiosk, if any."""
    documents: tuple[str, ...] = ()
    """Short form of each paper the chosen procedure asks for (the ticket's checklist)."""
    priority_vi: str | None = None
    """Priority group, e.g. "Người cao tuổi", if the ticket is a priority ticket."""
    place: str = ""
    """Second header line: commune/ward and province."""
    slogan: str = ""
    """Short line at the bottom chosen by the centre."""
    footer: str = "Vui lòng chờ đến lượt được gọi. Xin\u00a0cảm\u00a0ơn!"
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
        object.__setattr__(self, "documents",
                           tuple(d for d in (nfc(str(x)).strip() for x in self.documents) if d))
        if self.ahead < 0 or (self.estimate_minutes is not None and self.estimate_minutes < 0):
            raise ValueError(
                "Số người chờ và thời gian chờ không được âm / "
                "ahead and estimate_minutes must not be negative"
            )
        for name in ("procedure_vi", "priority_vi", "estimate_note", "closes_at"):
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
    ``each`` names a list (only "documents"): the row is printed once per item, with
    the item as ``{item}``. ``hanging`` indents the wrapped lines of a row by that many
    cells (a list item's second line starts under its text, not under its dash).
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
    each: str | None = None
    hanging: int = 0


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
    hanging: int = 0


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
    Block("text", "Giấy tờ cần mang:", when="documents", align="left", bold=True, px=20),
    Block("text", "- {item}", each="documents", align="left", px=20, hanging=2),
    Block("text", "Số người đang chờ trước: {ahead}", px=22, gap=2),
    Block("text", "{estimate}", px=22),
    Block("text", "{issued}", px=22, gap=8),
    Block("qr", "{ticket_id}", gap=8),
    Block("text", "{footer}", when="footer", px=20),
    Block("text", "{slogan}", when="slogan", px=20),
    Block("cut"),
)


ESTIMATE_NOTES: dict[str, str] = {
    "beyond_closing": "Có thể không kịp phục vụ trong hôm nay",
    "no_counter_open": "Hiện chưa có quầy mở cho lĩnh vực này",
}
"""What the ticket says instead of a figure, by ``estimate_note``."""


def estimate_text(minutes: int | None, note: str | None = None,
                  closes_at: str | None = None) -> str:
    """The wait line: "Thời gian chờ dự kiến: khoảng 12 phút" ("dưới 1 phút" when nobody
    is ahead), or, when there is no figure to believe (``minutes`` None), why not:
    "Có thể không kịp phục vụ trong hôm nay (trung tâm đóng cửa lúc 17:00)" or
    "Hiện chưa có quầy mở cho lĩnh vực này". No minutes figure is printed then."""
    if minutes is None:
        if note == "no_counter_open":
            return ESTIMATE_NOTES["no_counter_open"]
        if note == "beyond_closing" or closes_at:
            text = ESTIMATE_NOTES["beyond_closing"]
            # the bracket is glued with no-break spaces: it moves to the next line whole
            closing = f"(trung tâm đóng cửa lúc {closes_at})".replace(" ", "\u00a0")
            return f"{text} {closing}" if closes_at else text
        return "Thời gian chờ dự kiến: chưa ước tính được"
    # no-break spaces: "khoảng 12 phút" is never split over two lines
    wait = "dưới\u00a01\u00a0phút" if minutes <= 0 else f"khoảng\u00a0{minutes}\u00a0phút"
    return f"Thời gian chờ dự kiến: {wait}"


SHORT_DOCUMENT_CELLS = 80
"""A short form is cut to this many characters (two lines of an 80 mm ticket at most)."""


def short_document(text: str) -> str:
    """The short form of a required document for the ticket's checklist.

    The full wording (with its conditions in brackets and alternatives after a
    semicolon) stays on the kiosk screen; the ticket keeps the part before the first
    bracket or semicolon: "Bản chính Giấy chứng sinh; nếu không có thì ..." ->
    "Bản chính Giấy chứng sinh"; a condition after ", nếu" becomes "(nếu cần)". Still
    longer than :data:`SHORT_DOCUMENT_CELLS`: cut at a word with "...".
    """
    short = nfc(text)
    for stop in ("(", ";"):
        head = short.split(stop, 1)[0].strip()
        if head:
            short = head
    # "..., nếu đăng ký ở nơi ..." is a condition: keep that there is one, not its words
    head, condition, _ = short.partition(", nếu ")
    if condition and head.strip():
        short = f"{head.strip()} (nếu cần)"
    short = " ".join(short.split()).rstrip(",.:")
    if len(short) > SHORT_DOCUMENT_CELLS:
        cut = short[: SHORT_DOCUMENT_CELLS - 3].rsplit(" ", 1)[0]
        short = cut.rstrip(",.:") + "..."
    return short


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
        "estimate": estimate_text(ticket.estimate_minutes, ticket.estimate_note,
                                  ticket.closes_at),
        "documents": "1" if ticket.documents else "",
        "issued": local.strftime("%d/%m/%Y %H:%M"),
        "ticket_id": ticket.ticket_id,
        "footer": ticket.footer,
        "slogan": ticket.slogan,
        "reprint": "1" if ticket.reprint else "",
    }


def fill(ticket: TicketPrint, template: tuple[Block, ...] = TICKET_TEMPLATE) -> list[Line]:
    """Resolve ``template`` against ``ticket``: rows whose ``when`` is empty are dropped."""
    values = _values(ticket)
    lists = {"documents": ticket.documents}
    lines: list[Line] = []
    for block in template:
        if block.when is not None and not values.get(block.when):
            continue
        items = lists.get(block.each, ()) if block.each is not None else (None,)
        for item in items:
            text = nfc(block.text.format(**values, item=item or "")) if block.text else ""
            lines.append(Line(kind=block.kind, text=text, align=block.align, size=block.size,
                              bold=block.bold, px=block.px, gap=block.gap,
                              hanging=block.hanging))
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
