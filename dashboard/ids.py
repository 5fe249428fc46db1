"""Every component id, in one place, so layouts, callbacks and tests agree."""

URL = "url"
FILTERS = "filters"  # dcc.Store: the shared filter spec (JSON)
PAGE = "page-content"
SECTION_SHOWN = "section-shown"  # dcc.Store: path of the section on screen
NAV_OVERVIEW = "nav-overview"
ERROR_TOAST = "error-toast"  # shown when a callback fails (the browser never sees a traceback)

# Filter bar
F_BRAND = "filter-brand"
F_PLATFORM = "filter-platform"
F_TIER = "filter-tier"
F_CATEGORY = "filter-category"
F_PRICE = "filter-price"
F_MIN_ROAS = "filter-min-roas"
F_DATES = "filter-dates"
F_RESET = "filter-reset"
F_SUMMARY = "filter-summary"
F_TOGGLE = "filter-toggle"  # shows / hides the filters on a phone
F_BODY = "filter-body"

# Campaign Overview
OV_PERIOD = "overview-period"
OV_KPIS = "overview-kpis"
OV_BY_BRAND = "overview-by-brand"
OV_BY_PLATFORM = "overview-by-platform"
OV_BY_TIER = "overview-by-tier"
OV_TREND = "overview-trend"
OV_GRANULARITY = "overview-granularity"
OV_TOP = "overview-top-influencers"
OV_TOP_TITLE = "overview-top-title"


def kpi(name: str) -> str:
    """Id of one KPI card's value (e.g. kpi('revenue'))."""
    return f"kpi-{name}"
