from benchmarks import selectors
from benchmarks.api.filters import BenchmarkFilter, BenchmarkScoreFilter, ProbeResultFilter
from benchmarks.api.serializers import BenchmarkScoreSerializer, BenchmarkSerializer, ProbeResultSerializer
from models_registry.api.viewsets import ApiModelViewSet, ApiReadOnlyViewSet


class BenchmarkViewSet(ApiModelViewSet):
    """Benchmarks with their scale and direction."""

    serializer_class = BenchmarkSerializer
    filterset_class = BenchmarkFilter
    lookup_field = "slug"
    search_fields = ["slug", "name"]
    ordering_fields = ["slug", "name", "category", "created_at"]

    def get_queryset(self):
        return selectors.benchmark_list()


class BenchmarkScoreViewSet(ApiModelViewSet):
    """Published scores; `evaluated_by` is who published them (the model's lab = self-reported)."""

    serializer_class = BenchmarkScoreSerializer
    filterset_class = BenchmarkScoreFilter
    search_fields = ["model__slug", "model__name", "benchmark__slug", "benchmark__name", "evaluated_by", "note"]
    ordering_fields = {
        "id": "id",
        "value": "value",
        "reported_on": "reported_on",
        "model": "model__slug",
        "benchmark": "benchmark__slug",
        "metric": "metric",
        "evaluated_by": "evaluated_by",
        "release_date": "model__release_date",
        "country": "model__lab__country",
    }

    def get_queryset(self):
        return selectors.score_list()


class ProbeResultViewSet(ApiReadOnlyViewSet):
    """Live calls to offerings' endpoints: whether they answered, how fast, how many tokens."""

    serializer_class = ProbeResultSerializer
    filterset_class = ProbeResultFilter
    search_fields = ["offering__provider_model_id", "offering__model__slug", "offering__provider__slug", "error_kind"]
    ordering_fields = ["started_at", "ttft_ms", "total_ms", "output_tokens_per_s", "http_status"]

    def get_queryset(self):
        return selectors.probe_list()
