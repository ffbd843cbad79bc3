"""Prices: blended price, the price in force for an offering at a date, and a model's price at a date."""

from typing import Literal

import numpy as np
import pandas as pd

Providers = Literal["first_party", "all"]
PROVIDERS: tuple[str, ...] = ("first_party", "all")

INTERVAL_COLUMNS = ["offering_id", "model_id", "off_peak", "effective_from", "start", "end", "price"]
MODEL_PRICE_COLUMNS = ["model_id", "date", "price"]

# An interval with no known end runs past every date (the last one a request can name is 9999-12-31).
OPEN_END = np.datetime64("9999-12-31", "s") + np.timedelta64(1, "D")


def blended_price(input_per_mtok, output_per_mtok):
    """(3 * input + 1 * output) / 4 USD per million tokens, for scalars or Series.

    Rounded to 8 decimals: the exact result of 6-decimal prices, so equal prices compare equal.
    """
    return np.round((3 * input_per_mtok + output_per_mtok) / 4, 8)


def select_providers(prices: pd.DataFrame, providers: Providers) -> pd.DataFrame:
    """`first_party`: only offerings sold by the model's own lab; `all`: every host."""
    if providers == "all":
        return prices
    if providers != "first_party":
        raise ValueError(f"providers must be one of {PROVIDERS}, not {providers!r}")
    return prices[(prices["provider_lab_id"] == prices["model_lab_id"]).fillna(False).astype(bool)]


def price_intervals(prices: pd.DataFrame) -> pd.DataFrame:
    """When each PricePoint may be in force: [start, end) with its blended price (INTERVAL_COLUMNS).

    A point is valid from effective_from until effective_to (exclusive, when set), and only while its
    offering is live (available_from empty or <= t, retired_on empty or > t). Among an offering's valid
    points of one kind (list or off-peak) at t, the latest effective_from is the one in force.
    """
    end = np.fmin(prices["effective_to"].to_numpy("datetime64[s]"), prices["retired_on"].to_numpy("datetime64[s]"))
    start = np.fmax(
        prices["effective_from"].to_numpy("datetime64[s]"), prices["available_from"].to_numpy("datetime64[s]")
    )
    out = pd.DataFrame(
        {
            "offering_id": prices["offering_id"].to_numpy(),
            "model_id": prices["model_id"].to_numpy(),
            "off_peak": prices["off_peak"].to_numpy(dtype=bool),
            "effective_from": prices["effective_from"].to_numpy("datetime64[s]"),
            "start": start,
            "end": np.where(np.isnat(end), OPEN_END, end),
            "price": blended_price(prices["input_per_mtok"].to_numpy(float), prices["output_per_mtok"].to_numpy(float)),
        },
        columns=INTERVAL_COLUMNS,
    )
    return out[out["start"] < out["end"]].reset_index(drop=True)


def _in_force(intervals: pd.DataFrame, grid: np.ndarray) -> pd.DataFrame:
    """The price in force of each offering at each grid date (as its position `at` in `grid`): the valid
    point with the latest effective_from."""
    lo = np.searchsorted(grid, intervals["start"].to_numpy("datetime64[s]"), side="left")
    hi = np.searchsorted(grid, intervals["end"].to_numpy("datetime64[s]"), side="left")
    counts = np.maximum(hi - lo, 0)
    rows = np.repeat(np.arange(len(intervals)), counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    spread = intervals.iloc[rows][["offering_id", "model_id", "effective_from", "price"]].reset_index(drop=True)
    spread["at"] = lo[rows] + offsets
    spread = spread.sort_values(["offering_id", "at", "effective_from"], kind="stable")
    return spread.drop_duplicates(["offering_id", "at"], keep="last")[["offering_id", "model_id", "at", "price"]]


def model_prices_at(
    prices: pd.DataFrame, dates, *, providers: Providers = "first_party", include_off_peak: bool = False
) -> pd.DataFrame:
    """Each model's price at each of `dates` where it has one (MODEL_PRICE_COLUMNS).

    `prices`: PRICE_COLUMNS rows. A model's price at t is the cheapest among its offerings live at t
    (first-party only unless providers="all"). With include_off_peak an off-peak PricePoint in force at t
    competes with the offering's list price and the cheaper counts (an off-peak price alone does not).
    """
    grid = np.unique(np.asarray(dates, dtype="datetime64[s]"))
    intervals = price_intervals(select_providers(prices, providers))
    list_prices = _in_force(intervals[~intervals["off_peak"]], grid)
    if include_off_peak:
        off_peak = _in_force(intervals[intervals["off_peak"]], grid)[["offering_id", "at", "price"]]
        merged = list_prices.merge(off_peak, on=["offering_id", "at"], how="left", suffixes=("", "_off_peak"))
        list_prices = merged.assign(price=np.fmin(merged["price"], merged["price_off_peak"]))
    best = list_prices.groupby(["model_id", "at"], as_index=False)["price"].min()
    best["date"] = grid[best["at"].to_numpy(dtype="int64")] if len(best) else np.array([], dtype="datetime64[s]")
    return best[MODEL_PRICE_COLUMNS]


def model_price_at(prices: pd.DataFrame, model_id: int, at, **options) -> float | None:
    """The price of one model at one date (see model_prices_at), or None when it has none."""
    found = model_prices_at(prices[prices["model_id"] == model_id], [at], **options)
    return float(found["price"].iloc[0]) if len(found) else None
