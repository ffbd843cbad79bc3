"""Read paths of benchmarks, scores and probe results, with what their API output needs joined."""

from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet

from benchmarks.models import Benchmark, BenchmarkScore, ProbeResult
from models_registry.selectors import whole_row_and


def benchmark_list() -> QuerySet[Benchmark]:
    return Benchmark.objects.all()


def score_list() -> QuerySet[BenchmarkScore]:
    """Scores with model, lab and benchmark joined; `self_reported` (evaluated_by is the model's lab) annotated."""
    self_reported = ExpressionWrapper(Q(evaluated_by=F("model__lab__slug")), output_field=BooleanField())
    return (
        BenchmarkScore.objects.select_related("model__lab", "benchmark")
        .only(
            *whole_row_and(BenchmarkScore, "model__slug", "model__lab__slug", "model__lab__country", "benchmark__slug")
        )
        .annotate(self_reported=self_reported)
    )


def probe_list() -> QuerySet[ProbeResult]:
    """Probe results with offering, model and provider joined."""
    return ProbeResult.objects.select_related("offering__model", "offering__provider").only(
        *whole_row_and(ProbeResult, "offering__provider_model_id", "offering__model__slug", "offering__provider__slug")
    )
