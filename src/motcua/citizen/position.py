"""Where a ticket stands in its queue, from the state every follower holds."""

from __future__ import annotations

import bisect

from motcua.core.state import WAITING, DayState, Ticket


def people_ahead(state: DayState, ticket: Ticket) -> int | None:
    """How many waiting tickets of the same field come before ``ticket``; None unless waiting.

    Priority tickets are called before normal ones in every policy the hub has, so they
    all count as ahead of a normal ticket; among equals the order is the queue order
    (time of issue, or the original place of a transferred ticket).
    """
    if ticket.status != WAITING:
        return None
    key = (ticket.order_at, ticket.number, ticket.id)
    if ticket.target_counter is not None:
        queue = state.targeted.get(ticket.target_counter, [])
        return bisect.bisect_left(queue, key)
    priority = state.waiting_priority.get(ticket.field, [])
    if ticket.priority:
        return bisect.bisect_left(priority, key)
    normal = state.waiting_normal.get(ticket.field, [])
    return len(priority) + bisect.bisect_left(normal, key)
