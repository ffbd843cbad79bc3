from django_countries.serializers import CountryFieldMixin
from rest_framework import serializers

from models_registry.api.serializing import (
    ApiModelSerializer,
    ModelCleanSerializer,
    OptionalSlugField,
    SlugRelation,
    StringListField,
)
from models_registry.models import AIModel, Lab, ModelProposal, SourceRun, TimelineEvent

SOURCE_FIELDS = ["source_url", "source_note"]
STAMPS = ["created_at", "updated_at"]


class LabSerializer(CountryFieldMixin, ModelCleanSerializer):
    """An organisation that builds models; `parent` is another lab's slug."""

    parent = OptionalSlugField(queryset=Lab.objects.all(), help_text="Parent lab's slug (null: none).")
    aliases = StringListField(
        required=False, help_text="Other names upstreams give this lab (matched when proposing models)."
    )

    class Meta(ModelCleanSerializer.Meta):
        model = Lab
        fields = [
            "slug",
            "name",
            "country",
            "headquarters_city",
            "website",
            "founded_year",
            "parent",
            "aliases",
            *SOURCE_FIELDS,
            *STAMPS,
        ]
        extra_kwargs = {"founded_year": {"max_value": 9999}}


class AIModelSerializer(ModelCleanSerializer):
    """A model as released by its lab; `lab` is the lab's slug, `country` the lab's country."""

    lab = SlugRelation(queryset=Lab.objects.all(), help_text="The lab's slug.")
    lab_name = serializers.CharField(source="lab.name", read_only=True)
    country = serializers.CharField(source="lab.country.code", read_only=True, help_text="The lab's country.")
    aliases = StringListField(
        required=False, help_text="Stable upstream ids such as deepseek/deepseek-r1; each belongs to one model."
    )

    class Meta(ModelCleanSerializer.Meta):
        model = AIModel
        fields = [
            "slug",
            "name",
            "lab",
            "lab_name",
            "country",
            "release_date",
            "open_weights",
            "license",
            "parameters_total_b",
            "parameters_active_b",
            "context_window",
            "reasoning",
            "aliases",
            *SOURCE_FIELDS,
            *STAMPS,
        ]


class TimelineEventSerializer(CountryFieldMixin, ModelCleanSerializer):
    """A dated event drawn as a marker on the time charts."""

    class Meta(ModelCleanSerializer.Meta):
        model = TimelineEvent
        fields = ["id", "date", "title", "kind", "country", *SOURCE_FIELDS, *STAMPS]


class SourceRunSerializer(ApiModelSerializer):
    """One refresh of one upstream source (read-only)."""

    class Meta:
        model = SourceRun
        fields = [
            "id",
            "source",
            "started_at",
            "finished_at",
            "status",
            "created_count",
            "updated_count",
            "unchanged_count",
            "unmatched_count",
            "rejected_count",
            "proposed_count",
            "unmatched",
            "rejected",
            "error",
            *STAMPS,
        ]
        read_only_fields = fields


class ModelProposalSerializer(CountryFieldMixin, ApiModelSerializer):
    """A model an upstream knows and the registry does not (read-only; accept or reject it with its actions)."""

    lab = serializers.SlugRelatedField(slug_field="slug", read_only=True, help_text="The matched lab's slug.")
    model = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text="The model created on accept (null until then)."
    )

    class Meta:
        model = ModelProposal
        fields = [
            "id",
            "source",
            "upstream_id",
            "name",
            "lab",
            "organization",
            "country",
            "release_date",
            "status",
            "model",
            "source_run",
            *STAMPS,
        ]
        read_only_fields = fields
