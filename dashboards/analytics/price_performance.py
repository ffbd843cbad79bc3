"""Price against score at one date: which models buy which capability, and each country's best buys."""

from datetime import date

import pandas as pd

from dashboards.analytics.frontier import signed
from dashboards.analytics.prices import Providers, model_prices_at
from dashboards.analytics.visibility import day

POINT_COLUMNS = ["country", "model", "price", "value"]


def price_performance(
    used: pd.DataFrame,
    prices: pd.DataFrame,
    *,
    as_of: date,
    providers: Providers = "first_party",
    include_off_peak: bool = False,
    higher_is_better: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every model with a score used and a price at `as_of`, and each country's price-performance frontier.

    `used`: scores used (one per model) at `as_of`; `prices`: PRICE_COLUMNS rows known at `as_of`.
    Returns (points, frontier), both POINT_COLUMNS sorted by country then price. A frontier point is a
    model strictly better than every cheaper (or equally priced, better-placed) model of its country:
    what each extra dollar buys there.
    """
    at = model_prices_at(prices, [day(as_of)], providers=providers, include_off_peak=include_off_peak)
    points = used.merge(at[["model_id", "price"]], on="model_id")[POINT_COLUMNS]
    points = points.assign(_signed=signed(points["value"], higher_is_better))
    points = points.sort_values(["country", "price", "_signed", "model"], ascending=[True, True, False, True])
    best_before = points.groupby("country")["_signed"].cummax().groupby(points["country"]).shift()
    on_frontier = best_before.isna() | (points["_signed"] > best_before)
    points = points.drop(columns="_signed").reset_index(drop=True)
    return points, points[on_frontier.to_numpy()].reset_index(drop=True)
