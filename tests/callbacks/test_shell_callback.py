from dash import no_update

from callbacks.shell import nav_links, render_section
from layouts.shell import SECTIONS


def test_unknown_path_shows_the_home_section_once():
    content, shown = render_section("/nope", None)
    assert shown == "/" and content is not None
    assert render_section("/", "/") == (no_update, no_update)  # same section: keep what is on screen


def test_nav_links_carry_the_filters():
    hrefs, active = nav_links("/", "?brand=Gritzo")
    assert hrefs == tuple(s.path + "?brand=Gritzo" for s in SECTIONS)
    assert active[0] is True and sum(active) == 1
