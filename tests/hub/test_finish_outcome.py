"""counter.finish with an outcome and dossier numbers (Decree 118 Art. 17.3, 28)."""

from __future__ import annotations

import dataclasses

import pytest

from motcua.core.centre.load import centre_from_dict, centre_to_dict
from motcua.core.dossier import (
    DossierError,
    DossierRules,
    check_finish,
    check_number,
    rules_from_dict,
)
from motcua.core.facts import fact_row
from motcua.core.state import DayState, apply
from tests.support.desk import Desk, counter

GOOD = "000.00.21.H56-251124-0001"
RULES = DossierRules()


@pytest.fixture
def desk(centre) -> Desk:  # type: ignore[no-untyped-def]
    d = Desk(centre)
    d.ok(counter(1), "counter.open", officer="cb01")
    d.take("A")
    d.ok(counter(1), "counter.call_next")
    return d


def test_finish_records_outcome_and_dossiers_in_the_ticket(desk: Desk) -> None:
    reply = desk.ok(counter(1), "counter.finish", outcome="received",
                    dossiers=[" 000.00.21.h56-251124-0001\r\n", "H56-251124-0002"])
    assert reply["dossiers"] == [GOOD, "H56-251124-0002"]
    done = desk.events[-1]
    assert done.type == "ticket.done"
    assert (done.body["outcome"], done.body["dossiers"]) == ("received",
                                                             [GOOD, "H56-251124-0002"])
    state = DayState()
    for e in desk.events:  # the record survives a replay (restart, province)
        apply(state, e)
    t = next(iter(state.tickets.values()))
    assert (t.outcome, t.dossiers) == ("received", [GOOD, "H56-251124-0002"])
    row = fact_row(t)
    assert (row["outcome"], row["dossiers"]) == ("received", f"{GOOD} H56-251124-0002")


@pytest.mark.parametrize(("body", "code", "words"), [
    ({"outcome": "received"}, "dossier_required", "cần ít nhất một mã số hồ sơ"),
    ({"outcome": "received", "dossiers": ["ABC"]}, "dossier_malformed", "không đúng mẫu"),
    ({"outcome": "received", "dossiers": ["H56-251332-0001"]}, "dossier_bad_date",
     "không có thật"),
    ({"outcome": "received", "dossiers": [GOOD, GOOD]}, "dossier_duplicate", "đã nhập rồi"),
    ({"outcome": "guidance", "dossiers": [GOOD]}, "dossier_not_expected", "không ghi mã số"),
    ({"outcome": "refused", "dossiers": [GOOD]}, "reason_required", "cần ghi lý do"),
    ({"outcome": "<script>"}, "unknown_outcome", "không có trong danh sách"),
    ({"dossiers": [GOOD]}, "outcome_required", "cần đi kèm kết quả"),
    ({"outcome": "received", "dossiers": "H56-251124-0001"}, "dossier_malformed",
     "không hợp lệ"),
])
def test_bad_finishes_are_refused_in_words_and_change_nothing(
        desk: Desk, body: dict[str, object], code: str, words: str) -> None:
    before = len(desk.events)
    out = desk.do(counter(1), "counter.finish", **body)
    assert not out.ok and out.reply["code"] == code
    assert words in out.reply["message_vi"] and out.reply["message_en"]
    assert len(desk.events) == before


def test_refusal_with_reason_and_no_outcome_still_finishes(desk: Desk) -> None:
    desk.ok(counter(1), "counter.finish", outcome="refused",
            reason="Không thuộc thẩm quyền '; DROP TABLE x; --")
    assert desk.events[-1].body["outcome_reason"].startswith("Không thuộc thẩm quyền")
    desk.take("A")
    desk.ok(counter(1), "counter.call_next")
    desk.ok(counter(1), "counter.finish")  # older keypads: outcome optional by default
    assert "outcome" not in desk.events[-1].body


def test_outcome_can_be_required_per_centre(centre) -> None:  # type: ignore[no-untyped-def]
    d = Desk(dataclasses.replace(centre, dossier=DossierRules(outcome_required=True)))
    d.ok(counter(1), "counter.open", officer="cb01")
    d.take("A")
    d.ok(counter(1), "counter.call_next")
    assert d.refused(counter(1), "counter.finish") == "outcome_required"


def test_rules_from_config_and_snapshot(centre) -> None:  # type: ignore[no-untyped-def]
    rules = rules_from_dict({"pattern": r"^HS-\d{4}$", "example": "HS-0001",
                             "outcomes": [{"code": "nhan", "vi": "Nhận", "dossiers": "required"},
                                          {"code": "tra", "vi": "Trả", "dossiers": "optional",
                                           "keypad": False}]})
    assert check_number(rules, "hs-0042") == "HS-0042"
    with pytest.raises(DossierError, match="HS-0001"):
        check_number(rules, "000.00.21.H56-251124-0001")
    assert [o.code for o in rules.keypad_outcomes()] == []  # "nhan" needs a number
    again = centre_from_dict(centre_to_dict(dataclasses.replace(centre, dossier=rules)))
    assert again.dossier.pattern == rules.pattern and again.dossier.outcomes == rules.outcomes
    for bad in ({"pattern": "(["}, {"outcomes": [{"code": "x"}]}, {"max_dossiers": 0}):
        with pytest.raises(ValueError):
            rules_from_dict(bad)


def test_default_keypad_set_is_reduced() -> None:
    assert [o.code for o in RULES.keypad_outcomes()] == ["guidance", "incomplete"]
    assert check_finish(RULES, "incomplete").dossiers == ()
