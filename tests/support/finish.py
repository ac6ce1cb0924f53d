"""Answer the counter's finish dialog in window tests."""

from __future__ import annotations

from typing import Any

from motcua.counter.finish_dialog import FinishDialog

__all__ = ["accept_finish"]


def accept_finish(window: Any, outcome: str = "guidance", numbers: tuple[str, ...] = ()) -> None:
    """Answer the finish dialog the window opened (helper for window tests)."""
    dialog = window.dialog
    assert isinstance(dialog, FinishDialog), dialog
    dialog.choose(outcome)
    for n in numbers:
        dialog.number.setText(n)
        assert dialog.add_number()
    dialog.try_accept()
    assert dialog.result() == FinishDialog.DialogCode.Accepted, dialog.error.text()
