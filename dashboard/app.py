"""The app factory: create_app(config) builds one Dash app with its own store, cache and callbacks."""
from __future__ import annotations

import logging
from pathlib import Path

import dash
from dash import set_props
from flask_caching import Cache

import callbacks
import layouts.theme  # noqa: F401  registers the Plotly template
from dashboard import ids, store
from dashboard.config import Config
from dashboard.data import DataService
from layouts.shell import page

ASSETS = Path(__file__).resolve().parent.parent / "assets"
log = logging.getLogger(__name__)


def _cache_config(config: Config) -> dict:
    settings = {"CACHE_TYPE": config.cache_type, "CACHE_DEFAULT_TIMEOUT": config.cache_timeout,
                "CACHE_THRESHOLD": 2000}
    if config.cache_dir:
        settings["CACHE_DIR"] = config.cache_dir
    if config.cache_redis_url:
        settings["CACHE_REDIS_URL"] = config.cache_redis_url
    return settings


ERROR_MESSAGE = ("This view could not be computed. The problem was logged for the team; "
                 "try other filters or reload the page.")


def on_callback_error(error: Exception) -> None:
    """Log the failure for the team and tell the user plainly; the outputs keep their last values."""
    log.error("callback failed: %s", error, exc_info=error)
    set_props(ids.ERROR_TOAST, {"is_open": True, "children": ERROR_MESSAGE})


def _security_headers(response):
    # Everything is served from this origin; no CDN, no inline scripts beyond Dash's own.
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def create_app(config: Config | None = None) -> dash.Dash:
    """A ready-to-serve Dash app for `config` (from the environment when None)."""
    config = config or Config.from_env()
    engine = store.make_engine(config.database_url)
    store.create_schema(engine)

    app = dash.Dash(
        __name__,
        title=config.title,
        assets_folder=str(ASSETS),
        serve_locally=True,
        # Bootstrap first (explicitly), then assets/*.css, so the app's styles win; no CDN.
        external_stylesheets=["/assets/vendor/bootstrap.min.css"],
        assets_ignore=r"vendor/.*",
        suppress_callback_exceptions=True,
        on_error=on_callback_error,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    # Uploads arrive base64-encoded inside a callback POST (about 4/3 of the file size).
    app.server.config["MAX_CONTENT_LENGTH"] = int(config.max_upload_bytes * 1.4) + 1024 * 1024
    cache = Cache(app.server, config=_cache_config(config))
    service = DataService(config, engine, cache)
    app.server.config["DASHBOARD_SERVICE"] = service
    app.server.after_request(_security_headers)

    def serve_layout():
        known = service.known()
        return page(config.title, known, has_data=known.first_day is not None)

    app.layout = serve_layout
    callbacks.register_all(app, service)
    return app
