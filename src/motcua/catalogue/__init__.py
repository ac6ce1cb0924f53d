"""The procedure catalogue: import the public-service portal's export (preview, report,
apply) into the centre's ``fields.toml``. Command line: ``python -m motcua.catalogue``."""
