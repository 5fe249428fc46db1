"""Incremental ROAS Center: filter store → lift cards, reading, charts, segments, health, planner."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, html

from analytics.incrementality import plain_language
from analytics.lift_report import SEGMENT_DIMENSIONS, LiftReport, TestPlan
from callbacks import figures
from callbacks import format as fmt
from dashboard import ids


def _interval(low, high, formatter) -> str:
    return f"{formatter(low)} to {formatter(high)}"


def lift_cards(report: LiftReport) -> tuple:
    """(value, CI line) for lift per post, relative lift, iROAS and incremental revenue."""
    level = f"{report.confidence} CI"
    if not report.has_control:
        organic = report.organic
        assumed = "assumed, not measured"
        return ("—", "no control group", "—", "no control group",
                fmt.ratio(organic.iroas) if organic else "—", f"{assumed}: {organic.organic_share:.0%} organic"
                if organic else assumed, fmt.money(organic.incremental_revenue) if organic else "—", assumed)
    r = report.overall
    c = r.comparison
    if c.abs_lift is None:
        return ("—", c.message, "—", "", "—", "", "—", "")
    rel_value = fmt.percent(c.rel_lift, signed=True) if c.rel_lift is not None else "—"
    rel_ci = (f"{level}: {_interval(*c.rel_lift_ci, lambda v: fmt.percent(v, signed=True))}"
              if c.rel_lift_ci else "not estimable: control mean too close to 0")
    return (
        fmt.money(c.abs_lift), f"{level}: {_interval(*c.abs_lift_ci, fmt.money)}" if c.abs_lift_ci else "",
        rel_value, rel_ci,
        fmt.ratio(r.iroas), f"{level}: {_interval(*r.iroas_ci, fmt.ratio)}" if r.iroas_ci else "",
        fmt.money(r.incremental_revenue),
        f"{level}: {_interval(*r.incremental_revenue_ci, fmt.money)}" if r.incremental_revenue_ci else "",
    )


def reading(report: LiftReport) -> str:
    if not report.has_control:
        return report.organic.message if report.organic else "No control group in this selection."
    return plain_language(report.overall.comparison)


def alerts(report: LiftReport) -> list:
    return [dbc.Alert(text, color="warning", class_name="py-2 small") for text in report.warnings]


def health_checks(report: LiftReport) -> html.Ul:
    """Sample ratio, sample size, power and CUPED, each as one line a marketer can read."""
    items = []
    if report.srm is not None:
        ok = not report.srm.mismatch
        items.append(html.Li([html.Span("✔ " if ok else "✖ ", className="text-success" if ok else "text-danger"),
                              report.srm.message]))
    if report.has_control:
        c = report.overall.comparison
        items.append(html.Li(f"Sample: {fmt.count(c.n_test)} test and {fmt.count(c.n_control)} control posts."))
    if report.mde is not None and report.mde.abs_mde is not None:
        rel = f" ({fmt.percent(report.mde.rel_mde)} of the control mean)" if report.mde.rel_mde else ""
        items.append(html.Li(f"This design detects a true lift of {fmt.money(report.mde.abs_mde)} per post{rel} "
                             f"with {report.mde.power:.0%} power; smaller true lifts may go unseen."))
    cuped = report.cuped
    if cuped is not None and cuped.variance_reduction is not None and cuped.adjusted.abs_lift_ci:
        before, after = cuped.unadjusted, cuped.adjusted
        items.append(html.Li([
            "CUPED (pre-campaign covariate: followers × baseline conversion rate): unadjusted ",
            html.B(fmt.money(before.abs_lift)), f" per post ({report.confidence} CI "
            f"{_interval(*before.abs_lift_ci, fmt.money)}) vs adjusted ", html.B(fmt.money(after.abs_lift)),
            f" ({report.confidence} CI {_interval(*after.abs_lift_ci, fmt.money)}); variance "
            f"{fmt.percent(-cuped.variance_reduction, signed=True)}.",
        ]))
    return html.Ul(items, className="health-list small mb-0")


def subtitle(report: LiftReport, attribution: str = "") -> str:
    text = (f"{fmt.count(report.n_units)} posts · unit: the post · estimand: average incremental revenue per "
            f"test post · {report.confidence} confidence intervals (Welch)")
    return f"{text} · {attribution}" if attribution else text


def segment_rows(table: pd.DataFrame, dimension: str, alpha: float = 0.05) -> list[dict]:
    """Grid rows with a reading that says which test it reports: each segment's own (unadjusted)
    interval and p, and significance after adjusting for the number of segments tested."""
    tested = int(table["p_adjusted"].notna().sum()) if len(table) else 0
    rows = []
    for row in table.to_dict("records"):
        if row["warning"] and pd.isna(row["p_adjusted"]):
            verdict = row["warning"]
        elif row["significant"]:
            verdict = f"lift detected, also after adjusting for the {tested} segments tested"
        elif row["p_value"] is not None and row["p_value"] < alpha:
            verdict = (f"p < {alpha:g} on its own, but not after adjusting for the {tested} segments tested: "
                       "treat as a lead, not a finding")
        else:
            verdict = "no lift detected at this sample size"
        rows.append({"segment": str(row[dimension]), "n_test": row["n_test"], "n_control": row["n_control"],
                     "abs_lift": row["abs_lift"], "rel_lift": row["rel_lift"], "iroas": row["iroas"],
                     "p_value": row["p_value"], "p_adjusted": row["p_adjusted"], "verdict": verdict})
    return rows


def plan_answer(plan: TestPlan | None, target_pct: float | None) -> list:
    if plan is None or plan.mde.abs_mde is None:
        return [html.P(plan.mde.message if plan else "The selected posts give no revenue spread to plan with.",
                       className="text-muted")]
    m = plan.mde
    lines = [html.P([
        "With ", html.B(f"{m.n_test:,.0f} test and {m.n_control:,.0f} control posts"),
        f", the smallest true lift detected with {m.power:.0%} power at α = {m.alpha:g} is ",
        html.B(fmt.money(m.abs_mde)), " per post",
        f" ({fmt.percent(m.rel_mde)} of the control mean)" if m.rel_mde else "",
        f", an iROAS of {fmt.ratio(m.iroas_mde)}" if m.iroas_mde else "", "."])]
    if plan.units_for_target:
        lines.append(html.P([f"To detect a {target_pct:g}% lift ({fmt.money(plan.target_abs_lift)} per post) you "
                             "need about ", html.B(f"{plan.units_for_target:,} posts"), " in total."]))
    lines.append(html.P(f"Based on the selected posts' revenue spread (SD {fmt.money(plan.sd)} per post).",
                        className="text-muted small mb-0"))
    return lines


def planner_problems(share_pct, units, target_pct) -> list[str]:
    """What is wrong with the planner's inputs, in the form's words (empty when they can be used)."""
    problems = []
    if share_pct is None or not 5 <= float(share_pct) <= 50:
        problems.append("Control share must be between 5% and 50%.")
    if units is None or float(units) < 10:
        problems.append("Posts in the test must be at least 10.")
    if target_pct is None or float(target_pct) <= 0:
        problems.append("Target lift must be above 0%.")
    return problems


def render_lift(report: LiftReport, attribution: str = "") -> tuple:
    return (subtitle(report, attribution), alerts(report), *lift_cards(report), reading(report),
            figures.group_means_figure(report.group_means, report.confidence),
            figures.tier_incrementality_figure(report.by_tier, report.confidence), health_checks(report))


def register(app, service) -> None:
    card_outputs = [Output(cid, "children") for pair in
                    ((ids.INC_ABS, f"{ids.INC_ABS}-ci"), (ids.INC_REL, f"{ids.INC_REL}-ci"),
                     (ids.INC_IROAS, f"{ids.INC_IROAS}-ci"), (ids.INC_REVENUE, f"{ids.INC_REVENUE}-ci"))
                    for cid in pair]

    @app.callback(
        Output(ids.INC_SUBTITLE, "children"), Output(ids.INC_ALERTS, "children"), *card_outputs,
        Output(ids.INC_READING, "children"), Output(ids.INC_MEANS, "figure"), Output(ids.INC_TIERS, "figure"),
        Output(ids.INC_HEALTH, "children"),
        Input(ids.FILTERS, "data"),
    )
    def _refresh(filters):
        spec = service.clean(filters)
        return render_lift(service.lift(spec), fmt.attribution(spec.model, service.attribution_settings()))

    @app.callback(
        Output(ids.INC_FOREST, "figure"), Output(ids.INC_SEGMENTS, "rowData"),
        Input(ids.FILTERS, "data"), Input(ids.INC_SEGMENT_BY, "value"),
    )
    def _segments(filters, dimension):
        dimension = dimension if dimension in SEGMENT_DIMENSIONS else "tier"
        table = service.segments(service.clean(filters), dimension)
        return figures.forest_figure(table, dimension), segment_rows(table, dimension, service.config.alpha)

    @app.callback(
        Output(ids.INC_PLAN_ANSWER, "children"),
        Input(ids.FILTERS, "data"), Input(ids.INC_PLAN_SHARE, "value"), Input(ids.INC_PLAN_UNITS, "value"),
        Input(ids.INC_PLAN_TARGET, "value"),
    )
    def _plan(filters, share_pct, units, target_pct):
        problems = planner_problems(share_pct, units, target_pct)
        if problems:
            return [dbc.Alert(" ".join(problems), color="warning", class_name="py-2 small mb-0")]
        plan = service.plan(service.clean(filters), int(units), float(share_pct) / 100, float(target_pct) / 100)
        return plan_answer(plan, float(target_pct))
