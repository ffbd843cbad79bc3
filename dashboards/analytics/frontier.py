"""Frontier: the best score used among a country's released models, as a step series per country."""

from collections.abc import Sequence

import numpy as np
import pandas as pd

STEP_COLUMNS = ["country", "date", "value", "model"]


def signed(values, higher_is_better: bool):
    """Values turned so that larger is always better (lower-is-better benchmarks are negated)."""
    return values if higher_is_better else -values


def frontier_steps(used: pd.DataFrame, *, higher_is_better: bool = True) -> pd.DataFrame:
    """Each country's frontier as steps: country, date, value, model (one row per strict improvement).

    `used`: scores used (one per model) with country, release_date, value, model. A step is a strict
    improvement; an equal score keeps the earlier model; on one day the best score wins, then the
    alphabetically first slug. A value holds from its date until the country's next step.
    """
    df = used.dropna(subset=["country", "release_date", "value"])[["country", "release_date", "value", "model"]]
    df = df.assign(_signed=signed(df["value"], higher_is_better))
    df = df.sort_values(
        ["country", "release_date", "_signed", "model"], ascending=[True, True, False, True], kind="stable"
    )
    daily = df.drop_duplicates(["country", "release_date"], keep="first")
    best_before = daily.groupby("country")["_signed"].cummax().groupby(daily["country"]).shift()
    steps = daily[best_before.isna() | (daily["_signed"] > best_before)]
    return steps.rename(columns={"release_date": "date"})[STEP_COLUMNS].reset_index(drop=True)


class CountryFrontier:
    """One country's steps as sorted arrays, for lookups at many dates at once."""

    def __init__(self, steps: pd.DataFrame, country: str, *, higher_is_better: bool):
        own = steps[steps["country"] == country].sort_values("date", kind="stable")
        self.dates = own["date"].to_numpy(dtype="datetime64[s]")
        self.values = own["value"].to_numpy(dtype=float)
        self.models = own["model"].to_numpy(dtype=object)
        self.signed = signed(self.values, higher_is_better)  # strictly increasing along the steps

    def __len__(self) -> int:
        return len(self.dates)

    @property
    def start(self) -> np.datetime64 | None:
        return self.dates[0] if len(self) else None

    def at(self, dates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Frontier value and model at each of `dates` (NaN / None before the first step)."""
        idx = np.searchsorted(self.dates, dates, side="right") - 1
        found = idx >= 0
        safe = np.where(found, idx, 0)
        values = np.where(found, self.values[safe] if len(self) else np.nan, np.nan)
        models = np.where(found, self.models[safe] if len(self) else None, None)
        return values, models

    def first_reaching(self, targets: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
        """For each signed target: the first step date at which this frontier reached it and that step's
        model (NaT / None where it never did)."""
        idx = np.searchsorted(self.signed, np.asarray(targets, dtype=float), side="left")
        found = idx < len(self)
        safe = np.where(found, idx, 0)
        never = np.datetime64("NaT", "s")
        dates = np.where(found, self.dates[safe] if len(self) else never, never)
        models = np.where(found, self.models[safe] if len(self) else None, None)
        return dates.astype("datetime64[s]"), models
