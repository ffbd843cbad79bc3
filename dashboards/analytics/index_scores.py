"""The capability index between the registry's frames and the other analytics: its input out of the scores used,
its JSON body, and its values back as scores of the virtual benchmark `capability-index`."""

from collections.abc import Mapping

import pandas as pd

from dashboards.analytics.capability_index import capability_index
from dashboards.analytics.payloads import DIGITS, records

# The benchmarks the index reads: one row per benchmark with `in_index`, on its default metric.
INDEX_BENCHMARK_COLUMNS = ["benchmark_id", "benchmark", "metric", "scale_min", "scale_max", "higher_is_better"]
INDEX_METRIC = "index"
# Lead days on the index count sides within one index point as level (DESIGN.md, "Tolerance"); elsewhere 0.
INDEX_TOLERANCE = 1.0

MODEL_KINDS = {
    "model_id": "int",
    "model": "text",
    "lab": "text",
    "country": "text",
    "release_date": "date",
    "index": "rounded",
    "ci_low": "rounded",
    "ci_high": "rounded",
    "benchmarks": "int",
    "last_reported": "date",
}
BENCHMARK_KINDS = {"benchmark": "text", "metric": "text", "difficulty": "rounded", "slope": "rounded", "models": "int"}


def index_inputs(used: pd.DataFrame, benchmarks: pd.DataFrame) -> pd.DataFrame:
    """The scores used (SCORE_COLUMNS, one per model, benchmark and metric) on each index benchmark's metric, with
    its slug and scale joined in."""
    return used.merge(benchmarks, on=["benchmark_id", "metric"], how="inner")


def index_body(
    used: pd.DataFrame,
    benchmarks: pd.DataFrame,
    *,
    anchors: Mapping[str, float],
    min_benchmarks: int,
    ridge: float,
    bootstrap: int | None,
) -> dict:
    """The fit on `used` (scores used at as_of) over `benchmarks` (INDEX_BENCHMARK_COLUMNS): scale, fit figures,
    models by index descending (with model_id, lab, country, release date and the newest report it rests on) and
    benchmarks by difficulty."""
    inputs = index_inputs(used, benchmarks)
    result = capability_index(inputs, anchors=anchors, min_benchmarks=min_benchmarks, ridge=ridge, bootstrap=bootstrap)
    if result is None:
        empty_figures = {"observations": 0, "models": 0, "benchmarks": 0, "rmse": None, "ridge": ridge}
        return {"scale": "raw", "fit": {**empty_figures, "reference_benchmark": None}, "models": [], "benchmarks": []}
    info = inputs.groupby("model", sort=False).agg(
        model_id=("model_id", "first"),
        lab=("lab", "first"),
        country=("country", "first"),
        release_date=("release_date", "first"),
        last_reported=("reported_on", "max"),
    )
    models = result.models.merge(info, left_on="model", right_index=True, how="left")
    metric_of = dict(zip(benchmarks["benchmark"], benchmarks["metric"], strict=True))
    ladder = result.benchmarks.assign(metric=result.benchmarks["benchmark"].map(metric_of))
    figures = {**result.figures, "rmse": round(result.figures["rmse"], DIGITS)}
    return {
        "scale": result.scale.name,
        "fit": figures,
        "models": records(models, MODEL_KINDS),
        "benchmarks": records(ladder, BENCHMARK_KINDS),
    }


def index_as_scores(models: list[dict]) -> pd.DataFrame:
    """The index of `models` (index_body's rows) as the scores used on a benchmark: model_id, model, lab, country,
    release_date, value, reported_on (the newest report the index rests on), metric "index"."""
    df = pd.DataFrame.from_records(
        [
            (m["model_id"], m["model"], m["lab"], m["country"], m["release_date"], m["index"], m["last_reported"])
            for m in models
        ],
        columns=["model_id", "model", "lab", "country", "release_date", "value", "reported_on"],
    )
    for column in ("release_date", "reported_on"):
        df[column] = pd.to_datetime(df[column]).astype("datetime64[s]")
    return df.astype({"model_id": "int64", "value": "float64"}).assign(metric=INDEX_METRIC)
