import pandas as pd
import pytest
import sqlalchemy as sa

from analytics.schema import ENTITIES
from dashboard import store


@pytest.fixture
def engine(tmp_path):
    engine = store.make_engine(f"sqlite:///{tmp_path / 'sub' / 'x.sqlite'}")  # folder is created
    store.create_schema(engine)
    return engine


def test_empty_database_has_a_version_and_is_empty(engine):
    assert store.is_empty(engine)
    assert store.data_version(engine) == "empty"


def test_round_trip_keeps_values_and_types(engine, demo):
    version = store.replace_dataset(engine, demo.tables)
    assert store.data_version(engine) == version and not store.is_empty(engine)
    for name, frame in demo.tables.items():
        loaded = store.load_table(engine, name)
        assert list(loaded.columns) == ENTITIES[name].column_names
        assert len(loaded) == len(frame)
        key = ENTITIES[name].key
        a = loaded.sort_values(key).reset_index(drop=True)
        b = frame.sort_values(key).reset_index(drop=True)
        for column in ENTITIES[name].column_names:
            kind = ENTITIES[name].column(column).kind
            if kind in ("int", "float"):
                assert a[column].astype(float).fillna(-1).tolist() == pytest.approx(
                    b[column].astype(float).fillna(-1).tolist()), (name, column)
            elif kind in ("date", "datetime"):
                assert (pd.to_datetime(a[column]) == pd.to_datetime(b[column])).all(), (name, column)
            else:
                assert a[column].fillna("∅").astype(str).tolist() == b[column].fillna("∅").astype(str).tolist()


def test_every_write_changes_the_version(engine, demo):
    first = store.replace_dataset(engine, demo.tables)
    second = store.replace_dataset(engine, demo.tables)
    assert first != second


def test_failed_write_changes_nothing(engine, demo):
    version = store.replace_dataset(engine, demo.tables)
    broken = dict(demo.tables)
    posts = demo.tables["posts"]
    broken["posts"] = pd.concat([posts, posts.head(1)])  # duplicate post_id violates the primary key
    with pytest.raises(sa.exc.IntegrityError):
        store.replace_dataset(engine, broken)
    assert store.data_version(engine) == version
    assert len(store.load_table(engine, "posts")) == len(posts)
    assert len(store.load_table(engine, "tracking_data")) == len(demo.tables["tracking_data"])


def test_load_selected_columns(engine, demo):
    store.replace_dataset(engine, demo.tables)
    frame = store.load_table(engine, "posts", ["post_id", "date"])
    assert list(frame.columns) == ["post_id", "date"]
    assert pd.api.types.is_datetime64_any_dtype(frame["date"])
