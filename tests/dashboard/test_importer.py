"""dashboard.importer: reading, header mapping, cleaning, validation, modes, commit, history, restore.

After every rejection the database is checked unchanged: same data_version, same table contents.
"""
import io
import json
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from analytics.schema import ENTITIES
from dashboard import importer, store
from dashboard.cli import main as cli_main
from dashboard.cli import summary
from dashboard.config import Config
from dashboard.demo import generate_demo
from dashboard.exports import to_csv_bytes, to_xlsx_bytes
from dashboard.importer import ImportRejected, commit_import, prepare_import, read_upload

MESSY = Path(__file__).resolve().parents[1] / "data" / "messy"


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------

def state(engine):
    """data_version, the four tables (sorted by id) and the import bookkeeping tables."""
    tables = {}
    for name, entity in ENTITIES.items():
        tables[name] = store.load_table(engine, name).sort_values(entity.key).reset_index(drop=True)
    history = store.import_history(engine)
    return store.data_version(engine), tables, len(history), store.snapshot_ids(engine)


def assert_same_state(engine, before):
    version, tables, history, snapshots = before
    after_version, after_tables, after_history, after_snapshots = state(engine)
    assert after_version == version
    assert after_history == history and after_snapshots == snapshots
    for name in tables:
        pd.testing.assert_frame_equal(after_tables[name], tables[name], check_dtype=False)


def csv(text: str) -> bytes:
    return text.encode("utf-8")


def problems_of(plan, severity=None):
    frame = plan.problems
    return frame if severity is None else frame[frame["severity"] == severity]


@pytest.fixture
def engine(tmp_path):
    engine = store.make_engine(f"sqlite:///{tmp_path / 'import.sqlite'}")
    store.create_schema(engine)
    return engine


@pytest.fixture
def demo_engine(tmp_path, demo):
    """The small demo dataset (75 influencers, 300 posts, 800 tracking rows) stored."""
    engine = store.make_engine(f"sqlite:///{tmp_path / 'demo.sqlite'}")
    store.replace_dataset(engine, demo.tables)
    return engine


INFLUENCERS_CSV = csv("influencer_id,name,category,gender,follower_count,platform\n"
                      "N1,Asha,Fitness,F,5000,Instagram\nN2,Bala,Health,M,150000,YouTube\n")


# ---------------------------------------------------------------------------------------------
# Reading and rejected files
# ---------------------------------------------------------------------------------------------

