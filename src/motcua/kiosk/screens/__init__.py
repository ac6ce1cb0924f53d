"""The kiosk's screens, one module per screen (or per pair of small screens)."""
