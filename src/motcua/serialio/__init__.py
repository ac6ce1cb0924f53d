"""Serial button devices (caller keypad, rating box): framing, a self-healing reader,
and the virtual pty twins the tests and the demo use."""
