"""Kiosk fixtures: ``make_kiosk(hub, ...)`` opens a kiosk window on a link to ``hub``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.support.kiosk import kiosk_maker


@pytest.fixture
def make_kiosk(qtbot: Any) -> Iterator[Callable[..., Any]]:
    yield from kiosk_maker(qtbot)