BAD_FILES = [
    ("influencers.csv", b"", "is empty"),
    ("influencers.csv", b"   \n\n  \n", "is empty"),
    ("influencers.csv", bytes(range(256)) * 8, "binary"),
    ("influencers.csv", "influencer_id,name\nN1,Asha\n".encode("utf-16-le"), "UTF-16"),
    ("influencers.csv", csv("influencer_id,name,follower_count\n"), "header row but no data rows"),
    ("posts.csv", csv("influencer_id,platform,url\nINF00001,Instagram,http://x\n"), "missing required column: date"),
    ("influencers.csv", csv("name,follower_count\nAsha,10\n"), "missing required column: influencer_id"),
    ("influencers.csv", csv("colour,size\nred,1\n"), "is this the right file"),
    ("upload.zip", b"PK\x03\x04" + b"\x00garbage" * 20, "not a valid ZIP"),
    ("influencers.csv", csv("influencer_id,name\nN1,Asha\nN2,Bala,extra\n"), "line 3 has 3 fields"),
    ("influencers.csv", csv('influencer_id,name\nN1,"Asha\n'), "never closed"),
    ("influencers.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "97-2003"),
    ("influencers.xlsx", b"this is not a workbook", "not a readable XLSX"),
    ("data.csv", INFLUENCERS_CSV, "cannot tell which table"),
]


@pytest.mark.parametrize("name, content, message", BAD_FILES, ids=[m for _, _, m in BAD_FILES])
def test_bad_files_are_rejected_with_a_clear_message_and_change_nothing(demo_engine, name, content, message):
    before = state(demo_engine)
    with pytest.raises(ImportRejected) as caught:
        prepare_import({name: content}, demo_engine)
    assert message in str(caught.value)
    assert caught.value.file.startswith(name)
    assert_same_state(demo_engine, before)


def test_over_size_file_is_rejected(demo_engine):
    before = state(demo_engine)
    with pytest.raises(ImportRejected, match="the limit is 100 bytes"):
        prepare_import({"influencers.csv": INFLUENCERS_CSV}, demo_engine, max_bytes=100)
    with pytest.raises(ImportRejected, match="limit"):
        read_upload("influencers.csv", INFLUENCERS_CSV, max_bytes=10)
    assert_same_state(demo_engine, before)


def test_zip_bomb_is_judged_by_its_unpacked_size():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("influencers.csv", "influencer_id\n" + "N1\n" * 100_000)
    with pytest.raises(ImportRejected, match="unpacks to"):
        read_upload("up.zip", buffer.getvalue(), max_bytes=50_000)


def test_damaged_zip_member_is_rejected():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("influencers.csv", "influencer_id,name\n" + "N1,Asha\n" * 2000)
    data = bytearray(buffer.getvalue())
    data[60:200] = b"\xff" * 140  # corrupt the compressed stream, keep the directory
    with pytest.raises(ImportRejected, match="ZIP is damaged|not a valid ZIP"):
        read_upload("up.zip", bytes(data))


def test_encodings_are_read_with_a_note():
    text = "influencer_id,name\nN1,Zoë\n"
    assert read_upload("influencers.csv", text.encode("utf-8"))["influencers"]["name"].tolist() == ["Zoë"]
    with_bom = read_upload("influencers.csv", text.encode("utf-8-sig"))["influencers"]
    assert list(with_bom.columns) == ["influencer_id", "name"] and with_bom.attrs["notes"] == []
    cp1252 = read_upload("influencers.csv", text.encode("cp1252"))["influencers"]
    assert cp1252["name"].tolist() == ["Zoë"] and "Windows-1252" in cp1252.attrs["notes"][0]
    utf16 = read_upload("influencers.csv", text.encode("utf-16"))["influencers"]
    assert utf16["name"].tolist() == ["Zoë"] and "UTF-16" in utf16.attrs["notes"][0]


def test_entity_comes_from_the_name_or_is_given():
    assert importer.detect_entity("Influencers.csv") == "influencers"
    assert importer.detect_entity("tracking data.xlsx") == "tracking_data"
    assert importer.detect_entity("Tracking.CSV") == "tracking_data"
    assert importer.detect_entity("2026_may_payouts.csv") == "payouts"
    assert importer.detect_entity("posts_and_payouts.csv") is None
    assert list(read_upload("export.csv", INFLUENCERS_CSV, entity="influencers")) == ["influencers"]
    assert list(read_upload("export.csv", INFLUENCERS_CSV, entity="Influencer")) == ["influencers"]


def test_semicolons_blank_rows_and_row_numbers():
    content = csv("\ninfluencer_id;name\n\nN1;Asha\n   \nN2;Bala\n")
    frame = read_upload("influencers.csv", content)["influencers"]
    assert frame["influencer_id"].tolist() == ["N1", "N2"]
    assert frame.attrs["rows"] == [4, 6]  # the rows a spreadsheet shows; the header is on row 2
    assert any("';'" in note for note in frame.attrs["notes"])


def test_zip_with_several_files_and_xlsx_with_entity_sheets(demo_engine):
    buffer = io.BytesIO()
    posts = csv("influencer_id,date,platform\nN1,2026-05-01,ig\n")
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("export/Influencers.csv", INFLUENCERS_CSV)
        archive.writestr("export/posts.csv", posts)
        archive.writestr("__MACOSX/._posts.csv", b"junk")
        archive.writestr("export/readme.pdf", b"%PDF")
    tables = read_upload("upload.zip", buffer.getvalue())
    assert sorted(tables) == ["influencers", "posts"]
    assert tables["posts"].attrs["file"] == "upload.zip/export/posts.csv"

    workbook = to_xlsx_bytes({"Influencers": pd.read_csv(io.BytesIO(INFLUENCERS_CSV)),
                              "Posts": pd.read_csv(io.BytesIO(posts))})
    plan = prepare_import({"book.xlsx": workbook}, demo_engine)
    assert plan.counts["to_add"].to_dict() == {"influencers": 2, "posts": 1}
    assert problems_of(plan, "error").empty


def test_two_files_for_one_entity_are_refused(demo_engine):
    with pytest.raises(ImportRejected, match="second file for influencers"):
        prepare_import({"influencers.csv": INFLUENCERS_CSV, "Influencers (2).csv": INFLUENCERS_CSV}, demo_engine)


# ---------------------------------------------------------------------------------------------
# Header mapping
# ---------------------------------------------------------------------------------------------

def test_header_variants_are_mapped_and_unknown_columns_noted(engine):
    files = {
        "influencers.csv": csv("ID,Influencer Name,FOLLOWERS,Main Platform,Niche,Sex,Favourite Colour\n"
                               "N1,Asha,5000,Instagram,Fitness,F,red\n"),
        "posts.csv": csv("InfluencerID,Post Date,Post URL,Likes Count,Reach\nN1,2026-05-01,http://p,10,100\n"),
        "tracking.csv": csv("Influencer,Order Date,Revenue (INR),Customer ID,utm_source\n"
                            "N1,2026-05-02,500,U1,Instagram\n"),
        "payouts.csv": csv("influencer_id,Payout Basis,Fee,Orders,Amount\nN1,post,500,1,500\n"),
    }
    plan = prepare_import(files, engine)
    assert problems_of(plan, "error").empty, plan.report()
    influencers = plan.frames["influencers"].iloc[0]
    assert (influencers["influencer_id"], influencers["name"], influencers["follower_count"],
            influencers["platform"], influencers["category"], influencers["gender"]) == (
        "N1", "Asha", 5000, "Instagram", "Fitness", "F")
    post = plan.frames["posts"].iloc[0]
    assert (str(post["date"].date()), post["url"], post["likes"], post["reach"]) == ("2026-05-01", "http://p", 10, 100)
    touch = plan.frames["tracking_data"].iloc[0]
    assert (touch["revenue"], touch["user_id"], touch["source"]) == (500.0, "U1", "Instagram")
    payout = plan.frames["payouts"].iloc[0]
    assert (payout["basis"], payout["rate"], payout["total_payout"]) == ("post", 500.0, 500.0)
    assert any("'Favourite Colour' is not one we use: ignored" in n for n in plan.notes)


def test_id_means_the_entitys_own_id():
    from analytics.schema import INFLUENCERS, POSTS

    assert importer.map_headers(["id"], INFLUENCERS)[0] == {0: "influencer_id"}
    assert importer.map_headers(["id", "influencer"], POSTS)[0] == {0: "post_id", 1: "influencer_id"}
    mapping, notes = importer.map_headers(["followers", "follower_count"], INFLUENCERS)
    assert mapping == {0: "follower_count"} and "already read from 'followers'" in notes[-1]


# ---------------------------------------------------------------------------------------------
# Cleaning: every change listed
# ---------------------------------------------------------------------------------------------

def change(plan, column, row=None, file=None):
    frame = plan.changes[plan.changes["column"] == column]
    if row is not None:
        frame = frame[frame["row"] == row]
    if file is not None:
        frame = frame[frame["file"] == file]
    return frame


def test_messy_minimal_files_clean_up_with_every_change_listed(engine):
    files = {p.name: p.read_bytes() for p in MESSY.iterdir()}
    plan = prepare_import(files, engine)
    assert plan.problems.empty, plan.report()
    influencers = plan.frames["influencers"].set_index("influencer_id")
    assert influencers["name"].tolist() == ["Aarav Sharma", "Zoë Fernandes", "Rohan Mehta", "Priya Nair"]
    assert influencers["follower_count"].tolist() == [48_000, 1_200_000, 250_000, 9_500]
    assert influencers["tier"].tolist() == ["Micro", "Mega", "Macro", "Micro"]
    # INF004 had no platform: its tracking rows' source "X_influencer" names Twitter
    assert influencers["platform"].tolist() == ["Instagram", "YouTube", "TikTok", "Twitter"]
    assert any("Windows-1252" in note for note in plan.notes)

    posts = plan.frames["posts"].set_index("influencer_id")
    assert [str(d.date()) for d in posts["date"]] == ["2026-05-03", "2026-03-05", "2026-05-07", "2026-05-08"]
    assert posts.loc["INF002", "reach"] == 120_000
    assert posts.loc["INF003", "caption"] == '=HYPERLINK("http://x.example")'  # data is kept; exports neutralise
    tracking = plan.frames["tracking_data"].set_index("user_id")
    assert tracking.loc["U1", "date"] == pd.Timestamp("2026-05-03 14:20")
    assert tracking["revenue"].tolist() == [2999.0, 1198.0, 599.0, 499.0]
    assert tracking["source"].tolist() == ["Instagram_influencer", "YouTube", "organic", "X_influencer"]
    assert tracking.loc["U2", "campaign"] == "HK launch"
    payouts = plan.frames["payouts"].set_index("influencer_id")
    assert payouts["basis"].tolist() == ["post", "order", "post", "post"]
    assert payouts.loc["INF003", "rate"] == 4000.0
    assert payouts.loc["INF004", "total_payout"] == 1000.0  # computed: rate × 1 post

    listed = plan.changes
    assert set(listed.columns) == {"file", "row", "column", "old_value", "new_value", "action"}
    trimmed = change(plan, "name", row=2).iloc[0]
    assert (trimmed["old_value"], trimmed["new_value"], trimmed["action"]) == (" Aarav Sharma ", "Aarav Sharma",
                                                                                 "trimmed spaces")
    assert change(plan, "follower_count", row=3).iloc[0]["old_value"] == "1.2M"
    assert change(plan, "platform", row=4, file="Influencers.csv").iloc[0]["new_value"] == "TikTok"
    assert change(plan, "date", row=2, file="posts_minimal.csv").iloc[0]["action"] == "read as day/month/year"
    assert change(plan, "revenue", row=2).iloc[0]["old_value"] == "₹2,999.00"
    assert change(plan, "tier", row=3).iloc[0]["action"] == "derived from follower_count"
    assert change(plan, "total_payout", row=5).iloc[0]["action"] == "computed from basis, rate and units"
    assert set(change(plan, "post_id")["action"]) == {"generated ids from row content (all rows)"}


@pytest.mark.parametrize("raw, expected", [
    ("insta", "Instagram"), ("IG", "Instagram"), (" instagram ", "Instagram"), ("yt", "YouTube"),
    ("Youtube", "YouTube"), ("tik tok", "TikTok"), ("TIKTOK", "TikTok"), ("x", "Twitter"), ("Twitter", "Twitter"),
])
def test_platform_spellings(engine, raw, expected):
    plan = prepare_import({"influencers.csv": csv(f"influencer_id,platform\nN1,{raw}\n")}, engine)
    assert plan.frames["influencers"]["platform"].tolist() == [expected]
    assert problems_of(plan).empty
    listed = change(plan, "platform")
    assert (len(listed) == 1) == (raw != expected)


def test_allowed_values_tiers_campaign_types_touch_types_and_bases(engine):
    files = {
        "influencers.csv": csv("influencer_id,tier,follower_count\nN1,micro,5000\nN2,MEGA,2000000\nN3,,150000\n"),
        "posts.csv": csv("post_id,influencer_id,date,campaign_type\nP1,N1,2026-05-01,Holdout\n"
                         "P2,N2,2026-05-01,TEST\nP3,N3,2026-05-01,Control\n"),
        "tracking.csv": csv("tracking_id,post_id,date,touch_type,campaign_type\nT1,P1,2026-05-02,Clicks,holdout\n"
                            "T2,P2,2026-05-02,view,test\n"),
        "payouts.csv": csv("payout_id,influencer_id,basis,rate,orders,total_payout\n"
                           "X1,N1,Per Post,100,0,100\nX2,N2,ORDER,10,5,50\nX3,N3,Hybrid,100,0,100\n"),
    }
    plan = prepare_import(files, engine)
    assert problems_of(plan).empty, plan.report()
    assert plan.frames["influencers"]["tier"].tolist() == ["Micro", "Mega", "Macro"]
    assert plan.frames["posts"]["campaign_type"].tolist() == ["control", "test", "control"]
    assert plan.frames["tracking_data"]["touch_type"].tolist() == ["click", "view"]
    assert plan.frames["tracking_data"]["campaign_type"].tolist() == ["control", "test"]
    assert plan.frames["payouts"]["basis"].tolist() == ["post", "order", "hybrid"]
    assert change(plan, "campaign_type", row=2, file="posts.csv").iloc[0]["new_value"] == "control"
    assert change(plan, "tier", row=4).iloc[0]["action"] == "derived from follower_count"


def test_brands_take_the_stored_spelling_or_the_most_frequent(demo_engine):
    files = {"posts.csv": csv("post_id,influencer_id,date,brand\n"
                              "Q1,INF00001,2026-05-01,muscleblaze\nQ2,INF00001,2026-05-01, MUSCLE BLAZE\n"
                              "Q3,INF00001,2026-05-01,newbrand\nQ4,INF00001,2026-05-01,NewBrand\n"
                              "Q5,INF00001,2026-05-01,newbrand\n")}
    plan = prepare_import(files, demo_engine)
    assert problems_of(plan).empty, plan.report()
    assert plan.frames["posts"]["brand"].tolist() == ["MuscleBlaze", "MuscleBlaze", "newbrand", "newbrand",
                                                      "newbrand"]
    assert len(change(plan, "brand")) == 3  # rows 2, 3 and 5 (Q4 written as "NewBrand")


@pytest.mark.parametrize("raw, column, expected, action", [
    ("₹1,299.00", "product_price", 1299.0, "removed currency symbol; removed thousands separators"),
    ("1,29,999", "product_price", 129999.0, "removed thousands separators"),
    ("Rs. 500", "product_price", 500.0, "removed currency symbol"),
    ("INR 2,500", "product_price", 2500.0, "removed currency symbol; removed thousands separators"),
    ("500/-", "product_price", 500.0, "removed currency symbol"),
    ("12%", "product_margin", 0.12, "percentage → share (÷ 100)"),
    ("45", "product_margin", 0.45, "read as a percentage (÷ 100)"),
    ("0.45", "product_margin", 0.45, None),
    ("1.2K", "reach", 1200, "expanded 'K' (× 1,000)"),
    ("2.5L", "reach", 250000, "expanded 'L' (× 100,000)"),
])
def test_number_formats(engine, raw, column, expected, action):
    content = pd.DataFrame({"influencer_id": ["N1"], "date": ["2026-05-01"], column: [raw]})
    stored = prepare_import({"influencers.csv": csv("influencer_id\nN1\n")}, engine)
    commit_import(stored, engine)
    plan = prepare_import({"posts.csv": content.to_csv(index=False).encode()}, engine)
    assert problems_of(plan).empty, plan.report()
    assert plan.frames["posts"][column].tolist() == [pytest.approx(expected)]
    listed = change(plan, column)
    assert (listed["action"].tolist() == [action]) if action else listed.empty


@pytest.mark.parametrize("raw, column, reason", [
    ("1,5", "product_price", "is the comma a decimal point"),
    ("abc", "reach", "not a number"),
    ("10%", "reach", "percentage is not allowed here"),
    ("3.5", "likes", "not a whole number"),
    ("-12", "reach", "must be at least 0"),
    ("150", "product_margin", "must be between 0 and 1"),
    ("Facebook", "platform", "must be one of Instagram, YouTube, TikTok, Twitter"),
    ("sometime", "date", "not a date"),
    ("31/02/2026", "date", "not a valid date"),
    ("", "date", "required"),
])
def test_really_wrong_values_are_errors_on_the_users_row(engine, raw, column, reason):
    commit_import(prepare_import({"influencers.csv": csv("influencer_id\nN1\n")}, engine), engine)
    good = {"influencer_id": "N1", "date": "2026-05-01", "post_id": "P1"}
    bad = dict(good, post_id="P2", **{column: raw})
    content = pd.DataFrame([good, bad]).to_csv(index=False).encode()
    plan = prepare_import({"posts.csv": content}, engine)
    errors = problems_of(plan, "error")
    assert len(errors) == 1, plan.report()
    problem = errors.iloc[0]
    assert (problem["file"], problem["row"], problem["column"]) == ("posts.csv", 3, column)
    assert reason in problem["reason"]
    assert plan.counts.loc["posts", "rejected"] == 1 and plan.counts.loc["posts", "to_add"] == 1
    assert plan.frames["posts"]["post_id"].tolist() == ["P1"]


def test_dates_day_first_month_first_words_and_excel_serials(engine):
    commit_import(prepare_import({"influencers.csv": csv("influencer_id\nN1\n")}, engine), engine)

    def dates(values, name="posts.csv"):
        frame = pd.DataFrame({"influencer_id": "N1", "date": values})
        plan = prepare_import({name: frame.to_csv(index=False).encode()}, engine)
        assert problems_of(plan, "error").empty, plan.report()
        return [str(d.date()) for d in plan.frames["posts"]["date"]], plan

    got, _ = dates(["2026-05-03", "03/05/2026", "3.5.2026", "03-05-26", "5 Mar 2026", "March 5, 2026", "05-Mar-2026",
                    "46145", "2026/05/03"])
    assert got == ["2026-05-03", "2026-05-03", "2026-05-03", "2026-05-03", "2026-03-05", "2026-03-05", "2026-03-05",
                   "2026-05-03", "2026-05-03"]
    # a column that can only be month/day/year is read that way, with a note
    got, plan = dates(["05/23/2026", "05/03/2026"])
    assert got == ["2026-05-23", "2026-05-03"]
    assert any("month/day/year" in note for note in plan.notes)
    assert set(change(plan, "date")["action"]) == {"read as month/day/year"}

    # Excel: real date cells and serial numbers
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["influencer_id", "date", "post_id"])
    sheet.append(["N1", pd.Timestamp("2026-05-03").to_pydatetime(), "P1"])
    sheet.append(["N1", 46145, "P2"])
    buffer = io.BytesIO()
    book.save(buffer)
    plan = prepare_import({"posts.xlsx": buffer.getvalue()}, engine)
    assert problems_of(plan).empty, plan.report()
    assert [str(d.date()) for d in plan.frames["posts"]["date"]] == ["2026-05-03", "2026-05-03"]
    assert change(plan, "date", row=3).iloc[0]["action"] == "Excel serial date"


