"""Gap and lead in days between two countries' frontiers, and the lead summary over time."""

from datetime import date

import numpy as np
import pandas as pd

from dashboards.analytics.frontier import CountryFrontier
from dashboards.analytics.visibility import day

GAP_COLUMNS = ["date", "a_value", "b_value", "gap", "lead_days", "a_model", "b_model"]

# Index values such as 140.3 - 139.3 differ from 1.0 in the last bits: "within tolerance" forgives that much.
FLOAT_SLACK = 1e-9


def reach_margin(tolerance: float) -> float:
    """How far below a value a frontier may stay and still count as reaching it."""
    return tolerance + FLOAT_SLACK if tolerance > 0 else 0.0


def gap_at(
    steps: pd.DataFrame, dates, *, a: str, b: str, higher_is_better: bool = True, tolerance: float = 0.0
) -> pd.DataFrame:
    """Gap and lead of `a` over `b` at each of `dates` (GAP_COLUMNS; nulls where a frontier does not exist yet).

    gap = frontier_a - frontier_b, negated for lower-is-better, so positive means `a` is ahead. lead_days:
    when `a` is ahead, t minus the first date a's frontier reached b's frontier at t; when `b` is ahead, the
    same with roles swapped, negated; 0 when equal. With `tolerance` τ a frontier reaches v from v - τ on, and
    sides within τ of each other are equal; the gap itself is unchanged.
    """
    when = np.asarray(dates, dtype="datetime64[s]")
    fa = CountryFrontier(steps, a, higher_is_better=higher_is_better)
    fb = CountryFrontier(steps, b, higher_is_better=higher_is_better)
    a_value, a_model = fa.at(when)
    b_value, b_model = fb.at(when)
    sign = 1.0 if higher_is_better else -1.0
    gap = sign * (a_value - b_value)
    margin = reach_margin(tolerance)
    a_reached, _ = fa.first_reaching(sign * b_value - margin)
    b_reached, _ = fb.first_reaching(sign * a_value - margin)
    a_lead = (when - a_reached) / np.timedelta64(1, "D")
    b_lead = -(when - b_reached) / np.timedelta64(1, "D")
    lead = np.where(gap > margin, a_lead, np.where(gap < -margin, b_lead, np.where(np.isnan(gap), np.nan, 0.0)))
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


def gap_series(
    steps: pd.DataFrame, *, a: str, b: str, as_of: date, higher_is_better: bool = True, tolerance: float = 0.0
) -> pd.DataFrame:
    """The gap series: a point on each date either frontier changes, from the first date both exist, and a
    last point at `as_of` (GAP_COLUMNS). Empty unless both frontiers exist by `as_of`."""
    cutoff = day(as_of)
    steps = steps[steps["date"] <= cutoff]
    options = {"a": a, "b": b, "higher_is_better": higher_is_better, "tolerance": tolerance}
    fa = CountryFrontier(steps, a, higher_is_better=higher_is_better)
    fb = CountryFrontier(steps, b, higher_is_better=higher_is_better)
    if not len(fa) or not len(fb):
        return gap_at(steps.iloc[:0], [], **options)
    start = max(fa.start, fb.start)
    dates = np.union1d(np.concatenate([fa.dates, fb.dates]), [cutoff])
    return gap_at(steps, dates[dates >= start], **options)


def lead_summary(
    steps: pd.DataFrame, *, a: str, b: str, as_of: date, higher_is_better: bool = True, tolerance: float = 0.0
) -> dict | None:
    """The lead in days on every day from `start` to `as_of` (Epoch AI's "months behind"): from, to, mean_days,
    min_days, max_days, current_days, signed as lead days (positive: `a` ahead).

    `start` is the later of the two countries' second frontier steps: each country's first frontier model is
    dropped, as it was likely not at the true frontier. None when a country has fewer than two steps by `as_of`.
    """
    cutoff = day(as_of)
    steps = steps[steps["date"] <= cutoff]
    fa = CountryFrontier(steps, a, higher_is_better=higher_is_better)
    fb = CountryFrontier(steps, b, higher_is_better=higher_is_better)
    if len(fa) < 2 or len(fb) < 2:
        return None
    start = max(fa.dates[1], fb.dates[1])
    days = np.arange(start.astype("datetime64[D]"), cutoff.astype("datetime64[D]") + 1).astype("datetime64[s]")
    lead = gap_at(steps, days, a=a, b=b, higher_is_better=higher_is_better, tolerance=tolerance)["lead_days"]
    lead = lead.astype("float64").to_numpy()
    return {
        "from": pd.Timestamp(start).date().isoformat(),
        "to": pd.Timestamp(cutoff).date().isoformat(),
        "mean_days": round(float(lead.mean()), 2),
        "min_days": int(lead.min()),
        "max_days": int(lead.max()),
        "current_days": int(lead[-1]),
    }
