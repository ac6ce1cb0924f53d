"""The device side of the hub link: request/reply and the event follower (ZeroMQ)."""
