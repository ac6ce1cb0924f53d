"""Jinja2 for the web kit: bilingual base layout, Vietnamese formats, autoescape on.

Filters every template can use:

``vn_date``      date / datetime / ISO text -> ``24/11/2025``
``vn_datetime``  -> ``24/11/2025 09:05``
``vn_time``      -> ``09:05``
``vn_number``    1234567.5 -> ``1.234.567,5`` (``.`` thousands, ``,`` decimals)
``vn_percent``   0.875 -> ``87,5 %``
``minutes``      seconds -> ``12,5`` minutes (one decimal)

Autoescape is on for every template (``.html``, ``.svg``, ``.xml`` and strings), so a
centre name like ``<script>`` or ``' OR 1=1 --`` prints as text, never as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from fastapi.templating import Jinja2Templates

from motcua.web.security import csrf_token

__all__ = ["VN_TZ", "make_templates", "vn_date", "vn_datetime", "vn_number", "vn_percent",
           "vn_time"]

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _as_datetime(value: Any) -> datetime | date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime | date):
        return value
    text = str(value)
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return date.fromisoformat(text[:10])


def _local(value: datetime) -> datetime:
    return value.astimezone(VN_TZ) if value.tzinfo is not None else value


def vn_date(value: Any) -> str:
    d = _as_datetime(value)
    if d is None:
        return ""
    if isinstance(d, datetime):
        d = _local(d)
    return d.strftime("%d/%m/%Y")


def vn_datetime(value: Any) -> str:
    d = _as_datetime(value)
    if d is None:
        return ""
    if not isinstance(d, datetime):
        return d.strftime("%d/%m/%Y")
    return _local(d).strftime("%d/%m/%Y %H:%M")


def vn_time(value: Any) -> str:
    d = _as_datetime(value)
    if not isinstance(d, datetime):
        return ""
    return _local(d).strftime("%H:%M")


def vn_number(value: Any, decimals: int = 0) -> str:
    """Vietnamese number format; empty text for None (a missing figure, not zero)."""
    if value is None or value == "":
        return ""
    text = f"{float(value):,.{decimals}f}" if decimals else f"{round(float(value)):,d}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def vn_percent(value: Any, decimals: int = 1) -> str:
    """A ratio 0..1 as ``87,5 %`` (Vietnamese puts a space before the sign)."""
    if value is None or value == "":
        return ""
    return f"{vn_number(float(value) * 100, decimals)} %"


def minutes(seconds: Any) -> str:
    if seconds is None or seconds == "":
        return ""
    return vn_number(float(seconds) / 60.0, 1)


def make_templates(loaders: Sequence[jinja2.BaseLoader] = (),
                   globals_: dict[str, Any] | None = None) -> Jinja2Templates:
    """Templates from ``loaders`` first, then the kit's own (``web/base.html`` …)."""
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([*loaders, jinja2.PackageLoader("motcua.web", "templates")]),
        autoescape=True,  # every template, whatever its name
        undefined=jinja2.StrictUndefined,  # a typo in a template fails the test, not silently
        trim_blocks=True, lstrip_blocks=True,
    )
    env.filters.update(vn_date=vn_date, vn_datetime=vn_datetime, vn_time=vn_time,
                       vn_number=vn_number, vn_percent=vn_percent, minutes=minutes)
    env.globals["csrf_token"] = csrf_token
    env.globals.update(globals_ or {})
    return Jinja2Templates(env=env)
