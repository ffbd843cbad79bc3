"""The analytics endpoints' responses: load the frames (selectors), compute (analytics), echo the parameters.

Each function takes validated parameters (dashboards.api.serializers) and returns a JSON-ready dict.
"""

from datetime import date

from django.conf import settings

from benchmarks.models import Benchmark
from dashboards.analytics import payloads
from dashboards.analytics.freshness import fresh_then_stale
from dashboards.selectors import (
    benchmark_list,
    benchmark_metric_counts,
    benchmark_scores_frame,
    default_metric,
    offering_prices_frame,
)


def _scores(benchmark: Benchmark, metric: str | None, countries: list[str], as_of: date, evaluated_by: str | None):
    metrics = {benchmark.id: metric} if metric else {}
    return benchmark_scores_frame(metrics=metrics, countries=countries, as_of=as_of, evaluated_by=evaluated_by)


def frontier_report(
    *, benchmark: Benchmark, metric: str | None, countries: list[str], as_of: date, evaluated_by: str | None
) -> dict:
    scores = _scores(benchmark, metric, countries, as_of, evaluated_by)
    body = payloads.frontier_body(
        scores,
        benchmark_id=benchmark.id,
        metric=metric,
        countries=countries,
        as_of=as_of,
        evaluated_by=evaluated_by,
        higher_is_better=benchmark.higher_is_better,
    )
    echo = {"benchmark": benchmark.slug, "metric": metric, "countries": countries}
    return {**echo, "as_of": as_of.isoformat(), "evaluated_by": evaluated_by, **body}


def gap_report(
    *, benchmark: Benchmark, metric: str | None, a: str, b: str, as_of: date, evaluated_by: str | None
) -> dict:
    scores = _scores(benchmark, metric, [a, b], as_of, evaluated_by)
    body = payloads.gap_body(
        scores,
        benchmark_id=benchmark.id,
        metric=metric,
        a=a,
        b=b,
        as_of=as_of,
        evaluated_by=evaluated_by,
        higher_is_better=benchmark.higher_is_better,
    )
    echo = {"benchmark": benchmark.slug, "metric": metric, "a": a, "b": b}
    return {**echo, "as_of": as_of.isoformat(), "evaluated_by": evaluated_by, **body}


def cost_ratio_report(
    *,
    benchmark: Benchmark,
    metric: str | None,
    a: str,
    b: str,
    as_of: date,
    evaluated_by: str | None,
    threshold: float | None,
    providers: str,
    include_off_peak: bool,
) -> dict:
    scores = _scores(benchmark, metric, [a, b], as_of, evaluated_by)
    prices = offering_prices_frame(countries=[a, b], as_of=as_of)
    body = payloads.cost_body(
        scores,
        prices,
        benchmark_id=benchmark.id,
        metric=metric,
        a=a,
        b=b,
        as_of=as_of,
        evaluated_by=evaluated_by,
        higher_is_better=benchmark.higher_is_better,
        threshold=threshold,
        providers=providers,
        include_off_peak=include_off_peak,
    )
    echo = {"benchmark": benchmark.slug, "metric": metric, "a": a, "b": b, "as_of": as_of.isoformat()}
    options = {"evaluated_by": evaluated_by, "providers": providers, "include_off_peak": include_off_peak}
    return {**echo, **options, **body}


def price_performance_report(
    *,
    benchmark: Benchmark,
    metric: str | None,
    countries: list[str],
    as_of: date,
    evaluated_by: str | None,
    providers: str,
    include_off_peak: bool,
) -> dict:
    scores = _scores(benchmark, metric, countries, as_of, evaluated_by)
    prices = offering_prices_frame(countries=countries, as_of=as_of)
    body = payloads.price_performance_body(
        scores,
        prices,
        benchmark_id=benchmark.id,
        metric=metric,
        countries=countries,
        as_of=as_of,
        evaluated_by=evaluated_by,
        higher_is_better=benchmark.higher_is_better,
        providers=providers,
        include_off_peak=include_off_peak,
    )
    echo = {"benchmark": benchmark.slug, "metric": metric, "countries": countries, "as_of": as_of.isoformat()}
    options = {"evaluated_by": evaluated_by, "providers": providers, "include_off_peak": include_off_peak}
    return {**echo, **options, **body}


def summary_report(
    *, a: str, b: str, as_of: date, evaluated_by: str | None, providers: str, include_off_peak: bool
) -> dict:
    """One row per benchmark both countries have scores on (at `as_of`, on the benchmark's default metric), in
    four queries whatever the number of benchmarks: fresh benchmarks first, then stale ones
    (settings.STALE_AFTER_DAYS)."""
    stale_after_days = settings.STALE_AFTER_DAYS
    benchmarks = benchmark_list()
    counts = benchmark_metric_counts()
    metrics = {bm.id: default_metric(counts.get(bm.id, {})) for bm in benchmarks}
    metrics = {benchmark_id: metric for benchmark_id, metric in metrics.items() if metric}
    scores = benchmark_scores_frame(metrics=metrics, countries=[a, b], as_of=as_of, evaluated_by=evaluated_by)
    prices = offering_prices_frame(countries=[a, b], as_of=as_of)
    # Once for every benchmark, not once per benchmark: the scores used and each model's price at as_of.
    used = payloads.scores_used_at(scores, as_of=as_of, evaluated_by=evaluated_by)
    now = payloads.model_prices_now(prices, as_of=as_of, providers=providers, include_off_peak=include_off_peak)
    by_benchmark = dict(tuple(used.groupby("benchmark_id", sort=False)))
    rows = []
    for benchmark in benchmarks:
        if benchmark.id not in by_benchmark:
            continue
        row = payloads.summary_row(
            by_benchmark[benchmark.id],
            now,
            metric=metrics[benchmark.id],
            a=a,
            b=b,
            as_of=as_of,
            higher_is_better=benchmark.higher_is_better,
            stale_after_days=stale_after_days,
        )
        if row is not None:
            rows.append({"benchmark": benchmark.slug, **row})
    leading: list[dict] = []  # rows that go before every benchmark whatever their freshness
    options = {"evaluated_by": evaluated_by, "providers": providers, "include_off_peak": include_off_peak}
    return {
        "a": a,
        "b": b,
        "as_of": as_of.isoformat(),
        **options,
        "stale_after_days": stale_after_days,
        "rows": [*leading, *fresh_then_stale(rows)],
    }
