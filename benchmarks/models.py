from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from models_registry.models import AIModel, SourcedModel, SourceRun, TimeStampedModel, slug_check, slug_field
from models_registry.validators import METRIC_PATTERN, validate_metric, validate_slug
from pricing.models import Offering

# The capability index is a virtual benchmark to the analytics (DESIGN: "Capability index"): no row may take its slug.
CAPABILITY_INDEX_SLUG = "capability-index"


class BenchmarkCategory(models.TextChoices):
    MATH = "math", "Math"
    CODE = "code", "Code"
    SCIENCE = "science", "Science"
    KNOWLEDGE = "knowledge", "Knowledge"
    AGENTIC = "agentic", "Agentic"
    CHAT = "chat", "Chat"


class Benchmark(TimeStampedModel):
    """A benchmark with its scale and direction (most are higher-is-better percentages)."""

    Category = BenchmarkCategory

    slug = slug_field()
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=20, choices=Category.choices)
    higher_is_better = models.BooleanField(default=True)
    scale_min = models.FloatField(default=0)
    scale_max = models.FloatField(default=100)
    url = models.URLField(max_length=500, blank=True)
    in_index = models.BooleanField(
        default=True,
        help_text="Counts in the capability index: false where a score is not a share of tasks solved "
        "(a rating) or is itself a composite of other benchmarks.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["slug"]
        constraints = [
            slug_check("benchmark"),
            models.CheckConstraint(condition=Q(scale_max__gt=F("scale_min")), name="benchmark_scale_ordered"),
            models.CheckConstraint(condition=Q(category__in=BenchmarkCategory.values), name="benchmark_category_valid"),
            models.CheckConstraint(
                condition=~Q(slug=CAPABILITY_INDEX_SLUG),
                name="benchmark_slug_not_reserved",
                violation_error_message=f"{CAPABILITY_INDEX_SLUG!r} is reserved for the capability index.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


def is_self_reported(evaluated_by: str, lab_slug: str) -> bool:
    """A score is self-reported when its publisher is the model's own lab."""
    return evaluated_by == lab_slug


class BenchmarkScore(SourcedModel):
    """One published score of a model on a benchmark; `evaluated_by` is who published it."""

    model = models.ForeignKey(AIModel, on_delete=models.CASCADE, related_name="scores")
    benchmark = models.ForeignKey(Benchmark, on_delete=models.PROTECT, related_name="scores")
    metric = models.CharField(max_length=50, validators=[validate_metric])
    value = models.FloatField()
    evaluated_by = models.CharField(max_length=100, validators=[validate_slug])
    reported_on = models.DateField()
    note = models.TextField(blank=True)
    source_run = models.ForeignKey(SourceRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="scores")
    history = HistoricalRecords()

    class Meta:
        ordering = ["benchmark__slug", "model__slug", "metric", "reported_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["model", "benchmark", "metric", "evaluated_by", "reported_on"], name="score_unique_report"
            ),
            models.CheckConstraint(condition=Q(metric__regex=METRIC_PATTERN), name="benchmarkscore_metric_format"),
            slug_check("benchmarkscore", "evaluated_by"),
        ]
        indexes = [models.Index(fields=["benchmark", "metric"], name="score_benchmark_metric")]

    def __str__(self) -> str:
        return f"{self.model} {self.benchmark} {self.metric}={self.value}"

    def clean(self) -> None:
        if not self.benchmark_id or self.value is None:
            return
        low, high = self.benchmark.scale_min, self.benchmark.scale_max
        if not low <= self.value <= high:
            raise ValidationError(
                {"value": f"{self.value:g} is outside {self.benchmark.name}'s scale {low:g}-{high:g}."}
            )


class ProbeResult(models.Model):
    """One live call to an offering's endpoint: did it answer, how fast, how many tokens."""

    class ErrorKind(models.TextChoices):
        NONE = "", "None"
        TIMEOUT = "timeout", "Timeout"
        CONNECT = "connect", "Connection error"
        HTTP_4XX = "http_4xx", "HTTP 4xx"
        HTTP_5XX = "http_5xx", "HTTP 5xx"
        AUTH = "auth", "Authentication refused"
        RATE_LIMITED = "rate_limited", "Rate limited"
        MALFORMED = "malformed", "Malformed response"
        SKIPPED_NO_KEY = "skipped_no_key", "Skipped: no key"
        REFUSED = "refused", "Refused: URL not allowed"

    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="probes")
    started_at = models.DateTimeField()
    ok = models.BooleanField()
    error_kind = models.CharField(max_length=20, choices=ErrorKind.choices, blank=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    ttft_ms = models.FloatField(null=True, blank=True)
    total_ms = models.FloatField(null=True, blank=True)
    input_tokens = models.PositiveIntegerField(null=True, blank=True)
    output_tokens = models.PositiveIntegerField(null=True, blank=True)
    output_tokens_per_s = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["offering", "-started_at"], name="probe_offering_recent"),
            # The API list's order (newest first, id as tie-breaker), the status windows and the prune.
            models.Index(fields=["-started_at", "id"], name="probe_recent"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ok=False) | Q(error_kind=""), name="proberesult_ok_has_no_error"),
        ]

    def __str__(self) -> str:
        return f"{self.offering.api_id} {self.started_at:%Y-%m-%d %H:%M} {'ok' if self.ok else self.error_kind}"