def test_tracking_times_and_time_zones(engine):
    content = csv("date,revenue\n2026-05-03T14:20:00+05:30,1\n03/05/2026 2:20 PM,2\n2026-05-03 14:20,3\n")
    plan = prepare_import({"tracking.csv": content}, engine)
    assert problems_of(plan).empty, plan.report()
    assert set(plan.frames["tracking_data"]["date"]) == {pd.Timestamp("2026-05-03 14:20")}


def test_ids_are_generated_deterministically_and_protect_against_double_imports(engine):
    commit_import(prepare_import({"influencers.csv": csv("influencer_id\nN1\n")}, engine), engine)
    content = csv("influencer_id,date,orders,revenue\nN1,2026-05-01,1,100\nN1,2026-05-01,1,100\n"
                  "N1,2026-05-02,1,100\n")
    first = prepare_import({"tracking.csv": content}, engine)
    again = prepare_import({"tracking.csv": content}, engine)
    ids = first.frames["tracking_data"]["tracking_id"].tolist()
    assert ids == again.frames["tracking_data"]["tracking_id"].tolist()
    assert len(set(ids)) == 3 and all(i.startswith("T-") for i in ids)  # identical rows get different ids
    commit_import(first, engine)
    before = state(engine)
    twice = prepare_import({"tracking.csv": content}, engine)
    assert len(problems_of(twice, "error")) == 3
    assert "already stored" in problems_of(twice, "error").iloc[0]["reason"]
    with pytest.raises(ImportRejected, match="nothing to import"):
        commit_import(twice, engine)
    assert_same_state(engine, before)


