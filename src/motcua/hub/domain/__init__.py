"""The pure queue domain: commands in, a reply and events out.

No sockets, no database sessions, no clocks: the caller passes ``now``. State is
rebuilt by applying events (the same events that go to devices and the province),
so a device that applies the hub's events holds exactly the hub's state.
"""
