"""`GET /api/v1/probes/summary/`: per-offering latency, speed and availability over the last 24 hours and 7 days."""

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.decorators import method_decorator
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from benchmarks.probes.selectors import probe_summary
from models_registry.api.serializing import StrictQueryParams
from models_registry.api.viewsets import CsvForListsOnlyMixin
from models_registry.models import AIModel
from pricing.models import Offering, Provider


class RoundedFloatField(serializers.FloatField):
    def __init__(self, *, decimals: int, **kwargs) -> None:
        self.decimals = decimals
        super().__init__(**kwargs)

    def to_representation(self, value):
        return round(float(value), self.decimals)


class ProbeSummaryQuerySerializer(StrictQueryParams):
    provider = serializers.CharField(required=False, help_text="Provider slug, e.g. deepseek.")
    model = serializers.CharField(required=False, help_text="Model slug, e.g. deepseek-r1.")
    offering = serializers.IntegerField(required=False, min_value=1, help_text="Offering id.")

    def validate_provider(self, value: str) -> str:
        if not Provider.objects.filter(slug=value).exists():
            raise serializers.ValidationError(f"Unknown provider {value!r}.")
        return value

    def validate_model(self, value: str) -> str:
        if not AIModel.objects.filter(slug=value).exists():
            raise serializers.ValidationError(f"Unknown model {value!r}.")
        return value

    def validate_offering(self, value: int) -> int:
        if not Offering.objects.filter(id=value).exists():
            raise serializers.ValidationError(f"Unknown offering {value}.")
        return value


class ProbeWindowSerializer(serializers.Serializer):
    attempts = serializers.IntegerField(help_text="Results in the window, without skipped_no_key and refused.")
    ok = serializers.IntegerField()
    availability = RoundedFloatField(decimals=4, allow_null=True, help_text="ok / attempts; null without attempts.")
    ttft_ms_p50 = RoundedFloatField(decimals=1, allow_null=True, help_text="Median time to first token, ms.")
    ttft_ms_p95 = RoundedFloatField(decimals=1, allow_null=True)
    output_tokens_per_s_p50 = RoundedFloatField(decimals=2, allow_null=True, help_text="Median output speed.")


class OfferingProbeSummarySerializer(serializers.Serializer):
    offering = serializers.IntegerField(source="offering_id")
    provider = serializers.CharField(help_text="Provider slug.")
    model = serializers.CharField(help_text="Model slug.")
    provider_model_id = serializers.CharField()
    probe_enabled = serializers.BooleanField()
    last_probe_at = serializers.DateTimeField(allow_null=True, help_text="Latest result within the last 7 days.")
    last_ok_at = serializers.DateTimeField(allow_null=True)
    last_24h = ProbeWindowSerializer(source="windows.24h")
    last_7d = ProbeWindowSerializer(source="windows.7d")


class ProbeSummarySerializer(serializers.Serializer):
    as_of = serializers.DateTimeField(help_text="When the windows end.")
    provider = serializers.CharField(allow_null=True)
    model = serializers.CharField(allow_null=True)
    offering = serializers.IntegerField(allow_null=True)
    results = OfferingProbeSummarySerializer(many=True)


@method_decorator(transaction.non_atomic_requests, name="dispatch")  # a read: no transaction, no SQLite write lock
class ProbeSummaryView(CsvForListsOnlyMixin, APIView):
    """Latency, speed and availability of each probed offering; ok / attempts and percentiles over ok results."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="probes_summary",
        tags=["probes"],
        summary="Probe summary per offering (last 24 hours and 7 days)",
        description=(
            "One row per live probe-enabled offering and per offering probed in the last 7 days. An attempt is a "
            "stored probe result other than `skipped_no_key` and `refused` (those are our configuration, not the "
            "endpoint). `availability` = ok / attempts. Percentiles are continuous (linear interpolation) over ok "
            f"results. Cached for up to PROBE_SUMMARY_CACHE_SECONDS (default {settings.PROBE_SUMMARY_CACHE_SECONDS} s)."
        ),
        parameters=[ProbeSummaryQuerySerializer],
        responses={200: ProbeSummarySerializer},
        examples=[
            OpenApiExample(
                "One offering",
                value={
                    "as_of": "2025-06-01T12:00:00Z",
                    "provider": "deepseek",
                    "model": None,
                    "offering": None,
                    "results": [
                        {
                            "offering": 42,
                            "provider": "deepseek",
                            "model": "deepseek-r1-0528",
                            "provider_model_id": "deepseek-reasoner",
                            "probe_enabled": True,
                            "last_probe_at": "2025-06-01T11:30:02Z",
                            "last_ok_at": "2025-06-01T11:30:02Z",
                            "last_24h": {
                                "attempts": 48,
                                "ok": 47,
                                "availability": 0.9792,
                                "ttft_ms_p50": 612.4,
                                "ttft_ms_p95": 1490.0,
                                "output_tokens_per_s_p50": 31.2,
                            },
                            "last_7d": {
                                "attempts": 336,
                                "ok": 330,
                                "availability": 0.9821,
                                "ttft_ms_p50": 598.0,
                                "ttft_ms_p95": 1702.5,
                                "output_tokens_per_s_p50": 30.8,
                            },
                        }
                    ],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request: Request) -> Response:
        params = request.query_params.copy()
        params.pop(api_settings.URL_FORMAT_OVERRIDE, None)  # ?format=json: DRF's content negotiation, done
        query = ProbeSummaryQuerySerializer(data=params)
        query.is_valid(raise_exception=True)
        params = {name: query.validated_data.get(name) for name in ("provider", "model", "offering")}
        cache_key = "probe-summary:" + ":".join(str(params[name]) for name in sorted(params))
        data = cache.get(cache_key)
        if data is None:
            as_of = timezone.now()
            results = probe_summary(
                now=as_of, provider=params["provider"], model=params["model"], offering_id=params["offering"]
            )
            data = ProbeSummarySerializer({"as_of": as_of, **params, "results": results}).data
            cache.set(cache_key, data, settings.PROBE_SUMMARY_CACHE_SECONDS)
        return Response(data)
