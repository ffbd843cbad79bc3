"""FilterSets of the benchmark, score and probe endpoints."""

import django_filters

from benchmarks.models import Benchmark, BenchmarkCategory, BenchmarkScore, ProbeResult
from models_registry.api.filters import BoolFilter, CountryFilter, IdFilter, date_range


class BenchmarkFilter(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(choices=BenchmarkCategory.choices, label="Benchmark category.")
    higher_is_better = BoolFilter(label="Higher scores are better (true/false).")
    in_index = BoolFilter(label="Fitted by the capability index (true/false).")

    class Meta:
        model = Benchmark
        fields = ["category", "higher_is_better", "in_index"]


class BenchmarkScoreFilter(django_filters.FilterSet):
    model = django_filters.CharFilter(field_name="model__slug", label="Model slug.")
    benchmark = django_filters.CharFilter(field_name="benchmark__slug", label="Benchmark slug.")
    metric = django_filters.CharFilter(label="Metric, e.g. pass@1.")
    evaluated_by = django_filters.CharFilter(label="Slug of the organisation that published the score.")
    self_reported = BoolFilter(label="Published by the model's own lab (true/false).")
    lab = django_filters.CharFilter(field_name="model__lab__slug", label="Slug of the model's lab.")
    country = CountryFilter("model__lab__country", label="The model's country (its lab's), ISO alpha-2.")
    category = django_filters.ChoiceFilter(
        field_name="benchmark__category", choices=BenchmarkCategory.choices, label="Benchmark category."
    )
    reported_after, reported_before = date_range("reported_on", "Reported")
    released_after, released_before = date_range("model__release_date", "Model released")

    class Meta:
        model = BenchmarkScore
        fields = ["model", "benchmark", "metric", "evaluated_by"]


class ProbeResultFilter(django_filters.FilterSet):
    offering = IdFilter(field_name="offering_id", label="Offering id.")
    model = django_filters.CharFilter(field_name="offering__model__slug", label="Model slug.")
    provider = django_filters.CharFilter(field_name="offering__provider__slug", label="Provider slug.")
    ok = BoolFilter(label="The call succeeded (true/false).")
    error_kind = django_filters.ChoiceFilter(
        choices=[c for c in ProbeResult.ErrorKind.choices if c[0]], label="Why the call failed."
    )
    started_after, started_before = date_range("started_at__date", "Started (UTC)")

    class Meta:
        model = ProbeResult
        fields = ["offering", "ok", "error_kind"]
