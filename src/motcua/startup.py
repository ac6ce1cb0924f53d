"""Start-up errors of every ``motcua`` program: one clear message, no traceback.

A program that cannot start (its port is taken, its data folder does not exist or is
not writable, its database cannot be opened, its disk is full) prints what failed,
where, and what to do — Vietnamese first, English second — and exits non-zero. The
traceback is still in the log at debug level (``motcua -v ...``) for whoever fixes it.
Errors that are not known start-up problems are not hidden: they propagate as before.
"""

from __future__ import annotations

import errno
import logging
import sys

log = logging.getLogger(__name__)

EXIT_CONFIG = 2
EXIT_START = 1


class StartupError(RuntimeError):
    """A program cannot start; carries the words to show."""

    def __init__(self, vi: str, en: str) -> None:
        super().__init__(en)
        self.vi = vi
        self.en = en


def explain(exc: BaseException) -> tuple[int, str] | None:
    """The exit code and the message for a known start-up failure, else None."""
    from motcua.core.centre.load import ConfigError

    if isinstance(exc, StartupError):
        return EXIT_START, "\n".join(w for w in (exc.vi, exc.en) if w)
    if isinstance(exc, ConfigError):
        return EXIT_CONFIG, f"Lỗi cấu hình / configuration error: {exc}"
    try:
        import zmq
    except ImportError:  # pragma: no cover - zmq is a core dependency
        zmq = None  # type: ignore[assignment]
    if zmq is not None and isinstance(exc, zmq.ZMQError):
        if exc.errno == errno.EADDRINUSE:
            return EXIT_START, (
                "Cổng mạng đang được chương trình khác dùng (có thể một máy chủ motcua khác "
                "đang chạy). Hãy dừng chương trình đó hoặc chọn cổng khác.\n"
                f"Address already in use: {exc}. Another program (perhaps another motcua "
                "hub) holds the port; stop it or choose another port (--command-port, "
                "--event-port).")
        return EXIT_START, (f"Lỗi mạng ZeroMQ / network error: {exc}. Kiểm tra địa chỉ "
                            "/ check the address (--bind, --hub).")
    storage = _storage_words(exc)
    if storage is not None:
        return EXIT_START, storage
    if isinstance(exc, OSError):
        where = exc.filename or ""
        what = exc.strerror or str(exc)
        return EXIT_START, (
            f"Không mở hoặc tạo được tệp/thư mục {where}: {what}. Hãy kiểm tra đường dẫn "
            "(thư mục phải tồn tại và ghi được).\n"
            f"Cannot open or create {where}: {what}. Check the path (the folder must exist "
            "and be writable), e.g. --data.")
    return None


def _storage_words(exc: BaseException) -> str | None:
    try:
        from sqlalchemy.exc import DBAPIError
    except ImportError:  # pragma: no cover
        return None
    if not isinstance(exc, DBAPIError):
        return None
    from motcua.hub.health import FULL, classify

    detail = str(exc.orig).splitlines()[0] if exc.orig is not None else str(exc)
    if classify(exc) == FULL:
        return ("Ổ đĩa đã đầy: không ghi được cơ sở dữ liệu. Hãy giải phóng dung lượng rồi "
                f"khởi động lại.\nThe disk is full: the database cannot be written ({detail})."
                " Free some space, then start again.")
    return ("Không mở được cơ sở dữ liệu (thư mục không tồn tại, không có quyền ghi, hoặc ổ "
            f"đĩa chỉ đọc): {detail}.\nCannot open the database ({detail}): check that its "
            "folder exists and is writable and the disk is not read-only (--data, --db).")


def run_main(main: object, *args: object) -> int:
    """Call a program's main; a known start-up failure becomes one message and an exit
    code (KeyboardInterrupt ends quietly with 130)."""
    try:
        return int(main(*args))  # type: ignore[operator]
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        known = explain(exc)
        if known is None:
            raise
        code, words = known
        log.debug("start-up failure", exc_info=True)
        print(f"motcua: {words}", file=sys.stderr, flush=True)
        return code
