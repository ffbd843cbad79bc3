"""Shipped reference data: benchmarks and sourced scores."""

import math
from pathlib import Path

from benchmarks.models import Benchmark, BenchmarkScore
from models_registry.loading import (
    CellError,
    Record,
    Table,
    boolean,
    by_slug,
    required_date,
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
            },
        )
    ]


def score_records(row: dict[str, str]) -> list[Record]:
    benchmark = by_slug(Benchmark, row, "benchmark")
    value = as_float(row, "value")
    if not benchmark.scale_min <= value <= benchmark.scale_max:
        raise CellError("value", f"{value:g} is outside {benchmark.slug}'s scale")
    return [
        Record(
            lookup={
                "model": by_slug(AIModel, row, "model"),
                "benchmark": benchmark,
                "metric": text(row, "metric"),
                "evaluated_by": text(row, "evaluated_by"),
                "reported_on": required_date(row, "reported_on"),
            },
            values={"value": value, "note": text(row, "note", required=False), **source_fields(row["source"])},
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
