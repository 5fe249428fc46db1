from dash import no_update

from callbacks.shell import nav_links, render_section
from dashboard.config import Config
from layouts.shell import SECTIONS


def test_unknown_path_shows_the_home_section_once():
    config = Config(database_url="sqlite://", max_upload_bytes=5 * 2**20)
    content, shown = render_section("/nope", None, config)
    assert shown == "/" and content is not None
    assert render_section("/", "/", config) == (no_update, no_update)  # same section: keep what is on screen
    data, _ = render_section("/data", "/", config)
    assert "files up to 5 MB" in str(data)


def test_nav_links_carry_the_filters():
    hrefs, active = nav_links("/", "?brand=Gritzo")
    assert hrefs == tuple(s.path + "?brand=Gritzo" for s in SECTIONS)
    assert active[0] is True and sum(active) == 1
