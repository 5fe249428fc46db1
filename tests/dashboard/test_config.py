import pytest

from dashboard.config import Config, parse_targets


def test_defaults_need_no_environment(tmp_path):
    config = Config.from_env({"DATA_DIR": str(tmp_path)})
    assert config.database_url == f"sqlite:///{tmp_path / 'dashboard.sqlite'}"
    assert (config.host, config.port) == ("127.0.0.1", 8050)
    assert config.targets == {"roas": 3.0}


def test_environment_overrides():
    config = Config.from_env({"DATABASE_URL": "postgresql+psycopg://u@h/db", "HOST": "0.0.0.0", "PORT": "9000",
                              "TARGETS": "roas=2.5,aov=1500", "CACHE_TYPE": "FileSystemCache",
                              "CACHE_DIR": "/tmp/c"})
    assert config.database_url.startswith("postgresql")
    assert (config.host, config.port) == ("0.0.0.0", 9000)
    assert config.targets == {"roas": 2.5, "aov": 1500.0}
    assert (config.cache_type, config.cache_dir) == ("FileSystemCache", "/tmp/c")


def test_unknown_target_is_rejected():
    with pytest.raises(ValueError, match="unknown KPI 'rosa'"):
        parse_targets("rosa=3")


def test_margin_bands_and_seasonality_from_the_environment():
    config = Config.from_env({"MARGIN_BANDS": "0.6,0.2", "SEASONALITY": "q4=0.4"})
    assert config.margin_bands == (0.6, 0.2)
    assert config.seasonality == {"q1": 0.0, "q2": 0.0, "q3": 0.0, "q4": 0.4}
    with pytest.raises(ValueError, match="MARGIN_BANDS"):
        Config.from_env({"MARGIN_BANDS": "0.2,0.6"})
    with pytest.raises(ValueError, match="SEASONALITY"):
        Config.from_env({"SEASONALITY": "q5=0.1"})


def test_configured_margin_bands_reach_the_product_hub(private_config):
    from dataclasses import replace

    from dashboard.app import create_app

    service = create_app(replace(private_config, margin_bands=(0.99, 0.98))).server.config["DASHBOARD_SERVICE"]
    table = service.products(service.clean({}))["table"]
    assert set(table["margin_band"]) == {"Low"}  # every demo margin is below 98%
