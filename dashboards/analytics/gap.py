"""Gap and lead in days between two countries' frontiers."""

from datetime import date

import numpy as np
import pandas as pd

from dashboards.analytics.frontier import CountryFrontier
from dashboards.analytics.visibility import day

GAP_COLUMNS = ["date", "a_value", "b_value", "gap", "lead_days", "a_model", "b_model"]


def gap_at(steps: pd.DataFrame, dates, *, a: str, b: str, higher_is_better: bool = True) -> pd.DataFrame:
    """Gap and lead of `a` over `b` at each of `dates` (GAP_COLUMNS; nulls where a frontier does not exist yet).

    gap = frontier_a - frontier_b, negated for lower-is-better, so positive means `a` is ahead. lead_days:
    when `a` is ahead, t minus the first date a's frontier reached b's frontier at t; when `b` is ahead, the
    same with roles swapped, negated; 0 when equal.
    """
    when = np.asarray(dates, dtype="datetime64[s]")
    fa = CountryFrontier(steps, a, higher_is_better=higher_is_better)
    fb = CountryFrontier(steps, b, higher_is_better=higher_is_better)
    a_value, a_model = fa.at(when)
    b_value, b_model = fb.at(when)
    sign = 1.0 if higher_is_better else -1.0
    gap = sign * (a_value - b_value)
    a_reached, _ = fa.first_reaching(sign * b_value)
    b_reached, _ = fb.first_reaching(sign * a_value)
    a_lead = (when - a_reached) / np.timedelta64(1, "D")
    b_lead = -(when - b_reached) / np.timedelta64(1, "D")
    a_ahead = sign * a_value > sign * b_value
    b_ahead = sign * a_value < sign * b_value
    lead = np.where(a_ahead, a_lead, np.where(b_ahead, b_lead, np.where(a_value == b_value, 0.0, np.nan)))
    return pd.DataFrame(
        {
            "date": when,
            "a_value": a_value,
            "b_value": b_value,
            "gap": gap,
            "lead_days": pd.array(lead, dtype="Float64").astype("Int64"),
            "a_model": a_model,
            "b_model": b_model,
        },
        columns=GAP_COLUMNS,
    )


def gap_series(steps: pd.DataFrame, *, a: str, b: str, as_of: date, higher_is_better: bool = True) -> pd.DataFrame:
    """The gap series: a point on each date either frontier changes, from the first date both exist, and a
    last point at `as_of` (GAP_COLUMNS). Empty unless both frontiers exist by `as_of`."""
    cutoff = day(as_of)
    steps = steps[steps["date"] <= cutoff]
    fa = CountryFrontier(steps, a, higher_is_better=higher_is_better)
    fb = CountryFrontier(steps, b, higher_is_better=higher_is_better)
    if not len(fa) or not len(fb):
        return gap_at(steps.iloc[:0], [], a=a, b=b, higher_is_better=higher_is_better)
    start = max(fa.start, fb.start)
    dates = np.union1d(np.concatenate([fa.dates, fb.dates]), [cutoff])
    return gap_at(steps, dates[dates >= start], a=a, b=b, higher_is_better=higher_is_better)
