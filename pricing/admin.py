from django import forms
from django.contrib import admin

from models_registry.admin import AIModelAdmin, RegistryAdmin, country_in_use_filter
from pricing.imports import PricePointResource
from pricing.models import Offering, PricePoint, Provider


@admin.register(Provider)
class ProviderAdmin(RegistryAdmin):
    list_display = ["name", "slug", "country", "lab", "api_style", "api_key_env", "base_url"]
    list_filter = [country_in_use_filter("country"), "api_style"]
    list_select_related = ["lab"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["lab"]


PRICE_LABELS = {
    "input_per_mtok": "USD per 1M input tokens",
    "output_per_mtok": "USD per 1M output tokens",
    "cached_input_per_mtok": "USD per 1M cached input tokens",
}


class PricePointForm(forms.ModelForm):
    """Prices say their unit; PricePoint.clean() (run by the admin's full_clean) refuses a price that starts on
    or after its offering retired, shown on the effective_from field."""

    class Meta:
        model = PricePoint
        fields = [
            "offering",
            "input_per_mtok",
            "output_per_mtok",
            "cached_input_per_mtok",
            "off_peak",
            "effective_from",
            "effective_to",
            "source_url",
            "source_note",
            "note",
            "retrieved_at",
            "source_run",
        ]
        labels = PRICE_LABELS
        # Narrow number boxes, so the offering's inline of prices fits a 1280 px screen.
        widgets = {name: forms.NumberInput(attrs={"style": "width: 8em"}) for name in PRICE_LABELS}


class PricePointInline(admin.TabularInline):
    model = PricePoint
    form = PricePointForm
    extra = 0
    fields = [
        "input_per_mtok",
        "output_per_mtok",
        "cached_input_per_mtok",
        "off_peak",
        "effective_from",
        "effective_to",
    ]


@admin.register(Offering)
class OfferingAdmin(RegistryAdmin):
    list_display = ["__str__", "model", "provider", "available_from", "retired_on", "probe_enabled"]
    list_filter = ["provider", "probe_enabled", country_in_use_filter("model__lab__country")]
    list_select_related = ["model", "provider"]
    ordering = ["model__name", "provider__slug", "provider_model_id", "available_from"]
    fieldsets = [
        (
            None,
            {"fields": ["model", "provider", "provider_model_id", ("available_from", "retired_on"), "probe_enabled"]},
        ),
        ("Source", {"fields": ["source_url", "source_note"]}),
    ]
    search_fields = ["provider_model_id", "model__name", "model__slug", "provider__name"]
    date_hierarchy = "available_from"
    autocomplete_fields = ["model", "provider"]
    inlines = [PricePointInline]

    def get_queryset(self, request):
        # An offering's label names its model and provider (Offering.__str__): the price form's autocomplete reads
        # them with each row instead of two queries per result.
        return super().get_queryset(request).select_related("model", "provider")


@admin.register(PricePoint)
class PricePointAdmin(RegistryAdmin):
    resource_classes = [PricePointResource]
    form = PricePointForm
    list_display = ["offering", "effective_from", "effective_to", "input_per_mtok", "output_per_mtok", "off_peak"]
    list_filter = ["off_peak", "offering__provider", country_in_use_filter("offering__model__lab__country")]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "offering",
                    ("input_per_mtok", "output_per_mtok", "cached_input_per_mtok"),
                    "off_peak",
                    ("effective_from", "effective_to"),
                ]
            },
        ),
        ("Source", {"fields": ["source_url", "source_note", "note", "retrieved_at", "source_run"]}),
    ]
    list_select_related = ["offering__provider", "offering__model"]
    search_fields = ["offering__provider_model_id", "offering__model__name", "offering__model__slug"]
    date_hierarchy = "effective_from"
    autocomplete_fields = ["offering", "source_run"]


class OfferingForModelInline(admin.TabularInline):
    model = Offering
    extra = 0
    fields = ["provider", "provider_model_id", "available_from", "retired_on", "probe_enabled"]
    autocomplete_fields = ["provider"]
    show_change_link = True


AIModelAdmin.inlines = [*AIModelAdmin.inlines, OfferingForModelInline]
