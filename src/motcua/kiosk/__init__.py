"""motcua: kiosk."""
