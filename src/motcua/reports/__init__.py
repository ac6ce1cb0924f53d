"""Report figures, exports and the ``motcua report`` program.

Shared by the hub (its own day), the manager and the provincial server: the same
figures computed the same way from the same per-ticket facts.
"""
