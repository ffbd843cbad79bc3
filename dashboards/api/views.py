"""Analytics endpoints: parse the query, then one cached call into dashboards.reports."""

from django.db import transaction
from django.http import HttpResponse
from django.utils.decorators import method_decorator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from dashboards.api import serializers as s
from dashboards.queries import analytics_report, analytics_report_rendered
from models_registry.api.viewsets import CsvForListsOnlyMixin

BAD_PARAMETERS = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description='A parameter is invalid: {"<parameter>": ["<message>"]}.',
)


# Reads only: outside a request transaction, so on SQLite (whose transactions take the write lock when they begin)
# a slow answer never holds up other requests. https://docs.djangoproject.com/en/5.2/topics/db/transactions/
@method_decorator(transaction.non_atomic_requests, name="dispatch")
class AnalyticsView(CsvForListsOnlyMixin, APIView):
    """GET only; anyone may read. Responses are cached until the registry's data changes."""

    permission_classes = [AllowAny]
    endpoint: str

    def get(self, request):
        query = request.query_params.copy()
        query.pop(api_settings.URL_FORMAT_OVERRIDE, None)  # ?format=json: DRF's content negotiation, done
        renderer = request.accepted_renderer
        if request.accepted_media_type == renderer.media_type == "application/json":  # plain JSON: cached bytes
            context = self.get_renderer_context()
            body = analytics_report_rendered(
                self.endpoint, query, lambda report: renderer.render(report, renderer.media_type, context)
            )
            return HttpResponse(body, content_type=renderer.media_type)
        return Response(analytics_report(self.endpoint, query))


class FrontierView(AnalyticsView):
    endpoint = "frontier"

    @extend_schema(
        summary="Each country's frontier on a benchmark, as steps",
        parameters=[s.FrontierParams],
        responses={200: s.FrontierResponseSerializer, 400: BAD_PARAMETERS},
    )
    def get(self, request):
        return super().get(request)


class GapView(AnalyticsView):
    endpoint = "gap"

    @extend_schema(
        summary="Gap, lead in days and catch-up lags of country A over country B",
        parameters=[s.GapParams],
        responses={200: s.GapResponseSerializer, 400: BAD_PARAMETERS},
    )
    def get(self, request):
        return super().get(request)


class CostRatioView(AnalyticsView):
    endpoint = "cost-ratio"

    @extend_schema(
        summary="Cost of equal capability in A and B, and its ratio, over time",
        parameters=[s.CostRatioParams],
        responses={200: s.CostRatioResponseSerializer, 400: BAD_PARAMETERS},
    )
    def get(self, request):
        return super().get(request)


class SummaryView(AnalyticsView):
    endpoint = "summary"

    @extend_schema(
        summary="Headline gap and cost ratio per benchmark both countries have scores on",
        parameters=[s.SummaryParams],
        responses={200: s.SummaryResponseSerializer, 400: BAD_PARAMETERS},
    )
    def get(self, request):
        return super().get(request)


class PricePerformanceView(AnalyticsView):
    endpoint = "price-performance"

    @extend_schema(
        summary="Price against score at as_of: every priced model and each country's price-performance frontier",
        parameters=[s.PricePerformanceParams],
        responses={200: s.PricePerformanceResponseSerializer, 400: BAD_PARAMETERS},
    )
    def get(self, request):
        return super().get(request)


class CapabilityIndexView(AnalyticsView):
    endpoint = "capability-index"

    @extend_schema(
        summary="Every model's capability index (one scale across benchmarks), the difficulty ladder and the fit",
        parameters=[s.CapabilityIndexParams],
        responses={200: s.CapabilityIndexResponseSerializer, 400: BAD_PARAMETERS},
    )
    def get(self, request):
        return super().get(request)
