"""The analytics endpoints' responses: load the frames (selectors), compute (analytics), echo the parameters.

Each function takes validated parameters (dashboards.api.serializers) and returns a JSON-ready dict. A benchmark
is a Benchmark row or INDEX, the capability index, which every analytic takes as a benchmark of its own.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd
from django.conf import settings

from benchmarks.models import CAPABILITY_INDEX_SLUG, Benchmark
from dashboards.analytics import payloads
from dashboards.analytics.capability_index import DEFAULT_ANCHORS, DEFAULT_MIN_BENCHMARKS, DEFAULT_RIDGE
from dashboards.analytics.freshness import fresh_then_stale
from dashboards.analytics.index_scores import INDEX_METRIC, INDEX_TOLERANCE, index_as_scores, index_body
from dashboards.cache import analytics_cache_key, analytics_cached
from dashboards.selectors import (
    benchmark_list,
    benchmark_metric_counts,
    benchmark_scores_frame,
    default_metric,
    index_benchmarks_frame,
    model_names,
    offering_prices_frame,
)


@dataclass(frozen=True)
class IndexBenchmark:
    """The capability index where a Benchmark is expected: higher is better, no scale bounds."""

    slug: str = CAPABILITY_INDEX_SLUG
    name: str = "Capability index"
    higher_is_better: bool = True
    scale_min: float = float("-inf")
    scale_max: float = float("inf")
    id: int = -1


INDEX = IndexBenchmark()
AnyBenchmark = Benchmark | IndexBenchmark


def _visibility(as_of: date, evaluated_by: str | None, independent: bool) -> dict:
    return {"as_of": as_of.isoformat(), "evaluated_by": evaluated_by, "independent": independent}


def index_fit(
    *,
    as_of: date,
    evaluated_by: str | None,
    independent: bool,
    anchors: Mapping[str, float] = DEFAULT_ANCHORS,
    min_benchmarks: int = DEFAULT_MIN_BENCHMARKS,
    ridge: float = DEFAULT_RIDGE,
    bootstrap: int | None = None,
) -> dict:
    """The capability index fitted on every country's scores used at `as_of` (index_body), cached per data version:
    the frontier, gap, cost and summary of the index share one fit."""
    params = {
        "as_of": as_of,
        "evaluated_by": evaluated_by,
        "independent": independent,
        "anchors": dict(anchors),
        "min_benchmarks": min_benchmarks,
        "ridge": ridge,
        "bootstrap": bootstrap,
    }

    def compute() -> dict:
        benchmarks = index_benchmarks_frame()
        metrics = dict(zip(benchmarks["benchmark_id"], benchmarks["metric"], strict=True))
        scores = benchmark_scores_frame(metrics=metrics, countries=None, as_of=as_of, evaluated_by=evaluated_by)
        used = payloads.scores_used_at(scores, as_of=as_of, evaluated_by=evaluated_by, independent=independent)
        options = {"anchors": anchors, "min_benchmarks": min_benchmarks, "ridge": ridge, "bootstrap": bootstrap}
        return index_body(used, benchmarks, **options)

    return analytics_cached(analytics_cache_key("capability-index-fit", params), compute)


def _used(
    benchmark: AnyBenchmark,
    metric: str | None,
    countries: list[str],
    *,
    as_of: date,
    evaluated_by: str | None,
    independent: bool,
) -> tuple[pd.DataFrame, float]:
    """The scores used at `as_of` on `benchmark` by models of `countries`, and the benchmark's default tolerance."""
    if benchmark.slug == CAPABILITY_INDEX_SLUG:
        fitted = index_fit(as_of=as_of, evaluated_by=evaluated_by, independent=independent)
        used = index_as_scores([m for m in fitted["models"] if m["country"] in countries])
        return used, INDEX_TOLERANCE if fitted["scale"] == "anchored" else 0.0
    metrics = {benchmark.id: metric} if metric else {}
    scores = benchmark_scores_frame(metrics=metrics, countries=countries, as_of=as_of, evaluated_by=evaluated_by)
    visibility = {"as_of": as_of, "evaluated_by": evaluated_by, "independent": independent}
    return payloads.used_scores(scores, benchmark_id=benchmark.id, metric=metric, **visibility), 0.0


