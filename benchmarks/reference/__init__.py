"""Shipped reference data: benchmarks and sourced scores."""

import math
from pathlib import Path

from benchmarks.models import Benchmark, BenchmarkScore
from models_registry.loading import (
    CellError,
    Record,
    SkipRow,
    Table,
    boolean,
    by_slug,
    optional_date,
    required_decimal,
    source_fields,
    text,
)
from models_registry.models import AIModel

HERE = Path(__file__).resolve().parent


def as_float(row: dict[str, str], column: str) -> float:
    value = float(required_decimal(row, column))
    if not math.isfinite(value):  # 1e400 is a finite Decimal but an infinite float
        raise CellError(column, f"{row[column].strip()!r} is too large")
    return value


def benchmark_records(row: dict[str, str]) -> list[Record]:
    return [
        Record(
            lookup={"slug": text(row, "slug")},
            values={
                "name": text(row, "name"),
                "category": text(row, "category"),
                "higher_is_better": boolean(row, "higher_is_better"),
                "scale_min": as_float(row, "scale_min"),
                "scale_max": as_float(row, "scale_max"),
                "url": text(row, "url", required=False),
                "in_index": boolean(row, "in_index") if row.get("in_index", "").strip() else True,
            },
        )
    ]


UNKNOWN_REPORT_DATE_NOTE = "reported_on unknown: the model's release date stands in (the earliest it was published)"


def score_records(row: dict[str, str]) -> list[Record]:
    benchmark = by_slug(Benchmark, row, "benchmark")
    model = by_slug(AIModel, row, "model")
    value = as_float(row, "value")
    if not benchmark.scale_min <= value <= benchmark.scale_max:
        raise CellError("value", f"{value:g} is outside {benchmark.slug}'s scale")
    note = text(row, "note", required=False)
    reported_on = optional_date(row, "reported_on")
    if reported_on is None:
        # An empty cell means the source did not date it. A model's figures cannot predate its release, and most
        # undated ones are launch figures (the data README dates those by the release), so the release date stands in.
        if model.release_date is None:  # counts in no time series either way (DESIGN: "What as_of sees")
            raise SkipRow("no reported_on, and the model has no release date to stand in")
        reported_on = model.release_date
        note = f"{note}; {UNKNOWN_REPORT_DATE_NOTE}" if note else UNKNOWN_REPORT_DATE_NOTE
    return [
        Record(
            lookup={
                "model": model,
                "benchmark": benchmark,
                "metric": text(row, "metric"),
                "evaluated_by": text(row, "evaluated_by"),
                "reported_on": reported_on,
            },
            values={"value": value, "note": note, **source_fields(row["source"])},
        )
    ]


TABLES = [
    Table(
        HERE / "benchmarks.csv", Benchmark, ("slug", "name", "category", "scale_min", "scale_max"), benchmark_records
    ),
    Table(
        HERE / "scores.csv",
        BenchmarkScore,
        ("model", "benchmark", "metric", "value", "evaluated_by", "reported_on", "source"),
        score_records,
    ),
]
