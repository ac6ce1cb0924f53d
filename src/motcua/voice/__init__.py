"""motcua: voice."""
