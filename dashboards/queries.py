"""One way to answer an analytics query, for the API and the pages alike: validate, then cached report."""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import QueryDict
from rest_framework.serializers import Serializer

from dashboards import reports
from dashboards.api import serializers as s
from dashboards.cache import analytics_cache_key, analytics_cached


@dataclass(frozen=True)
class Query:
    params: type[Serializer]
    report: Callable[..., dict]


QUERIES = {
    "frontier": Query(s.FrontierParams, reports.frontier_report),
    "gap": Query(s.GapParams, reports.gap_report),
    "cost-ratio": Query(s.CostRatioParams, reports.cost_ratio_report),
    "summary": Query(s.SummaryParams, reports.summary_report),
    "price-performance": Query(s.PricePerformanceParams, reports.price_performance_report),
    "capability-index": Query(s.CapabilityIndexParams, reports.capability_index_report),
}


def analytics_report(endpoint: str, query: QueryDict) -> dict:
    """The report of `endpoint` for `query`, from the cache when this data version already answered it.

    Raises rest_framework.exceptions.ValidationError ({parameter: [message]}) for bad parameters.
    """
    spec = QUERIES[endpoint]
    params = spec.params(data=query)
    params.is_valid(raise_exception=True)  # no database: a cached answer reads nothing
    parsed = dict(params.validated_data)

    def compute() -> dict:
        return spec.report(**params.resolve(parsed))

    return analytics_cached(analytics_cache_key(endpoint, parsed), compute)
