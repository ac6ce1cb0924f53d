"""docs/protocol.md's message tables, generated from the models so they cannot drift.

    python -m motcua.core.wire.doc            # print the generated part
    python -m motcua.core.wire.doc --write    # replace it in docs/protocol.md

The generated part sits between :data:`BEGIN` and :data:`END`; a test fails when the
file's part differs from :func:`render`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import msgspec
import msgspec.inspect as mi

from motcua.core.wire.events import EVENTS, EventEnvelope
from motcua.core.wire.replies import REPLIES, CounterView, ErrorReply, TicketView
from motcua.core.wire.requests import QUERY_TYPES, REQUESTS

BEGIN = "<!-- BEGIN generated from motcua.core.wire (python -m motcua.core.wire.doc --write) -->"
END = "<!-- END generated -->"
OBJECTS: dict[str, type[msgspec.Struct]] = {
    "TicketView": TicketView, "CounterView": CounterView}


def _type(t: mi.Type) -> tuple[str, str]:
    """(type in words, description) of one inspected type."""
    desc = ""
    if isinstance(t, mi.Metadata):
        desc = str((t.extra_json_schema or {}).get("description", ""))
        t = t.type
    if isinstance(t, mi.UnionType):
        parts = [_type(x) for x in t.types]
        desc = desc or next((d for _, d in parts if d), "")
        return " \\| ".join(p for p, _ in parts), desc
    simple = {mi.StrType: "string", mi.IntType: "int", mi.FloatType: "number",
              mi.BoolType: "bool", mi.NoneType: "null", mi.DateType: "date (YYYY-MM-DD)",
              mi.AnyType: "any"}
    for cls, name in simple.items():
        if isinstance(t, cls):
            return name, desc
    if isinstance(t, mi.StructType):
        return f"[{t.cls.__name__}](#{t.cls.__name__.lower()})" if t.cls.__name__ in OBJECTS \
            else t.cls.__name__, desc
    if isinstance(t, mi.ListType):
        return f"list of {_type(t.item_type)[0]}", desc
    if isinstance(t, mi.DictType):
        return f"object of {_type(t.value_type)[0]}", desc
    return type(t).__name__, desc


def _fields(model: type[msgspec.Struct]) -> list[tuple[str, str, str, bool]]:
    info = mi.type_info(model)
    assert isinstance(info, mi.StructType)
    out = []
    for f in info.fields:
        kind, desc = _type(f.type)
        out.append((f.name, kind, desc, f.required))
    return out


def _inline(model: type[msgspec.Struct]) -> str:
    parts = [f"`{name}`{'' if required else '?'}" for name, _, _, required in _fields(model)]
    return "{" + ", ".join(parts) + "}" if parts else "{}"


def _table(model: type[msgspec.Struct]) -> list[str]:
    rows = ["| key | type | meaning |", "|---|---|---|"]
    for name, kind, desc, required in _fields(model):
        rows.append(f"| `{name}`{'' if required else ' (optional)'} | {kind} | {desc} |")
    return rows


def render() -> str:
    """The generated part of docs/protocol.md (between the markers, markers included)."""
    out: list[str] = [BEGIN, "", "### Commands", "",
                      "`?` marks a key that may be left out. Queries change nothing.", "",
                      "| type | body | OK reply |", "|---|---|---|"]
    for kind, model in REQUESTS.items():
        query = " (query)" if kind in QUERY_TYPES else ""
        out.append(f"| `{kind}`{query} | {_inline(model)} | "
                   f"[{REPLIES[kind].__name__}](#{REPLIES[kind].__name__.lower()}) |")
    out += ["", "### Objects in replies", ""]
    for name, obj in OBJECTS.items():
        out += [f"#### {name}", "", (obj.__doc__ or "").strip(), "", *_table(obj), ""]
    out += ["#### ErrorReply", "", (ErrorReply.__doc__ or "").strip(), "", *_table(ErrorReply),
            "", "### Replies", ""]
    seen: set[str] = set()
    for reply in REPLIES.values():
        if reply.__name__ in seen:
            continue
        seen.add(reply.__name__)
        kinds = ", ".join(f"`{k}`" for k, v in REPLIES.items() if v is reply)
        doc = (reply.__doc__ or "").strip().splitlines()[0] if reply.__doc__ else ""
        out += [f"#### {reply.__name__}", "", f"Answers {kinds}." + (f" {doc}" if doc else ""),
                ""]
        if _fields(reply):
            out += [*_table(reply), ""]
    out += ["### Event types", "", "Every event's JSON: " + _inline(EventEnvelope) + ".", "",
            *_table(EventEnvelope), "", "| type | data | notes |", "|---|---|---|"]
    for kind, data in EVENTS.items():
        notes = "; ".join(f"`{n}`: {d}" for n, _, d, _ in _fields(data) if d)
        doc = (data.__doc__ or "").strip().splitlines()[0] if data.__doc__ else ""
        if doc and not doc.endswith("."):
            doc += "."
        out.append(f"| `{kind}` | {_inline(data)} | {doc} {notes} |".replace("  ", " "))
    out += ["", END]
    return "\n".join(out)


def splice(text: str, generated: str) -> str:
    """``text`` with its generated part replaced by ``generated``."""
    start, end = text.index(BEGIN), text.index(END) + len(END)
    return text[:start] + generated + text[end:]


def current(text: str) -> str:
    """The generated part as it stands in ``text``."""
    return text[text.index(BEGIN):text.index(END) + len(END)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--write", action="store_true", help="update docs/protocol.md in place")
    ap.add_argument("--doc", type=Path, default=Path("docs/protocol.md"))
    args = ap.parse_args(argv)
    if args.write:
        args.doc.write_text(splice(args.doc.read_text("utf-8"), render()), "utf-8")
    else:
        sys.stdout.write(render() + "\n")
    return 0




if __name__ == "__main__":
    raise SystemExit(main())
