"""Advanced Analytics outputs through the data service."""
import json

import pytest

from callbacks.advanced import brand_rows, forecast_text, tier_text
from callbacks.figures import forecast_figure
from dashboard.app import create_app


@pytest.fixture
def service(config):
    return create_app(config).server.config["DASHBOARD_SERVICE"]


def test_brand_rows_carry_iroas_interval_or_say_why_not(service):
    spec = service.clean({})
    rows = brand_rows(service.brands(spec), "95%")
    assert {r["brand"] for r in rows} == set(service.known().brand)
    for row in rows:
        assert (row["iroas"] is None) == (row["iroas_ci"] == "—")
    json.dumps(rows)
    total = sum(r["revenue"] for r in rows)
    assert total == pytest.approx(service.overview(spec).kpis["revenue"].value)


def test_platform_efficiency_adds_up(service):
    spec = service.clean({})
    table = service.platforms(spec)
    assert table["posts"].sum() == service.overview(spec).posts
    assert (table["revenue_per_post"] * table["posts"]).sum() == pytest.approx(table["revenue"].sum())


def test_tier_text_states_the_interval(service):
    tiers_result, difference = service.tier_uncertainty(service.clean({}))
    text = " ".join(str(p.children) for p in tier_text(difference, tiers_result))
    assert "CI" in text and "bootstrap" in text


def test_forecast_reports_backtest_or_why_not(service):
    weekly = service.forecast(service.clean({}), "revenue", "W", False)
    assert weekly.ok and "MAPE" in forecast_text(weekly)
    fig = forecast_figure(weekly, "revenue")
    assert {t.name for t in fig.data} >= {"Actual", "Forecast", "95% interval", "80% interval"}
    seasonal = service.forecast(service.clean({}), "revenue", "W", True)
    # the 8 weeks ahead fall in Q4, which the brief gives no uplift: nothing applied, nothing changed
    assert seasonal.applied_adjustments == "" and "Assumption applied" not in forecast_text(seasonal)
    assert list(seasonal.forecast["mean"]) == pytest.approx(list(weekly.forecast["mean"]))
    short = service.forecast(service.clean({"start": "2026-09-01"}), "revenue", "W", False)
    assert not short.ok and "needs at least" in forecast_text(short)
