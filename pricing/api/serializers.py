from django_countries.serializers import CountryFieldMixin
from rest_framework import serializers

from models_registry.api.reading import FromColumns
from models_registry.api.serializers import SOURCE_FIELDS, STAMPS
from models_registry.api.serializing import ModelCleanSerializer, OptionalSlugField, SlugRelation
from models_registry.models import AIModel, Lab
from pricing.models import Offering, PricePoint, Provider, blended_price, first_party


class ProviderSerializer(CountryFieldMixin, ModelCleanSerializer):
    """`api_key_env` is the NAME of an environment variable; its value is never read here."""

    lab = OptionalSlugField(
        queryset=Lab.objects.all(), help_text="Slug of the lab when the provider is first-party (null: a host)."
    )

    class Meta(ModelCleanSerializer.Meta):
        model = Provider
        fields = ["slug", "name", "country", "lab", "base_url", "api_style", "api_key_env", *STAMPS]


class OfferingSerializer(ModelCleanSerializer):
    """A model served by a provider under an API id; `model` and `provider` are slugs."""

    model = SlugRelation(queryset=AIModel.objects.all(), help_text="Model slug.")
    provider = SlugRelation(queryset=Provider.objects.all(), help_text="Provider slug.")
    model_name = serializers.CharField(source="model.name", read_only=True)
    lab = serializers.CharField(source="model.lab.slug", read_only=True, help_text="The model's lab.")
    country = serializers.CharField(source="model.lab.country.code", read_only=True, help_text="The model's country.")
    is_first_party = serializers.BooleanField(read_only=True, help_text="Served by the model's own lab.")
    read_sources = {"is_first_party": FromColumns(("provider__lab", "model__lab"), first_party)}

    class Meta(ModelCleanSerializer.Meta):
        model = Offering
        fields = [
            "id",
            "model",
            "model_name",
            "lab",
            "country",
            "provider",
            "is_first_party",
            "provider_model_id",
            "available_from",
            "retired_on",
            "probe_enabled",
            *SOURCE_FIELDS,
            *STAMPS,
        ]


class PricePointSerializer(ModelCleanSerializer):
    """A price of an offering from `effective_from`, USD per million tokens; `offering` is its id."""

    offering = serializers.PrimaryKeyRelatedField(
        queryset=Offering.objects.select_related("model__lab", "provider"), help_text="Offering id."
    )
    model = serializers.CharField(source="offering.model.slug", read_only=True, help_text="Model slug.")
    provider = serializers.CharField(source="offering.provider.slug", read_only=True, help_text="Provider slug.")
    provider_model_id = serializers.CharField(source="offering.provider_model_id", read_only=True)
    country = serializers.CharField(
        source="offering.model.lab.country.code", read_only=True, help_text="The model's country."
    )
    is_first_party = serializers.BooleanField(source="offering.is_first_party", read_only=True)
    blended_per_mtok = serializers.DecimalField(
        max_digits=16,
        decimal_places=8,
        read_only=True,
        help_text="(3 * input + output) / 4, USD per million tokens.",
    )
    read_sources = {  # list pages (models_registry/api/reading.py): what the model's properties compute
        "is_first_party": FromColumns(("offering__provider__lab", "offering__model__lab"), first_party),
        "blended_per_mtok": FromColumns(("input_per_mtok", "output_per_mtok"), blended_price),
    }

    class Meta(ModelCleanSerializer.Meta):
        model = PricePoint
        fields = [
            "id",
            "offering",
            "model",
            "provider",
            "provider_model_id",
            "country",
            "is_first_party",
            "effective_from",
            "effective_to",
            "input_per_mtok",
            "output_per_mtok",
            "cached_input_per_mtok",
            "blended_per_mtok",
            "off_peak",
            "note",
            "retrieved_at",
            "source_run",
            *SOURCE_FIELDS,
            *STAMPS,
        ]
        read_only_fields = ["source_run"]
