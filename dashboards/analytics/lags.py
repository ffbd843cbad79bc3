"""Catch-up lags: how long after each step of one country's frontier the other country reached it."""

from datetime import date

import numpy as np
import pandas as pd

from dashboards.analytics.frontier import CountryFrontier
from dashboards.analytics.gap import reach_margin
from dashboards.analytics.visibility import day

LAG_COLUMNS = ["a_model", "a_date", "value", "b_model", "b_date", "lag_days", "matched"]


def catch_up_lags(
    steps: pd.DataFrame, *, a: str, b: str, as_of: date, higher_is_better: bool = True, tolerance: float = 0.0
) -> pd.DataFrame:
    """For each step of `a`'s frontier (a_model, a_date, value): the first date `b`'s frontier reached that
    value, the `b` model that reached it, and lag_days = b_date - a_date (negative: b was there first).

    When `b` has not reached it by `as_of`: matched False, b_model and b_date null, and lag_days =
    as_of - a_date (a lower bound that grows daily). Only steps on or before `as_of` count. With `tolerance` τ,
    `b` reaches a value from value - τ on.
    """
    cutoff = day(as_of)
    steps = steps[steps["date"] <= cutoff]
    fa = CountryFrontier(steps, a, higher_is_better=higher_is_better)
    fb = CountryFrontier(steps, b, higher_is_better=higher_is_better)
    b_date, b_model = fb.first_reaching(fa.signed - reach_margin(tolerance))
    matched = ~np.isnat(b_date)
    until = np.where(matched, b_date, cutoff)
    lag = (until - fa.dates) / np.timedelta64(1, "D")
    return pd.DataFrame(
        {
            "a_model": fa.models,
            "a_date": fa.dates,
            "value": fa.values,
            "b_model": b_model,
            "b_date": b_date,
            "lag_days": lag.astype("int64"),
            "matched": matched,
        },
        columns=LAG_COLUMNS,
    )
