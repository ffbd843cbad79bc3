"""FilterSets of the registry endpoints, and the filter types every app's FilterSets share."""

import django_filters
from django import forms
from django.db.models import Q

from models_registry.models import (
    AIModel,
    EventKind,
    Lab,
    ModelProposal,
    ProposalStatus,
    RunStatus,
    SourceRun,
    TimelineEvent,
)

ISO_DATE = ["%Y-%m-%d"]
MAX_ID = 2**63 - 1


class StrictBooleanField(forms.Field):
    """`true`/`false` (or 1/0); anything else is an error rather than silently no filter at all."""

    default_error_messages = {"invalid": "Give true or false."}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip().lower()
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class BoolFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class IsoDateFilter(django_filters.DateFilter):
    """A date given as YYYY-MM-DD only (anything else answers 400)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", ISO_DATE)
        super().__init__(*args, **kwargs)


class IntFilter(django_filters.NumberFilter):
    """A whole number within bounds (a fraction, text or out-of-range value answers 400)."""

    field_class = forms.IntegerField


class IdFilter(IntFilter):
    """A row id."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class CountryFilter(django_filters.CharFilter):
    """An ISO 3166-1 alpha-2 code, any case: `CN`, `cn`."""

    def __init__(self, field_name: str, **kwargs):
        kwargs.setdefault("label", "ISO 3166-1 alpha-2 country code, e.g. US or CN (any case).")
        super().__init__(field_name=field_name, lookup_expr="iexact", **kwargs)


def date_range(field_name: str, noun: str) -> tuple[IsoDateFilter, IsoDateFilter]:
    """`<x>_after` / `<x>_before` filters, both inclusive."""
    return (
        IsoDateFilter(field_name=field_name, lookup_expr="gte", label=f"{noun} on or after this date (YYYY-MM-DD)."),
        IsoDateFilter(field_name=field_name, lookup_expr="lte", label=f"{noun} on or before this date (YYYY-MM-DD)."),
    )


class LabFilter(django_filters.FilterSet):
    country = CountryFilter("country")
    parent = django_filters.CharFilter(field_name="parent__slug", label="Slug of the parent lab.")
    founded_after = IntFilter(
        field_name="founded_year",
        lookup_expr="gte",
        min_value=0,
        max_value=9999,
        label="Founded in or after this year.",
    )
    founded_before = IntFilter(
        field_name="founded_year",
        lookup_expr="lte",
        min_value=0,
        max_value=9999,
        label="Founded in or before this year.",
    )

    class Meta:
        model = Lab
        fields = ["country", "parent"]


class AIModelFilter(django_filters.FilterSet):
    lab = django_filters.CharFilter(field_name="lab__slug", label="Slug of the lab that made the model.")
    country = CountryFilter("lab__country")
    open_weights = BoolFilter(label="Weights published (true/false).")
    reasoning = BoolFilter(label="A reasoning (thinking) model (true/false).")
    released = BoolFilter(
        field_name="release_date", lookup_expr="isnull", exclude=True, label="Has a release date (true/false)."
    )
    released_after, released_before = date_range("release_date", "Released")
    # NetBox's `q`: one box over the names people search by, so the models page and this endpoint take the same URL.
    q = django_filters.CharFilter(
        method="search_text", label="Text in the name, slug, lab name or an upstream alias (any case)."
    )

    class Meta:
        model = AIModel
        fields = ["lab", "country", "open_weights", "reasoning"]

    def search_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(slug__icontains=value)
            | Q(lab__name__icontains=value)
            | Q(aliases__icontains=value)
        )


class TimelineEventFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=EventKind.choices, label="Kind of event.")
    country = CountryFilter("country")
    date_after, date_before = date_range("date", "Happened")

    class Meta:
        model = TimelineEvent
        fields = ["kind", "country"]


class SourceRunFilter(django_filters.FilterSet):
    source = django_filters.CharFilter(label="Upstream source slug, e.g. openrouter.")
    status = django_filters.ChoiceFilter(choices=RunStatus.choices, label="Run status.")
    started_after, started_before = date_range("started_at__date", "Started (UTC)")

    class Meta:
        model = SourceRun
        fields = ["source", "status"]


class ModelProposalFilter(django_filters.FilterSet):
    source = django_filters.CharFilter(label="The source that proposed it, e.g. epoch.")
    status = django_filters.ChoiceFilter(choices=ProposalStatus.choices, label="pending, accepted or rejected.")
    lab = django_filters.CharFilter(field_name="lab__slug", label="Slug of the matched lab.")
    country = CountryFilter("country")

    class Meta:
        model = ModelProposal
        fields = ["source", "status", "lab", "country"]
