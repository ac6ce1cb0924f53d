"""The centre hub: queue engine (domain), storage, ZeroMQ server, device keys, sync."""
