"""motcua: province."""
