"""Callbacks, one module per section; each has plain functions plus register(app, service)."""
from callbacks import advanced, attribution, data, exports, filters, incrementality, overview, products, shell


def register_all(app, service) -> None:
    shell.register(app, service)
    filters.register(app, service)
    overview.register(app, service)
    incrementality.register(app, service)
    products.register(app, service)
    attribution.register(app, service)
    advanced.register(app, service)
    data.register(app, service)
    exports.register(app, service)
