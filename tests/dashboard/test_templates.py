"""dashboard.templates: CSV/XLSX upload templates that the importer accepts as they are."""
import io

import openpyxl
import pandas as pd
import pytest

from analytics.schema import ENTITIES
from dashboard import importer, store, templates

NAMES = ["influencers", "posts", "tracking", "payouts"]


@pytest.mark.parametrize("name", NAMES)
def test_columns_are_all_schema_columns_minimal_first(name):
    entity = ENTITIES[importer.entity_name(name)]
    columns = templates.template_columns(name)
    assert sorted(c.name for c in columns) == sorted(entity.column_names)
    minimal = [c.minimal for c in columns]
    assert minimal == sorted(minimal, reverse=True)  # all minimal columns before the others
    assert [c.name for c in columns if c.minimal] == [c.name for c in entity.columns if c.minimal]


@pytest.mark.parametrize("name", NAMES)
def test_csv_has_header_and_two_example_rows(name):
    data = templates.template_csv(name)
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(frame.columns) == [c.name for c in templates.template_columns(name)]
    assert len(frame) == 2
    first = {c.name: c.example for c in templates.template_columns(name)}
    assert [str(v) for v in frame.iloc[0].tolist()] == [str(first[c]) for c in frame.columns]
    key = ENTITIES[importer.entity_name(name)].key
    assert frame[key].nunique() == 2


@pytest.mark.parametrize("name", NAMES)
def test_xlsx_has_the_entity_sheet_and_a_data_dictionary(name):
    entity = ENTITIES[importer.entity_name(name)]
    book = openpyxl.load_workbook(io.BytesIO(templates.template_xlsx(name)))
    assert book.sheetnames == [entity.name, "Data dictionary"]
    data = book[entity.name]
    header = [c.value for c in data[1]]
    assert header == [c.name for c in templates.template_columns(name)]
    assert data.max_row == 3
    for column in entity.columns:
        if column.kind in ("date", "datetime"):
            assert data.cell(row=2, column=header.index(column.name) + 1).is_date
    dictionary = pd.read_excel(io.BytesIO(templates.template_xlsx(name)), sheet_name="Data dictionary")
    assert list(dictionary.columns) == ["column", "type", "required", "in minimal file", "allowed values / range",
                                        "description", "example"]
    assert dictionary["column"].tolist() == header
    by_column = dictionary.set_index("column")
    for column in entity.columns:
        row = by_column.loc[column.name]
        assert row["description"] == column.description
        assert row["required"].startswith("yes") == (not column.nullable)
        if column.allowed:
            assert row["allowed values / range"] == ", ".join(column.allowed)


def test_dictionary_describes_ranges_and_generated_ids():
    posts = templates.data_dictionary("posts").set_index("column")
    assert posts.loc["product_margin", "allowed values / range"].startswith("0 to 1")
    assert posts.loc["reach", "allowed values / range"] == "≥ 0"
    assert "generated" in posts.loc["post_id", "required"]
    assert templates.data_dictionary("influencers").set_index("column").loc["influencer_id", "required"] == "yes"


def test_second_rows_are_plausible_and_consistent():
    influencers = templates.example_rows("influencers")
    assert influencers["tier"].tolist() == ["Micro", "Macro"]  # from follower_count
    payouts = templates.example_rows("payouts").iloc[1]
    assert payouts["total_payout"] == payouts["rate"] * payouts["orders"]  # basis order
    posts = templates.example_rows("posts").iloc[1]
    assert (posts["platform"], posts["campaign_type"], posts["brand"]) == ("YouTube", "control", "HKVitals")


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_the_four_templates_import_cleanly(tmp_path, ext):
    engine = store.make_engine(f"sqlite:///{tmp_path / 'templates.sqlite'}")
    build = templates.template_csv if ext == "csv" else templates.template_xlsx
    files = {templates.template_filename(name, ext): build(name) for name in NAMES}
    plan = importer.prepare_import(files, engine)
    assert plan.problems.empty and plan.changes.empty, plan.report()
    assert plan.counts["to_add"].tolist() == [2, 2, 2, 2]
    importer.commit_import(plan, engine)
    assert len(store.load_table(engine, "payouts")) == 2
