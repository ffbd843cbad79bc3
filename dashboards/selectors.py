"""ORM -> DataFrames with fixed columns (dashboards.analytics.frames), each in one query."""

from collections.abc import Iterable
from datetime import date

import pandas as pd
from django.db.models import CharField, Count, FloatField, Max, Q
from django.db.models.functions import Cast

from benchmarks.models import Benchmark, BenchmarkScore, ProbeResult
from dashboards.analytics.frames import PRICE_COLUMNS, SCORE_COLUMNS, typed_frame
from dashboards.analytics.index_scores import INDEX_BENCHMARK_COLUMNS
from models_registry.models import AIModel, TimelineEvent
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


def newest_data_dates(*, today: date) -> dict[str, date | None]:
    """The latest `reported_on` of any score and `effective_from` of any price up to `today` (two queries):
    how fresh the registry is as a whole."""
    return {
        "newest_score": BenchmarkScore.objects.filter(reported_on__lte=today).aggregate(d=Max("reported_on"))["d"],
        "newest_price": PricePoint.objects.filter(effective_from__lte=today).aggregate(d=Max("effective_from"))["d"],
    }


def model_names(slugs: Iterable[str]) -> dict[str, str]:
    """Model slug -> display name for `slugs`, in one query."""
    return dict(AIModel.objects.filter(slug__in=set(slugs)).values_list("slug", "name"))


def benchmark_names() -> dict[str, str]:
    return dict(Benchmark.objects.values_list("slug", "name"))


def default_metric(counts: dict[str, int]) -> str | None:
    """The metric most of a benchmark's scores use (ties: the alphabetically first), None without scores."""
    return min(counts, key=lambda metric: (-counts[metric], metric)) if counts else None


def benchmark_list() -> list[Benchmark]:
    return list(Benchmark.objects.order_by("slug"))


DEFAULT_BENCHMARK = "gpqa-diamond"


def default_benchmark_slug() -> str | None:
    """The benchmark the pages show when none is asked for: GPQA Diamond, else the first by slug (None: none)."""
    slugs = [benchmark.slug for benchmark in benchmark_list()]
    if not slugs:
        return None
    return DEFAULT_BENCHMARK if DEFAULT_BENCHMARK in slugs else slugs[0]


def benchmark_scores_frame(
    *,
    metrics: dict[int, str],
    countries: Iterable[str] | None,
    as_of: date,
    evaluated_by: str | None = None,
) -> pd.DataFrame:
    """Scores (SCORE_COLUMNS) of the given {benchmark id: metric} pairs by models of `countries` (None: every
    country), as known at `as_of`: the rows the analytics need and no others, in one query."""
    if not metrics:
        return typed_frame([], SCORE_COLUMNS)
    pairs = Q()
    for benchmark_id, metric in metrics.items():
        pairs |= Q(benchmark_id=benchmark_id, metric=metric)
    rows = BenchmarkScore.objects.filter(pairs, model__release_date__lte=as_of, reported_on__lte=as_of)
    if countries is not None:
        rows = rows.filter(model__lab__country__in=list(countries))
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


def index_benchmarks_frame() -> pd.DataFrame:
    """The benchmarks the capability index reads (INDEX_BENCHMARK_COLUMNS): those with `in_index` and scores, each
    on its default metric, in two queries."""
    counts = benchmark_metric_counts()
    rows = []
    for bm in Benchmark.objects.filter(in_index=True).order_by("slug"):
        metric = default_metric(counts.get(bm.id, {}))
        if metric is not None:
            rows.append((bm.id, bm.slug, metric, bm.scale_min, bm.scale_max, bm.higher_is_better))
    frame = pd.DataFrame.from_records(rows, columns=INDEX_BENCHMARK_COLUMNS)
    return frame.astype(
        {"benchmark_id": "int64", "scale_min": "float64", "scale_max": "float64", "higher_is_better": "bool"}
    )


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


def timeline_events(*, countries: Iterable[str], until: date) -> list[dict]:
    """Events up to `until` that concern one of `countries` or no country in particular, oldest first."""
    rows = TimelineEvent.objects.filter(date__lte=until).filter(Q(country__in=list(countries)) | Q(country=""))
    return [
        {"date": e.date.isoformat(), "title": e.title, "kind": e.kind, "country": e.country.code, "url": e.source_url}
        for e in rows.order_by("date", "title")
    ]


PROBES_ON_MODEL_PAGE = 50


def model_page(slug: str) -> dict | None:
    """A model with everything its page shows (scores, offerings, price history, recent probes), in 5 queries."""
    model = AIModel.objects.with_lab().filter(slug=slug).first()
    if model is None:
        return None
    scores = list(model.scores.select_related("benchmark").order_by("benchmark__slug", "metric", "-reported_on"))
    offerings = list(model.offerings.select_related("provider").order_by("provider__slug", "available_from"))
    prices = list(
        PricePoint.objects.filter(offering__model=model)
        .select_related("offering__provider")
        .order_by("offering__provider__slug", "offering__provider_model_id", "effective_from", "off_peak")
    )
    probes = list(
        ProbeResult.objects.filter(offering__model=model)
        .select_related("offering__provider")
        .order_by("-started_at")[:PROBES_ON_MODEL_PAGE]
    )
    return {"model": model, "scores": scores, "offerings": offerings, "prices": prices, "probes": probes}
