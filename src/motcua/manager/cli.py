"""``motcua live``: the manager's live view lives in the ``manager`` package."""

from __future__ import annotations


def main(argv: list[str]) -> int:
    from motcua.manager.app import main as live_main

    return live_main(argv)
