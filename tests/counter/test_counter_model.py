"""Counter actions, their words and the panel model, without sockets or a screen."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.counter.actions import (
    ACTIONS,
    KEYED_ACTIONS,
    command_body,
    error_words,
    result_words,
    send_action,
)
from motcua.counter.dialogs import normalise_label
from motcua.counter.keypad import KeypadAction
from motcua.counter.keypad_bridge import KEYPAD_ACTIONS
from motcua.counter.model import minutes_text, panel_for, waiting_lines
from motcua.hub.domain.engine import Actor, Engine
from motcua.link.client import CentreView, HubError, HubUnavailable


class FakeSender:
    """Answers from a script: command type -> reply dict or HubError."""

    def __init__(self, answers: dict[str, Any]) -> None:
        self.answers = answers
        self.sent: list[tuple[str, dict[str, Any]]] = []

    def request(self, kind: str, body: dict[str, Any] | None = None, *, on_ok: Any = None,
                on_error: Any = None, request_id: str | None = None) -> None:
        self.sent.append((kind, dict(body or {})))
        answer = self.answers[kind]
        if isinstance(answer, HubError):
            on_error(answer)
        else:
            on_ok(answer)


def test_every_keypad_key_and_f_key_has_an_action() -> None:
    assert [a.key for a in KEYED_ACTIONS] == [f"F{i}" for i in range(1, 10)]
    assert set(KEYPAD_ACTIONS) == set(KeypadAction)
    # finish_1..4: finish with an outcome of the reduced set (keypad_bridge resolves them)
    assert all(name in ACTIONS or name.startswith("finish_") for name in KEYPAD_ACTIONS.values())


def test_command_bodies() -> None:
    assert command_body("call_next", 3) == ("counter.call_next", {"counter": 3})
    assert command_body("transfer", 3, to_field="C", to_counter=None) == (
        "counter.transfer", {"counter": 3, "to_field": "C"})
    with pytest.raises(ValueError):
        command_body("pause_resume", 3)


def test_pause_key_toggles_and_corrects_a_wrong_guess() -> None:
    paused = HubError("counter_paused", "Quầy 1 đang tạm dừng", "Counter 1 is paused")
    sender = FakeSender({"counter.pause": paused, "counter.resume": {"counter": {}}})
    done: list[str] = []
    send_action(sender, 1, "pause_resume", paused=False,
                on_ok=lambda sent, _r, _b: done.append(sent))
    assert [k for k, _ in sender.sent] == ["counter.pause", "counter.resume"]
    assert done == ["resume"]
    errors: list[HubError] = []
    closed = HubError("counter_closed", "Quầy 1 chưa mở: hãy đăng nhập", "closed")
    sender = FakeSender({"counter.pause": closed})
    send_action(sender, 1, "pause_resume", on_error=errors.append)
    assert errors == [closed] and len(sender.sent) == 1  # a real refusal is not retried


def test_result_and_error_words() -> None:
    reply = {"ticket": {"id": "x", "label": "A002"}, "reason_vi": "số ưu tiên được gọi trước",
             "reason_en": "priority tickets go first"}
    assert result_words("call_next", reply, {})[0] == "Đã gọi số A002: số ưu tiên được gọi trước"
    assert result_words("call_next", {"ticket": None, "message_vi": "Không còn công dân nào "
                                      "đang chờ"}, {})[0] == "Không còn công dân nào đang chờ"
    assert result_words("transfer", reply, {"to_counter": 3})[0] == "Đã chuyển số A002 sang quầy 3"
    assert result_words("hold", reply, {}) == ("Đã tạm giữ số A002", "A002 is on hold")
    assert error_words(HubError("not_authorised", "", ""))[0] == "Thiết bị chưa được cấp quyền"
    assert error_words(HubUnavailable())[0].startswith("Mất kết nối với máy chủ")
    assert error_words(HubError("counter_paused", "Quầy 1 đang tạm dừng", "paused"))[0] == (
        "Quầy 1 đang tạm dừng")


def test_minutes_and_typed_labels() -> None:
    assert minutes_text(20)[0] == "dưới 1 phút"
    assert minutes_text(12 * 60 + 5) == ("12 phút", "12 min")
    assert minutes_text(65 * 60)[0] == "1 giờ 05 phút"
    assert minutes_text(None)[0] == "–"
    assert normalise_label(" a25 ") == "A025"
    assert normalise_label("A025") == "A025"
    assert normalise_label("1025") == "1025"


def test_panel_from_the_hub_state(centre: Any, clock: Any) -> None:
    engine = Engine(centre)
    kiosk, desk = Actor("kiosk-1", "kiosk", kiosk="kiosk-1"), Actor("counter-1", "counter", 1)

    def run(actor: Actor, kind: str, body: dict[str, Any]) -> dict[str, Any]:
        out = engine.handle(actor, kind, body, clock())
        assert out.ok, out.reply
        return out.reply

    run(kiosk, "ticket.take", {"field": "A", "procedure": "A.1"})
    run(kiosk, "ticket.take", {"field": "B", "priority": "pregnant"})
    run(kiosk, "ticket.take", {"field": "C"})  # counter 1 does not serve C
    run(desk, "counter.open", {"officer": "cb02"})
    clock.advance(minutes=14)
    called = run(desk, "counter.call_next", {})
    view = CentreView(centre, engine.state, 0, "s")
    panel = panel_for(view, 1, {called["ticket"]["id"]: called["reason_vi"]})
    assert panel.signed_in and not panel.paused and panel.officer == "cb02"
    cur = panel.current
    assert cur is not None
    assert (cur.label, cur.status_vi, cur.priority_vi) == ("B001", "Đang gọi", "Phụ nữ mang thai")
    assert minutes_text(cur.waited_seconds)[0] == "14 phút"
    assert cur.reason_vi.startswith("số ưu tiên được gọi trước (Phụ nữ mang thai)")
    assert [(f.code, f.waiting) for f in panel.waiting] == [("A", 1), ("B", 0)]
    run(desk, "counter.hold", {})
    panel = panel_for(view, 1)
    assert panel.current is None and [h.label for h in panel.held] == ["B001"]
    run(desk, "counter.call_next", {})
    panel = panel_for(view, 1)
    assert panel.current is not None and panel.current.label == "A001"
    assert panel.current.procedure_vi and panel.current.reason_vi == ""  # no reason given
    assert [h.label for h in panel.held] == ["B001"]
    unknown = panel_for(view, 42)
    assert not unknown.known and not unknown.signed_in


def test_waiting_lines_from_the_hub_answer(centre: Any) -> None:
    reply = {"counter": 1, "waiting": [{"ticket": {
        "id": "20251124-A001", "label": "A001", "field": "A", "status": "waiting",
        "priority": "elderly", "procedure": "A.1", "issued_at": "2025-11-24T09:00:00+07:00",
        "waited_seconds": 600}, "reason_vi": "số ưu tiên được gọi trước", "reason_en": "x"}]}
    [line] = waiting_lines(centre, reply)
    assert (line.label, line.field_vi, line.priority_vi) == ("A001", "Tư pháp – Hộ tịch",
                                                             "Người cao tuổi")
    assert line.issued_hhmm == "09:00" and minutes_text(line.waited_seconds)[0] == "10 phút"
    assert line.procedure_vi and line.reason_vi == "số ưu tiên được gọi trước"
