"""Pure analytics over pandas DataFrames (no ORM): exactly the definitions of DESIGN.md, "Analytics definitions".

Inputs are frames with the columns of `frames.SCORE_COLUMNS` and `frames.PRICE_COLUMNS` (see
`dashboards.selectors`); every function returns a new frame or plain values.
"""

from dashboards.analytics.costs import cheapest_capable, cost_at, cost_ratio, cost_series, default_threshold
from dashboards.analytics.frontier import frontier_steps
from dashboards.analytics.gap import gap_at, gap_series
from dashboards.analytics.lags import catch_up_lags
from dashboards.analytics.prices import blended_price, model_price_at, model_prices_at, price_intervals
from dashboards.analytics.scores import scores_used
from dashboards.analytics.visibility import prices_known, scores_known

__all__ = [
    "blended_price",
    "catch_up_lags",
    "cheapest_capable",
    "cost_at",
    "cost_ratio",
    "cost_series",
    "default_threshold",
    "frontier_steps",
    "gap_at",
    "gap_series",
    "model_price_at",
    "model_prices_at",
    "price_intervals",
    "prices_known",
    "scores_known",
    "scores_used",
]
