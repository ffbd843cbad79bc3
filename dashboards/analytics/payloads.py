"""Frames in, JSON-ready dicts out: the bodies of the analytics endpoints (without the echoed parameters).

Dates become ISO strings, missing values None, prices and derived numbers are rounded to 6 decimals.
"""

import math
from datetime import date

import numpy as np
import pandas as pd

from dashboards.analytics.costs import cost_at, cost_series, default_threshold
from dashboards.analytics.freshness import is_stale, last_reported
from dashboards.analytics.frontier import frontier_steps
from dashboards.analytics.gap import gap_at, gap_series, lead_summary
from dashboards.analytics.lags import catch_up_lags
from dashboards.analytics.price_performance import price_performance
from dashboards.analytics.prices import Providers, model_prices_at
from dashboards.analytics.scores import scores_used
from dashboards.analytics.visibility import day, prices_known, scores_known

DIGITS = 6


def iso(value) -> str | None:
    if value is None or value is pd.NaT or (isinstance(value, np.datetime64) and np.isnat(value)):
        return None
    return pd.Timestamp(value).date().isoformat()


def number(value, digits: int | None = None) -> float | None:
    if value is None or value is pd.NA:
        return None
    value = float(value)
    if math.isnan(value):
        return None
    return round(value, digits) if digits is not None else value


def integer(value) -> int | None:
    return None if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)) else int(value)


def text(value) -> str | None:
    return None if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)) else str(value)


def records(df: pd.DataFrame, kinds: dict[str, str]) -> list[dict]:
    """Rows of `df` as dicts of the `kinds` columns: date, value (as stored), rounded (6 decimals), int, text,
    bool."""
    convert = {
        "date": iso,
        "value": number,
        "rounded": lambda v: number(v, DIGITS),
        "int": integer,
        "text": text,
        "bool": bool,
    }
    columns = {name: [convert[kind](v) for v in df[name].tolist()] for name, kind in kinds.items()}
    return (
        [dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)] if len(df) else []
    )


STEP_KINDS = {"date": "date", "value": "value", "model": "text"}
GAP_KINDS = {
    "date": "date",
    "a_value": "value",
    "b_value": "value",
    "gap": "rounded",
    "lead_days": "int",
    "a_model": "text",
    "b_model": "text",
}
LAG_KINDS = {
    "a_model": "text",
    "a_date": "date",
    "value": "value",
    "b_model": "text",
    "b_date": "date",
    "lag_days": "int",
    "matched": "bool",
}
POINT_KINDS = {"country": "text", "model": "text", "price": "rounded", "value": "value"}
COST_KINDS = {
    "date": "date",
    "a_price": "rounded",
    "a_model": "text",
    "b_price": "rounded",
    "b_model": "text",
    "ratio": "rounded",
}


def used_scores(
    scores: pd.DataFrame,
    *,
    benchmark_id: int,
    metric: str | None,
    as_of: date,
    evaluated_by: str | None,
    independent: bool = False,
) -> pd.DataFrame:
    """The scores used at `as_of` on one benchmark and metric."""
    scores = scores[(scores["benchmark_id"] == benchmark_id) & (scores["metric"] == metric)]
    return scores_used_at(scores, as_of=as_of, evaluated_by=evaluated_by, independent=independent)


def scores_used_at(
    scores: pd.DataFrame, *, as_of: date, evaluated_by: str | None, independent: bool = False
) -> pd.DataFrame:
    """The scores used at `as_of`, one per (model, benchmark, metric) in `scores`."""
    return scores_used(scores_known(scores, as_of=as_of, evaluated_by=evaluated_by, independent=independent))


def frontier_body(used: pd.DataFrame, *, countries: list[str], higher_is_better: bool) -> dict:
    """`used`: the scores used at as_of on one benchmark (used_scores), or the capability index as scores."""
    steps = frontier_steps(used, higher_is_better=higher_is_better)
    return {"series": {c: records(steps[steps["country"] == c], STEP_KINDS) for c in countries}}


def gap_body(
    used: pd.DataFrame, *, a: str, b: str, as_of: date, higher_is_better: bool, tolerance: float = 0.0
) -> dict:
    steps = frontier_steps(used, higher_is_better=higher_is_better)
    options = {"a": a, "b": b, "higher_is_better": higher_is_better, "tolerance": tolerance}
    current = gap_at(steps, [day(as_of)], **options)
    return {
        "tolerance": tolerance,
        "current": records(current, GAP_KINDS)[0],
        "series": records(gap_series(steps, as_of=as_of, **options), GAP_KINDS),
        "lags": records(catch_up_lags(steps, as_of=as_of, **options), LAG_KINDS),
        "lead_summary": lead_summary(steps, as_of=as_of, **options),
    }


