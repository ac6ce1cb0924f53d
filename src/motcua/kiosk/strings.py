"""Every word the kiosk shows that does not come from the hub, in Vietnamese and English.

Centre-specific texts (centre name, fields, procedures, documents, priority groups)
come from the hub's snapshot; the hub's refusals come with their own words
(``HubError.vi`` / ``.en``). Only the kiosk's own interface lives here, so a
translator edits one table. Vietnamese is NFC with every diacritic.
"""

from __future__ import annotations

from typing import Literal

from motcua.core.text import nfc

Lang = Literal["vi", "en"]
LANGS: tuple[Lang, ...] = ("vi", "en")

# key -> (Vietnamese, English). ``{name}`` placeholders are filled by :func:`tr`.
TEXTS: dict[str, tuple[str, str]] = {
    # home
    "home.prompt": ("Xin mời chọn lĩnh vực để lấy số thứ tự",
                    "Please choose a field to take a queue number"),
    "home.cannot_take": ("Tạm thời chưa lấy được số thứ tự (xem thông báo phía trên)",
                         "Numbers cannot be taken for now (see the notice above)"),
    "home.waiting": ("Đang chờ: {n}", "Waiting: {n}"),
    "home.more_fields": ("▼ Còn lĩnh vực bên dưới – kéo thanh cuộn để xem ▼",
                         "▼ More fields below – drag the scroll bar ▼"),
    "home.cap_reached": ("Đã hết số hôm nay", "No numbers left today"),
    "home.lookup": ("Tra cứu thủ tục", "Look up a procedure"),
    "home.priority": ("Ưu tiên", "Priority"),
    "home.booking": ("Tôi đã đặt lịch hẹn", "I have a booking"),
    "home.booking_sub": ("Quét mã QR hoặc gõ mã đặt lịch", "Scan the QR code or type the code"),
    "booking.title": ("Đã đặt lịch hẹn trực tuyến", "Booked online"),
    "booking.hint": ("Đưa mã QR trên điện thoại hoặc giấy hẹn vào máy quét, hoặc gõ mã đặt "
                     "lịch gồm 8 ký tự.", "Hold the QR code on your phone or paper to the "
                     "scanner, or type the 8-character booking code."),
    "booking.placeholder": ("Mã đặt lịch, ví dụ ZPF6-MMGW", "Booking code, e.g. ZPF6-MMGW"),
    "booking.take": ("Lấy số theo lịch hẹn", "Get my number"),
    "card.elderly": ("Đã đọc thẻ căn cước: Ông/Bà được ưu tiên (từ {age} tuổi). Mời chọn "
                     "lĩnh vực.", "ID card read: you have priority (aged {age} or over). "
                     "Please choose a field."),
    "card.read": ("Đã đọc thẻ căn cước. Mời chọn lĩnh vực.", "ID card read. Please choose a field."),
    "card.bad": ("Không đọc được mã vừa quét: {why}", "The scanned code could not be read: {why}"),
    "home.lookup_sub": ("Xem giấy tờ cần mang theo, không lấy số",
                        "See which documents to bring, without taking a number"),
    "home.lang_other": ("English", "Tiếng Việt"),
    "home.hours": ("Giờ tiếp nhận hôm nay: {hours}", "Today's opening hours: {hours}"),
    "home.connecting": ("Đang kết nối với máy chủ…", "Connecting to the hub…"),
    # accessibility (access.py)
    "access.large": ("Chữ lớn, tương phản cao", "Large text, high contrast"),
    "access.normal": ("Chữ cỡ thường", "Normal text"),
    "access.help": ("Cần hỗ trợ / I need help", "I need help / Cần hỗ trợ"),
    "access.help_sent": ("Đã báo cán bộ. Xin Ông/Bà vui lòng chờ tại đây.",
                         "Staff have been told. Please wait here."),
    "access.help_coming": ("Cán bộ đang đến hỗ trợ Ông/Bà.", "A member of staff is coming."),
    "access.help_failed": ("Chưa báo được cán bộ (mất kết nối). Xin Ông/Bà nhờ người gần "
                           "nhất hoặc thử lại.",
                           "Staff could not be told (no connection). Please ask someone "
                           "nearby or try again."),
    # navigation
    "nav.back": ("‹  Quay lại", "‹  Back"),
    "nav.home": ("Về trang chủ", "Home"),
    "nav.next": ("Tiếp tục  ›", "Continue  ›"),
    # priority
    "priority.title": ("Lấy số ưu tiên", "Priority number"),
    "priority.prompt": ("Xin Ông/Bà chọn diện ưu tiên",
                        "Please choose your priority group"),
    "priority.note": ("Ông/Bà được phục vụ trước tại quầy ưu tiên. Cán bộ có thể đề nghị "
                      "xuất trình giấy tờ chứng minh.",
                      "You will be served first at the priority counter. Staff may ask for "
                      "a document that shows your priority."),
    "priority.fields_title": ("Chọn lĩnh vực", "Choose a field"),
    "priority.chosen": ("Ưu tiên: {category}", "Priority: {category}"),
    # procedures
    "procedures.prompt": ("Ông/Bà đến làm thủ tục nào? (không bắt buộc)",
                          "Which procedure are you here for? (optional)"),
    "procedures.none": ("Không chọn thủ tục cụ thể", "No specific procedure"),
    "procedures.none_sub": ("Lấy số cho lĩnh vực này, cán bộ sẽ hướng dẫn",
                            "Take a number for this field; staff will guide you"),
    "procedures.documents": ("{n} giấy tờ cần mang theo", "{n} document(s) to bring"),
    # documents
    "documents.title": ("Giấy tờ cần mang theo", "Documents to bring"),
    "documents.prompt": ("Xin mang theo các giấy tờ sau", "Please bring the following documents"),
    "documents.kind.nộp": ("Nộp", "Hand in"),
    "documents.kind.xuất trình": ("Xuất trình", "Show"),
    "documents.legend": ("Nộp: giấy tờ nộp lại cho cán bộ.  Xuất trình: mang bản chính để "
                         "cán bộ xem rồi trả lại.",
                         "Hand in: kept with your file.  Show: bring the original; staff "
                         "look at it and give it back."),
    "documents.none": ("Thủ tục này không có danh sách giấy tờ. Cán bộ sẽ hướng dẫn.",
                       "No document list for this procedure. Staff will guide you."),
    "documents.time_limit": ("Thời hạn giải quyết: {limit}", "Time limit: {limit}"),
    "documents.fees": ("Phí, lệ phí: {fees}", "Fees: {fees}"),
    "documents.no_time_limit": ("Thời hạn giải quyết: theo quy định, cán bộ sẽ thông báo",
                                "Time limit: as regulated; staff will tell you"),
    "documents.field": ("Lĩnh vực: {field}", "Field: {field}"),
    "documents.take": ("Lấy số cho thủ tục này  ›", "Take a number for this  ›"),
    # confirm
    "confirm.title": ("Xác nhận lấy số", "Confirm"),
    "confirm.field": ("Lĩnh vực", "Field"),
    "confirm.procedure": ("Thủ tục", "Procedure"),
    "confirm.priority": ("Ưu tiên", "Priority"),
    "confirm.no_priority": ("Không", "No"),
    "confirm.ahead": ("Số người đang chờ trước: {n}", "People waiting ahead: {n}"),
    "confirm.take": ("LẤY SỐ", "TAKE A NUMBER"),
    "confirm.busy": ("Đang lấy số…", "Taking a number…"),
    "confirm.retry": ("THỬ LẠI", "TRY AGAIN"),
    "confirm.not_taken": ("Chưa lấy được số.", "No number was taken."),
    "confirm.unavailable": ("Chưa lấy được số: mất kết nối với máy chủ. Xin vui lòng thử lại "
                            "hoặc liên hệ quầy hướng dẫn.",
                            "No number was taken: the hub cannot be reached. Please try again "
                            "or ask at the help desk."),
    # result
    "result.title": ("Số thứ tự của Ông/Bà", "Your queue number"),
    "result.ahead": ("Số người chờ trước: {n}", "People ahead of you: {n}"),
    "result.nobody_ahead": ("Không có ai chờ trước Ông/Bà", "Nobody is ahead of you"),
    "result.estimate": ("Thời gian chờ dự kiến: {wait}", "Estimated wait: {wait}"),
    "estimate.beyond_closing": ("Có thể không kịp phục vụ trong hôm nay (trung tâm làm việc "
                                "đến {closes}). Ông/Bà vẫn có thể lấy số.",
                                "You may not be served today (the centre works until "
                                "{closes}). You can still take a number."),
    "estimate.no_counter_open": ("Hiện chưa có quầy nào mở cho lĩnh vực này; chưa ước tính "
                                 "được thời gian chờ.",
                                 "No counter for this field is open yet; the wait cannot "
                                 "be estimated."),
    "estimate.no_counter_open_closes": ("Hiện chưa có quầy nào mở cho lĩnh vực này (trung "
                                        "tâm làm việc đến {closes}). Có thể không kịp phục "
                                        "vụ trong hôm nay.",
                                        "No counter for this field is open now (the centre "
                                        "works until {closes}). You may not be served "
                                        "today."),
    "result.no_estimate": ("Thời gian chờ: chưa ước tính được", "Wait: cannot be estimated"),
    "result.minutes": ("khoảng {n} phút", "about {n} min"),
    "result.hours": ("khoảng {h} giờ {m} phút", "about {h} h {m} min"),
    "result.soon": ("sắp đến lượt", "your turn is next"),
    "result.take_ticket": ("Xin mời nhận vé", "Please take your ticket"),
    "result.print_failed": ("Vé chưa in được. Xin ghi nhớ số {label} và liên hệ quầy hướng dẫn.",
                            "The ticket could not be printed. Please note number {label} and "
                            "ask at the help desk."),
    "result.auto_home": ("Màn hình tự trở về sau {n} giây", "This screen returns in {n} s"),
    "result.done": ("Xong", "Done"),
    # lookup
    "lookup.title": ("Tra cứu thủ tục", "Look up a procedure"),
    "lookup.placeholder": ("Gõ tên thủ tục, ví dụ: khai sinh",
                           "Type a procedure name, e.g. birth"),
    "lookup.count": ("{n} thủ tục", "{n} procedures"),
    "lookup.nothing": ("Không tìm thấy thủ tục nào. Xin thử từ khác hoặc hỏi quầy hướng dẫn.",
                       "No procedure found. Try another word or ask at the help desk."),
    "lookup.clear": ("Xoá", "Clear"),
    "lookup.space": ("Dấu cách", "Space"),
    "lookup.hint": ("Có thể gõ không dấu", "Diacritics are optional"),
    # states
    "state.disconnected": ("Mất kết nối với máy chủ. Tạm thời không lấy được số, xin vui lòng "
                           "liên hệ quầy hướng dẫn.",
                           "Connection to the hub lost. Numbers cannot be taken for now; please "
                           "ask at the help desk."),
    "state.disconnected_short": ("Mất kết nối", "Connection lost"),
    "state.storage_fault": ("Tạm ngừng cấp số. Xin vui lòng liên hệ quầy hướng dẫn.",
                            "Temporarily not issuing tickets. Please ask at the help desk."),
    "state.not_authorised": ("Thiết bị chưa được cấp quyền. Xin vui lòng liên hệ quầy hướng dẫn.",
                             "Device not authorised. Please ask at the help desk."),
    "state.printer_fault": ("Máy in vé tạm thời không hoạt động ({reason}). Xin vui lòng liên hệ "
                            "quầy hướng dẫn.",
                            "The ticket printer is not working for now ({reason}). Please ask "
                            "at the help desk."),
    "state.paper_near_end": ("Máy in sắp hết giấy", "Printer paper near end"),
    "printer.paper_out": ("hết giấy", "out of paper"),
    "printer.cover_open": ("nắp máy in đang mở", "cover open"),
    "printer.offline": ("mất kết nối với máy in", "printer not answering"),
    "printer.error": ("máy in báo lỗi", "printer error"),
}

