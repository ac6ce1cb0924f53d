"""motcua: rating."""
