"""Query parameters of the analytics endpoints (parsed and validated here) and their response shapes (for the
OpenAPI schema: responses are built as plain dicts by dashboards.reports)."""

import math
from datetime import UTC, date, datetime

from django_countries import countries as country_list
from rest_framework import serializers

from benchmarks.models import CAPABILITY_INDEX_SLUG, Benchmark
from dashboards.analytics.capability_index import (
    DEFAULT_ANCHORS,
    DEFAULT_BOOTSTRAP,
    DEFAULT_MIN_BENCHMARKS,
    DEFAULT_RIDGE,
)
from dashboards.analytics.index_scores import INDEX_METRIC
from dashboards.analytics.prices import PROVIDERS
from dashboards.reports import INDEX
from dashboards.selectors import benchmark_metric_counts, default_metric
from models_registry.api.serializing import StrictQueryParams
from models_registry.models import AIModel
from models_registry.validators import EARLIEST_DATE, date_window_error

ALPHA2 = frozenset(code for code, _name in country_list)


def today_utc():
    return datetime.now(UTC).date()


def country_code(value: str) -> str:
    code = value.strip().upper()
    if code not in ALPHA2:
        raise serializers.ValidationError(f"{value!r} is not an ISO 3166-1 alpha-2 country code (such as US or CN).")
    return code


class CountryField(serializers.CharField):
    """An ISO 3166-1 alpha-2 code, any case in, upper case out."""

    def to_internal_value(self, data):
        return country_code(super().to_internal_value(data))


class QueryParams(StrictQueryParams):
    """Base of every analytics query. The declared fields are the parameters it takes: any other name, or one given
    twice, is a 400 (as on the lists), so `?bb=FR` or `&b=FR&b=CN` never quietly answer something else.

    Two steps: `is_valid()` parses and normalises without the database (`validated_data` keys the cache, so
    spellings of one query share one answer); `resolve()` then adds what only the database can say (the
    benchmark's row, its default metric, its scale) and runs inside the cached computation, so a cached answer
    reads nothing."""

    def resolve(self, params: dict) -> dict:
        """`params` (this serializer's validated data) ready for dashboards.reports; raises ValidationError."""
        return params


class AsOfParams(QueryParams):
    as_of = serializers.DateField(
        required=False,
        default=today_utc,
        input_formats=["iso-8601"],
        help_text="Replay the state known that day (YYYY-MM-DD; default: today, UTC).",
    )
    evaluated_by = serializers.CharField(
        required=False,
        default=None,
        allow_null=True,
        allow_blank=True,
        max_length=100,
        help_text="Keep only the scores this organisation published (slug, e.g. deepseek) before computing.",
    )

    independent = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Drop self-reported scores (those a model's own lab published) before computing.",
    )

    def validate_as_of(self, value: date) -> date:
        error = date_window_error(value, today=today_utc(), days_ahead=0)
        if error:
            raise serializers.ValidationError(f"{error} Give a day from {EARLIEST_DATE.isoformat()} to today (UTC).")
        return value

    def validate_evaluated_by(self, value):
        return value.strip().lower() or None if value is not None else None


class PriceParams(QueryParams):
    providers = serializers.ChoiceField(
        choices=PROVIDERS,
        required=False,
        default="first_party",
        help_text="first_party: only the model's own lab's API; all: every host.",
    )
    include_off_peak = serializers.BooleanField(
        required=False, default=False, help_text="Let off-peak (time-of-day) discounts compete with list prices."
    )


class BenchmarkParams(AsOfParams):
    benchmark = serializers.CharField(
        max_length=100, help_text="Benchmark slug, e.g. gpqa-diamond, or capability-index for the capability index."
    )
    metric = serializers.CharField(
        required=False,
        default=None,
        allow_null=True,
        max_length=50,
        help_text="Metric slug, e.g. pass@1 (default: the metric most of the benchmark's scores use).",
    )

    def validate_benchmark(self, value: str) -> str:
        return value.strip().lower()

    def validate_metric(self, value: str | None) -> str | None:
        return (value or "").strip().lower() or None

    def resolve(self, params: dict) -> dict:
        """The benchmark slug becomes its row; the metric is checked against its scores, or defaulted."""
        params = super().resolve(params)
        if params["benchmark"] == CAPABILITY_INDEX_SLUG:
            if params.get("metric") not in (None, INDEX_METRIC):
                raise serializers.ValidationError(
                    {"metric": [f"The capability index has one metric, {INDEX_METRIC!r}."]}
                )
            return {**params, "benchmark": INDEX, "metric": INDEX_METRIC}
        benchmark = Benchmark.objects.filter(slug=params["benchmark"]).first()
        if benchmark is None:
            raise serializers.ValidationError({"benchmark": [f"Unknown benchmark {params['benchmark']!r}."]})
        counts = benchmark_metric_counts(benchmark_ids=[benchmark.id]).get(benchmark.id, {})
        metric = params.get("metric")
        if metric is None:
            metric = default_metric(counts)
        elif metric not in counts:
            known = ", ".join(sorted(counts)) or "none"
            raise serializers.ValidationError(
                {"metric": [f"{benchmark.name} has no scores for metric {metric!r} (it has: {known})."]}
            )
        return {**params, "benchmark": benchmark, "metric": metric}


