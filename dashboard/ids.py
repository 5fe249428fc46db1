"""Every component id, in one place, so layouts, callbacks and tests agree."""

URL = "url"
FILTERS = "filters"  # dcc.Store: the shared filter spec (JSON)
PAGE = "page-content"
SECTION_SHOWN = "section-shown"  # dcc.Store: path of the section on screen
NAV_OVERVIEW = "nav-overview"
NAV_INCREMENTALITY = "nav-incrementality"
NAV_PRODUCTS = "nav-products"
NAV_ATTRIBUTION = "nav-attribution"
NAV_DATA = "nav-data"
DOWNLOAD = "download"  # the one dcc.Download every export goes through
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
OV_WORKBOOK = "overview-workbook"  # performance summary workbook download

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

# Data management
DM_ENTITY = "data-entity"
DM_MODE = "data-mode"
DM_UPLOAD = "data-upload"
DM_LIMIT = "data-limit"  # dcc.Store: largest upload in bytes
DM_CHECKED = "data-checked"  # dcc.Store: uploads that passed the size check in the browser
DM_SIZE_MESSAGE = "data-size-message"
DM_REPORT = "data-report"
DM_COUNTS = "data-counts"
DM_PROBLEMS = "data-problems"
DM_COMMIT = "data-commit"
DM_CANCEL = "data-cancel"
DM_PROBLEMS_CSV = "data-problems-csv"
DM_CHANGES_CSV = "data-changes-csv"
DM_MESSAGE = "data-message"
DM_PLAN = "data-plan"  # dcc.Store: token of the checked, not yet committed import
DM_TEMPLATE_ENTITY = "data-template-entity"
DM_TEMPLATE_CSV = "data-template-csv"
DM_TEMPLATE_XLSX = "data-template-xlsx"
DM_HISTORY = "data-history"
DM_RESTORE = "data-restore"
DM_RESTORE_CONFIRM = "data-restore-confirm"
DM_RESTORE_MESSAGE = "data-restore-message"
DM_QUALITY = "data-quality"
DM_QUALITY_ISSUES = "data-quality-issues"
DM_QUALITY_COVERAGE = "data-quality-coverage"
EXPORT = "export"  # pattern-matching type of the grid export buttons


CHART_DOWNLOAD = "chart-download"  # pattern-matching type of the chart PNG/HTML buttons
CHART_EXPORT = "chart-export"  # dcc.Store: a chart's figure on its way to an HTML download


def chart_download(graph: str, fmt: str) -> dict:
    """Id of a chart's download button: {"type": CHART_DOWNLOAD, "graph": graph, "fmt": "png" | "html"}."""
    return {"type": CHART_DOWNLOAD, "graph": graph, "fmt": fmt}


def export_button(grid: str, fmt: str) -> dict:
    """Id of a grid's export button: {"type": EXPORT, "grid": grid, "fmt": "csv" | "xlsx"}."""
    return {"type": EXPORT, "grid": grid, "fmt": fmt}


def setting(name: str) -> dict:
    """Id of one assumption input (pattern-matching: {"type": SETTING, "name": name})."""
    return {"type": SETTING, "name": name}


def kpi(name: str) -> str:
    """Id of one KPI card's value (e.g. kpi('revenue'))."""
    return f"kpi-{name}"
