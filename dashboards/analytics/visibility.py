"""What `as_of` sees: the state of the registry as it was known that day."""

from datetime import date

import numpy as np
import pandas as pd


def day(value: date | np.datetime64 | pd.Timestamp) -> np.datetime64:
    """A date as `datetime64[s]`, the unit every date column uses."""
    return np.datetime64(pd.Timestamp(value).date(), "D").astype("datetime64[s]")


def scores_known(
    scores: pd.DataFrame, *, as_of: date, evaluated_by: str | None = None, independent: bool = False
) -> pd.DataFrame:
    """Scores visible at `as_of`: first only `evaluated_by`'s (when given) and, with `independent`, none that a
    model's own lab published; then only those reported on or before `as_of` of models released on or before it
    (a model without a release date never counts)."""
    if evaluated_by is not None:
        scores = scores[scores["evaluated_by"] == evaluated_by]
    if independent:
        scores = scores[scores["evaluated_by"] != scores["lab"]]
    cutoff = day(as_of)
    keep = (scores["reported_on"] <= cutoff) & scores["release_date"].notna() & (scores["release_date"] <= cutoff)
    return scores[keep]


def prices_known(prices: pd.DataFrame, *, as_of: date) -> pd.DataFrame:
    """PricePoints visible at `as_of`: those in effect from that day or earlier."""
    return prices[prices["effective_from"] <= day(as_of)]
