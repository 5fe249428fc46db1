"""The same store and analytics code on PostgreSQL gives the same figures as on SQLite."""
import shutil
import tempfile
from pathlib import Path

import pytest

from dashboard import store
from dashboard.cli import summary
from dashboard.config import Config
from tests.dashboard.postgres import find_bin, temporary_postgres

pytest.importorskip("psycopg")
pytestmark = pytest.mark.skipif(find_bin() is None, reason="PostgreSQL server binaries not installed")


@pytest.fixture(scope="module")
def postgres_url():
    # Not pytest's tmp_path: its parents are private to root, and the server runs as `postgres`.
    folder = Path(tempfile.mkdtemp(prefix="dashboard-pg-"))
    try:
        with temporary_postgres(folder) as url:
            yield url
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_store_and_summary_match_sqlite(postgres_url, demo, demo_db):
    engine = store.make_engine(postgres_url)
    store.create_schema(engine)
    assert store.is_empty(engine)
    version = store.replace_dataset(engine, demo.tables)
    assert store.data_version(engine) == version
    for name, frame in demo.tables.items():
        assert len(store.load_table(engine, name)) == len(frame)
    on_postgres = summary(Config(database_url=postgres_url), {"tier": ["Micro", "Macro"]})
    on_sqlite = summary(Config(database_url=demo_db), {"tier": ["Micro", "Macro"]})
    for key in ("revenue", "spend", "roas", "orders", "aov", "profit"):
        assert on_postgres[key] == pytest.approx(on_sqlite[key]), key
    assert on_postgres["by_brand"].keys() == on_sqlite["by_brand"].keys()
    engine.dispose()
