"""Attribution section: models side by side, and the stored assumptions form."""
from __future__ import annotations

from dash import ALL, Input, Output, State, ctx

from analytics.attribution import MODEL_LABELS, AttributionSettings
from callbacks import figures
from callbacks import format as fmt
from callbacks.format import grid_records
from dashboard import ids
from layouts.attribution import NUMBER_FIELDS


def settings_values(settings: AttributionSettings, names: list[str]) -> list:
    """The value each assumption input shows, in the order of `names`."""
    values = []
    for name in names:
        if name.startswith("platform:"):
            values.append(settings.platform_weight(name.split(":", 1)[1]))
        elif name.startswith("position:"):
            values.append(settings.position_weights[int(name.split(":", 1)[1])])
        else:
            values.append(getattr(settings, name))
    return values


def settings_from_inputs(names: list[str], values: list) -> AttributionSettings:
    """AttributionSettings from the form; a ValueError names the field that is wrong."""
    data: dict = {"platform_weights": {}, "position_weights": [None, None, None]}
    labels = field_labels()
    for name, value in zip(names, values):
        if value in (None, ""):
            label = labels.get(name) or f"Platform weight: {name.split(':', 1)[-1]}"
            raise ValueError(f"{label} is empty")
        if name.startswith("platform:"):
            data["platform_weights"][name.split(":", 1)[1]] = float(value)
        elif name.startswith("position:"):
            data["position_weights"][int(name.split(":", 1)[1])] = float(value)
        else:
            data[name] = float(value)
    try:
        return AttributionSettings.from_dict(data)
    except ValueError as error:
        message = str(error)
        # The form's words, not the code's: "click_window_days must be …" → "Click window (days) must be …"
        for name, label in sorted(labels.items(), key=lambda item: -len(item[0])):
            message = message.replace(name, label)
        raise ValueError(message) from None


def field_labels() -> dict[str, str]:
    labels = {name: label for name, label, _ in NUMBER_FIELDS}
    labels["position_weights"] = "Position-based weights (first, middle, last)"
    labels["platform_weights"] = "Platform weights"
    return labels


def manage_settings(trigger, names: list[str], values: list, service) -> tuple:
    """(input values, message) after loading, saving or restoring the assumptions."""
    if trigger == ids.AT_SAVE:
        try:
            settings = settings_from_inputs(names, values)
        except ValueError as error:
            return values, f"Not saved: {error}."
        service.save_attribution_settings(settings)
        return settings_values(settings, names), "Saved. Every section now uses these assumptions."
    if trigger == ids.AT_DEFAULTS:
        settings = AttributionSettings()
        service.save_attribution_settings(settings)
        return settings_values(settings, names), "Restored the brief's defaults."
    return settings_values(service.attribution_settings(), names), ""


def statistics_assumptions(config) -> str:
    high, low = config.margin_bands
    seasons = ", ".join(f"{q.upper()} {v:+.0%}" for q, v in config.seasonality.items() if v) or "none"
    return (f"Other assumptions (set in the configuration): significance level α = {config.alpha:g} "
            f"({(1 - config.alpha) * 100:g}% confidence intervals); planned control share "
            f"{config.control_share:.0%}; organic share {config.organic_share:.0%}, used only when there is no "
            f"control group, and labelled as an assumption there; margin bands: high above {high:.0%}, low below "
            f"{low:.0%}; seasonal uplifts for forecasts (when switched on): {seasons}.")


def render_comparison(view: dict) -> tuple:
    totals = view["totals"].set_index("model")
    split = totals.drop(index="weighted_score", errors="ignore")["revenue"]
    last = totals["revenue"].get("last_touch", 0.0)
    scored = totals["revenue"].get("weighted_score")
    if not len(split):
        subtitle = "No data for these filters"
    elif fmt.money(split.min()) == fmt.money(split.max()):
        subtitle = (f"The five splitting models each credit {fmt.money(split.max())} (every order once) and differ "
                    "in which influencers, platforms and tiers get it")
    else:
        subtitle = (f"The five splitting models credit between {fmt.money(split.min())} and {fmt.money(split.max())} "
                    "(touches outside a window earn nothing) and move it between influencers")
    if scored is not None and last:
        subtitle += (f"; the weighted score credits {fmt.percent(scored / last)} of last-touch revenue and "
                     "calls the rest of each order organic")
    subtitle += "."
    return (subtitle, figures.model_totals_figure(view["totals"], MODEL_LABELS),
            figures.model_roas_figure(view["platform"], "platform", MODEL_LABELS),
            figures.model_roas_figure(view["tier"], "tier", MODEL_LABELS),
            grid_records(view["shift"].head(200), list(view["shift"].columns)))


def register(app, service) -> None:
    @app.callback(
        Output({"type": ids.SETTING, "name": ALL}, "value"), Output(ids.AT_MESSAGE, "children"),
        Output(ids.AT_STATS, "children"),
        Input(ids.AT_SAVE, "n_clicks"), Input(ids.AT_DEFAULTS, "n_clicks"),
        State({"type": ids.SETTING, "name": ALL}, "value"), State({"type": ids.SETTING, "name": ALL}, "id"),
    )
    def _settings(_save, _defaults, values, setting_ids):
        names = [i["name"] for i in setting_ids]
        shown, message = manage_settings(ctx.triggered_id, names, values, service)
        return shown, message, statistics_assumptions(service.config)

    @app.callback(
        Output(ids.AT_SUBTITLE, "children"), Output(ids.AT_TOTALS, "figure"), Output(ids.AT_PLATFORM, "figure"),
        Output(ids.AT_TIER, "figure"), Output(ids.AT_SHIFT, "rowData"),
        Input(ids.FILTERS, "data"), Input(ids.AT_MESSAGE, "children"),
    )
    def _compare(filters, _saved):
        return render_comparison(service.model_comparison(service.clean(filters)))