def test_formula_protection_quote_is_removed_and_incremental_flag_words(engine):
    content = csv("date,campaign,incremental_flag\n2026-05-01,'=SUM(A1),yes\n2026-05-01,'-x,no\n")
    plan = prepare_import({"tracking.csv": content}, engine)
    assert problems_of(plan).empty, plan.report()
    assert plan.frames["tracking_data"]["campaign"].tolist() == ["=SUM(A1)", "-x"]
    assert plan.frames["tracking_data"]["incremental_flag"].tolist() == [1, 0]


def test_exact_duplicate_rows_are_skipped_but_conflicting_ids_are_errors(demo_engine):
    before = state(demo_engine)
    content = csv("influencer_id,name\nZ1,Asha\nZ1,Asha\nZ2,Bala\nZ2,Chitra\nZ3,Dev\n")
    plan = prepare_import({"influencers.csv": content}, demo_engine)
    counts = plan.counts.loc["influencers"]
    assert (counts["read"], counts["to_add"], counts["rejected"], counts["skipped"]) == (5, 2, 2, 1)
    warning = problems_of(plan, "warning").iloc[0]
    assert (warning["row"], warning["reason"]) == (3, "exact copy of row 2: skipped")
    errors = problems_of(plan, "error")
    assert errors["row"].tolist() == [4, 5]
    assert errors.iloc[0]["reason"] == "duplicate id: influencer_id 'Z2' is also on row 5"
    assert_same_state(demo_engine, before)


