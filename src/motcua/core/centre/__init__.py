"""The centre's configuration: typed model, TOML loader, snapshot form."""
