"""One way to answer an analytics query, for the API and the pages alike: validate, then cached report."""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import QueryDict
from django.utils import timezone
from rest_framework.serializers import Serializer

from dashboards import reports
from dashboards.api import serializers as s
from dashboards.cache import analytics_cache_key, analytics_cached
from dashboards.selectors import newest_data_dates
from models_registry.cache_version import data_version


@dataclass(frozen=True)
class Query:
    params: type[Serializer]
    report: Callable[..., dict]
    settings_read: tuple[str, ...] = ()  # settings the report reads: part of the cache key


QUERIES = {
    "frontier": Query(s.FrontierParams, reports.frontier_report),
    "gap": Query(s.GapParams, reports.gap_report),
    "cost-ratio": Query(s.CostRatioParams, reports.cost_ratio_report),
    "summary": Query(s.SummaryParams, reports.summary_report, settings_read=("STALE_AFTER_DAYS",)),
    "price-performance": Query(s.PricePerformanceParams, reports.price_performance_report),
    "capability-index": Query(s.CapabilityIndexParams, reports.capability_index_report),
}


def _prepared(endpoint: str, query: QueryDict) -> tuple[str, Callable[[], dict]]:
    """The cache key of `endpoint`'s answer to `query` and the function computing it; raises ValidationError."""
    spec = QUERIES[endpoint]
    params = spec.params(data=query)
    params.is_valid(raise_exception=True)  # no database: a cached answer reads nothing
    parsed = dict(params.validated_data)

    def compute() -> dict:
        return spec.report(**params.resolve(parsed))

    read = {name: getattr(settings, name) for name in spec.settings_read}
    return analytics_cache_key(endpoint, {**parsed, **read}), compute


def analytics_report(endpoint: str, query: QueryDict) -> dict:
    """The report of `endpoint` for `query`, from the cache when this data version already answered it.

    Raises rest_framework.exceptions.ValidationError ({parameter: [message]}) for bad parameters.
    """
    key, compute = _prepared(endpoint, query)
    return analytics_cached(key, compute)


def analytics_report_rendered(endpoint: str, query: QueryDict, render: Callable[[dict], bytes]) -> bytes:
    """The report rendered by `render` (the API's JSON), cached beside the report: a large answer, such as every
    model's capability index, then costs one cache read instead of unpickling and rendering thousands of rows."""
    key, compute = _prepared(endpoint, query)
    return analytics_cached(f"{key}:rendered", lambda: render(analytics_cached(key, compute)))


def newest_data_dates_cached() -> dict:
    """The newest score and price dates up to today (selectors.newest_data_dates), cached per data version like
    the analytics: a new score or price shows on the next page, and a quiet registry costs no query."""
    today = timezone.now().date()
    key = f"analytics:{data_version()}:newest-data-dates:{today.isoformat()}"
    return analytics_cached(key, lambda: newest_data_dates(today=today))
