"""motcua: motcua."""