WEEKDAYS: dict[int, tuple[str, str]] = {
    1: ("Thứ Hai", "Monday"), 2: ("Thứ Ba", "Tuesday"), 3: ("Thứ Tư", "Wednesday"),
    4: ("Thứ Năm", "Thursday"), 5: ("Thứ Sáu", "Friday"), 6: ("Thứ Bảy", "Saturday"),
    7: ("Chủ Nhật", "Sunday"),
}


def tr(key: str, lang: Lang, **values: object) -> str:
    """The interface text ``key`` in ``lang`` with ``{name}`` placeholders filled.

    An unknown key returns the key itself (visible, but never a crash on a kiosk).
    """
    pair = TEXTS.get(key)
    if pair is None:
        return key
    text = pair[1] if lang == "en" else pair[0]
    return nfc(text.format(**values) if values else text)


def pick(lang: Lang, vi: str, en: str) -> str:
    """A hub text in the chosen language; falls back to Vietnamese when English is empty."""
    return nfc(en) if lang == "en" and en else nfc(vi)


def wait_text(minutes: int, lang: Lang) -> str:
    """``khoảng 25 phút`` / ``khoảng 1 giờ 10 phút``; ``sắp đến lượt`` for zero."""
    if minutes <= 0:
        return tr("result.soon", lang)
    if minutes < 60:
        return tr("result.minutes", lang, n=minutes)
    return tr("result.hours", lang, h=minutes // 60, m=minutes % 60)


def estimate_warning(estimate: dict[str, object], lang: Lang) -> str:
    """The warning shown BEFORE a number is taken (and on the result) when the hub gives
    no believable wait: no counter for the field is open, or the wait runs past closing.
    Empty when the estimate is an ordinary figure."""
    note = estimate.get("estimate_note")
    closes = estimate.get("closes_at")
    if note == "beyond_closing":
        return tr("estimate.beyond_closing", lang, closes=closes or "–")
    if note == "no_counter_open":
        if closes:
            return tr("estimate.no_counter_open_closes", lang, closes=closes)
        return tr("estimate.no_counter_open", lang)
    return ""


def estimate_line(estimate: dict[str, object], lang: Lang) -> str:
    """"Thời gian chờ dự kiến: khoảng 25 phút", or why there is no figure."""
    minutes = estimate.get("estimate_minutes")
    if isinstance(minutes, int) and not estimate.get("estimate_note"):
        return tr("result.estimate", lang, wait=wait_text(minutes, lang))
    return tr("result.no_estimate", lang)
