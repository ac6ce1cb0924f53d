"""motcua: counter."""
