"""What every test shares: starting a hub, waiting on events and state, device twins.

* :mod:`tests.support.hubs` — the one way to start a hub: in-process (:func:`start_hub`,
  :class:`RunningHub`, the ``hub`` fixture uses it) or as the real program in its own
  process (:class:`HubProcess`); :func:`free_port`, :func:`stop_hub`.
* :mod:`tests.support.wait` — :class:`Signal` (a list that wakes waiters on every append:
  waiting is driven by the event itself), :class:`EventWatch` (hub events as they are
  applied by a real follower), :func:`wait_for_line` (a program's output), and
  :func:`wait_until` for state that nothing announces.
* :mod:`tests.support.twins` — device twins: the virtual keypad and rating box on ptys, a
  printer node on a virtual printer.
* :mod:`tests.support.clock` — :class:`FakeClock` (Monday 24/11/2025 09:00 +07:00), ``VN``.
* :mod:`tests.support.drills` — database checks shared by the fault drills.
"""
