from rest_framework import serializers

from benchmarks.models import Benchmark, BenchmarkScore, ProbeResult, is_self_reported
from models_registry.api.reading import FromColumns
from models_registry.api.serializers import SOURCE_FIELDS, STAMPS
from models_registry.api.serializing import ApiModelSerializer, ModelCleanSerializer, SlugRelation
from models_registry.models import AIModel


class BenchmarkSerializer(ModelCleanSerializer):
    """A benchmark with its scale (`scale_min`..`scale_max`), direction, and whether the capability index fits it
    (`in_index`: false where a score is not a share of tasks solved, such as a rating, or is itself a composite)."""

    class Meta(ModelCleanSerializer.Meta):
        model = Benchmark
        fields = [
            "slug",
            "name",
            "category",
            "higher_is_better",
            "scale_min",
            "scale_max",
            "in_index",
            "url",
            *STAMPS,
        ]

    def validate(self, attrs: dict) -> dict:
        attrs = super().validate(attrs)
        if self.instance is not None and ("scale_min" in attrs or "scale_max" in attrs):
            low = attrs.get("scale_min", self.instance.scale_min)
            high = attrs.get("scale_max", self.instance.scale_max)
            outside = self.instance.scores.exclude(value__gte=low, value__lte=high).count()
            if outside:
                raise serializers.ValidationError(
                    {
                        "non_field_errors": [
                            f"{outside} recorded score(s) would fall outside the scale {low:g}-{high:g}."
                        ]
                    }
                )
        return attrs


class BenchmarkScoreSerializer(ModelCleanSerializer):
    """One published score; `model` and `benchmark` are slugs, `value` lies within the benchmark's scale."""

    model = SlugRelation(queryset=AIModel.objects.all(), help_text="Model slug.")
    benchmark = SlugRelation(queryset=Benchmark.objects.all(), help_text="Benchmark slug.")
    lab = serializers.CharField(source="model.lab.slug", read_only=True, help_text="The model's lab.")
    country = serializers.CharField(source="model.lab.country.code", read_only=True, help_text="The model's country.")
    self_reported = serializers.SerializerMethodField(help_text="Published by the model's own lab.")
    read_sources = {"self_reported": FromColumns(("evaluated_by", "model__lab__slug"), is_self_reported)}

    class Meta(ModelCleanSerializer.Meta):
        model = BenchmarkScore
        fields = [
            "id",
            "model",
            "lab",
            "country",
            "benchmark",
            "metric",
            "value",
            "evaluated_by",
            "self_reported",
            "reported_on",
            "note",
            "source_run",
            *SOURCE_FIELDS,
            *STAMPS,
        ]
        read_only_fields = ["source_run"]

    def get_self_reported(self, score: BenchmarkScore) -> bool:
        return is_self_reported(score.evaluated_by, score.model.lab.slug)


class ProbeResultSerializer(ApiModelSerializer):
    """One live call to an offering's endpoint (read-only)."""

    model = serializers.CharField(source="offering.model.slug", read_only=True, help_text="Model slug.")
    provider = serializers.CharField(source="offering.provider.slug", read_only=True, help_text="Provider slug.")
    provider_model_id = serializers.CharField(source="offering.provider_model_id", read_only=True)

    class Meta:
        model = ProbeResult
        fields = [
            "id",
            "offering",
            "model",
            "provider",
            "provider_model_id",
            "started_at",
            "ok",
            "error_kind",
            "http_status",
            "ttft_ms",
            "total_ms",
            "input_tokens",
            "output_tokens",
            "output_tokens_per_s",
        ]
        read_only_fields = fields
