"""Callbacks, one module per section; each has plain functions plus register(app, service)."""
from callbacks import filters, overview


def register_all(app, service) -> None:
    filters.register(app, service)
    overview.register(app, service)
