import json
import subprocess
import sys

import pandas as pd
import pytest

from dashboard.cli import main


@pytest.fixture
def empty_db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def run_json(capsys, *args):
    assert main(list(args)) == 0
    return json.loads(capsys.readouterr().out)


def test_demo_then_summary_and_refusal_to_overwrite(empty_db, capsys):
    assert main(["demo", "--influencers", "40", "--posts", "150", "--events", "500", "--seed", "3"]) == 0
    assert "150 posts" in capsys.readouterr().out
    assert main(["demo"]) == 1
    assert "--replace" in capsys.readouterr().err

    everything = run_json(capsys, "summary", "--json")
    assert set(everything) >= {"revenue", "spend", "roas", "orders", "aov", "profit", "by_brand"}
    assert everything["roas"] == pytest.approx(everything["revenue"] / everything["spend"])
    assert sum(b["revenue"] for b in everything["by_brand"].values()) == pytest.approx(everything["revenue"])

    brand = sorted(everything["by_brand"])[0]
    one = run_json(capsys, "summary", "--json", "--brand", brand)
    assert one["revenue"] == pytest.approx(everything["by_brand"][brand]["revenue"])
    assert list(one["by_brand"]) == [brand]

    micro_youtube = run_json(capsys, "summary", "--json", "--tier", "Micro", "--platform", "YouTube")
    assert micro_youtube["revenue"] <= everything["revenue"]


def test_export_raw_writes_the_four_tables(empty_db, tmp_path, capsys):
    main(["demo", "--seed", "5"])
    capsys.readouterr()
    out = tmp_path / "export"
    assert main(["export-raw", str(out)]) == 0
    assert "tracking_data.csv: 800 rows" in capsys.readouterr().out
    files = {p.name for p in out.iterdir()}
    assert files == {"influencers.csv", "posts.csv", "tracking_data.csv", "payouts.csv"}
    tracking = pd.read_csv(out / "tracking_data.csv")
    assert len(tracking) == 800
    summary = run_json(capsys, "summary", "--json")
    # revenue once per order (the demo's order ids), straight from the exported file
    assert summary["revenue"] == pytest.approx(tracking.drop_duplicates("order_id")["revenue"].sum())


def test_module_entry_point_prints_help():
    result = subprocess.run([sys.executable, "-m", "dashboard", "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    for command in ("run", "serve", "demo", "summary", "export-raw"):
        assert command in result.stdout


def test_bad_targets_configuration_is_a_clear_error(monkeypatch, capsys):
    monkeypatch.setenv("TARGETS", "roas=three")
    assert main(["summary"]) == 2
    assert "TARGETS" in capsys.readouterr().err