def cost_body(
    used: pd.DataFrame,
    prices: pd.DataFrame,
    *,
    a: str,
    b: str,
    as_of: date,
    higher_is_better: bool,
    threshold: float | None,
    providers: Providers,
    include_off_peak: bool,
) -> dict:
    """`threshold` None means the default (which may itself be None: then the series is empty)."""
    prices = prices_known(prices, as_of=as_of)
    options = {
        "a": a,
        "b": b,
        "as_of": as_of,
        "higher_is_better": higher_is_better,
        "providers": providers,
        "include_off_peak": include_off_peak,
    }
    now = model_prices_now(prices, as_of=as_of, providers=providers, include_off_peak=include_off_peak)
    if threshold is None:
        threshold = default_threshold(used, now, a=a, b=b, higher_is_better=higher_is_better)
    current = pd.DataFrame(
        [cost_at(used, now, a=a, b=b, as_of=as_of, threshold=threshold, higher_is_better=higher_is_better)]
    )
    return {
        "threshold": threshold,
        "current": records(current, COST_KINDS)[0],
        "series": records(cost_series(used, prices, threshold=threshold, **options), COST_KINDS),
    }


def model_prices_now(
    prices: pd.DataFrame, *, as_of: date, providers: Providers, include_off_peak: bool
) -> pd.DataFrame:
    """Each model's price at `as_of` as known that day (MODEL_PRICE_COLUMNS): what the default threshold and
    the current cost read. Computed once per request, not once per benchmark."""
    known = prices_known(prices, as_of=as_of)
    return model_prices_at(known, [day(as_of)], providers=providers, include_off_peak=include_off_peak)


def summary_row(
    used: pd.DataFrame,
    priced_now: pd.DataFrame,
    *,
    metric: str,
    a: str,
    b: str,
    as_of: date,
    higher_is_better: bool,
    stale_after_days: int,
    tolerance: float = 0.0,
    with_lead_summary: bool = False,
) -> dict | None:
    """The headline numbers of one benchmark at `as_of`, or None unless both countries have scores on it.

    `used`: the benchmark's scores used at `as_of` (scores_used_at); `priced_now`: model_prices_now.
    `a_cost_model`/`b_cost_model` are the models behind `cost_ratio` (the cheapest reaching `threshold`), which
    need not be the frontier models `a_model`/`b_model`.
    `lead_summary` is computed only `with_lead_summary` (the index row), else None."""
    if not {a, b} <= set(used["country"]):
        return None
    steps = frontier_steps(used, higher_is_better=higher_is_better)
    options = {"a": a, "b": b, "higher_is_better": higher_is_better, "tolerance": tolerance}
    gap = records(gap_at(steps, [day(as_of)], **options), GAP_KINDS)[0]
    threshold = default_threshold(used, priced_now, a=a, b=b, higher_is_better=higher_is_better)
    cost = cost_at(used, priced_now, a=a, b=b, as_of=as_of, threshold=threshold, higher_is_better=higher_is_better)
    a_last, b_last = last_reported(used, a), last_reported(used, b)
    return {
        "metric": metric,
        "gap": gap["gap"],
        "lead_days": gap["lead_days"],
        "a_value": gap["a_value"],
        "b_value": gap["b_value"],
        "a_model": gap["a_model"],
        "b_model": gap["b_model"],
        "threshold": threshold,
        "cost_ratio": number(cost["ratio"], DIGITS),
        "a_cost_model": cost["a_model"],
        "b_cost_model": cost["b_model"],
        "a_last_reported": iso(a_last),
        "b_last_reported": iso(b_last),
        "stale": is_stale([a_last, b_last], as_of=as_of, stale_after_days=stale_after_days),
        "lead_summary": lead_summary(steps, as_of=as_of, **options) if with_lead_summary else None,
    }


def price_performance_body(
    used: pd.DataFrame,
    prices: pd.DataFrame,
    *,
    countries: list[str],
    as_of: date,
    higher_is_better: bool,
    providers: Providers,
    include_off_peak: bool,
) -> dict:
    points, frontier = price_performance(
        used,
        prices_known(prices, as_of=as_of),
        as_of=as_of,
        providers=providers,
        include_off_peak=include_off_peak,
        higher_is_better=higher_is_better,
    )
    return {
        "points": records(points, POINT_KINDS),
        "frontiers": {c: records(frontier[frontier["country"] == c], POINT_KINDS) for c in countries},
    }