class PairParams(QueryParams):
    a = CountryField(required=False, default="US", max_length=10, help_text="Country A (ISO 3166-1 alpha-2).")
    b = CountryField(required=False, default="CN", max_length=10, help_text="Country B (ISO 3166-1 alpha-2).")


class FrontierParams(BenchmarkParams):
    countries = serializers.CharField(
        required=False, default="US,CN", max_length=1000, help_text="Comma-separated ISO 3166-1 alpha-2 codes."
    )

    def validate_countries(self, value: str) -> list[str]:
        codes = [country_code(part) for part in value.split(",") if part.strip()]
        if not codes:
            raise serializers.ValidationError("Name at least one country.")
        return list(dict.fromkeys(codes))


def finite(value: float | None) -> float | None:
    if value is not None and not math.isfinite(value):
        raise serializers.ValidationError("Give a finite number.")
    return value


class GapParams(PairParams, BenchmarkParams):
    tolerance = serializers.FloatField(
        required=False,
        default=None,
        allow_null=True,
        min_value=0,
        help_text="A frontier reaches a value from value - tolerance on; sides within it are level "
        "(default: 1.0 on the capability index, 0 elsewhere).",
    )

    def validate_tolerance(self, value: float | None) -> float | None:
        return finite(value)


class CostRatioParams(PriceParams, PairParams, BenchmarkParams):
    threshold = serializers.FloatField(
        required=False,
        default=None,
        allow_null=True,
        help_text="Score a model must reach (default: the weaker of the two countries' best priced scores).",
    )

    def validate_threshold(self, value: float | None) -> float | None:
        return finite(value)

    def resolve(self, params: dict) -> dict:
        params = super().resolve(params)
        threshold, benchmark = params.get("threshold"), params["benchmark"]
        if threshold is not None and not benchmark.scale_min <= threshold <= benchmark.scale_max:
            raise serializers.ValidationError(
                {
                    "threshold": [
                        f"{threshold:g} is outside {benchmark.name}'s scale "
                        f"{benchmark.scale_min:g}-{benchmark.scale_max:g}."
                    ]
                }
            )
        return params


class SummaryParams(PriceParams, PairParams, AsOfParams):
    pass


MAX_BOOTSTRAP = 1000


def parse_anchors(value: str) -> dict[str, float]:
    """`slug:value,slug:value` -> {slug: value}: two models, two different values."""
    anchors: dict[str, float] = {}
    for part in value.split(","):
        slug, sep, number = part.strip().partition(":")
        slug = slug.strip().lower()
        try:
            anchored = float(number) if sep and slug else math.nan
        except ValueError:
            anchored = math.nan
        if not math.isfinite(anchored):
            raise serializers.ValidationError(f"{part.strip()!r} is not slug:value (e.g. gpt-4o:128.4).")
        if slug in anchors:
            raise serializers.ValidationError(f"{slug!r} is named twice.")
        anchors[slug] = anchored
    if len(anchors) != 2 or len(set(anchors.values())) != 2:
        raise serializers.ValidationError("Give two models with two different values, e.g. gpt-4o:128.4,gpt-5:150.")
    return anchors


class CapabilityIndexParams(AsOfParams):
    countries = serializers.CharField(
        required=False,
        default=None,
        allow_null=True,
        max_length=1000,
        help_text="Comma-separated ISO 3166-1 alpha-2 codes: list only their models (the fit uses every model).",
    )
    anchors = serializers.CharField(
        required=False,
        default=",".join(f"{slug}:{value:g}" for slug, value in DEFAULT_ANCHORS.items()),
        max_length=300,
        help_text="Two models and the index values they are given (slug:value,slug:value).",
    )
    min_benchmarks = serializers.IntegerField(
        required=False,
        default=DEFAULT_MIN_BENCHMARKS,
        min_value=2,
        max_value=100,
        help_text="Leave out models scored on fewer index benchmarks.",
    )
    ridge = serializers.FloatField(
        required=False, default=DEFAULT_RIDGE, min_value=0, max_value=1000, help_text="Ridge penalty weight."
    )
    ci = serializers.BooleanField(required=False, default=False, help_text="Add 90% bootstrap intervals.")
    bootstrap = serializers.IntegerField(
        required=False,
        default=DEFAULT_BOOTSTRAP,
        min_value=1,
        max_value=MAX_BOOTSTRAP,
        help_text="Bootstrap refits behind the intervals (with ci=true).",
    )

    def validate_countries(self, value: str | None) -> list[str] | None:
        if value is None or not value.strip():
            return None
        return list(dict.fromkeys(country_code(part) for part in value.split(",") if part.strip()))

    def validate_anchors(self, value: str) -> dict[str, float]:
        return parse_anchors(value)

    def validate_ridge(self, value: float) -> float:
        return finite(value)

    def resolve(self, params: dict) -> dict:
        """Anchors a client names must be models of the registry; the default ones may be missing (raw scale)."""
        params = super().resolve(params)
        if params["anchors"] == dict(DEFAULT_ANCHORS):
            return params
        known = set(AIModel.objects.filter(slug__in=list(params["anchors"])).values_list("slug", flat=True))
        unknown = [slug for slug in params["anchors"] if slug not in known]
        if unknown:
            raise serializers.ValidationError(
                {"anchors": [f"No model {', '.join(map(repr, unknown))} in the registry."]}
            )
        return params


