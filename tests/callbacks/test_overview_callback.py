"""The Overview's outputs, built from the demo database through the data service."""
import json

import plotly
import pytest

from callbacks.figures import NO_DATA
from callbacks.overview import render_overview
from dashboard.app import create_app


@pytest.fixture
def service(config):
    return create_app(config).server.config["DASHBOARD_SERVICE"]


def texts(component) -> list[str]:
    """All strings inside a Dash component tree."""
    found = []

    def walk(node):
        if isinstance(node, str):
            found.append(node)
        elif isinstance(node, (list, tuple)):
            for child in node:
                walk(child)
        elif hasattr(node, "children"):
            walk(node.children)
    walk(component)
    return found


def test_render_shows_kpis_charts_and_grid(service):
    overview = service.overview(service.clean({}))
    period, kpis, by_brand, by_platform, by_tier, trend, rows, title = render_overview(overview, 3.0)
    words = texts(kpis)
    for label in ("Revenue", "Spend", "ROAS", "Orders", "AOV", "Profit"):
        assert label in words
    assert any(w.endswith("target 3.00x") for w in words)
    assert {trace.name for trace in by_brand.data} >= {"Revenue", "Spend", "ROAS", "Target 3x"}
    assert set(by_brand.data[0].x) == set(service.known().brand)
    assert len(rows) == min(100, overview.influencers) and title.startswith("Top ")
    assert rows == sorted(rows, key=lambda r: -r["revenue"])
    json.dumps(rows)  # the grid's rows travel as JSON: no NaN, no numpy types
    json.dumps([by_brand, trend], cls=plotly.utils.PlotlyJSONEncoder)


def test_kpi_value_changes_with_a_filter(service):
    everything = service.overview(service.clean({}))
    one_brand = service.overview(service.clean({"brand": [service.known().brand[0]]}))
    assert 0 < one_brand.kpis["revenue"].value < everything.kpis["revenue"].value


def test_no_data_for_these_filters_is_said_not_crashed(service):
    known = service.known()
    # a date range before any data
    overview = service.overview(service.clean({"start": known.first_day, "end": known.first_day,
                                               "min_roas": 1000}))
    period, kpis, *figs, rows, title = render_overview(overview, 3.0)
    for fig in figs:
        assert fig.layout.annotations and fig.layout.annotations[0].text == NO_DATA
    assert rows == [] and "no data" in title.lower()


def test_results_are_memoized_per_data_version_and_spec(service):
    spec = service.clean({"tier": ["Micro"]})
    first = service.overview(spec)
    assert service.overview(spec) is not None
    version, _, _ = service.facts(spec.model)  # data version and attribution assumptions
    assert version.startswith(service.version())
    key = f"overview|{version}|{spec.key()}|D"
    assert service.cache.get(key) is not None
    assert service.overview(spec).kpis == first.kpis


def test_a_shared_cache_never_serves_results_of_other_settings(private_config, tmp_path):
    from dataclasses import replace

    shared = dict(cache_type="FileSystemCache", cache_dir=str(tmp_path / "cache"))
    first = create_app(replace(private_config, **shared)).server.config["DASHBOARD_SERVICE"]
    second = create_app(replace(private_config, targets={"roas": 5.0}, **shared)).server.config["DASHBOARD_SERVICE"]
    assert first.overview(first.clean({})).kpis["roas"].target == 3.0
    assert second.overview(second.clean({})).kpis["roas"].target == 5.0
