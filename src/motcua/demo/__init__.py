"""``motcua demo`` and the screenshot tours: tooling, not product.

Everything here starts the product through its public entry points (the hub server, the
device windows) the way a user would; no product package imports this one.
"""