class PricePerformanceParams(PriceParams, FrontierParams):
    pass


# Response shapes, for the schema.


class FrontierPointSerializer(serializers.Serializer):
    date = serializers.DateField()
    value = serializers.FloatField()
    model = serializers.CharField()


class FrontierResponseSerializer(serializers.Serializer):
    benchmark = serializers.CharField()
    metric = serializers.CharField(allow_null=True)
    countries = serializers.ListField(child=serializers.CharField())
    as_of = serializers.DateField()
    evaluated_by = serializers.CharField(allow_null=True)
    independent = serializers.BooleanField()
    series = serializers.DictField(child=FrontierPointSerializer(many=True), help_text="Each country's steps.")


class GapPointSerializer(serializers.Serializer):
    date = serializers.DateField()
    a_value = serializers.FloatField(allow_null=True)
    b_value = serializers.FloatField(allow_null=True)
    gap = serializers.FloatField(allow_null=True, help_text="Positive: A is ahead (sign flipped for lower-is-better).")
    lead_days = serializers.IntegerField(allow_null=True, help_text="Positive: A's lead; negative: B's.")
    a_model = serializers.CharField(allow_null=True)
    b_model = serializers.CharField(allow_null=True)


class LagSerializer(serializers.Serializer):
    a_model = serializers.CharField()
    a_date = serializers.DateField()
    value = serializers.FloatField()
    b_model = serializers.CharField(allow_null=True)
    b_date = serializers.DateField(allow_null=True)
    lag_days = serializers.IntegerField(help_text="b_date - a_date; unmatched: as_of - a_date (a lower bound).")
    matched = serializers.BooleanField()


class LeadSummarySerializer(serializers.Serializer):
    # "from" is a Python keyword: declared below.
    to = serializers.DateField()
    mean_days = serializers.FloatField(help_text="Mean lead in days; positive: A ahead. Months = days / 30.44.")
    min_days = serializers.IntegerField()
    max_days = serializers.IntegerField()
    current_days = serializers.IntegerField()


LeadSummarySerializer._declared_fields = {
    "from": serializers.DateField(help_text="The later of both countries' second frontier steps."),
    **LeadSummarySerializer._declared_fields,
}


class GapResponseSerializer(serializers.Serializer):
    benchmark = serializers.CharField()
    metric = serializers.CharField(allow_null=True)
    a = serializers.CharField()
    b = serializers.CharField()
    as_of = serializers.DateField()
    evaluated_by = serializers.CharField(allow_null=True)
    independent = serializers.BooleanField()
    tolerance = serializers.FloatField()
    current = GapPointSerializer()
    series = GapPointSerializer(many=True)
    lags = LagSerializer(many=True)
    lead_summary = LeadSummarySerializer(allow_null=True)


class CostPointSerializer(serializers.Serializer):
    date = serializers.DateField()
    a_price = serializers.FloatField(allow_null=True, help_text="Blended USD per million tokens.")
    a_model = serializers.CharField(allow_null=True)
    b_price = serializers.FloatField(allow_null=True)
    b_model = serializers.CharField(allow_null=True)
    ratio = serializers.FloatField(allow_null=True, help_text="a_price / b_price.")


class CostRatioResponseSerializer(serializers.Serializer):
    benchmark = serializers.CharField()
    metric = serializers.CharField(allow_null=True)
    a = serializers.CharField()
    b = serializers.CharField()
    as_of = serializers.DateField()
    evaluated_by = serializers.CharField(allow_null=True)
    independent = serializers.BooleanField()
    providers = serializers.ChoiceField(choices=PROVIDERS)
    include_off_peak = serializers.BooleanField()
    threshold = serializers.FloatField(allow_null=True)
    current = CostPointSerializer()
    series = CostPointSerializer(many=True)


