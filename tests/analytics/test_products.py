import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from analytics.facts import build_facts
from analytics.metrics import totals
from analytics.products import (SCORE_FORMULA, MarginBands, best_influencers, category_table, launch_analysis,
                                margin_band, margin_band_table, price_performance, product_score, product_table)


def post(brand, product, category, price, margin, influencer, revenue, spend, orders=1.0, day="2026-05-01",
         gross_profit=None, name=None, platform="Instagram", tier="Micro"):
    return {"brand": brand, "product": product, "category": category, "price": price, "margin": margin,
            "influencer_id": influencer, "name": name or influencer, "platform": platform, "tier": tier,
            "date": pd.Timestamp(day), "revenue": revenue, "spend": spend, "orders": orders,
            "gross_profit": revenue * margin if gross_profit is None else gross_profit,
            "reach": 1000.0, "engagements": 50.0, "posts": 1.0}


@pytest.fixture
def four_products():
    """Four products; B and C tie on revenue (300); D has no spend, so no ROAS.

    product  revenue  spend  ROAS  margin
    A        400      100    4     0.6     (two posts: 150/60 and 250/40)
    B        300      100    3     0.5
    C        300      150    2     0.2     (two posts by two influencers)
    D        100        0    -     0.3
    """
    return pd.DataFrame([
        post("Acme", "A", "Protein", 1000.0, 0.6, "I1", 150.0, 60.0),
        post("Acme", "A", "Protein", 1000.0, 0.6, "I1", 250.0, 40.0),
        post("Acme", "B", "Protein", 500.0, 0.5, "I2", 300.0, 100.0),
        post("Zeta", "C", "Snacks", 200.0, 0.2, "I1", 100.0, 50.0),
        post("Zeta", "C", "Snacks", 200.0, 0.2, "I3", 200.0, 100.0),
        post("Zeta", "D", "Vitamins", None, 0.3, "I2", 100.0, 0.0),
    ])


def test_product_table_sums_and_ratios(four_products):
    table = product_table(four_products).set_index("product")
    assert table.loc["A", "revenue"] == 400.0 and table.loc["A", "spend"] == 100.0
    assert table.loc["A", "roas"] == pytest.approx(4.0)
    assert table.loc["A", "posts"] == 2 and table.loc["A", "influencers"] == 1
    assert table.loc["C", "influencers"] == 2
    assert math.isnan(table.loc["D", "roas"]) and math.isnan(table.loc["D", "profit_roas"])
    # profit ROAS = (revenue × margin − spend) / spend when profit is revenue × margin
    assert table.loc["A", "profit_roas"] == pytest.approx((400 * 0.6 - 100) / 100)
    assert table.loc["C", "profit_roas"] == pytest.approx((300 * 0.2 - 150) / 150)
    assert table.loc["C", "profit"] == pytest.approx(300 * 0.2 - 150)
    assert table["share_of_revenue"].to_dict() == pytest.approx(
        {"A": 400 / 1100, "B": 300 / 1100, "C": 300 / 1100, "D": 100 / 1100})
    assert table.loc["C", "brand"] == "Zeta" and table.loc["C", "category"] == "Snacks"
    assert table.index[0] == "A"  # largest revenue first


def test_profit_roas_uses_tracked_profit_when_it_differs_from_margin():
    posts = pd.DataFrame([post("Acme", "A", "Protein", 100.0, 0.5, "I1", 1000.0, 200.0, gross_profit=300.0)])
    row = product_table(posts).iloc[0]
    assert row["profit_roas"] == pytest.approx((300 - 200) / 200)


