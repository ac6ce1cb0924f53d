"""What every test shares: starting a hub, waiting on events and state, device twins."""
