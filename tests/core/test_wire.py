"""The typed wire models: words for refused bodies, strict JSON, docs in step."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from motcua.core import protocol, wire
from motcua.core.wire import doc
from motcua.core.wire.requests import ReportSummary, TicketTake

ROOT = Path(__file__).resolve().parents[2]


def command(kind: str, body: bytes) -> protocol.Command:
    return protocol.decode_command([b"MC1", kind.encode(), b"r1", body])


def refused(kind: str, body: bytes) -> protocol.ProtocolError:
    with pytest.raises(protocol.ProtocolError) as err:
        command(kind, body)
    return err.value


def test_a_good_body_becomes_its_model_and_stays_json_data() -> None:
    cmd = command("ticket.take", '{"field": "A", "priority": "người cao tuổi"}'.encode())
    assert cmd.message == TicketTake(field="A", priority="người cao tuổi")
    assert cmd.body == {"field": "A", "priority": "người cao tuổi"}


def test_strings_are_nfc_on_arrival() -> None:
    decomposed = "Nguye\u0302\u0303n"  # ễ as e + two combining marks
    cmd = command("ticket.cancel", f'{{"ticket": "A001", "reason": "{decomposed}"}}'.encode())
    assert cmd.body["reason"] == "Nguyễn" and cmd.message.reason == "Nguyễn"  # type: ignore[union-attr]


@pytest.mark.parametrize("kind, body, key, vi, en", [
    ("ticket.take", b'{"feild": "A"}', "feild", "Khoá không hợp lệ 'feild'", "Unknown key 'feild'"),
    ("ticket.take", b'{}', "field", "Thiếu khoá bắt buộc 'field'", "Missing required key 'field'"),
    ("ticket.take", b'{"field": 7}', "field", "cần chuỗi hoặc null, nhận số nguyên",
     "expected str | null, got int"),
    ("counter.open", b'{"officer": "cb01", "counter": true}', "counter", "Khoá 'counter' sai kiểu",
     "got bool"),
    ("counter.waiting", b'{"limit": 0}', "limit", "phải ≥ 1", "must be >= 1"),
    ("report.summary", b'{"date_from": "01/11/2025"}', "date_from", "YYYY-MM-DD", "YYYY-MM-DD"),
    ("report.summary", b'{"date_from": "2025-11-30", "date_to": "2025-11-01"}', "date_from",
     "sau 'date_to'", "is after 'date_to'"),
    ("ticket.take", b'{"field": "A", "field": "B"}', "field", "xuất hiện hai lần", "appears twice"),
    ("snapshot", b'{"staff": true, "x": {"a": 1, "a": 2}}', "a", "hai lần", "twice"),
])
def test_a_refused_body_names_the_key_and_the_problem_in_both_languages(
        kind: str, body: bytes, key: str, vi: str, en: str) -> None:
    err = refused(kind, body)
    assert err.code == "bad_request"
    assert err.details["key"] == key
    assert vi in err.vi and en in err.en, (err.vi, err.en)
    assert err.to_body()["details"] == {"key": key}


def test_unknown_types_and_broken_json_keep_their_codes() -> None:
    assert refused("ticket.steal", b"{}").code == "unknown_type"
    assert refused("ping", b"{nope").code == "bad_json"
    assert refused("ping", b"[1]").code == "bad_json"
    assert refused("ping", b"\xff").code == "bad_encoding"
    assert refused("ping", b"[" * 5000 + b"]" * 5000).code == "bad_json"


def test_a_colon_inside_a_value_is_not_taken_for_a_repeated_key() -> None:
    cmd = command("counter.call_ticket", b'{"ticket": "A001", "reason": "\\"x\\": y", "counter": 1}')
    assert cmd.body["reason"] == '"x": y'


def test_report_dates_are_dates() -> None:
    assert command("report.summary", b'{"date_from": "2025-11-01"}').body == {
        "date_from": "2025-11-01"}
    assert msgspec.convert({"date_to": "2025-11-30"}, ReportSummary).date_to is not None


def test_every_model_can_be_built_and_described() -> None:
    for registry in (wire.REQUESTS, wire.REPLIES, wire.EVENTS):
        for model in registry.values():
            msgspec.json.schema(model)  # raises on a model msgspec cannot use


def test_events_carry_the_protocol_version() -> None:
    frames = protocol.encode_event("counter.opened", "s", 1, "t", "2025-11-24",
                                   {"counter": 1, "officer": "cb01"})
    assert protocol.decode_event(frames).data == {"counter": 1, "officer": "cb01"}
    frames[3] = frames[3].replace(b'"v":"MC1"', b'"v":"MC9"')
    with pytest.raises(protocol.ProtocolError) as err:
        protocol.decode_event(frames)
    assert err.value.code == "bad_version"
    assert b'"v":"MC1"' in protocol.encode_heartbeat("s", 1)[3]


def test_protocol_md_is_generated_from_the_models() -> None:
    text = (ROOT / "docs" / "protocol.md").read_text("utf-8")
    assert doc.current(text) == doc.render(), (
        "docs/protocol.md is out of date: run python -m motcua.core.wire.doc --write")
    for kind in (*wire.REQUESTS, *wire.EVENTS):
        assert f"`{kind}`" in text
