"""Cost of capability: the cheapest price at which a country sells a model that reaches a threshold."""

from datetime import date

import numpy as np
import pandas as pd

from dashboards.analytics.frontier import signed
from dashboards.analytics.prices import Providers, model_prices_at, price_intervals, select_providers
from dashboards.analytics.visibility import day

CHEAPEST_COLUMNS = ["country", "date", "price", "model", "value"]
COST_COLUMNS = ["date", "a_price", "a_model", "b_price", "b_model", "ratio"]


def reaches(values: pd.Series, threshold: float, *, higher_is_better: bool = True) -> pd.Series:
    """Whether each value reaches `threshold` (>=, or <= where lower is better)."""
    return signed(values, higher_is_better) >= signed(threshold, higher_is_better)


def cheapest_capable(
    used: pd.DataFrame,
    prices: pd.DataFrame,
    dates,
    *,
    threshold: float,
    higher_is_better: bool = True,
    providers: Providers = "first_party",
    include_off_peak: bool = False,
) -> pd.DataFrame:
    """Per country and date, the cheapest model released by then whose score used reaches `threshold`
    (CHEAPEST_COLUMNS; no row where a country has none). Equal prices go to the better score, then the
    first slug."""
    capable = used[reaches(used["value"], threshold, higher_is_better=higher_is_better)]
    capable_prices = prices[prices["model_id"].isin(capable["model_id"])]
    priced = model_prices_at(capable_prices, dates, providers=providers, include_off_peak=include_off_peak)
    return cheapest_priced(capable, priced, higher_is_better=higher_is_better)


def cheapest_priced(capable: pd.DataFrame, priced: pd.DataFrame, *, higher_is_better: bool = True) -> pd.DataFrame:
    """Per country and date of `priced` (model prices, MODEL_PRICE_COLUMNS), the cheapest of the `capable` models
    (scores used) released by then (CHEAPEST_COLUMNS). Equal prices go to the better score, then the first slug."""
    rows = priced.merge(capable[["model_id", "model", "country", "release_date", "value"]], on="model_id")
    rows = rows[rows["release_date"] <= rows["date"]]
    rows = rows.assign(_signed=signed(rows["value"], higher_is_better)).sort_values(
        ["country", "date", "price", "_signed", "model"], ascending=[True, True, True, False, True], kind="stable"
    )
    return rows.drop_duplicates(["country", "date"], keep="first")[CHEAPEST_COLUMNS].reset_index(drop=True)


def default_threshold(
    used: pd.DataFrame, priced_now: pd.DataFrame, *, a: str, b: str, higher_is_better: bool = True
) -> float | None:
    """The level both sides can buy: the weaker of the two countries' best scores at `as_of` among models
    that have a price at `as_of` (`priced_now`: model_prices_at(prices, [as_of])). None if either side has no
    priced, scored model."""
    used = used[used["country"].isin([a, b])]
    candidates = used[used["model_id"].isin(priced_now["model_id"])]
    best = signed(candidates["value"], higher_is_better).groupby(candidates["country"]).max()
    if a not in best.index or b not in best.index:
        return None
    return float(signed(min(best[a], best[b]), higher_is_better))


def cost_ratio(a_price, b_price):
    """cost_a / cost_b; null when either is missing or cost_b is 0 (scalars or arrays)."""
    a_price = np.asarray(a_price, dtype=float)
    b_price = np.asarray(b_price, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.isnan(a_price) | np.isnan(b_price) | (b_price == 0), np.nan, a_price / b_price)


def _change_dates(used: pd.DataFrame, prices: pd.DataFrame, *, providers: Providers, cutoff) -> np.ndarray:
    """Every date on which some cost can change: releases and the starts and ends of price intervals."""
    intervals = price_intervals(select_providers(prices, providers))
    dates = np.concatenate(
        [
            used["release_date"].to_numpy("datetime64[s]"),
            intervals["start"].to_numpy("datetime64[s]"),
            intervals["end"].to_numpy("datetime64[s]"),
            [cutoff],
        ]
    )
    dates = dates[~np.isnat(dates)]
    return np.unique(dates[dates <= cutoff])


