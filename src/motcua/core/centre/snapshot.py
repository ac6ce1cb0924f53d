"""The snapshot (dict) form of a centre: what the hub sends to devices as JSON.

:func:`centre_to_dict` writes the same schema as the TOML files (fields inline);
:func:`motcua.core.centre.load.centre_from_dict` reads it back, validating it like a file
(it lives beside the loader, so this module imports nothing of it). Callers import both
from :mod:`motcua.core.centre.load`.
"""

from __future__ import annotations

from datetime import time
from typing import Any, Final

from motcua.core.centre.model import Centre
from motcua.core.centre.parse_days import calendar_to_dict
from motcua.core.criteria import rating_rules_to_dict
from motcua.core.dossier import rules_to_dict

__all__ = ["SNAPSHOT_SOURCE", "centre_to_dict"]

_DAY_KEYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""ISO weekday - 1 -> the ``[hours]`` key written (``WEEKDAYS`` accepts these too)."""
SNAPSHOT_SOURCE: Final = "<snapshot>"  # the "file" named in errors about a snapshot


def _hhmm(t: time) -> str:
    return f"{t.hour:02d}:{t.minute:02d}"


def centre_to_dict(centre: Centre, *, include_staff: bool = False,
                   include_keys: bool = False, include_titles: bool = False) -> dict[str, Any]:
    """JSON-ready form of ``centre`` in the same schema as the TOML files (fields inline).

    Officer names are personal data and device keys are none of a device's business, so
    by default officers appear by id only and devices without ``public_key``. Seconds of
    session times are not kept (the files hold ``HH:MM``).

    ``include_titles``: officers' names and titles, which the law has shown at each
    counter (Decree 118/2025 Art. 9.8) — for the boards, which show them publicly.
    """
    fields = [
        {"code": f.code, "vi": f.vi, "en": f.en, "prefix": f.prefix, "daily_cap": f.daily_cap,
         "service_minutes": f.service_minutes,
         "procedures": [
             {"id": p.id, "vi": p.vi, "en": p.en, "time_limit_vi": p.time_limit_vi,
              "time_limit_en": p.time_limit_en, "legal_basis": p.legal_basis,
              "fees_vi": p.fees_vi, "level": p.level,
              "documents": [{"vi": d.vi, "en": d.en, "kind": d.kind,
                             **({"short_vi": d.short_vi} if d.short_vi else {})}
                            for d in p.documents]}
             for p in f.procedures]}
        for f in centre.fields
    ]
    devices = []
    for d in centre.devices:
        entry: dict[str, Any] = {"id": d.id, "role": d.role}
        if d.counter is not None:
            entry["counter"] = d.counter
        if d.kiosk is not None:
            entry["kiosk"] = d.kiosk
        if include_keys and d.public_key:
            entry["public_key"] = d.public_key
        devices.append(entry)
    return {
        "id": centre.id, "name_vi": centre.name_vi, "place_vi": centre.place_vi,
        "name_en": centre.name_en, "slogan_vi": centre.slogan_vi, "timezone": centre.timezone,
        "number_format": centre.number_format, "fields": fields,
        "counters": [{"number": c.number, "vi": c.vi, "en": c.en, "fields": list(c.fields),
                      "priority": c.priority} for c in centre.counters],
        "priority_categories": [{"code": p.code, "vi": p.vi, "en": p.en}
                                for p in centre.priority_categories],
        "hours": {_DAY_KEYS[day - 1]: [f"{_hhmm(s.start)}-{_hhmm(s.end)}" for s in sessions]
                  for day, sessions in sorted(centre.hours.items())},
        "rating_scale": [{"value": r.value, "vi": r.vi, "en": r.en, "colour": r.colour,
                          "satisfied": r.satisfied, "key": r.key} for r in centre.rating_scale],
        "rating_window_seconds": centre.rating_window_seconds,
        "policy": {"name": centre.policy.name,
                   "interleave_normal": centre.policy.interleave_normal,
                   "ageing_bonus_minutes": centre.policy.ageing_bonus_minutes},
        "announcement": {"template_vi": centre.announcement.template_vi,
                         "repeats": centre.announcement.repeats,
                         "digits": centre.announcement.digits,
                         "south": centre.announcement.south,
                         "chime": centre.announcement.chime},
        "officers": [{"id": o.id, "name": o.name, "title": o.title, "photo": o.photo}
                     if include_staff else {"id": o.id, "name": o.name, "title": o.title}
                     if include_titles else {"id": o.id} for o in centre.officers],
        "hall_shows_officers": centre.hall_shows_officers,
        "alerts": {"wait_minutes": centre.alerts.wait_minutes,
                   "field_waiting": centre.alerts.field_waiting,
                   "paused_minutes": centre.alerts.paused_minutes,
                   "low_rating": centre.alerts.low_rating, "printer": centre.alerts.printer,
                   "device_offline": centre.alerts.device_offline},
        "devices": devices,
        "notice_vi": centre.notice_vi,
        "kiosk_idle_seconds": centre.kiosk_idle_seconds,
        "extra": dict(centre.extra),
        "dossier": rules_to_dict(centre.dossier),
        "ratings": rating_rules_to_dict(centre.ratings),
        "calendar": calendar_to_dict(centre.calendar),
        "pause_reasons": [{"code": r.code, "vi": r.vi, "en": r.en}
                          for r in centre.pause_reasons],
    }