def test_product_score_against_hand_computed_percentile_ranks(four_products):
    # Percentile ranks, best = 1, ties share the average rank, missing ROAS ranks last:
    #   revenue: D 1/4, B and C share ranks 2 and 3 -> 2.5/4 = 0.625, A 1
    #   ROAS:    D (none) 1/4, C 2/4, B 3/4, A 1
    #   margin:  C 1/4, D 2/4, B 3/4, A 1
    table = product_table(four_products)
    score = product_score(table)
    by_product = dict(zip(table["product"], score))
    expected = {
        "A": 0.4 * 1 + 0.3 * 1 + 0.3 * 1,
        "B": 0.4 * 0.625 + 0.3 * 0.75 + 0.3 * 0.75,
        "C": 0.4 * 0.625 + 0.3 * 0.5 + 0.3 * 0.25,
        "D": 0.4 * 0.25 + 0.3 * 0.25 + 0.3 * 0.5,
    }
    assert by_product == pytest.approx(expected)
    assert score.index.equals(table.index) and score.name == "score"
    assert ((score > 0) & (score <= 1)).all()
    assert "0.4" in SCORE_FORMULA and "tied" in SCORE_FORMULA


def test_product_score_bounds_on_demo(demo_facts):
    score = product_score(product_table(demo_facts.posts))
    assert len(score) > 3 and ((score > 0) & (score <= 1)).all()
    assert product_score(product_table(demo_facts.posts.iloc[:0])).empty


def test_margin_band_boundaries():
    assert margin_band(0.5) == "Medium"  # 50% exactly is medium
    assert margin_band(0.3) == "Medium"  # 30% exactly is medium
    assert margin_band(0.5000001) == "High"
    assert margin_band(0.2999999) == "Low"
    assert margin_band(float("nan")) == "Unknown" and margin_band(None) == "Unknown"
    bands = margin_band(pd.Series([0.7, 0.4, 0.1, None], index=[10, 11, 12, 13]))
    assert bands.tolist() == ["High", "Medium", "Low", "Unknown"] and bands.index.tolist() == [10, 11, 12, 13]
    custom = MarginBands(high=0.6, low=0.4)
    assert [margin_band(m, custom) for m in (0.61, 0.6, 0.4, 0.39)] == ["High", "Medium", "Medium", "Low"]
    with pytest.raises(ValueError):
        MarginBands(high=0.2, low=0.3)


def test_category_and_band_tables_add_up(four_products):
    categories = category_table(four_products).set_index("category")
    assert categories.loc["Protein", "revenue"] == 700.0 and categories.loc["Protein", "products"] == 2
    assert categories.loc["Snacks", "roas"] == pytest.approx(2.0)
    assert categories["share_of_revenue"].sum() == pytest.approx(1.0)
    bands = margin_band_table(product_table(four_products)).set_index("margin_band")
    assert bands.index.tolist() == ["High", "Medium", "Low"]  # A (0.6); B (0.5) and D (0.3); C (0.2)
    assert bands.loc["Medium", "revenue"] == 400.0 and bands.loc["Medium", "spend"] == 100.0
    assert bands.loc["Medium", "products"] == 2


@pytest.fixture(scope="module")
def demo_facts():
    from dashboard.demo import generate_demo
    return build_facts(generate_demo(n_influencers=200, n_posts=1500, n_events=6000, seed=3).tables)


def test_group_totals_add_up_to_overall_totals_on_demo(demo_facts):
    posts = demo_facts.posts
    overall = totals(posts)
    products = product_table(posts)
    for table in (products, category_table(posts), margin_band_table(products)):
        for column in ("revenue", "spend", "orders", "gross_profit", "profit"):
            assert table[column].sum() == pytest.approx(overall[column]), column
        assert table["share_of_revenue"].sum() == pytest.approx(1.0)
    assert products["posts"].sum() == len(posts)
    # ROAS of a group is a ratio of sums, never a mean of post ratios
    whey = posts[posts["product"] == products["product"].iloc[0]]
    assert products["roas"].iloc[0] == pytest.approx(whey["revenue"].sum() / whey["spend"].sum())


def test_price_performance_leaves_out_unknown_prices(four_products):
    matrix = price_performance(product_table(four_products))
    assert matrix["product"].tolist() == ["C", "B", "A"]  # cheapest first; D has no price
    assert {"price", "revenue", "roas", "orders", "margin_band"} <= set(matrix.columns)
    assert matrix.set_index("product").loc["C", "orders"] == 2.0


