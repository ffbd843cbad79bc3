"""The fixed columns of the frames the analytics read, and one way to build such a frame.

Selectors build these from `.values_list()`; tests build them from tuples. Dates are `datetime64[s]`
(the whole 0001-9999 range fits), prices and scores `float64`, nullable ids `Int64`.
"""

from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

DATE = "date"
DATETIME = "datetime"

# One row per published score, with the scored model's columns joined in.
SCORE_COLUMNS: Mapping[str, str] = {
    "score_id": "int64",
    "benchmark_id": "int64",
    "metric": "object",
    "value": "float64",
    "evaluated_by": "object",
    "reported_on": DATE,
    "created_at": DATETIME,
    "model_id": "int64",
    "model": "object",  # the model's slug
    "lab": "object",  # the model's lab's slug: a score whose evaluated_by equals it is self-reported
    "country": "object",  # the lab's country
    "release_date": DATE,
}

# One row per PricePoint, with its offering's span and whether the seller is the model's own lab.
PRICE_COLUMNS: Mapping[str, str] = {
    "offering_id": "int64",
    "model_id": "int64",
    "model_lab_id": "int64",
    "provider_lab_id": "Int64",  # null for a host that is no lab
    "available_from": DATE,
    "retired_on": DATE,
    "effective_from": DATE,
    "effective_to": DATE,
    "input_per_mtok": "float64",
    "output_per_mtok": "float64",
    "off_peak": "bool",
}


def typed_frame(rows: Iterable[Sequence] | pd.DataFrame, columns: Mapping[str, str]) -> pd.DataFrame:
    """A DataFrame with exactly `columns`, in order, each cast to its dtype (also when there are no rows)."""
    df = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame.from_records(list(rows), columns=list(columns))
    df = df.reindex(columns=list(columns))
    for name, dtype in columns.items():
        if dtype == DATE:
            df[name] = pd.to_datetime(df[name]).astype("datetime64[s]")
        elif dtype == DATETIME:
            df[name] = pd.to_datetime(df[name], utc=True, format="ISO8601")
        else:
            df[name] = df[name].astype(dtype)
    return df


def empty_frame(columns: Mapping[str, str]) -> pd.DataFrame:
    return typed_frame([], columns)