def frontier_report(
    *,
    benchmark: AnyBenchmark,
    metric: str | None,
    countries: list[str],
    as_of: date,
    evaluated_by: str | None,
    independent: bool,
) -> dict:
    used, _ = _used(benchmark, metric, countries, as_of=as_of, evaluated_by=evaluated_by, independent=independent)
    body = payloads.frontier_body(used, countries=countries, higher_is_better=benchmark.higher_is_better)
    echo = {"benchmark": benchmark.slug, "metric": metric, "countries": countries}
    return {**echo, **_visibility(as_of, evaluated_by, independent), **body}


def gap_report(
    *,
    benchmark: AnyBenchmark,
    metric: str | None,
    a: str,
    b: str,
    as_of: date,
    evaluated_by: str | None,
    independent: bool,
    tolerance: float | None,
) -> dict:
    used, default_tolerance = _used(
        benchmark, metric, [a, b], as_of=as_of, evaluated_by=evaluated_by, independent=independent
    )
    body = payloads.gap_body(
        used,
        a=a,
        b=b,
        as_of=as_of,
        higher_is_better=benchmark.higher_is_better,
        tolerance=default_tolerance if tolerance is None else tolerance,
    )
    echo = {"benchmark": benchmark.slug, "metric": metric, "a": a, "b": b}
    return {**echo, **_visibility(as_of, evaluated_by, independent), **body}


def cost_ratio_report(
    *,
    benchmark: AnyBenchmark,
    metric: str | None,
    a: str,
    b: str,
    as_of: date,
    evaluated_by: str | None,
    independent: bool,
    threshold: float | None,
    providers: str,
    include_off_peak: bool,
) -> dict:
    used, _ = _used(benchmark, metric, [a, b], as_of=as_of, evaluated_by=evaluated_by, independent=independent)
    prices = offering_prices_frame(countries=[a, b], as_of=as_of)
    body = payloads.cost_body(
        used,
        prices,
        a=a,
        b=b,
        as_of=as_of,
        higher_is_better=benchmark.higher_is_better,
        threshold=threshold,
        providers=providers,
        include_off_peak=include_off_peak,
    )
    echo = {"benchmark": benchmark.slug, "metric": metric, "a": a, "b": b}
    options = {"providers": providers, "include_off_peak": include_off_peak}
    return {**echo, **_visibility(as_of, evaluated_by, independent), **options, **body}


def price_performance_report(
    *,
    benchmark: AnyBenchmark,
    metric: str | None,
    countries: list[str],
    as_of: date,
    evaluated_by: str | None,
    independent: bool,
    providers: str,
    include_off_peak: bool,
) -> dict:
    used, _ = _used(benchmark, metric, countries, as_of=as_of, evaluated_by=evaluated_by, independent=independent)
    prices = offering_prices_frame(countries=countries, as_of=as_of)
    body = payloads.price_performance_body(
        used,
        prices,
        countries=countries,
        as_of=as_of,
        higher_is_better=benchmark.higher_is_better,
        providers=providers,
        include_off_peak=include_off_peak,
    )
    echo = {"benchmark": benchmark.slug, "metric": metric, "countries": countries}
    options = {"providers": providers, "include_off_peak": include_off_peak}
    return {**echo, **_visibility(as_of, evaluated_by, independent), **options, **body}


