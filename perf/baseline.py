"""The baseline of the API list figures: bare Django views that return the same rows as the API's first page.

Same filter, same order (with the id as the API's tie-breaker), the same fields by name, straight from `.values()`
into a JsonResponse: no DRF, no serializer, no FilterSet, no pagination count. The API's cost over this is what
its framework adds. Served only by the benchmark processes (perf/urls.py), never by the service.
"""

import datetime

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, JsonResponse

from benchmarks.models import BenchmarkScore, ProbeResult
from models_registry.models import AIModel
from pricing.models import PricePoint
from pricing.selectors import prices_in_force

STAMPS = ["created_at", "updated_at"]
SOURCE = ["source_url", "source_note"]


def models(request: HttpRequest) -> QuerySet:
    return AIModel.objects.order_by("slug", "pk").values(
        "slug",
        "name",
        "lab__slug",
        "lab__name",
        "lab__country",
        "release_date",
        "open_weights",
        "license",
        "parameters_total_b",
        "parameters_active_b",
        "context_window",
        "reasoning",
        "aliases",
        *SOURCE,
        *STAMPS,
    )


def scores(request: HttpRequest) -> QuerySet:
    return BenchmarkScore.objects.order_by("benchmark__slug", "model__slug", "metric", "reported_on", "pk").values(
        "id",
        "model__slug",
        "model__lab__slug",
        "model__lab__country",
        "benchmark__slug",
        "metric",
        "value",
        "evaluated_by",
        "reported_on",
        "note",
        "source_run",
        *SOURCE,
        *STAMPS,
    )


def prices(request: HttpRequest) -> QuerySet:
    rows = PricePoint.objects.all()
    if "at" in request.GET:
        rows = prices_in_force(rows, day=datetime.date.fromisoformat(request.GET["at"]))
    return rows.order_by("offering_id", "effective_from", "off_peak", "pk").values(
        "id",
        "offering",
        "offering__model__slug",
        "offering__provider__slug",
        "offering__provider_model_id",
        "offering__model__lab__country",
        "effective_from",
        "effective_to",
        "input_per_mtok",
        "output_per_mtok",
        "cached_input_per_mtok",
        "off_peak",
        "note",
        "retrieved_at",
        "source_run",
        *SOURCE,
        *STAMPS,
    )


def probes(request: HttpRequest) -> QuerySet:
    return ProbeResult.objects.order_by("-started_at", "pk").values(
        "id",
        "offering",
        "offering__model__slug",
        "offering__provider__slug",
        "offering__provider_model_id",
        "started_at",
        "ok",
        "error_kind",
        "http_status",
        "ttft_ms",
        "total_ms",
        "input_tokens",
        "output_tokens",
        "output_tokens_per_s",
    )


RESOURCES = {"models": models, "scores": scores, "prices": prices, "probes": probes}


def baseline_list(request: HttpRequest, resource: str) -> JsonResponse:
    """`perf/baseline/<resource>/?page_size=N[&at=YYYY-MM-DD]`: the first N rows of `resource`."""
    if resource not in RESOURCES:
        raise Http404(resource)
    size = int(request.GET.get("page_size", 100))
    return JsonResponse({"results": list(RESOURCES[resource](request)[:size])})
