"""The centre manager's live view (``motcua live``): queues, waits, counters, ratings."""