# ---------------------------------------------------------------------------------------------
# Referential integrity and payout arithmetic
# ---------------------------------------------------------------------------------------------

def test_unknown_references_are_errors_and_rejections_cascade(demo_engine):
    before = state(demo_engine)
    files = {
        "influencers.csv": csv("influencer_id,follower_count\nNEW1,100\nNEW2,-5\n"),
        "posts.csv": csv("post_id,influencer_id,date\nQ1,NEW1,2026-05-01\nQ2,NEW2,2026-05-01\n"
                         "Q3,INF9999,2026-05-01\nQ4,INF00001,2026-05-01\n"),
        "tracking.csv": csv("tracking_id,post_id,influencer_id,date\nT1,Q1,NEW1,2026-05-02\nT2,Q2,,2026-05-02\n"
                            "T3,P0000001,INF00002,2026-05-02\n"),
        "payouts.csv": csv("payout_id,influencer_id,post_id,basis,rate,orders,total_payout\n"
                           "Y1,NEW1,Q9,post,10,0,10\n"),
    }
    plan = prepare_import(files, demo_engine)
    errors = problems_of(plan, "error").set_index(["file", "row"])
    assert errors.loc[("influencers.csv", 3), "reason"] == "must be at least 0"
    assert errors.loc[("posts.csv", 3), "reason"] == "influencer's own row was rejected"
    assert "unknown influencer" in errors.loc[("posts.csv", 4), "reason"]
    assert errors.loc[("posts.csv", 4), "value"] == "INF9999"
    assert errors.loc[("tracking.csv", 3), "reason"] == "post's own row was rejected"
    assert "unknown post" in errors.loc[("payouts.csv", 2), "reason"]
    assert plan.counts["to_add"].to_dict() == {"influencers": 1, "posts": 2, "tracking_data": 2, "payouts": 0}
    assert_same_state(demo_engine, before)


