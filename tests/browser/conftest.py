import pytest


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def app(config):
    """The app on the shared demo database (read only)."""
    from dashboard.app import create_app

    return create_app(config)


@pytest.fixture
def private_app(private_config):
    """The app on a private copy of the demo database, for tests that write (imports, assumptions)."""
    from dashboard.app import create_app

    return create_app(private_config)
