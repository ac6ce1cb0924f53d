"""Split an ESC/POS byte stream into commands, incrementally.

Used by the virtual printer (which must cope with a job arriving in pieces over a serial
line) and by the text-mode decoders. It knows the length of every command motcua or
python-escpos sends, and of the common ones it does not; a command it cannot size is
reported as ``unknown`` with its two prefix bytes, so one odd byte never stalls the stream.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

__all__ = ["Command", "Parser", "parse_all"]

log = logging.getLogger(__name__)

ESC, GS, DLE, FS = 0x1B, 0x1D, 0x10, 0x1C
LF, CR, HT, FF = 0x0A, 0x0D, 0x09, 0x0C
_CONTROL = {ESC, GS, DLE, FS, LF, CR, HT, FF}

# ESC x: number of parameter bytes after the command letter.
_ESC_ARGS: dict[int, int] = {
    **{ord(c): 0 for c in "@2LSim"},
    **{ord(c): 1 for c in "!-3=?EGJMRTUVadt{ re"},
    ord("$"): 2,
    ord("\\"): 2,
    ord("c"): 2,
    ord("p"): 3,
    ord("W"): 8,
}
# GS x: fixed parameter counts (variable-length ones are handled in code).
_GS_ARGS: dict[int, int] = {
    **{ord(c): 1 for c in "!BbHfhwaIr/E"},
    **{ord(c): 2 for c in "LWP$\\"},
}
_FS_ARGS: dict[int, int] = {ord("."): 0, ord("&"): 0, ord("C"): 1, ord("!"): 1, ord("p"): 2}


@dataclass(frozen=True)
class Command:
    """One command: ``name`` like "ESC a" / "GS v 0" / "text" / "LF", and its exact bytes.

    ``args`` holds the parameter bytes after the command letters (for ``GS v 0`` the
    header ``m xL xH yL yH`` followed by the bitmap; for text, the text bytes).
    """

    name: str
    raw: bytes
    args: bytes = b""


def _name(prefix: int, code: int) -> str:
    label = {ESC: "ESC", GS: "GS", DLE: "DLE", FS: "FS"}[prefix]
    if prefix == DLE:
        return {0x04: "DLE EOT", 0x05: "DLE ENQ", 0x14: "DLE DC4"}.get(code, "DLE ?")
    return f"{label} {chr(code)}" if 0x20 <= code < 0x7F else f"{label} 0x{code:02x}"


def _size(buf: bytes | bytearray, i: int) -> tuple[int, str] | None:
    """Length and name of the command starting at ``buf[i]``; None if more bytes needed."""
    n = len(buf) - i
    b = buf[i]
    if b in (LF, CR, HT, FF):
        return 1, {LF: "LF", CR: "CR", HT: "HT", FF: "FF"}[b]
    if n < 2:
        return None
    code = buf[i + 1]
    name = _name(b, code)
    if b == ESC:
        if code == ord("*"):  # ESC * m nL nH d1..dk
            if n < 5:
                return None
            m, cols = buf[i + 2], buf[i + 3] + 256 * buf[i + 4]
            return 5 + cols * (3 if m in (32, 33) else 1), name
        if code == ord("D"):  # tab positions, NUL-terminated
            end = buf.find(b"\x00", i + 2)
            return (end - i + 1, name) if end >= 0 else None
        return 2 + _ESC_ARGS.get(code, 0), name if code in _ESC_ARGS else "unknown"
    if b == GS:
        if code == ord("v"):  # GS v 0 m xL xH yL yH data
            if n < 8:
                return None
            width = buf[i + 4] + 256 * buf[i + 5]
            height = buf[i + 6] + 256 * buf[i + 7]
            return 8 + width * height, "GS v 0"
        if code == ord("("):  # GS ( x pL pH data
            if n < 5:
                return None
            return 5 + buf[i + 3] + 256 * buf[i + 4], f"GS ( {chr(buf[i + 2])}"
        if code == ord("8"):  # GS 8 L p1 p2 p3 p4 data
            if n < 7:
                return None
            length = int.from_bytes(buf[i + 3 : i + 7], "little")
            return 7 + length, f"GS 8 {chr(buf[i + 2])}"
        if code == ord("V"):  # GS V m [n]
            if n < 3:
                return None
            return (4 if buf[i + 2] in (65, 66, 97, 98, 103, 104) else 3), name
        if code == ord("k"):  # barcode: GS k m d1..dk NUL | GS k m n d1..dn
            if n < 3:
                return None
            if buf[i + 2] <= 6:
                end = buf.find(b"\x00", i + 3)
                return (end - i + 1, name) if end >= 0 else None
            if n < 4:
                return None
            return 4 + buf[i + 3], name
        if code == ord("*"):  # GS * x y data (x*y*8 bytes)
            if n < 4:
                return None
            return 4 + buf[i + 2] * buf[i + 3] * 8, name
        return 2 + _GS_ARGS.get(code, 0), name if code in _GS_ARGS else "unknown"
    if b == DLE:
        if code == 0x14:
            return 5, name
        return 3, name
    # FS
    return 2 + _FS_ARGS.get(code, 0), name if code in _FS_ARGS else "unknown"


class Parser:
    """Incremental ESC/POS splitter: ``feed(bytes)`` returns the complete commands."""

    def __init__(self) -> None:
        self._buf = bytearray()

    @property
    def pending(self) -> int:
        """Bytes held back because the command they start is not complete yet."""
        return len(self._buf)

    def feed(self, data: bytes) -> list[Command]:
        """Add bytes; return every command now complete (text runs are returned eagerly)."""
        self._buf += data
        out: list[Command] = []
        buf = self._buf
        i = 0
        while i < len(buf):
            b = buf[i]
            if b not in _CONTROL:
                j = i
                while j < len(buf) and buf[j] not in _CONTROL:
                    j += 1
                chunk = bytes(buf[i:j])
                # Other C0 controls (NUL, BEL, ...) are not text; drop them quietly.
                text = bytes(c for c in chunk if c >= 0x20)
                if text:
                    out.append(Command("text", chunk, text))
                i = j
                continue
            sized = _size(buf, i)
            if sized is None:
                break
            length, name = sized
            if i + length > len(buf):
                break
            raw = bytes(buf[i : i + length])
            prefix = 1 if b in (LF, CR, HT, FF) else 2
            if name == "GS v 0":
                prefix = 3
            elif name.startswith(("GS ( ", "GS 8 ")):
                prefix = 3
            if name == "unknown":
                log.debug("unknown ESC/POS command %r", raw)
            out.append(Command(name, raw, raw[prefix:]))
            i += length
        del buf[:i]
        return out


def parse_all(data: bytes) -> list[Command]:
    """Split a complete byte string; bytes of an unfinished last command are dropped."""
    return Parser().feed(data)
