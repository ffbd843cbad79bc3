"""How fresh each side's scores on a benchmark are (DESIGN.md, "Freshness").

A benchmark is stale for a pair when either side's newest score used is more than `stale_after_days` before
`as_of`: its lead in days then says more about who stopped reporting than about capability.
"""

from datetime import date, timedelta

import pandas as pd


def last_reported(used: pd.DataFrame, country: str) -> date | None:
    """The latest `reported_on` among `country`'s scores in `used` (the scores used at as_of), or None."""
    dates = used.loc[used["country"] == country, "reported_on"].dropna()
    return None if dates.empty else pd.Timestamp(dates.max()).date()


def is_stale(last: list[date | None], *, as_of: date, stale_after_days: int) -> bool:
    """True when any side has no score or its newest is more than `stale_after_days` before `as_of`
    (exactly `stale_after_days` before is still fresh)."""
    oldest_fresh = as_of - timedelta(days=stale_after_days)
    return any(day is None or day < oldest_fresh for day in last)


def fresh_then_stale(rows: list[dict]) -> list[dict]:
    """Summary rows with the fresh ones first, each group in its given order (the sort is stable)."""
    return sorted(rows, key=lambda row: bool(row["stale"]))