def cost_series(
    used: pd.DataFrame,
    prices: pd.DataFrame,
    *,
    a: str,
    b: str,
    as_of: date,
    threshold: float | None,
    higher_is_better: bool = True,
    providers: Providers = "first_party",
    include_off_peak: bool = False,
) -> pd.DataFrame:
    """Cost of capability of `a` and `b` and their ratio (COST_COLUMNS): a point on each date either side's
    cost or chosen model changes, from the first date both exist, and a last point at `as_of`.
    Empty when the threshold is None or the two never both have a cost."""
    cutoff = day(as_of)
    if threshold is None:
        return pd.DataFrame(columns=COST_COLUMNS)
    used = used[used["country"].isin([a, b]) & reaches(used["value"], threshold, higher_is_better=higher_is_better)]
    prices = prices[prices["model_id"].isin(used["model_id"])]
    dates = _change_dates(used, prices, providers=providers, cutoff=cutoff)
    cheapest = cheapest_capable(
        used,
        prices,
        dates,
        threshold=threshold,
        higher_is_better=higher_is_better,
        providers=providers,
        include_off_peak=include_off_peak,
    )
    table = pd.DataFrame({"date": dates})
    for side, country in (("a", a), ("b", b)):
        own = cheapest[cheapest["country"] == country][["date", "price", "model"]]
        table = table.merge(
            own.rename(columns={"price": f"{side}_price", "model": f"{side}_model"}), on="date", how="left"
        )
    both = table["a_price"].notna() & table["b_price"].notna()
    if not both.any():
        return pd.DataFrame(columns=COST_COLUMNS)
    table = table[table["date"] >= table.loc[both, "date"].iloc[0]].reset_index(drop=True)
    state = pd.DataFrame(  # missing as a sentinel, so that "still missing" is no change
        {
            "a_price": table["a_price"].fillna(-1.0),
            "a_model": table["a_model"].fillna(""),
            "b_price": table["b_price"].fillna(-1.0),
            "b_model": table["b_model"].fillna(""),
        }
    )
    changed = (state != state.shift()).any(axis=1)
    changed.iloc[0] = True
    changed.iloc[-1] = True  # the last grid date is as_of
    table = table[changed.to_numpy()].reset_index(drop=True)
    table["ratio"] = cost_ratio(table["a_price"], table["b_price"])
    return table[COST_COLUMNS]


def cost_at(
    used: pd.DataFrame,
    priced_now: pd.DataFrame,
    *,
    a: str,
    b: str,
    as_of: date,
    threshold: float | None,
    higher_is_better: bool = True,
) -> dict:
    """Both sides' cost of capability at `as_of` alone (a COST_COLUMNS row as a dict), even when a side
    has none. `priced_now`: each model's price at `as_of`, model_prices_at(prices, [as_of])."""
    cutoff = day(as_of)
    row = {"date": cutoff, "a_price": None, "a_model": None, "b_price": None, "b_model": None, "ratio": None}
    if threshold is None:
        return row
    used = used[used["country"].isin([a, b])]
    capable = used[reaches(used["value"], threshold, higher_is_better=higher_is_better)]
    cheapest = cheapest_priced(capable, priced_now, higher_is_better=higher_is_better)
    for side, country in (("a", a), ("b", b)):
        own = cheapest[cheapest["country"] == country]
        if len(own):
            row[f"{side}_price"] = float(own["price"].iloc[0])
            row[f"{side}_model"] = own["model"].iloc[0]
    if row["a_price"] is not None and row["b_price"] is not None:
        ratio = cost_ratio(row["a_price"], row["b_price"])
        row["ratio"] = None if np.isnan(ratio) else float(ratio)
    return row
