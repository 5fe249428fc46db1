"""dashboard.import_cli: `python -m dashboard import` exit codes, report text, nothing changed on rejection."""
import argparse

import pandas as pd
import pytest

from analytics.schema import ENTITIES
from dashboard import store
from dashboard.config import Config
from dashboard.import_cli import add_import_command, cmd_import


def parse(*argv):
    parser = argparse.ArgumentParser(prog="python -m dashboard")
    sub = parser.add_subparsers(dest="command", required=True)
    add_import_command(sub)
    return parser.parse_args(list(argv))


def run(config, *argv):
    return cmd_import(parse("import", *map(str, argv)), config)


def state(engine):
    return store.data_version(engine), {name: store.load_table(engine, name).sort_values(e.key).reset_index(drop=True)
                                        for name, e in ENTITIES.items()}


def assert_unchanged(engine, before):
    version, tables = state(engine)
    assert version == before[0]
    for name in tables:
        pd.testing.assert_frame_equal(tables[name], before[1][name], check_dtype=False)


@pytest.fixture
def db(tmp_path, demo):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    engine = store.make_engine(url)
    store.replace_dataset(engine, demo.tables)
    return Config(database_url=url), engine


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_parser_options():
    args = parse("import", "--entity", "tracking", "--mode", "upsert", "f.csv")
    assert (args.file, args.entity, args.mode, args.dry_run) == ("f.csv", "tracking", "upsert", False)
    assert parse("import", "f.csv").mode == "append"
    with pytest.raises(SystemExit):
        parse("import", "--mode", "merge", "f.csv")
    with pytest.raises(SystemExit):
        parse("import", "--entity", "orders", "f.csv")


def test_clean_file_is_imported(db, tmp_path, capsys):
    config, engine = db
    path = write(tmp_path, "new influencers.csv", "ID,Name,Followers,Platform\nNEW1, Asha ,\"1,50,000\",insta\n"
                                                  "NEW2,Bala,2000,yt\n")
    version = store.data_version(engine)
    assert run(config, path, "--user", "asha") == 0
    out = capsys.readouterr().out
    assert "influencers" in out and "to add" in out
    assert "trimmed spaces" in out and "canonical platform" in out
    assert "imported: 2 added, 0 updated" in out
    assert store.data_version(engine) != version
    stored = store.load_table(engine, "influencers").set_index("influencer_id")
    assert stored.loc["NEW1", ["name", "follower_count", "platform", "tier"]].tolist() == [
        "Asha", 150000, "Instagram", "Macro"]
    assert store.import_history(engine).iloc[0]["user"] == "asha"


def test_any_error_row_rejects_the_whole_file(db, tmp_path, capsys):
    config, engine = db
    before = state(engine)
    path = write(tmp_path, "influencers.csv", "influencer_id,follower_count,platform\nNEW1,100,Instagram\n"
                                              "NEW2,-5,Instagram\nNEW3,100,Facebook\n")
    problems = tmp_path / "problems.csv"
    assert run(config, path, "--problems", problems) == 1
    captured = capsys.readouterr()
    assert "Problems: 2 errors" in captured.out
    assert "influencers.csv row 3, follower_count = '-5': must be at least 0" in captured.out
    assert "influencers.csv row 4, platform = 'Facebook': must be one of" in captured.out
    assert "rejected: 2 problems with severity error" in captured.err and "nothing was imported" in captured.err
    assert pd.read_csv(problems, encoding="utf-8-sig")["row"].tolist() == [3, 4]
    assert_unchanged(engine, before)


@pytest.mark.parametrize("content, message", [
    (b"", "is empty"),
    (b"\x00\x01\x02binary\x00" * 50, "binary"),
    (b"influencer_id,name\n", "no data rows"),
    (b"name,category\nAsha,Fitness\n", "missing required column: influencer_id"),
])
def test_unreadable_files_exit_1_with_the_reason(db, tmp_path, capsys, content, message):
    config, engine = db
    before = state(engine)
    path = tmp_path / "influencers.csv"
    path.write_bytes(content)
    assert run(config, path) == 1
    err = capsys.readouterr().err
    assert err.startswith("rejected: influencers.csv:") and message in err and "Nothing was imported" in err
    assert_unchanged(engine, before)


def test_unknown_reference_rejects_the_file(db, tmp_path, capsys):
    config, engine = db
    before = state(engine)
    path = write(tmp_path, "posts.csv", "post_id,influencer_id,date\nQ1,INF00001,2026-05-01\nQ2,NOBODY,2026-05-01\n")
    assert run(config, path) == 1
    assert "unknown influencer" in capsys.readouterr().out
    assert_unchanged(engine, before)


def test_entity_option_modes_and_dry_run(db, tmp_path, capsys):
    config, engine = db
    path = write(tmp_path, "export.csv", "influencer_id,name\nINF00001,Renamed\nNEW1,New\n")
    assert run(config, path) == 1  # which table is it?
    assert "cannot tell which table" in capsys.readouterr().err

    before = state(engine)
    assert run(config, path, "--entity", "influencers", "--mode", "upsert", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "dry run: nothing was imported" in out
    assert_unchanged(engine, before)

    assert run(config, path, "--entity", "influencers") == 1  # append: INF00001 is stored
    assert "already stored: use upsert" in capsys.readouterr().out
    assert_unchanged(engine, before)

    assert run(config, path, "--entity", "influencers", "--mode", "upsert") == 0
    assert "imported: 1 added, 1 updated" in capsys.readouterr().out
    stored = store.load_table(engine, "influencers").set_index("influencer_id")
    assert stored.loc["INF00001", "name"] == "Renamed" and "NEW1" in stored.index


def test_replace_mode_that_would_orphan_stored_rows_is_refused(db, tmp_path, capsys):
    config, engine = db
    before = state(engine)
    path = write(tmp_path, "influencers.csv", "influencer_id,name\nONLY1,Only\n")
    assert run(config, path, "--mode", "replace") == 1
    captured = capsys.readouterr()
    assert "Cannot be imported" in captured.out and "upload posts too" in captured.out
    assert_unchanged(engine, before)


def test_warnings_do_not_stop_an_import(db, tmp_path, capsys):
    config, engine = db
    path = write(tmp_path, "payouts.csv", "payout_id,influencer_id,post_id,basis,rate,orders,total_payout\n"
                                          "Y1,INF00001,P0000001,post,1000,0,1200\n")
    assert run(config, path) == 0
    out = capsys.readouterr().out
    assert "0 errors, 1 warning" in out and "differs from its terms" in out and "imported: 1 added" in out


def test_missing_file_exits_2(db, tmp_path, capsys):
    config, _ = db
    assert run(config, tmp_path / "nope.csv") == 2
    assert "cannot open" in capsys.readouterr().err
