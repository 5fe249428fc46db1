"""Every component id, in one place, so layouts, callbacks and tests agree."""

URL = "url"
FILTERS = "filters"  # dcc.Store: the shared filter spec (JSON)
PAGE = "page-content"
SECTION_SHOWN = "section-shown"  # dcc.Store: path of the section on screen
NAV_OVERVIEW = "nav-overview"
NAV_INCREMENTALITY = "nav-incrementality"
NAV_PRODUCTS = "nav-products"
NAV_ATTRIBUTION = "nav-attribution"
NAV_ADVANCED = "nav-advanced"
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
F_MODEL = "filter-model"  # attribution model
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

OV_LIFT = "overview-lift"  # the incremental lift KPI card

# Incremental ROAS Center
INC_SUBTITLE = "inc-subtitle"
INC_ALERTS = "inc-alerts"
INC_ABS = "inc-abs"
INC_REL = "inc-rel"
INC_IROAS = "inc-iroas"
INC_REVENUE = "inc-revenue"
INC_READING = "inc-reading"
INC_MEANS = "inc-means"
INC_TIERS = "inc-tiers"
INC_SEGMENT_BY = "inc-segment-by"
INC_FOREST = "inc-forest"
INC_SEGMENTS = "inc-segments"
INC_HEALTH = "inc-health"
INC_PLAN_SHARE = "inc-plan-share"
INC_PLAN_UNITS = "inc-plan-units"
INC_PLAN_TARGET = "inc-plan-target"
INC_PLAN_ANSWER = "inc-plan-answer"

# Product Performance Hub
PR_SUBTITLE = "products-subtitle"
PR_RANKING = "products-ranking"
PR_CATEGORIES = "products-categories"
PR_PRICE = "products-price"
PR_PRICE_Y = "products-price-y"
PR_BANDS = "products-bands"
PR_LAUNCH_DAYS = "products-launch-days"
PR_LAUNCH = "products-launch"
PR_PRODUCT = "products-product"
PR_BEST = "products-best"

# Attribution models and assumptions
AT_SUBTITLE = "attribution-subtitle"
AT_TOTALS = "attribution-totals"
AT_PLATFORM = "attribution-platform"
AT_TIER = "attribution-tier"
AT_SHIFT = "attribution-shift"
AT_SAVE = "attribution-save"
AT_DEFAULTS = "attribution-defaults"
AT_MESSAGE = "attribution-message"
AT_STATS = "attribution-stats"
SETTING = "attribution-setting"  # pattern-matching type of the assumption inputs

# Advanced analytics
AD_SUBTITLE = "advanced-subtitle"
AD_BRANDS = "advanced-brands"
AD_PLATFORMS = "advanced-platforms"
AD_TIERS = "advanced-tiers"
AD_TIER_TEXT = "advanced-tier-text"
AD_METRIC = "advanced-metric"
AD_GRANULARITY = "advanced-granularity"
AD_SEASONALITY = "advanced-seasonality"
AD_FORECAST = "advanced-forecast"
AD_FORECAST_TEXT = "advanced-forecast-text"


def setting(name: str) -> dict:
    """Id of one assumption input (pattern-matching: {"type": SETTING, "name": name})."""
    return {"type": SETTING, "name": name}


def kpi(name: str) -> str:
    """Id of one KPI card's value (e.g. kpi('revenue'))."""
    return f"kpi-{name}"
