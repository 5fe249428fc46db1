import pytest

from analytics.facts import build_facts
from analytics.filters import (FilterSpec, apply_filters, clean_spec, known_values, parse_query, previous_period)
from analytics.metrics import totals


@pytest.fixture
def facts(tables):
    return build_facts(tables)


@pytest.fixture
def known(facts):
    return known_values(facts.daily)


def test_known_values_come_from_the_data(known):
    assert known.brand == ("HKVitals", "MuscleBlaze")
    assert known.tier == ("Micro", "Mega")  # I3 (Macro) has no post
    assert (known.price_min, known.price_max) == (500.0, 1000.0)
    assert (known.first_day, known.last_day) == ("2026-01-01", "2026-01-10")


def test_clean_spec_drops_unknown_values_and_canonicalises(known):
    spec = clean_spec({"brand": ["Nope", "MuscleBlaze", "HKVitals"], "tier": "Mega", "min_roas": "abc",
                       "price_min": "900", "price_max": "2000", "start": "2026-01-20", "end": "2026-01-02"},
                      known)
    assert spec.brand == ("HKVitals", "MuscleBlaze")  # data order, unknown dropped
    assert spec.tier == ("Mega",)
    assert spec.min_roas is None
    assert (spec.price_min, spec.price_max) == (900.0, None)  # upper bound beyond the data = no bound
    # reversed dates are swapped; an end beyond the data means "no end bound"
    assert (spec.start, spec.end) == ("2026-01-02", None)


def test_query_string_round_trip(known):
    spec = FilterSpec(brand=("HKVitals", "MuscleBlaze"), tier=("Micro",), min_roas=1.5, start="2026-01-03")
    assert spec.to_query() == "?brand=HKVitals&brand=MuscleBlaze&tier=Micro&min_roas=1.5&start=2026-01-03"
    assert clean_spec(parse_query(spec.to_query()), known) == spec
    assert FilterSpec().to_query() == ""


def test_date_filter_splits_spend_and_revenue_by_day(facts, known):
    rows = apply_filters(facts.daily, clean_spec({"start": "2026-01-05"}, known))
    # P2 posted on 01-05 (spend 100), O3 on 01-06 (500), T5 on 01-10 (3,000); P3's spend on 01-03 is out.
    t = totals(rows)
    assert t["revenue"] == pytest.approx(3500.0)
    assert t["spend"] == pytest.approx(100.0)


def test_min_roas_keeps_influencers_meeting_it(facts, known):
    # I1: revenue 2,500 / spend 800 = 3.125; I2: 5,000 / 1,250 = 4.0
    kept = apply_filters(facts.daily, clean_spec({"min_roas": 3.5}, known))
    assert set(kept["influencer_id"].astype(str)) == {"I2"}
    kept = apply_filters(facts.daily, clean_spec({"min_roas": 3.0}, known))
    assert set(kept["influencer_id"].astype(str)) == {"I1", "I2"}


def test_min_roas_is_judged_within_the_other_filters(facts, known):
    # Within MuscleBlaze only, I1 has P1: 2,000 / 700 = 2.86 < 3
    kept = apply_filters(facts.daily, clean_spec({"brand": ["MuscleBlaze"], "min_roas": 3.0}, known))
    assert set(kept["influencer_id"].astype(str)) == {"I2"}


def test_previous_period_has_equal_length(known):
    spec = clean_spec({"start": "2026-01-05", "end": "2026-01-08"}, known)
    assert previous_period(spec, known) == ("2026-01-01", "2026-01-04")


def test_filtered_totals_never_exceed_unfiltered(facts, known):
    full = totals(facts.daily)
    for raw in ({"brand": ["HKVitals"]}, {"tier": ["Micro"]}, {"price_max": 600}, {"end": "2026-01-04"}):
        part = totals(apply_filters(facts.daily, clean_spec(raw, known)))
        for column in ("revenue", "spend", "orders"):
            assert part[column] <= full[column] + 1e-9


def test_link_values_match_whatever_their_case(known):
    spec = clean_spec({"brand": ["muscleblaze "], "tier": "MEGA"}, known)
    assert spec.brand == ("MuscleBlaze",) and spec.tier == ("Mega",)
