"""FilterSets of the pricing endpoints."""

import django_filters

from models_registry.api.filters import BoolFilter, CountryFilter, IdFilter, IsoDateFilter, date_range
from pricing.models import ApiStyle, Offering, PricePoint, Provider
from pricing.selectors import prices_in_force


class ProviderFilter(django_filters.FilterSet):
    country = CountryFilter("country")
    lab = django_filters.CharFilter(field_name="lab__slug", label="Slug of the lab this provider belongs to.")
    api_style = django_filters.ChoiceFilter(choices=ApiStyle.choices, label="API dialect.")
    first_party = BoolFilter(
        field_name="lab", lookup_expr="isnull", exclude=True, label="Run by a lab (first-party) (true/false)."
    )

    class Meta:
        model = Provider
        fields = ["country", "lab", "api_style"]


class OfferingFilter(django_filters.FilterSet):
    model = django_filters.CharFilter(field_name="model__slug", label="Model slug.")
    provider = django_filters.CharFilter(field_name="provider__slug", label="Provider slug.")
    lab = django_filters.CharFilter(field_name="model__lab__slug", label="Slug of the model's lab.")
    country = CountryFilter("model__lab__country", label="The model's country (its lab's), ISO alpha-2.")
    provider_model_id = django_filters.CharFilter(label="The provider's API id for the model.")
    first_party = BoolFilter(label="Served by the model's own lab (true/false).")
    probe_enabled = BoolFilter(label="Probed live (true/false).")
    retired = BoolFilter(
        field_name="retired_on", lookup_expr="isnull", exclude=True, label="Has been retired (true/false)."
    )
    live_on = IsoDateFilter(method="filter_live_on", label="Live on this date (YYYY-MM-DD).")

    class Meta:
        model = Offering
        fields = ["model", "provider", "provider_model_id", "probe_enabled"]

    def filter_live_on(self, queryset, name, value):
        return queryset.live_on(value)


class PricePointFilter(django_filters.FilterSet):
    at = IsoDateFilter(
        method="filter_at",
        label=(
            "YYYY-MM-DD: keep only the price in force that day, one row per offering live that day and off-peak flag."
        ),
    )
    offering = IdFilter(field_name="offering_id", label="Offering id.")
    model = django_filters.CharFilter(field_name="offering__model__slug", label="Model slug.")
    provider = django_filters.CharFilter(field_name="offering__provider__slug", label="Provider slug.")
    lab = django_filters.CharFilter(field_name="offering__model__lab__slug", label="Slug of the model's lab.")
    country = CountryFilter("offering__model__lab__country", label="The model's country (its lab's), ISO alpha-2.")
    first_party = BoolFilter(label="Sold by the model's own lab (true/false).")
    off_peak = BoolFilter(label="A time-of-day discount rather than a list price (true/false).")
    effective_after, effective_before = date_range("effective_from", "Effective from")

    class Meta:
        model = PricePoint
        fields = ["offering", "off_peak"]

    def filter_at(self, queryset, name, value):
        return prices_in_force(queryset, day=value)
