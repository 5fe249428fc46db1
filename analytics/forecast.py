"""Time series and forecasts of revenue, spend, orders and ROAS, with honest intervals.

`series` turns the post×day fact table into a regular daily or weekly series; `forecast` fits a
model to it, projects ``horizon`` periods with 80% and 95% prediction intervals, and checks itself
on the last four weeks of the history (fitted without them, compared with them).

Which model, and why (the intervals have to be calibrated)
----------------------------------------------------------
Default (``model="arima"``), fitted by maximum likelihood with statsmodels' SARIMAX:

- daily: seasonal ARIMA(0,1,1)(0,1,1) with period 7, the "airline" model: a local trend plus a
  weekly pattern that may drift, the ARIMA counterpart of additive Holt–Winters smoothing;
- weekly: ARIMA(0,1,1), a local level (simple exponential smoothing); no yearly seasonality,
  which would need two years of weeks.

Intervals come from the model's analytic forecast variance (Gaussian errors; the uncertainty of the
fitted parameters is not included). The brief's ETS alternatives are available as ``model="ets"``:
ETS(A,A,A) with period 7 for daily data and ETS(A,Ad,N) (damped trend, no season) for weekly data,
intervals from ``get_prediction().summary_frame``. We chose ARIMA because its 95% intervals held
their level on short series and ETS's did not. Share of held-out points inside the 95% interval
(simulated trend / flat / random-walk series, 25–40 seeds each, 28-day or 4-week holdout):

=========================  ===============  ====================
history (fit + holdout)    ARIMA (default)  ETS
=========================  ===============  ====================
daily, 56 days             0.94–0.95        0.68–0.78 (A,A,A)
daily, 70 days             0.88–0.95        0.69–0.83 (A,A,A)
daily, 200 days            0.95–0.96        0.92–0.95 (A,A,A)
weekly, 16 weeks           0.89–0.90        0.66–0.84 (A,Ad,N)
weekly, 26 weeks           0.91–0.94        0.82–0.93 (A,Ad,N)
weekly, 52 weeks           0.91–0.96        0.86–0.94 (A,Ad,N)
=========================  ===============  ====================

The point forecasts were about as accurate (MAPE within a point of each other), except on a steady
weekly trend, which the weekly local-level model does not extrapolate: its forecast is flat at the
smoothed level and the trend shows in the widening interval instead (26 weeks, 12 ahead: MAPE 5.7%
against 4.2% for the damped trend, whose 95% interval then held only 78% of the points).

Conventions
-----------
- Weeks start on Monday and are labelled by that Monday (like the Overview's trend).
- All four metrics are never negative: when the history has no negative value, forecasts and
  interval bounds below 0 are set to 0.
- ``horizon`` counts periods of the series' granularity (days or weeks).
- Seasonality factors (`SeasonalityAssumptions`, the brief's Q1 +25% and Q2 +15%) are
  assumptions, applied only when passed, and `Forecast.applied_adjustments` says so.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, fields
from datetime import date

import numpy as np
import pandas as pd
# Imported at module level: the first forecast of a process then pays no import, and importing
# statsmodels (which installs "always" warning filters of its own) cannot happen inside the
# warning filter of `_fit_scaled`.
from statsmodels.tsa.exponential_smoothing.ets import ETSModel
from statsmodels.tsa.statespace.sarimax import SARIMAX

__all__ = ["METRICS", "GRANULARITIES", "HOLDOUT_PERIODS", "MIN_PERIODS", "MODELS", "SeasonalityAssumptions",
           "Backtest", "Forecast", "series", "forecast", "seasonal_factors"]

METRICS = ("revenue", "spend", "orders", "roas")
GRANULARITIES = ("D", "W")
MODELS = ("arima", "ets")
FREQ = {"D": "D", "W": "W-MON"}
UNIT = {"D": "day", "W": "week"}
SEASON = 7
HOLDOUT_PERIODS = {"D": 28, "W": 4}  # the last four weeks are held out for the backtest
# The shortest history a forecast needs: the holdout plus four weeks to fit on (daily: four weekly
# cycles, fewer points than that leave the seasonal model with more states than data), 12 weeks
# for weekly data (8 to fit).
MIN_PERIODS = {"D": HOLDOUT_PERIODS["D"] + 4 * SEASON, "W": 12}
DEFAULT_LEVELS = (0.8, 0.95)


@dataclass(frozen=True)
class SeasonalityAssumptions:
    """Uplift per calendar quarter (an assumption; the brief's defaults: Q1 +25%, Q2 +15%).

    A forecast period in quarter k is multiplied by (1 + qk); a week that straddles two quarters
    by the average factor of its seven days. As the brief states it, the factor multiplies the
    model's forecast as it is: the model's level comes from recent history, which already carries
    its own quarter's season, and the factors are not taken relative to that quarter (a Q2 history
    forecast into Q3 is not lowered by 1/1.15). They describe demand: pass them for revenue,
    orders or ROAS, not for spend, which is a budget decision.

    >>> SeasonalityAssumptions().describe()
    'Q1 +25%, Q2 +15%'
    """

    q1: float = 0.25
    q2: float = 0.15
    q3: float = 0.0
    q4: float = 0.0

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not np.isfinite(value) or value <= -1:
                raise ValueError(f"{f.name} must be a finite uplift above -100%, got {value}")

    def uplift(self, quarter: int) -> float:
        """The uplift of quarter 1–4 (0.25 means +25%)."""
        return float(getattr(self, f"q{int(quarter)}"))

    def describe(self) -> str:
        """The non-zero uplifts as text, e.g. "Q1 +25%, Q2 +15%" ("none" when all are 0)."""
        parts = [f"Q{q} {self.uplift(q) * 100:+.4g}%" for q in range(1, 5) if self.uplift(q) != 0]
        return ", ".join(parts) if parts else "none"


@dataclass(frozen=True)
class Backtest:
    """How the model did on the last ``holdout_periods`` periods when fitted without them.

    mape: mean |actual − forecast| / |actual| over held-out periods with a non-zero actual (0.05 =
    5%), None if every actual is 0. smape: mean 2|actual − forecast| / (|actual| + |forecast|).
    coverage: per interval level, the share of held-out actuals inside the interval.
    frame: period, actual, mean and the interval bounds per held-out period.
    """

    holdout_periods: int
    mape: float | None
    smape: float | None
    coverage: dict[float, float]
    frame: pd.DataFrame


@dataclass(frozen=True)
class Forecast:
    """A forecast and everything needed to read it.

    history: period, actual, fitted (one-step-ahead fitted values of the model on the full history;
    NaN where the model has no fit yet, and everywhere when there is no forecast).
    forecast: period, mean, lo80, hi80, lo95, hi95 (one lo/hi pair per level, named by the level
    in percent) and adjustment (the seasonality factor applied, 1.0 when none); None with a message.
    backtest: see `Backtest`; None with a message.
    message: why there is no forecast (too short a series, undefined values), else None.
    applied_adjustments: "" when no assumption was applied, else a sentence naming the quarters
    and periods adjusted, for the UI to show as "assumption applied".
    """

    name: str
    granularity: str
    horizon: int
    levels: tuple[float, ...]
    model: str
    method: str
    history: pd.DataFrame
    forecast: pd.DataFrame | None
    backtest: Backtest | None
    message: str | None
    applied_adjustments: str

    @property
    def ok(self) -> bool:
        return self.forecast is not None


# ---------------------------------------------------------------------------------------------
# The series
# ---------------------------------------------------------------------------------------------

def _check_granularity(granularity: str) -> str:
    if granularity not in GRANULARITIES:
        raise ValueError(f"granularity must be one of {GRANULARITIES}, got {granularity!r}")
    return granularity


def series(daily: pd.DataFrame, metric: str = "revenue", granularity: str = "D",
           start: str | date | pd.Timestamp | None = None, end: str | date | pd.Timestamp | None = None) -> pd.Series:
    """A regular series of ``metric`` ("revenue", "spend", "orders" or "roas") per day ("D") or per
    week starting Monday ("W"), indexed by period start ("period"), with every period from
    ``start`` to ``end`` (default: the first and last day of ``daily``); periods without rows are 0.

    ROAS per period = Σ revenue / Σ spend of the period, NaN when the period has no spend.
    Weekly series hold only weeks whose seven days all lie in [start, end]: a partial first or last
    week would look like a fall in sales.

    >>> daily = pd.DataFrame({"day": pd.to_datetime(["2026-01-05", "2026-01-07"]),
    ...     "revenue": [100.0, 50.0], "spend": [40.0, 0.0], "orders": [1.0, 1.0]})
    >>> series(daily, "revenue").tolist()
    [100.0, 0.0, 50.0]
    >>> series(daily, "roas").tolist()
    [2.5, nan, nan]
    >>> series(daily, "orders", "W", end="2026-01-11")
    period
    2026-01-05    2.0
    Freq: W-MON, Name: orders, dtype: float64
    """
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {METRICS}, got {metric!r}")
    _check_granularity(granularity)
    days = pd.to_datetime(daily["day"]) if len(daily) else pd.Series(dtype="datetime64[ns]")
    first = pd.Timestamp(start).normalize() if start is not None else (days.min() if len(days) else None)
    last = pd.Timestamp(end).normalize() if end is not None else (days.max() if len(days) else None)
    if first is None or last is None or first > last:
        return pd.Series(dtype=float, name=metric, index=pd.DatetimeIndex([], name="period", freq=FREQ[granularity]))
    columns = ["revenue", "spend"] if metric == "roas" else [metric]
    in_range = ((days >= first) & (days <= last)).to_numpy()
    sums = (daily.loc[in_range, columns].astype(float).groupby(days[in_range].to_numpy()).sum()
            .reindex(pd.date_range(first, last, freq="D"), fill_value=0.0))
    if granularity == "W":
        first_week = first + pd.Timedelta(days=(7 - first.day_of_week) % 7)
        last_week = last - pd.Timedelta(days=(last.day_of_week + 1) % 7) - pd.Timedelta(days=6)
        weeks = pd.date_range(first_week, last_week, freq="W-MON")
        week_of = sums.index - pd.to_timedelta(sums.index.day_of_week, unit="D")
        sums = sums.groupby(week_of).sum().reindex(weeks, fill_value=0.0)
    if metric == "roas":
        spend = sums["spend"].to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            values = np.where(spend > 0, sums["revenue"].to_numpy() / np.where(spend > 0, spend, 1), np.nan)
    else:
        values = sums[metric].to_numpy()
    index = pd.DatetimeIndex(sums.index, name="period", freq=FREQ[granularity])
    return pd.Series(values, index=index, name=metric, dtype=float)


# ---------------------------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------------------------

def _level_name(level: float) -> str:
    return f"{level * 100:g}"


def _method(model: str, granularity: str, levels: tuple[float, ...]) -> str:
    shown = " and ".join(f"{_level_name(level)}%" for level in levels)
    if model == "arima" and granularity == "D":
        name = ("Seasonal ARIMA(0,1,1)(0,1,1) with a 7-day season (the 'airline' model: local trend and weekly "
                "pattern, the ARIMA form of additive Holt-Winters), statsmodels SARIMAX")
    elif model == "arima":
        name = ("ARIMA(0,1,1): a local level (simple exponential smoothing) without trend or yearly season, "
                "statsmodels SARIMAX")
    elif granularity == "D":
        name = "ETS(A,A,A): additive error, trend and 7-day season, statsmodels ETSModel"
    else:
        name = "ETS(A,Ad,N): additive error, damped additive trend, no season, statsmodels ETSModel"
    holdout = HOLDOUT_PERIODS[granularity]
    return (f"{name}, fitted by maximum likelihood; {shown} prediction intervals from the model's forecast "
            f"variance (Gaussian errors, parameter uncertainty not included). Backtest: fitted without the last "
            f"{holdout} {UNIT[granularity]}s and compared with them.")


def _fit_predict(values: np.ndarray, horizon: int, granularity: str, model: str, levels: tuple[float, ...]
                 ) -> tuple[np.ndarray, np.ndarray, dict[float, tuple[np.ndarray, np.ndarray]]]:
    """In-sample fitted values, the forecast mean and (lower, upper) per level for ``horizon`` steps.

    The models are fitted to the series divided by its mean absolute value and the results scaled
    back: both models are scale-equivariant, and the optimiser converges far faster on values
    near 1 than on revenue in the millions.
    """
    scale = float(np.mean(np.abs(values)))
    scale = scale if np.isfinite(scale) and scale > 0 else 1.0
    fitted, mean, bounds = _fit_scaled(values / scale, horizon, granularity, model, levels)
    return fitted * scale, mean * scale, {level: (low * scale, high * scale) for level, (low, high) in bounds.items()}


def _fit_scaled(values: np.ndarray, horizon: int, granularity: str, model: str, levels: tuple[float, ...]
                ) -> tuple[np.ndarray, np.ndarray, dict[float, tuple[np.ndarray, np.ndarray]]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # start-value and convergence chatter; a failed fit raises and is reported
        if model == "arima":
            seasonal = (0, 1, 1, SEASON) if granularity == "D" else (0, 0, 0, 0)
            # The scale is concentrated out of the likelihood and the parameters' covariance (not used
            # here) is not computed: together about 20 times faster, the same forecast and intervals.
            result = SARIMAX(values, order=(0, 1, 1), seasonal_order=seasonal, concentrate_scale=True
                             ).fit(disp=False, cov_type="none")
            burn_in = 1 + (SEASON if granularity == "D" else 0)  # differencing leaves no fit for these
            fitted = np.asarray(result.fittedvalues, dtype=float).copy()
            fitted[:burn_in] = np.nan
            prediction = result.get_forecast(horizon)
            mean = np.asarray(prediction.predicted_mean, dtype=float)
            bounds = {}
            for level in levels:
                interval = np.asarray(prediction.conf_int(alpha=1 - level), dtype=float)
                bounds[level] = (interval[:, 0], interval[:, 1])
        else:
            daily = granularity == "D"
            result = ETSModel(pd.Series(values), error="add", trend="add", damped_trend=not daily,
                              seasonal="add" if daily else None, seasonal_periods=SEASON if daily else None
                              ).fit(disp=False)
            fitted = np.asarray(result.fittedvalues, dtype=float)
            prediction = result.get_prediction(start=len(values), end=len(values) + horizon - 1)
            bounds = {}
            mean = None
            for level in levels:
                frame = prediction.summary_frame(alpha=1 - level)
                mean = frame["mean"].to_numpy(dtype=float)
                bounds[level] = (frame["pi_lower"].to_numpy(dtype=float), frame["pi_upper"].to_numpy(dtype=float))
    if not np.all(np.isfinite(mean)) or not all(np.all(np.isfinite(b)) for pair in bounds.values() for b in pair):
        raise ValueError("the model returned non-finite forecasts")
    return fitted, mean, bounds


def _frame(periods: pd.DatetimeIndex, mean: np.ndarray, bounds: dict, clip: bool) -> pd.DataFrame:
    out = pd.DataFrame({"period": periods, "mean": mean})
    for level, (low, high) in bounds.items():
        out[f"lo{_level_name(level)}"] = low
        out[f"hi{_level_name(level)}"] = high
    if clip:
        numbers = out.columns.drop("period")
        out[numbers] = out[numbers].clip(lower=0.0)
    return out


# ---------------------------------------------------------------------------------------------
# Seasonality assumptions
# ---------------------------------------------------------------------------------------------

def seasonal_factors(periods: pd.DatetimeIndex, granularity: str, assumptions: SeasonalityAssumptions) -> np.ndarray:
    """The multiplicative factor of each period: 1 + the uplift of its quarter; for a week, the
    average factor of its seven days.

    >>> seasonal_factors(pd.to_datetime(["2026-03-31", "2026-04-01", "2026-07-01"]), "D",
    ...                  SeasonalityAssumptions()).tolist()
    [1.25, 1.15, 1.0]
    >>> seasonal_factors(pd.to_datetime(["2026-03-30"]), "W", SeasonalityAssumptions()).round(4).tolist()
    [1.1786]
    """
    _check_granularity(granularity)
    uplift = np.array([0.0] + [assumptions.uplift(q) for q in range(1, 5)])
    periods = pd.DatetimeIndex(periods)
    if granularity == "D":
        return 1.0 + uplift[periods.quarter]
    days = np.add.outer(periods.values, np.arange(7) * np.timedelta64(1, "D"))
    quarters = pd.DatetimeIndex(days.ravel()).quarter.to_numpy().reshape(days.shape)
    return (1.0 + uplift[quarters]).mean(axis=1)


def _adjustment_text(periods: pd.DatetimeIndex, factors: np.ndarray, granularity: str,
                     assumptions: SeasonalityAssumptions) -> str:
    unit = UNIT[granularity]
    parts = []
    for quarter in range(1, 5):
        uplift = assumptions.uplift(quarter)
        if uplift == 0:
            continue
        if granularity == "D":
            touched = periods[periods.quarter == quarter]
        else:
            ends = periods + pd.Timedelta(days=6)
            touched = periods[(periods.quarter == quarter) | (ends.quarter == quarter)]
        if len(touched):
            count = f"{len(touched)} {unit}{'s' if len(touched) != 1 else ''}"
            parts.append(f"Q{quarter} {uplift * 100:+.4g}% on {count} ({touched[0].date()} to {touched[-1].date()})")
    if not parts:
        return ""
    partial = " (a week spanning two quarters gets the average of its days)" if granularity == "W" else ""
    return ("Seasonality assumption applied to the forecast: " + "; ".join(parts) + partial
            + ". It multiplies the model's forecast and intervals; the backtest is unadjusted.")


# ---------------------------------------------------------------------------------------------
# The forecast
# ---------------------------------------------------------------------------------------------

def _backtest(values: np.ndarray, periods: pd.DatetimeIndex, granularity: str, model: str,
              levels: tuple[float, ...], clip: bool) -> Backtest:
    holdout = HOLDOUT_PERIODS[granularity]
    _, mean, bounds = _fit_predict(values[:-holdout], holdout, granularity, model, levels)
    frame = _frame(periods[-holdout:], mean, bounds, clip)
    actual = values[-holdout:]
    frame.insert(1, "actual", actual)
    predicted = frame["mean"].to_numpy()
    error = np.abs(actual - predicted)
    nonzero = actual != 0
    mape = float(np.mean(error[nonzero] / np.abs(actual[nonzero]))) if nonzero.any() else None
    scale = np.abs(actual) + np.abs(predicted)
    smape = float(np.mean(np.where(scale > 0, 2 * error / np.where(scale > 0, scale, 1), 0.0)))
    coverage = {}
    for level in levels:
        low, high = frame[f"lo{_level_name(level)}"].to_numpy(), frame[f"hi{_level_name(level)}"].to_numpy()
        coverage[level] = float(np.mean((actual >= low) & (actual <= high)))
    return Backtest(holdout_periods=holdout, mape=mape, smape=smape, coverage=coverage, frame=frame)


def forecast(series: pd.Series, horizon: int, granularity: str = "D", levels: tuple[float, ...] = DEFAULT_LEVELS,
             seasonality: SeasonalityAssumptions | None = None, model: str = "arima") -> Forecast:
    """Forecast ``horizon`` periods of a regular series from `series` (daily or weekly, as
    ``granularity`` says), with prediction intervals at ``levels``, a backtest on the last four
    weeks, and the seasonality assumptions applied when passed.

    Without a forecast (``message`` says why): fewer than `MIN_PERIODS` periods (56 days or 12
    weeks), or undefined values (ROAS in periods without spend).

    >>> short = pd.Series([1.0] * 20, index=pd.date_range("2026-01-01", periods=20, freq="D"))
    >>> result = forecast(short, horizon=7)
    >>> result.ok
    False
    >>> print(result.message)
    Forecast needs at least 56 days of history (4 weeks to fit and the last 4 weeks held out to check
    it); this series has 20.
    """
    _check_granularity(granularity)
    if model not in MODELS:
        raise ValueError(f"model must be one of {MODELS}, got {model!r}")
    if int(horizon) < 1:
        raise ValueError(f"horizon must be at least 1 period, got {horizon}")
    horizon = int(horizon)
    levels = tuple(sorted(float(level) for level in levels))
    if not levels or any(not 0 < level < 1 for level in levels):
        raise ValueError(f"levels must lie between 0 and 1, got {levels}")
    name = str(series.name) if series.name is not None else "value"
    periods = pd.DatetimeIndex(series.index)
    values = series.to_numpy(dtype=float)
    history = pd.DataFrame({"period": periods, "actual": values, "fitted": np.nan})
    result = dict(name=name, granularity=granularity, horizon=horizon, levels=levels, model=model,
                  method=_method(model, granularity, levels), history=history, forecast=None, backtest=None,
                  applied_adjustments="")

    unit = UNIT[granularity]
    minimum, holdout = MIN_PERIODS[granularity], HOLDOUT_PERIODS[granularity]
    if len(values) < minimum:
        fit_part = f"{(minimum - holdout) // 7} weeks" if granularity == "D" else f"{minimum - holdout} weeks"
        held = "4 weeks"
        return Forecast(**result, message=(
            f"Forecast needs at least {minimum} {unit}s of history ({fit_part} to fit and the last {held} held out "
            f"to check it); this series has {len(values)}."))
    missing = int(np.sum(~np.isfinite(values)))
    if missing:
        return Forecast(**result, message=(
            f"Forecast needs a value in every {unit}; {missing} {unit}{'s have' if missing != 1 else ' has'} none "
            f"(ROAS is not defined without spend). Forecast revenue and spend, or use weekly periods."))

    clip = bool(np.all(values >= 0))
    try:
        fitted, mean, bounds = _fit_predict(values, horizon, granularity, model, levels)
        backtest = _backtest(values, periods, granularity, model, levels, clip)
    except (ValueError, np.linalg.LinAlgError) as error:
        return Forecast(**result, message=f"The forecast model could not be fitted to this series: {error}")
    offset = pd.tseries.frequencies.to_offset(FREQ[granularity])
    future = pd.date_range(periods[-1] + offset, periods=horizon, freq=FREQ[granularity], name="period")
    frame = _frame(future, mean, bounds, clip)
    factors = np.ones(horizon)
    if seasonality is not None:
        factors = seasonal_factors(future, granularity, seasonality)
        numbers = frame.columns.drop("period")
        frame[numbers] = frame[numbers].mul(factors, axis=0)
        result["applied_adjustments"] = _adjustment_text(future, factors, granularity, seasonality)
    frame["adjustment"] = factors
    history["fitted"] = fitted
    if clip:
        history["fitted"] = history["fitted"].clip(lower=0.0)
    result.update(history=history, forecast=frame, backtest=backtest)
    return Forecast(**result, message=None)