def summary_report(
    *, a: str, b: str, as_of: date, evaluated_by: str | None, independent: bool, providers: str, include_off_peak: bool
) -> dict:
    """The capability index's row, then one row per benchmark both countries have scores on (at `as_of`, on the
    benchmark's default metric), fresh benchmarks first, then stale ones (settings.STALE_AFTER_DAYS), in a fixed
    number of queries whatever the number of benchmarks."""
    stale_after_days = settings.STALE_AFTER_DAYS
    benchmarks = benchmark_list()
    counts = benchmark_metric_counts()
    metrics = {bm.id: default_metric(counts.get(bm.id, {})) for bm in benchmarks}
    metrics = {benchmark_id: metric for benchmark_id, metric in metrics.items() if metric}
    scores = benchmark_scores_frame(metrics=metrics, countries=[a, b], as_of=as_of, evaluated_by=evaluated_by)
    prices = offering_prices_frame(countries=[a, b], as_of=as_of)
    # Once for every benchmark, not once per benchmark: the scores used and each model's price at as_of.
    visibility = {"as_of": as_of, "evaluated_by": evaluated_by, "independent": independent}
    used = payloads.scores_used_at(scores, **visibility)
    now = payloads.model_prices_now(prices, as_of=as_of, providers=providers, include_off_peak=include_off_peak)
    pair = {"a": a, "b": b, "as_of": as_of}
    rows, leading = [], []  # leading: the index's row, before every benchmark whatever their freshness
    index_used, tolerance = _used(INDEX, INDEX_METRIC, [a, b], **visibility)
    index_row = payloads.summary_row(
        index_used,
        now,
        metric=INDEX_METRIC,
        higher_is_better=True,
        stale_after_days=stale_after_days,
        tolerance=tolerance,
        with_lead_summary=True,
        **pair,
    )
    if index_row is not None:
        leading.append({"benchmark": CAPABILITY_INDEX_SLUG, **index_row})
    by_benchmark = dict(tuple(used.groupby("benchmark_id", sort=False)))
    for benchmark in benchmarks:
        if benchmark.id not in by_benchmark:
            continue
        row = payloads.summary_row(
            by_benchmark[benchmark.id],
            now,
            metric=metrics[benchmark.id],
            higher_is_better=benchmark.higher_is_better,
            stale_after_days=stale_after_days,
            **pair,
        )
        if row is not None:
            rows.append({"benchmark": benchmark.slug, **row})
    options = {"providers": providers, "include_off_peak": include_off_peak}
    return {
        "a": a,
        "b": b,
        **_visibility(as_of, evaluated_by, independent),
        **options,
        "stale_after_days": stale_after_days,
        "rows": [*leading, *fresh_then_stale(rows)],
    }


def capability_index_report(
    *,
    as_of: date,
    evaluated_by: str | None,
    independent: bool,
    countries: list[str] | None,
    anchors: Mapping[str, float],
    min_benchmarks: int,
    ridge: float,
    ci: bool,
    bootstrap: int,
) -> dict:
    """Every fitted model's index (of `countries` only, when given: they filter the list, not the fit), the
    benchmarks' difficulty ladder and the fit's figures."""
    fitted = index_fit(
        as_of=as_of,
        evaluated_by=evaluated_by,
        independent=independent,
        anchors=anchors,
        min_benchmarks=min_benchmarks,
        ridge=ridge,
        bootstrap=bootstrap if ci else None,
    )
    listed = [m for m in fitted["models"] if countries is None or m["country"] in countries]
    names = model_names([m["model"] for m in listed])
    models = [
        {
            "model": m["model"],
            "name": names.get(m["model"], m["model"]),
            "lab": m["lab"],
            "country": m["country"],
            "release_date": m["release_date"],
            "index": m["index"],
            "ci_low": m["ci_low"],
            "ci_high": m["ci_high"],
            "benchmarks": m["benchmarks"],
        }
        for m in listed
    ]
    echo = {
        **_visibility(as_of, evaluated_by, independent),
        "countries": countries,
        "anchors": dict(anchors),
        "min_benchmarks": min_benchmarks,
        "ridge": ridge,
        "ci": ci,
        "bootstrap": bootstrap if ci else None,
    }
    return {
        **echo,
        "scale": fitted["scale"],
        "fit": fitted["fit"],
        "models": models,
        "benchmarks": fitted["benchmarks"],
    }
