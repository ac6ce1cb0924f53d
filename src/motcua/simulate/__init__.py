"""A simulated day driven through the real protocol (``motcua simulate``)."""
