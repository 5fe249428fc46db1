"""Influencer ROI Dashboard: what influencer spend really returns."""
__version__ = "0.1.0"


def create_app(config=None):
    """Build the Dash app (see dashboard.app.create_app)."""
    from dashboard.app import create_app as _create_app

    return _create_app(config)
