"""dashboard.exports: formula-safe CSV/XLSX bytes and safe download names."""
import io
import re
from datetime import date

import openpyxl
import pandas as pd
import pytest

from dashboard import importer, store
from dashboard.exports import export_filename, neutralise_formulas, to_csv_bytes, to_xlsx_bytes

RISKY = ["=1+1", "+SUM(A1:A3)", "-2+3", "@cmd", "\tTAB", "\rCR", "=cmd|' /C calc'!A0"]


def frame_with_risky_text():
    return pd.DataFrame({
        "text": pd.Series(RISKY + ["plain", None], dtype="str"),
        "objects": pd.Series(RISKY + [-5, 3.5], dtype=object),  # numbers in an object column stay numbers
        "amount": [-1.5] * 7 + [2.0, -3.0],
        "count": [-1] * 9,
    })


def test_csv_neutralises_text_and_keeps_numbers():
    data = to_csv_bytes(frame_with_risky_text())
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", keep_default_na=False)
    for column in ("text", "objects"):
        assert back[column].tolist()[:7] == ["'" + value for value in RISKY]
    assert back["text"].tolist()[7:] == ["plain", ""]
    assert back["objects"].tolist()[7:] == ["-5", "3.5"]
    assert back["amount"].tolist() == [-1.5] * 7 + [2.0, -3.0]
    assert back["count"].tolist() == [-1] * 9
    assert "'" not in data.decode("utf-8-sig").splitlines()[0]


def test_csv_headers_are_neutralised_and_bom_optional():
    data = to_csv_bytes(pd.DataFrame({"=evil": [1]}), bom=False)
    assert data == b"'=evil\r\n1\r\n"


def test_xlsx_cells_are_text_with_a_leading_quote_and_numbers_stay_numbers():
    data = to_xlsx_bytes({"Top influencers": frame_with_risky_text(), "Other": pd.DataFrame({"x": ["=A1"]})})
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Top influencers", "Other"]
    sheet = book["Top influencers"]
    for row in range(2, 9):
        for col in (1, 2):
            cell = sheet.cell(row=row, column=col)
            assert cell.data_type == "s" and cell.value.startswith("'"), (row, col, cell.value)
    assert sheet.cell(row=2, column=3).value == -1.5 and sheet.cell(row=2, column=3).data_type == "n"
    assert sheet.cell(row=9, column=2).value == -5 and sheet.cell(row=9, column=2).data_type == "n"
    assert book["Other"]["A2"].value == "'=A1"
    formulas = [c.coordinate for ws in book for r in ws.iter_rows() for c in r if c.data_type == "f"]
    assert formulas == []


def test_xlsx_survives_control_characters_time_zones_and_bad_sheet_names():
    frame = pd.DataFrame({"text": ["bell\x07 and nul\x00"], "when": pd.to_datetime(["2026-05-03 10:00"]).tz_localize(
        "Asia/Kolkata")})
    data = to_xlsx_bytes({"a/b:c*d?[e]" * 4: frame, "A/B:C*D?[E]" * 4: frame})
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert all(len(name) <= 31 and not re.search(r"[\[\]:*?/\\]", name) for name in book.sheetnames)
    assert len(set(n.lower() for n in book.sheetnames)) == 2
    sheet = book.worksheets[0]
    assert sheet["A2"].value == "bell and nul"
    assert sheet["B2"].value.hour == 10


def test_neutralise_does_not_touch_the_input():
    frame = pd.DataFrame({"a": ["=x"]})
    out = neutralise_formulas(frame)
    assert frame["a"].tolist() == ["=x"] and out["a"].tolist() == ["'=x"]


def test_export_filename_carries_section_filters_and_date():
    name = export_filename("Top influencers", "Brand: MuscleBlaze; Platform: Instagram", date(2026, 5, 3), "csv")
    assert name == "influencer-roi_Top-influencers_Brand-MuscleBlaze-Platform-Instagram_2026-05-03.csv"
    assert export_filename("overview", None, "2026-05-03", ".XLSX") == "influencer-roi_overview_2026-05-03.xlsx"
    assert export_filename("overview", {"brand": ["HKVitals", "Gritzo"], "tier": None}, "2026-05-03") == \
        "influencer-roi_overview_brand-HKVitals-Gritzo_2026-05-03.csv"


@pytest.mark.parametrize("section, filters", [
    ("../../etc/passwd", "a/b\\c"), (".hidden", "\x00\n\r"), ("प्रभावक", "ब्रांड: एक"), ("x" * 500, "y" * 500),
])
def test_export_filename_is_always_safe(section, filters):
    name = export_filename(section, filters, "2026-05-03", "csv/../x")
    assert re.fullmatch(r"[A-Za-z0-9._-]+", name), name
    assert not name.startswith(".") and ".." not in name and len(name) <= 180
    assert name.endswith("_2026-05-03.csvx")


def test_long_filter_summaries_stay_distinct():
    first = export_filename("grid", "brand: " + "A" * 300 + "1", "2026-05-03")
    second = export_filename("grid", "brand: " + "A" * 300 + "2", "2026-05-03")
    assert first != second and len(first) < 180


def test_export_filename_defaults_to_today():
    assert export_filename("overview").endswith(f"_{date.today().isoformat()}.csv")


def test_an_exported_file_imports_back_to_the_original_text(tmp_path):
    engine = store.make_engine(f"sqlite:///{tmp_path / 'x.sqlite'}")
    frame = pd.DataFrame({"influencer_id": ["N1", "N2"], "name": ["=HYPERLINK(\"http://evil\")", "-Asha-"],
                          "follower_count": [1000, 2000]})
    plan = importer.prepare_import({"influencers.csv": to_csv_bytes(frame)}, engine)
    assert plan.frames["influencers"]["name"].tolist() == frame["name"].tolist()
    plan = importer.prepare_import({"influencers.xlsx": to_xlsx_bytes({"influencers": frame})}, engine)
    assert plan.frames["influencers"]["name"].tolist() == frame["name"].tolist()


def test_control_characters_cannot_hide_a_formula():
    import io

    import openpyxl

    from dashboard.exports import to_csv_bytes, to_xlsx_bytes

    frame = pd.DataFrame({"name": ["\x01=HYPERLINK(\"http://evil.example\")", "ok"],
                          "brand": pd.Categorical(["=1+1", "fine"])})
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes({"s": frame})))
    cells = [book["s"].cell(row=r, column=c) for r in (2, 3) for c in (1, 2)]
    assert all(cell.data_type != "f" for cell in cells)
    assert book["s"].cell(row=2, column=1).value.startswith("'=") and book["s"].cell(row=2, column=2).value == "'=1+1"
    text = to_csv_bytes(frame).decode("utf-8-sig")
    assert "'\x01=HYPERLINK" in text and "'=1+1" in text
