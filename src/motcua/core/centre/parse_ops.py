"""Day-to-day operation settings of the centre file: the reasons a counter may pause.

```toml
[[pause_reasons]]
code = "break"
vi = "Nghỉ giải lao"
en = "Break"
```
Without any ``[[pause_reasons]]`` block the centre gets
:data:`~motcua.core.centre.model.DEFAULT_PAUSE_REASONS`.
"""

from __future__ import annotations

from motcua.core.centre.model import DEFAULT_PAUSE_REASONS, AlertRules, PauseReason
from motcua.core.centre.parse import _SLUG_RE, _check_unique, _show, _Table


def parse_alerts(root: _Table) -> AlertRules:
    """``[alerts]``: thresholds of the manager alerts (types and ranges checked by schema)."""
    t = root.table("alerts")
    d = AlertRules()
    return AlertRules(wait_minutes=t.number("wait_minutes", d.wait_minutes),
                      field_waiting=int(t.number("field_waiting", d.field_waiting)),
                      paused_minutes=t.number("paused_minutes", d.paused_minutes),
                      low_rating=int(t.number("low_rating", d.low_rating)),
                      printer=t.flag("printer", d.printer),
                      device_offline=t.flag("device_offline", d.device_offline))


def parse_pause_reasons(root: _Table) -> tuple[PauseReason, ...]:
    if "pause_reasons" not in root.data:
        return DEFAULT_PAUSE_REASONS
    tables = root.tables("pause_reasons")
    if not tables:
        root.fail("pause_reasons", "danh sách lý do tạm dừng không được rỗng",
                  "the list of pause reasons must not be empty")
    reasons = []
    for t in tables:
        code = t.text("code")
        if not _SLUG_RE.fullmatch(code):
            t.fail("code", f"mã lý do {_show(code)} không hợp lệ (chữ thường, số, _)",
                   f"invalid reason code {_show(code)} (lower-case letters, digits, _)")
        reasons.append(PauseReason(code=code, vi=t.text("vi"), en=t.text("en", "")))
    _check_unique([(t, "code", r.code) for t, r in zip(tables, reasons, strict=True)],
                  ("mã lý do tạm dừng", "pause reason code"))
    return tuple(reasons)
