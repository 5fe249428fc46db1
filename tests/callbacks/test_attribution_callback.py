"""Attribution section callbacks as plain functions."""
import pytest

from analytics.attribution import MODELS, AttributionSettings
from callbacks.attribution import manage_settings, render_comparison, settings_from_inputs, settings_values
from dashboard import ids
from dashboard.app import create_app

NAMES = ["click_window_days", "view_window_days", "half_life_hours", "platform:Instagram", "platform:YouTube",
         "platform:TikTok", "platform:Twitter", "position:0", "position:1", "position:2"]
PLATFORMS = [1.0, 1.4, 0.8, 0.6]


@pytest.fixture
def service(private_config):
    return create_app(private_config).server.config["DASHBOARD_SERVICE"]


def test_form_round_trip():
    settings = AttributionSettings()
    values = settings_values(settings, NAMES)
    assert values == [7.0, 14.0, 48.0, *PLATFORMS, 0.4, 0.2, 0.4]
    assert settings_from_inputs(NAMES, values) == settings


def test_invalid_form_names_the_field():
    with pytest.raises(ValueError, match=r"Click window \(days\) must be greater than 0"):
        settings_from_inputs(NAMES, [0, 14, 48, *PLATFORMS, 0.4, 0.2, 0.4])
    with pytest.raises(ValueError, match=r"Position-based weights \(first, middle, last\) must sum to 1"):
        settings_from_inputs(NAMES, [7, 14, 48, *PLATFORMS, 0.5, 0.5, 0.5])
    with pytest.raises(ValueError, match="Click window"):
        settings_from_inputs(NAMES, [None, 14, 48, *PLATFORMS, 0.4, 0.2, 0.4])


def test_saved_assumptions_change_the_figures_and_defaults_restore_them(service):
    spec = service.clean({})
    before = service.overview(spec).kpis["revenue"].value
    values, message = manage_settings(ids.AT_SAVE, NAMES, [1, 1, 48, *PLATFORMS, 0.4, 0.2, 0.4], service)
    assert message.startswith("Saved") and values[:2] == [1.0, 1.0]
    assert service.attribution_settings().click_window_days == 1.0
    after = service.overview(spec).kpis["revenue"].value
    assert after < before  # orders more than a day after the post lose their credit
    rejected, message = manage_settings(ids.AT_SAVE, NAMES, [-1, 14, 48, *PLATFORMS, 0.4, 0.2, 0.4], service)
    assert message.startswith("Not saved") and service.attribution_settings().click_window_days == 1.0
    values, message = manage_settings(ids.AT_DEFAULTS, NAMES, values, service)
    assert values[:3] == [7.0, 14.0, 48.0] and service.attribution_settings() == AttributionSettings()
    assert service.overview(spec).kpis["revenue"].value == pytest.approx(before)


def test_comparison_covers_every_model(service):
    view = service.model_comparison(service.clean({}))
    assert list(view["totals"]["model"]) == list(MODELS)
    splitting = view["totals"].set_index("model").drop(index="weighted_score")["revenue"]
    # every order is inside the default windows in the demo, so the splitting models credit the same total
    assert splitting.max() == pytest.approx(splitting.min())
    subtitle, totals_fig, platform_fig, tier_fig, rows = render_comparison(view)
    assert "weighted score credits" in subtitle
    assert {row["influencer_id"] for row in rows} <= set(service.facts()[1].influencers["influencer_id"])


def test_minimum_roas_keeps_the_same_influencers_under_every_model(service):
    view = service.model_comparison(service.clean({"min_roas": 3}))
    kept = set(service.influencer_table(service.clean({"min_roas": 3}))["influencer_id"])
    assert set(view["shift"]["influencer_id"]) == kept
    everything = service.model_comparison(service.clean({}))["shift"].set_index("influencer_id")
    for row in view["shift"].itertuples():  # same influencer, same credit as without the filter
        assert row.first_touch == pytest.approx(everything.loc[row.influencer_id, "first_touch"])
    spend = view["totals"]["spend"]
    assert spend.max() - spend.min() < 0.05 * spend.max()


def test_credit_shift_keeps_influencers_missing_under_the_first_model():
    import pandas as pd

    from analytics.model_comparison import credit_shift

    a = pd.DataFrame({"influencer_id": ["I1"], "revenue": [10.0]})
    b = pd.DataFrame({"influencer_id": ["I1", "I2"], "revenue": [4.0, 6.0]})
    info = pd.DataFrame({"influencer_id": ["I1", "I2"], "name": ["A", "B"], "platform": ["x", "y"],
                         "tier": ["Micro", "Mega"]})
    table = credit_shift({"last_touch": a, "linear": b}, info).set_index("influencer_id")
    assert table.loc["I2", "last_touch"] == 0 and table.loc["I2", "shift"] == 6
    assert table.loc["I1", "shift"] == 6