def test_payout_arithmetic_warns_fills_and_rejects(demo_engine):
    posts = store.load_table(demo_engine, "posts", ["post_id", "influencer_id"])
    n_posts = int((posts["influencer_id"] == "INF00001").sum())
    content = csv(
        "payout_id,influencer_id,post_id,basis,rate,orders,cost_per_order,performance_bonus,total_payout\n"
        f"Y1,INF00001,,post,1000,0,,,{1000 * n_posts}\n"  # all the influencer's posts: fine
        "Y2,INF00001,P0000001,post,1000,0,,,1500\n"  # 500 off: warning
        "Y3,INF00001,P0000001,order,100,7,,,700.5\n"  # within 1 rupee: fine
        "Y4,INF00001,P0000001,hybrid,1000,10,50,200,\n"  # empty: computed 1000 + 500 + 200
        "Y5,INF00001,P0000001,,1000,10,,,\n"  # no basis, no total: cannot be computed
        "Y6,INF00001,P0000001,hybrid,1000,10,,,5000\n"  # no cost_per_order: not checkable, kept
    )
    plan = prepare_import({"payouts.csv": content}, demo_engine)
    by_row = plan.problems.set_index("row")
    assert by_row.loc[3, "severity"] == "warning" and "differs from its terms" in by_row.loc[3, "reason"]
    assert "+500.00" in by_row.loc[3, "reason"]
    assert by_row.loc[6, "severity"] == "error" and "cannot be computed" in by_row.loc[6, "reason"]
    assert set(by_row.index) == {3, 6}
    frame = plan.frames["payouts"].set_index("payout_id")
    assert frame.loc["Y4", "total_payout"] == 1700.0
    assert sorted(frame.index) == ["Y1", "Y2", "Y3", "Y4", "Y6"]


def test_expected_payout_formula():
    assert importer.expected_payout(["post", "order", "hybrid", "hybrid"], [100, 10, 100, 100], [5, 5, 5, 5],
                                    [3, 1, 2, 2], [None, None, 20, None], [0, 0, 50, 0]).tolist()[:3] == \
        [300.0, 50.0, 350.0]


# ---------------------------------------------------------------------------------------------
# Modes, commit, rollback, history and restore
# ---------------------------------------------------------------------------------------------

def test_append_adds_new_ids_and_refuses_stored_ones(demo_engine):
    content = csv("influencer_id,name,follower_count\nINF00001,Changed,10\nNEW1,New,2000000\n")
    plan = prepare_import({"influencers.csv": content}, demo_engine, mode="append")
    assert plan.counts.loc["influencers", ["to_add", "to_update", "rejected"]].tolist() == [1, 0, 1]
    assert "already stored: use upsert" in problems_of(plan, "error").iloc[0]["reason"]
    version = commit_import(plan, demo_engine, user="asha")
    assert version == store.data_version(demo_engine)
    stored = store.load_table(demo_engine, "influencers").set_index("influencer_id")
    assert stored.loc["NEW1", "tier"] == "Mega" and stored.loc["INF00001", "name"] != "Changed"
    history = store.import_history(demo_engine).iloc[0]
    assert (history["user"], history["mode"], history["action"], history["files"]) == (
        "asha", "append", "import", ["influencers.csv"])
    assert history["row_counts"]["influencers"] == {"read": 2, "added": 1, "updated": 0, "rejected": 1,
                                                    "skipped": 0}
    assert history["data_version"] == version


def test_upsert_updates_by_id_and_keeps_columns_the_file_lacks(demo_engine):
    before = store.load_table(demo_engine, "influencers").set_index("influencer_id")
    content = csv("influencer_id,name\nINF00001,Renamed\nNEW1,New\n")
    plan = prepare_import({"influencers.csv": content}, demo_engine, mode="upsert")
    assert plan.counts.loc["influencers", ["to_add", "to_update"]].tolist() == [1, 1]
    commit_import(plan, demo_engine)
    after = store.load_table(demo_engine, "influencers").set_index("influencer_id")
    assert len(after) == len(before) + 1
    assert after.loc["INF00001", "name"] == "Renamed"
    for column in ("follower_count", "platform", "tier", "category"):  # not in the file: kept
        assert after.loc["INF00001", column] == before.loc["INF00001", column]
    pd.testing.assert_frame_equal(after.drop(index=["INF00001", "NEW1"]), before.drop(index="INF00001"),
                                  check_dtype=False)


def test_replace_replaces_uploaded_tables_and_keeps_the_others(demo_engine, demo):
    payouts = demo.tables["payouts"].head(5)
    plan = prepare_import({"payouts.csv": to_csv_bytes(payouts)}, demo_engine, mode="replace")
    assert plan.counts.loc["payouts", "to_add"] == 5 and plan.can_commit
    commit_import(plan, demo_engine)
    assert sorted(store.load_table(demo_engine, "payouts")["payout_id"]) == sorted(payouts["payout_id"])
    assert len(store.load_table(demo_engine, "posts")) == len(demo.tables["posts"])