def test_launch_analysis_boundary_and_as_of():
    as_of = date(2026, 6, 30)
    posts = pd.DataFrame([
        post("Acme", "Old", "Protein", 100.0, 0.5, "I1", 300.0, 100.0, day="2026-01-10"),
        post("Acme", "Old", "Protein", 100.0, 0.5, "I1", 100.0, 100.0, day="2026-06-20"),
        post("Acme", "Edge60", "Protein", 100.0, 0.5, "I1", 50.0, 50.0, day="2026-05-01"),  # 60 days before
        post("Acme", "Edge59", "Protein", 100.0, 0.5, "I2", 400.0, 100.0, day="2026-05-02"),  # 59 days before
        post("Acme", "Future", "Protein", 100.0, 0.5, "I2", 999.0, 1.0, day="2026-07-01"),  # after as_of
    ])
    result = launch_analysis(posts, as_of, new_within_days=60)
    status = dict(zip(result.products["product"], result.products["status"]))
    assert status == {"Edge59": "New", "Edge60": "Established", "Old": "Established"}
    first = dict(zip(result.products["product"], result.products["first_promoted"]))
    assert first["Old"] == pd.Timestamp("2026-01-10")
    groups = result.groups.set_index("status")
    assert groups.loc["New", "revenue"] == 400.0 and groups.loc["New", "roas"] == pytest.approx(4.0)
    assert groups.loc["Established", "revenue"] == 450.0
    assert groups.loc["Established", "roas"] == pytest.approx(450 / 250)
    assert groups.loc["Established", "products"] == 2
    assert groups["revenue"].sum() == 850.0  # the post after as_of is not counted


def test_launch_analysis_without_new_products_keeps_both_groups(demo_facts):
    result = launch_analysis(demo_facts.posts, demo_facts.posts["date"].max(), new_within_days=1)
    assert result.groups["status"].tolist() == ["New", "Established"]
    assert result.groups["revenue"].sum() == pytest.approx(demo_facts.posts["revenue"].sum())


def test_best_influencers_sorted_by_revenue():
    posts = pd.DataFrame([
        post("Acme", "Whey", "Protein", 1.0, 0.5, "I1", 100.0, 50.0, name="Asha"),
        post("Acme", "Whey", "Protein", 1.0, 0.5, "I1", 300.0, 50.0, name="Asha"),
        post("Acme", "Whey", "Protein", 1.0, 0.5, "I2", 500.0, 500.0, name="Bharat", platform="YouTube", tier="Mega"),
        post("Acme", "Whey", "Protein", 1.0, 0.5, "I3", 50.0, 10.0, name="Chitra"),
        post("Acme", "Bar", "Snacks", 1.0, 0.5, "I3", 9000.0, 10.0, name="Chitra"),
        post("Other", "Whey", "Protein", 1.0, 0.5, "I4", 7000.0, 10.0, name="Dev"),
    ])
    top = best_influencers(posts, "Whey", brand="Acme")
    assert top["name"].tolist() == ["Bharat", "Asha", "Chitra"]
    assert top["revenue"].tolist() == [500.0, 400.0, 50.0]
    assert top["roas"].tolist() == pytest.approx([1.0, 4.0, 5.0])
    assert top.iloc[0][["platform", "tier"]].tolist() == ["YouTube", "Mega"]
    assert best_influencers(posts, "Whey")["name"].tolist()[0] == "Dev"  # any brand
    assert len(best_influencers(posts, "Whey", limit=2)) == 2
    assert best_influencers(posts, "Nothing").empty


def test_empty_inputs_give_empty_tables(four_products):
    empty = four_products.iloc[:0]
    assert product_table(empty).empty and category_table(empty).empty
    assert margin_band_table(product_table(empty)).empty and price_performance(product_table(empty)).empty
    assert launch_analysis(empty, "2026-01-01").groups["revenue"].tolist() == [0.0, 0.0]
    assert np.isnan(launch_analysis(empty, "2026-01-01").groups["roas"]).all()
