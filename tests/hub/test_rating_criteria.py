"""rating.submit with the Art. 33.1 criteria, low-score reasons, free text, per dossier."""

from __future__ import annotations

import dataclasses

import pytest

from motcua.core.centre.load import centre_from_dict, centre_to_dict
from motcua.core.criteria import RatingRules, rating_rules_from_dict
from tests.support.desk import Actor, Desk, counter

TABLET = Actor("rating-1", "rating", counter=1)
DOSSIER = "000.00.21.H56-251124-0001"


def serve(d: Desk, dossiers: list[str] | None = None) -> None:
    d.take("A")
    d.ok(counter(1), "counter.call_next")
    if dossiers:
        d.ok(counter(1), "counter.finish", outcome="received", dossiers=dossiers)
    else:
        d.ok(counter(1), "counter.finish", outcome="guidance")


ALL = RatingRules(criteria=("attitude", "agencies", "returns", "information"))


@pytest.fixture
def desk(centre) -> Desk:  # type: ignore[no-untyped-def]
    d = Desk(dataclasses.replace(centre, ratings=ALL))
    d.ok(counter(1), "counter.open", officer="cb01")
    return d


def unhappy(centre) -> int:  # type: ignore[no-untyped-def]
    return next(lv.value for lv in centre.rating_scale if lv.satisfied is False)


def test_rating_carries_criteria_reason_comment_and_dossier(desk: Desk, centre) -> None:  # type: ignore[no-untyped-def]
    serve(desk, [DOSSIER])
    desk.ok(TABLET, "rating.submit", value=unhappy(centre),
            criteria={"attitude": 1, "returns": 2, "information": 0, "agencies": 3},
            reason="papers", comment="  <script>x</script>\n phải đi lại 3 lần ")
    given = desk.events[-1]
    assert given.type == "rating.given"
    assert given.body["dossiers"] == [DOSSIER] and given.body["officer"] == "cb01"
    assert given.body["criteria"] == {"attitude": 1, "returns": 2, "information": 0,
                                      "agencies": 3}
    assert given.body["reason"] == "papers"
    assert given.body["comment"] == "<script>x</script> phải đi lại 3 lần"


@pytest.mark.parametrize(("extra", "code"), [
    ({"criteria": {"attitude": 7}}, "bad_criteria"),
    ({"criteria": {"fees": 1}}, "bad_criteria"),
    ({"criteria": {"information": True}}, "bad_criteria"),
    ({"reason": "nope"}, "bad_reason"),
    ({"comment": "x" * 301}, "comment_too_long"),
])
def test_bad_details_are_refused_in_words(desk: Desk, centre, extra, code) -> None:  # type: ignore[no-untyped-def]
    serve(desk)
    assert desk.refused(TABLET, "rating.submit", value=unhappy(centre), **extra) == code


def test_reason_only_after_a_low_score(desk: Desk, centre) -> None:  # type: ignore[no-untyped-def]
    serve(desk)
    happy = next(lv.value for lv in centre.rating_scale if lv.satisfied)
    assert desk.refused(TABLET, "rating.submit", value=happy,
                        reason="wait") == "reason_not_expected"
    desk.ok(TABLET, "rating.submit", value=happy)  # the tap alone is still a rating


def test_one_rating_per_ticket_and_per_dossier(desk: Desk, centre) -> None:  # type: ignore[no-untyped-def]
    serve(desk, [DOSSIER])
    desk.ok(TABLET, "rating.submit", value=unhappy(centre))
    assert desk.refused(TABLET, "rating.submit", value=unhappy(centre)) == "no_rating_window"
    serve(desk, [DOSSIER, "000.00.21.H56-251124-0002"])  # the same dossier comes back
    assert desk.refused(TABLET, "rating.submit",
                        value=unhappy(centre)) == "dossier_already_rated"


def test_centre_chooses_its_criteria(centre) -> None:  # type: ignore[no-untyped-def]
    rules = rating_rules_from_dict({"criteria": ["attitude"],
                                    "reasons": [{"code": "wait", "vi": "Chờ lâu"}]})
    d = Desk(dataclasses.replace(centre, ratings=rules))
    d.ok(counter(1), "counter.open", officer="cb01")
    serve(d)
    assert d.refused(TABLET, "rating.submit", value=unhappy(centre),
                     criteria={"returns": 0}) == "bad_criteria"
    again = centre_from_dict(centre_to_dict(dataclasses.replace(centre, ratings=rules)))
    assert again.ratings == rules
    for bad in ({"criteria": ["x"]}, {"criteria": ["attitude", "attitude"]},
                {"reasons": [{"vi": "no code"}]}):
        with pytest.raises(ValueError):
            rating_rules_from_dict(bad)
    assert [c.point for c in ALL.criterion_list()] == ["đ", "b", "c", "d"]
    assert RatingRules().criteria == ()  # by default the tablet stays one tap
