"""Analytics endpoints: parse the query, then one cached call into dashboards.reports."""

from collections.abc import Callable

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from dashboards import reports
from dashboards.api import serializers as s
from dashboards.cache import analytics_cache_key, analytics_cached

BAD_PARAMETERS = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description='A parameter is invalid: {"<parameter>": ["<message>"]}.',
)


class AnalyticsView(APIView):
    """GET only; anyone may read. Responses are cached until the registry's data changes."""

    permission_classes = [AllowAny]
    endpoint: str
    params_class: type[Serializer]
    report: Callable[..., dict]

    def get(self, request):
        query = [(name, value) for name, values in request.query_params.lists() for value in values]

        def compute() -> dict:
            params = self.params_class(data=request.query_params)
            params.is_valid(raise_exception=True)
            return self.report(**params.validated_data)

        return Response(analytics_cached(analytics_cache_key(self.endpoint, query), compute))


class FrontierView(AnalyticsView):
    endpoint = "frontier"
    params_class = s.FrontierParams
    report = staticmethod(reports.frontier_report)

    @extend_schema(
        summary="Each country's frontier on a benchmark, as steps",
        parameters=[s.FrontierParams],
        responses={200: s.FrontierResponseSerializer, 400: BAD_PARAMETERS},
    )
    def get(self, request):
        return super().get(request)


class GapView(AnalyticsView):
    endpoint = "gap"
    params_class = s.GapParams
    report = staticmethod(reports.gap_report)

    @extend_schema(
        summary="Gap, lead in days and catch-up lags of country A over country B",
        parameters=[s.GapParams],
        responses={200: s.GapResponseSerializer, 400: BAD_PARAMETERS},
    )
    def get(self, request):
        return super().get(request)


class CostRatioView(AnalyticsView):
    endpoint = "cost-ratio"
    params_class = s.CostRatioParams
    report = staticmethod(reports.cost_ratio_report)

    @extend_schema(
        summary="Cost of equal capability in A and B, and its ratio, over time",
        parameters=[s.CostRatioParams],
        responses={200: s.CostRatioResponseSerializer, 400: BAD_PARAMETERS},
    )
    def get(self, request):
        return super().get(request)


class SummaryView(AnalyticsView):
    endpoint = "summary"
    params_class = s.SummaryParams
    report = staticmethod(reports.summary_report)

    @extend_schema(
        summary="Headline gap and cost ratio per benchmark both countries have scores on",
        parameters=[s.SummaryParams],
        responses={200: s.SummaryResponseSerializer, 400: BAD_PARAMETERS},
    )
    def get(self, request):
        return super().get(request)
