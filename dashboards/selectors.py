"""ORM -> DataFrames with fixed columns (dashboards.analytics.frames), each in one query."""

from collections.abc import Iterable
from datetime import date

import pandas as pd
from django.db.models import CharField, Count, FloatField, Q
from django.db.models.functions import Cast

from benchmarks.models import Benchmark, BenchmarkScore
from dashboards.analytics.frames import PRICE_COLUMNS, SCORE_COLUMNS, typed_frame
from pricing.models import PricePoint


def benchmark_metric_counts(*, benchmark_ids: Iterable[int] | None = None) -> dict[int, dict[str, int]]:
    """Per benchmark id, how many scores use each metric (all scores ever recorded), in one query."""
    rows = BenchmarkScore.objects.all()
    if benchmark_ids is not None:
        rows = rows.filter(benchmark_id__in=list(benchmark_ids))
    counts: dict[int, dict[str, int]] = {}
    for benchmark_id, metric, n in rows.values_list("benchmark_id", "metric").annotate(n=Count("id")).order_by():
        counts.setdefault(benchmark_id, {})[metric] = n
    return counts


def default_metric(counts: dict[str, int]) -> str | None:
    """The metric most of a benchmark's scores use (ties: the alphabetically first), None without scores."""
    return min(counts, key=lambda metric: (-counts[metric], metric)) if counts else None


def benchmark_list() -> list[Benchmark]:
    return list(Benchmark.objects.order_by("slug"))


def benchmark_scores_frame(
    *,
    metrics: dict[int, str],
    countries: Iterable[str],
    as_of: date,
    evaluated_by: str | None = None,
) -> pd.DataFrame:
    """Scores (SCORE_COLUMNS) of the given {benchmark id: metric} pairs by models of `countries`, as known at
    `as_of`: the rows the analytics need and no others, in one query."""
    if not metrics:
        return typed_frame([], SCORE_COLUMNS)
    pairs = Q()
    for benchmark_id, metric in metrics.items():
        pairs |= Q(benchmark_id=benchmark_id, metric=metric)
    rows = BenchmarkScore.objects.filter(
        pairs,
        model__lab__country__in=list(countries),
        model__release_date__lte=as_of,
        reported_on__lte=as_of,
    )
    if evaluated_by is not None:
        rows = rows.filter(evaluated_by=evaluated_by)
    values = rows.order_by().values_list(
        "id",
        "benchmark_id",
        "metric",
        "value",
        "evaluated_by",
        "reported_on",
        # As text, parsed vectorised by pandas: Django's timestamptz loader costs ~15 us a row in Python.
        Cast("created_at", CharField()),
        "model_id",
        "model__slug",
        "model__lab__slug",
        "model__lab__country",
        "model__release_date",
    )
    return typed_frame(values, SCORE_COLUMNS)


def offering_prices_frame(*, countries: Iterable[str], as_of: date) -> pd.DataFrame:
    """PricePoints (PRICE_COLUMNS) in effect by `as_of` of models of `countries` released by then, with their
    offering's span and seller, in one query."""
    rows = PricePoint.objects.filter(
        offering__model__lab__country__in=list(countries),
        offering__model__release_date__lte=as_of,
        effective_from__lte=as_of,
    )
    values = rows.order_by().values_list(
        "offering_id",
        "offering__model_id",
        "offering__model__lab_id",
        "offering__provider__lab_id",
        "offering__available_from",
        "offering__retired_on",
        "effective_from",
        "effective_to",
        Cast("input_per_mtok", FloatField()),
        Cast("output_per_mtok", FloatField()),
        "off_peak",
    )
    return typed_frame(values, PRICE_COLUMNS)
