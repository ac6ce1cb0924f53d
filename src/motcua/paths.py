"""Where a source checkout keeps the sample centre and the bundled assets."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ASSETS_DIR = PACKAGE_DIR / "assets"
FONT_DIR = ASSETS_DIR / "fonts"
ESPEAK_PACK = ASSETS_DIR / "voice-packs" / "espeak-south"
"""A small voice pack generated from espeak-ng for the sample centre (southern reading):
it takes the recorded-pack path end to end (``motcua voice espeak-pack`` remakes it)."""
# src/motcua -> the checkout's root; only a source checkout has config/ there.
CHECKOUT_DIR = PACKAGE_DIR.parent.parent
SAMPLE_CONFIG = CHECKOUT_DIR / "config" / "centre.toml"
