"""motcua: hub/storage."""