class SummaryRowSerializer(serializers.Serializer):
    benchmark = serializers.CharField()
    metric = serializers.CharField()
    gap = serializers.FloatField(allow_null=True)
    lead_days = serializers.IntegerField(allow_null=True)
    a_value = serializers.FloatField(allow_null=True)
    b_value = serializers.FloatField(allow_null=True)
    a_model = serializers.CharField(allow_null=True)
    b_model = serializers.CharField(allow_null=True)
    threshold = serializers.FloatField(allow_null=True)
    cost_ratio = serializers.FloatField(allow_null=True)
    a_cost_model = serializers.CharField(
        allow_null=True, help_text="The model behind a's side of cost_ratio: a's cheapest reaching threshold."
    )
    b_cost_model = serializers.CharField(allow_null=True, help_text="The model behind b's side of cost_ratio.")
    a_last_reported = serializers.DateField(
        allow_null=True, help_text="The latest reported_on among a's scores used on this benchmark at as_of."
    )
    b_last_reported = serializers.DateField(allow_null=True, help_text="The same for b.")
    stale = serializers.BooleanField(
        help_text="Either side's last_reported is more than stale_after_days before as_of: the lead then says more "
        "about who stopped reporting than about capability."
    )
    lead_summary = LeadSummarySerializer(allow_null=True, help_text="On the capability index's row; else null.")


class SummaryResponseSerializer(serializers.Serializer):
    a = serializers.CharField()
    b = serializers.CharField()
    as_of = serializers.DateField()
    evaluated_by = serializers.CharField(allow_null=True)
    independent = serializers.BooleanField()
    providers = serializers.ChoiceField(choices=PROVIDERS)
    include_off_peak = serializers.BooleanField()
    stale_after_days = serializers.IntegerField(help_text="The server's STALE_AFTER_DAYS setting.")
    rows = SummaryRowSerializer(many=True, help_text="Fresh benchmarks first, then stale ones.")


class PricePerformancePointSerializer(serializers.Serializer):
    country = serializers.CharField()
    model = serializers.CharField()
    price = serializers.FloatField(help_text="Blended USD per million tokens at as_of.")
    value = serializers.FloatField(help_text="The score used.")


class PricePerformanceResponseSerializer(serializers.Serializer):
    benchmark = serializers.CharField()
    metric = serializers.CharField(allow_null=True)
    countries = serializers.ListField(child=serializers.CharField())
    as_of = serializers.DateField()
    evaluated_by = serializers.CharField(allow_null=True)
    independent = serializers.BooleanField()
    providers = serializers.ChoiceField(choices=PROVIDERS)
    include_off_peak = serializers.BooleanField()
    points = PricePerformancePointSerializer(many=True, help_text="Every model with a score used and a price at as_of.")
    frontiers = serializers.DictField(
        child=PricePerformancePointSerializer(many=True),
        help_text="Per country, the models strictly better than every cheaper one of that country.",
    )


class IndexModelSerializer(serializers.Serializer):
    model = serializers.CharField()
    name = serializers.CharField()
    lab = serializers.CharField()
    country = serializers.CharField()
    release_date = serializers.DateField()
    index = serializers.FloatField()
    ci_low = serializers.FloatField(allow_null=True, help_text="5th percentile of the bootstrap (ci=true).")
    ci_high = serializers.FloatField(allow_null=True, help_text="95th percentile of the bootstrap (ci=true).")
    benchmarks = serializers.IntegerField(help_text="How many benchmarks the model was fitted on.")


class IndexBenchmarkSerializer(serializers.Serializer):
    benchmark = serializers.CharField()
    metric = serializers.CharField()
    difficulty = serializers.FloatField(help_text="D on the index scale: the index at which half the tasks fall.")
    slope = serializers.FloatField(help_text="alpha per index point.")
    models = serializers.IntegerField()


class IndexFitSerializer(serializers.Serializer):
    observations = serializers.IntegerField()
    models = serializers.IntegerField()
    benchmarks = serializers.IntegerField()
    rmse = serializers.FloatField(allow_null=True)
    ridge = serializers.FloatField()
    reference_benchmark = serializers.CharField(allow_null=True)


class CapabilityIndexResponseSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    evaluated_by = serializers.CharField(allow_null=True)
    independent = serializers.BooleanField()
    countries = serializers.ListField(child=serializers.CharField(), allow_null=True)
    anchors = serializers.DictField(child=serializers.FloatField())
    min_benchmarks = serializers.IntegerField()
    ridge = serializers.FloatField()
    ci = serializers.BooleanField()
    bootstrap = serializers.IntegerField(allow_null=True)
    scale = serializers.ChoiceField(choices=["anchored", "raw"])
    fit = IndexFitSerializer()
    models = IndexModelSerializer(many=True)
    benchmarks = IndexBenchmarkSerializer(many=True)
