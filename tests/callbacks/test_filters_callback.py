"""The filter sync callback as a plain function."""

from analytics.filters import KnownValues
from callbacks.filters import describe, sync_filters
from dashboard import ids

KNOWN = KnownValues(brand=("Gritzo", "HKVitals", "MuscleBlaze"), platform=("Instagram", "YouTube"),
                    tier=("Micro", "Macro", "Mega"), category=("Protein", "Vitamins"), price_min=100.0,
                    price_max=3000.0, first_day="2026-04-01", last_day="2026-09-30")
NO_CONTROLS = ([], [], [], [], [100.0, 3000.0], None, None, None, "last_touch")


def test_url_wins_on_page_load():
    out = sync_filters(None, "?brand=Gritzo&tier=Mega&start=2026-05-01", NO_CONTROLS, KNOWN)
    brand, platform, tier, category, price, min_roas, start, end, model, store, search, summary = out
    assert brand == ["Gritzo"] and tier == ["Mega"] and start == "2026-05-01" and end is None
    assert store["brand"] == ["Gritzo"]
    assert search == "?brand=Gritzo&tier=Mega&start=2026-05-01"
    assert "Gritzo" in summary and "Mega" in summary


def test_url_values_are_checked_against_the_data():
    out = sync_filters(ids.URL, "?brand=<script>&brand=HKVitals&min_roas=-3&price_min=oops", NO_CONTROLS, KNOWN)
    assert out[0] == ["HKVitals"] and out[5] is None
    assert out[10] == "?brand=HKVitals"


def test_controls_update_store_and_url():
    controls = (["MuscleBlaze", "Gritzo"], ["YouTube"], [], [], [500, 3000], 2.5, None, "2026-06-30", "linear")
    out = sync_filters(ids.F_BRAND, "", controls, KNOWN)
    assert out[9]["brand"] == ["Gritzo", "MuscleBlaze"]
    assert out[9]["price_min"] == 500 and out[9]["price_max"] is None
    assert out[10] == ("?brand=Gritzo&brand=MuscleBlaze&platform=YouTube&price_min=500&min_roas=2.5"
                       "&end=2026-06-30&model=linear")
    assert "linear attribution" in out[11]


def test_unknown_model_in_url_falls_back_to_last_touch():
    out = sync_filters(ids.URL, "?model=magic&tier=Micro", NO_CONTROLS, KNOWN)
    assert out[8] == "last_touch" and out[10] == "?tier=Micro"


def test_reset_clears_everything():
    out = sync_filters(ids.F_RESET, "?brand=Gritzo", (["Gritzo"], [], [], [], [500, 900], 3, None, None, "linear"),
                       KNOWN)
    assert out[:9] == ([], [], [], [], [100.0, 3000.0], None, None, None, "last_touch")
    assert out[10] == "" and out[11] == "Showing: all data"


def test_describe_mentions_every_filter():
    from analytics.filters import FilterSpec

    text = describe(FilterSpec(brand=("Gritzo",), price_max=999.0, min_roas=2.0, start="2026-05-01"))
    assert "Gritzo" in text and "₹999" in text and "≥ 2x" in text and "1 May 2026" in text
