"""Which waiting ticket a counter calls next, and why, in words.

Policies (``centre.policy.name``):

* ``strict``: priority tickets first (by their place in time), then the oldest.
* ``interleave``: after ``interleave_normal`` normal calls in a row at a counter, the
  oldest priority ticket is called; otherwise the oldest normal one.
* ``ageing``: a priority ticket counts as having waited ``ageing_bonus_minutes`` longer,
  so nobody waits for ever.

A priority counter (``Counter.priority``) always uses ``strict``. A ticket transferred
to a named counter is called only there and keeps its original place in time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from motcua.core.centre.model import Centre, Counter
from motcua.core.state import DayState, Ticket

Entry = tuple[datetime, int, str]


@dataclass(frozen=True)
class Choice:
    ticket: Ticket
    reason_vi: str
    reason_en: str


def _first(queues: list[list[Entry]]) -> Entry | None:
    heads = [q[0] for q in queues if q]
    return min(heads) if heads else None


def _wait_text(t: Ticket) -> tuple[str, str]:
    hhmm = t.issued_at.strftime("%H:%M")
    return f"lấy số lúc {hhmm}", f"taken at {hhmm}"


def choose(centre: Centre, state: DayState, counter: Counter) -> Choice | None:
    """The ticket ``counter`` should call now, or None when nobody waits for it."""
    fields = counter.fields
    targeted = state.targeted.get(counter.number, [])
    pri_queues = [state.waiting_priority.get(f, []) for f in fields]
    pri_queues.append([e for e in targeted if state.tickets[e[2]].priority])
    norm_queues = [state.waiting_normal.get(f, []) for f in fields]
    norm_queues.append([e for e in targeted if not state.tickets[e[2]].priority])
    pri = _first(pri_queues)
    norm = _first(norm_queues)
    if pri is None and norm is None:
        return None
    policy = centre.policy
    name = "strict" if counter.priority else policy.name
    pick: Entry
    why_vi: str
    why_en: str
    if pri is not None and norm is None:
        pick, why_vi, why_en = pri, "chỉ còn số ưu tiên đang chờ", "only priority tickets wait"
    elif pri is None and norm is not None:
        pick, why_vi, why_en = norm, "số chờ lâu nhất", "longest waiting ticket"
    else:
        assert pri is not None and norm is not None
        if name == "strict":
            pick, why_vi, why_en = pri, "số ưu tiên được gọi trước", "priority tickets go first"
        elif name == "interleave":
            n = policy.interleave_normal
            done = state.counter(counter.number).normals_in_a_row
            if done >= n:
                pick = pri
                why_vi = f"đến lượt ưu tiên sau {done} lượt thường"
                why_en = f"priority turn after {done} normal calls"
            else:
                pick = norm
                why_vi = f"lượt thường {done + 1}/{n} trước lượt ưu tiên"
                why_en = f"normal call {done + 1} of {n} before a priority turn"
        else:
            bonus = timedelta(minutes=policy.ageing_bonus_minutes)
            if (pri[0] - bonus, pri[1]) <= (norm[0], norm[1]):
                pick = pri
                why_vi = f"ưu tiên (cộng {policy.ageing_bonus_minutes:g} phút chờ)"
                why_en = f"priority (counts {policy.ageing_bonus_minutes:g} extra minutes)"
            else:
                pick = norm
                why_vi = "số thường đã chờ lâu hơn cả phần cộng ưu tiên"
                why_en = "normal ticket has waited longer than the priority head start"
    t = state.tickets[pick[2]]
    if t.target_counter is not None:
        why_vi, why_en = "được chuyển đến quầy này; " + why_vi, "transferred here; " + why_en
    if t.priority:
        cat = next((p for p in centre.priority_categories if p.code == t.priority), None)
        if cat is not None:
            why_vi += f" ({cat.vi})"
            why_en += f" ({cat.en})"
    w_vi, w_en = _wait_text(t)
    return Choice(t, f"{why_vi}; {w_vi}", f"{why_en}; {w_en}")


def ordered_waiting(centre: Centre, state: DayState, counter: Counter,
                    limit: int = 50) -> list[Choice]:
    """The waiting list in the order this counter would call it (a dry run)."""
    from copy import deepcopy

    trial = deepcopy(state)
    out: list[Choice] = []
    while len(out) < limit:
        c = choose(centre, trial, counter)
        if c is None:
            break
        out.append(Choice(state.tickets[c.ticket.id], c.reason_vi, c.reason_en))
        trial.dequeue(c.ticket)
        cs = trial.counter_for_update(counter.number)
        cs.normals_in_a_row = 0 if c.ticket.priority else cs.normals_in_a_row + 1
    return out