def test_replace_is_refused_when_kept_tables_would_lose_references_or_rows_have_errors(demo_engine, demo):
    before = state(demo_engine)
    some = demo.tables["influencers"].head(10)
    plan = prepare_import({"influencers.csv": to_csv_bytes(some)}, demo_engine, mode="replace")
    assert not plan.can_commit
    assert any("stored posts rows reference influencers missing" in reason for reason in plan.blocking)
    assert problems_of(plan, "error")["file"].tolist()[0].startswith("(stored ")
    with pytest.raises(ImportRejected, match="upload posts too"):
        commit_import(plan, demo_engine)

    broken = demo.tables["influencers"].copy()
    broken.loc[3, "follower_count"] = -1
    plan = prepare_import({"influencers.csv": to_csv_bytes(broken)}, demo_engine, mode="replace")
    assert any("replace needs a clean influencers file" in reason for reason in plan.blocking)
    with pytest.raises(ImportRejected):
        commit_import(plan, demo_engine)
    assert_same_state(demo_engine, before)


def test_failed_commit_rolls_back_everything(demo_engine, demo, monkeypatch):
    before = state(demo_engine)
    files = {f"{name}.csv": to_csv_bytes(frame.head(50)) for name, frame in demo.tables.items()}
    files["influencers.csv"] = to_csv_bytes(demo.tables["influencers"])
    files["posts.csv"] = to_csv_bytes(demo.tables["posts"])
    plan = prepare_import(files, demo_engine, mode="replace")
    assert plan.can_commit, plan.report()
    calls = []
    real = store._insert_frame

    def failing(conn, name, frame, chunk_rows):
        calls.append(name)
        if len(calls) == 3:  # influencers and posts already rewritten, snapshot taken
            raise RuntimeError("disk full")
        return real(conn, name, frame, chunk_rows)

    monkeypatch.setattr(store, "_insert_frame", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        commit_import(plan, demo_engine)
    assert len(calls) == 3
    assert_same_state(demo_engine, before)


def test_a_plan_checked_against_older_data_is_refused(demo_engine):
    first = prepare_import({"influencers.csv": INFLUENCERS_CSV}, demo_engine)
    other = prepare_import({"influencers.csv": csv("influencer_id\nN9\n")}, demo_engine)
    commit_import(other, demo_engine)
    before = state(demo_engine)
    with pytest.raises(ImportRejected, match="changed since"):
        commit_import(first, demo_engine)
    assert_same_state(demo_engine, before)


def test_restore_previous_undoes_imports_one_by_one(demo_engine, demo):
    original = state(demo_engine)
    # 1. replace tracking; 2. upsert influencers (1 update, 1 new); 3. append posts
    commit_import(prepare_import({"tracking.csv": to_csv_bytes(demo.tables["tracking_data"].head(20))},
                                 demo_engine, mode="replace"), demo_engine)
    after_first = state(demo_engine)
    commit_import(prepare_import({"influencers.csv": csv("influencer_id,name\nINF00001,Renamed\nNEW1,New\n")},
                                 demo_engine, mode="upsert"), demo_engine)
    after_second = state(demo_engine)
    commit_import(prepare_import({"posts.csv": csv("post_id,influencer_id,date\nQ1,NEW1,2026-05-01\n")},
                                 demo_engine), demo_engine)
    assert store.snapshot_ids(demo_engine) == [3, 2, 1]

    for expected in (after_second, after_first, original):
        version_before = store.data_version(demo_engine)
        version = importer.restore_previous(demo_engine, user="ops")
        assert version != version_before and version == store.data_version(demo_engine)
        restored = state(demo_engine)
        for name in ENTITIES:
            pd.testing.assert_frame_equal(restored[1][name], expected[1][name], check_dtype=False)
    history = store.import_history(demo_engine)
    assert history["action"].tolist() == ["restore"] * 3 + ["import"] * 3
    with pytest.raises(store.NothingToRestore):
        importer.restore_previous(demo_engine)


def test_at_most_n_snapshots_and_no_restore_across_other_writes(demo_engine, demo):
    for i in range(4):
        plan = prepare_import({"influencers.csv": csv(f"influencer_id\nK{i}\n")}, demo_engine)
        commit_import(plan, demo_engine, keep_snapshots=3)
    assert len(store.snapshot_ids(demo_engine)) == 3
    store.replace_dataset(demo_engine, demo.tables)  # a write that bypasses the importer
    before = state(demo_engine)
    with pytest.raises(store.StaleDataError, match="mix two datasets"):
        importer.restore_previous(demo_engine)
    assert_same_state(demo_engine, before)


# ---------------------------------------------------------------------------------------------
# Round trip: stored → export-raw CSVs → replace import → identical
# ---------------------------------------------------------------------------------------------

def test_round_trip_through_export_raw_is_identical(tmp_path, monkeypatch, capsys):
    source_url = f"sqlite:///{tmp_path / 'source.sqlite'}"
    target_url = f"sqlite:///{tmp_path / 'target.sqlite'}"
    source = store.make_engine(source_url)
    store.replace_dataset(source, generate_demo(n_influencers=40, n_posts=150, n_events=500, seed=11).tables)
    target = store.make_engine(target_url)
    store.replace_dataset(target, generate_demo(n_influencers=30, n_posts=100, n_events=300, seed=5).tables)

    monkeypatch.setenv("DATABASE_URL", source_url)
    assert cli_main(["export-raw", str(tmp_path / "raw")]) == 0
    capsys.readouterr()
    files = {p.name: p.read_bytes() for p in (tmp_path / "raw").iterdir()}
    plan = prepare_import(files, target, mode="replace")
    assert plan.problems.empty and plan.changes.empty, plan.report()
    commit_import(plan, target)

    _, source_tables, _, _ = state(source)
    _, target_tables, _, _ = state(target)
    for name in ENTITIES:
        pd.testing.assert_frame_equal(target_tables[name], source_tables[name], check_dtype=False)
    assert summary(Config(database_url=target_url), {}) == summary(Config(database_url=source_url), {})


def test_round_trip_through_one_workbook(tmp_path, demo):
    engine = store.make_engine(f"sqlite:///{tmp_path / 'book.sqlite'}")
    tables = {name: frame.head(40) for name, frame in demo.tables.items()}
    tables["influencers"] = demo.tables["influencers"]
    tables["posts"] = demo.tables["posts"]
    tables["payouts"] = demo.tables["payouts"][demo.tables["payouts"]["post_id"].notna()].head(40)
    book = to_xlsx_bytes(tables)
    plan = prepare_import({"export.xlsx": book}, engine, mode="replace")
    assert problems_of(plan, "error").empty, plan.report()
    commit_import(plan, engine)
    for name, frame in tables.items():
        key = ENTITIES[name].key
        stored = store.load_table(engine, name).sort_values(key).reset_index(drop=True)
        expected = frame.sort_values(key).reset_index(drop=True)
        for column in ENTITIES[name].column_names:
            a, b = stored[column], expected[column]
            if ENTITIES[name].column(column).kind in ("int", "float"):
                assert np.allclose(a.astype(float).fillna(-1), b.astype(float).fillna(-1)), (name, column)
            else:
                assert a.astype(str).tolist() == b.astype(str).tolist(), (name, column)


def test_problems_csv_is_a_download_safe_csv(demo_engine):
    plan = prepare_import({"posts.csv": csv("post_id,influencer_id,date\nQ1,=cmd|' /C calc'!A0,2026-05-01\n")},
                          demo_engine)
    data = plan.problems_csv()
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(frame.columns) == ["file", "row", "column", "value", "reason", "severity"]
    assert frame.loc[0, "value"].startswith("'=")
    assert json.dumps(plan.row_counts())  # plain JSON-ready numbers


# ---------------------------------------------------------------------------------------------
# The same commit, rollback and restore SQL on PostgreSQL (skipped without server binaries)
# ---------------------------------------------------------------------------------------------

def test_commit_rollback_and_restore_on_postgres(demo, monkeypatch):
    import shutil
    import tempfile

    pytest.importorskip("psycopg")
    from tests.dashboard.postgres import find_bin, temporary_postgres

    if find_bin() is None:
        pytest.skip("PostgreSQL server binaries not installed")
    folder = Path(tempfile.mkdtemp(prefix="dashboard-pg-import-"))
    try:
        with temporary_postgres(folder) as url:
            engine = store.make_engine(url)
            store.replace_dataset(engine, demo.tables)
            original = state(engine)
            files = {f"{name}.csv": to_csv_bytes(frame) for name, frame in demo.tables.items()}
            files["tracking_data.csv"] = to_csv_bytes(demo.tables["tracking_data"].head(100))
            plan = prepare_import(files, engine, mode="replace")
            assert plan.problems.empty, plan.report()

            real = store._insert_frame
            monkeypatch.setattr(store, "_insert_frame", lambda conn, name, *a: (_ for _ in ()).throw(
                RuntimeError("boom")) if name == "payouts" else real(conn, name, *a))
            with pytest.raises(RuntimeError, match="boom"):
                commit_import(plan, engine)
            assert_same_state(engine, original)
            monkeypatch.setattr(store, "_insert_frame", real)

            commit_import(plan, engine, user="pg")
            assert store.row_count(engine, "tracking_data") == 100
            upsert = prepare_import({"influencers.csv": csv("influencer_id,name\nINF00001,Renamed\nNEW1,New\n")},
                                    engine, mode="upsert")
            commit_import(upsert, engine)
            importer.restore_previous(engine)
            importer.restore_previous(engine)
            restored = state(engine)
            for name in ENTITIES:
                pd.testing.assert_frame_equal(restored[1][name], original[1][name], check_dtype=False)
            assert store.import_history(engine)["action"].tolist() == ["restore", "restore", "import", "import"]
            engine.dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_a_stray_far_right_cell_does_not_widen_the_table():
    import io

    import openpyxl

    from dashboard.importer import read_upload

    header = "influencer_id,name,category,gender,follower_count,platform"
    rows = "".join(f"INF{i:05d},Name {i},Fitness,M,{1000 + i},Instagram\n" for i in range(50))
    tables = read_upload("influencers.csv", (header + "," * 5000 + "\n" + rows).encode())
    assert tables["influencers"].shape == (50, 6)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "influencers"
    sheet.append(header.split(","))
    for i in range(50):
        sheet.append([f"INF{i:05d}", f"Name {i}", "Fitness", "M", 1000 + i, "Instagram"])
    sheet.cell(row=5, column=16384, value="stray")  # column XFD
    buffer = io.BytesIO()
    book.save(buffer)
    assert read_upload("influencers.xlsx", buffer.getvalue())["influencers"].shape == (50, 6)
