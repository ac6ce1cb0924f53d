"""The shared core: what the hub, every device and the provincial server agree on.

The day's queue state and its events (:mod:`.state`), the wire protocol
(:mod:`.protocol`), the centre's configuration model (:mod:`.centre`), the business
calendar and Vietnamese text helpers. Pure Python: no sockets, no Qt, no database.
Nothing here imports another motcua package.
"""
