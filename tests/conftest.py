"""Shared fixtures: a demo database on disk and a Config pointing at it."""
import pytest

from dashboard import store
from dashboard.config import Config
from dashboard.demo import generate_demo

DEMO_SIZE = dict(n_influencers=75, n_posts=300, n_events=800, seed=7)


@pytest.fixture(scope="session")
def demo():
    return generate_demo(**DEMO_SIZE)


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory, demo):
    """A SQLite database holding the default-size demo dataset."""
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'demo.sqlite'}"
    engine = store.make_engine(url)
    store.replace_dataset(engine, demo.tables, meta={"demo_truth": demo.truth})
    engine.dispose()
    return url


@pytest.fixture
def config(demo_db):
    return Config(database_url=demo_db, targets={"roas": 3.0})


@pytest.fixture
def private_config(demo_db, tmp_path):
    """A Config on a private copy of the demo database, for tests that write to it."""
    import shutil

    source = demo_db.removeprefix("sqlite:///")
    target = tmp_path / "private.sqlite"
    shutil.copyfile(source, target)
    return Config(database_url=f"sqlite:///{target}", targets={"roas": 3.0})
