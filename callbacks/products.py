"""Product Performance Hub: filter store → ranking grid, category, price and margin charts, launches, best sellers."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, html

from callbacks import figures
from callbacks import format as fmt
from callbacks.format import grid_records
from dashboard import ids

RANKING_FIELDS = ("product", "brand", "category", "score", "price", "margin_band", "revenue", "spend", "roas",
                  "profit_roas", "profit", "orders", "share_of_revenue")


def ranking_rows(table: pd.DataFrame) -> list[dict]:
    ranked = table.sort_values("score", ascending=False, kind="stable").reset_index(drop=True)
    rows = grid_records(ranked, RANKING_FIELDS)
    for i, row in enumerate(rows, start=1):
        row["rank"] = i
    return rows


def product_options(table: pd.DataFrame) -> list[dict]:
    return [{"label": f"{row.product} ({row.brand})", "value": f"{row.brand}\x1f{row.product}"}
            for row in table.itertuples()]


def launch_summary(launch) -> list:
    if launch is None:
        return [html.P("No data for these filters.", className="text-muted")]
    groups = launch.groups.set_index("status")
    cards = []
    for status in ("New", "Established"):
        g = groups.loc[status]
        cards.append(dbc.Col(html.Div([
            html.Div(f"{status} ({int(g['products'])} products)", className="kpi-title"),
            html.Div(fmt.money(g["revenue"]), className="kpi-value"),
            html.Div(f"ROAS {fmt.ratio(g['roas'])} · {fmt.percent(g['share_of_revenue'])} of revenue",
                     className="kpi-line text-muted"),
        ]), xs=6))
    new = launch.products[launch.products["status"] == "New"]
    listing = ", ".join(f"{p} (first promoted {fmt.day(pd.Timestamp(d).date().isoformat())})"
                        for p, d in zip(new["product"], new["first_promoted"])) or "none"
    return [dbc.Row(cards, class_name="mb-2"),
            html.P(f"New products as of {fmt.day(launch.as_of.isoformat())}: {listing}.", className="small mb-0")]


def render_products(view: dict, attribution: str = "", bands: str = "") -> tuple:
    table = view["table"]
    subtitle = (f"{len(table)} products · ranking, ROAS and margins under the selected filters · {attribution}"
                + (f" · margin bands (assumption): {bands}" if bands else "")
                if len(table) else "No data for these filters")
    return (subtitle, ranking_rows(table), figures.category_figure(view["categories"]),
            figures.band_figure(view["bands"]), product_options(table))


def register(app, service) -> None:
    @app.callback(
        Output(ids.PR_SUBTITLE, "children"), Output(ids.PR_RANKING, "rowData"), Output(ids.PR_CATEGORIES, "figure"),
        Output(ids.PR_BANDS, "figure"), Output(ids.PR_PRODUCT, "options"),
        Input(ids.FILTERS, "data"),
    )
    def _refresh(filters):
        spec = service.clean(filters)
        return render_products(service.products(spec), fmt.attribution(spec.model, service.attribution_settings()),
                               ", ".join(f"{band} {text}" for band, text in service.margin_bands().describe().items()))

    @app.callback(Output(ids.PR_PRICE, "figure"), Input(ids.FILTERS, "data"), Input(ids.PR_PRICE_Y, "value"))
    def _price(filters, y):
        view = service.products(service.clean(filters))
        return figures.price_figure(view["price"], "roas" if y == "roas" else "revenue")

    @app.callback(Output(ids.PR_LAUNCH, "children"), Input(ids.FILTERS, "data"), Input(ids.PR_LAUNCH_DAYS, "value"))
    def _launch(filters, days):
        days = int(days) if days and int(days) >= 1 else 60
        return launch_summary(service.launches(service.clean(filters), min(days, 365)))

    @app.callback(Output(ids.PR_PRODUCT, "value"), Input(ids.PR_PRODUCT, "options"), Input(ids.PR_PRODUCT, "value"))
    def _default_product(options, value):
        values = [o["value"] for o in options or []]
        return value if value in values else (values[0] if values else None)

    @app.callback(Output(ids.PR_BEST, "rowData"), Input(ids.FILTERS, "data"), Input(ids.PR_PRODUCT, "value"))
    def _best(filters, choice):
        if not choice or "\x1f" not in choice:
            return []
        brand, product = choice.split("\x1f", 1)
        table = service.best_influencers(service.clean(filters), brand, product)
        return grid_records(table, ("name", "platform", "tier", "revenue", "orders", "spend", "roas"))
