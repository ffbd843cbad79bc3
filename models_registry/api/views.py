from models_registry import selectors
from models_registry.api.filters import AIModelFilter, LabFilter, SourceRunFilter, TimelineEventFilter
from models_registry.api.serializers import (
    AIModelSerializer,
    LabSerializer,
    SourceRunSerializer,
    TimelineEventSerializer,
)
from models_registry.api.viewsets import ApiModelViewSet, ApiReadOnlyViewSet


class LabViewSet(ApiModelViewSet):
    """AI labs: who builds models, and where."""

    serializer_class = LabSerializer
    filterset_class = LabFilter
    lookup_field = "slug"
    search_fields = ["slug", "name", "headquarters_city"]
    ordering_fields = ["slug", "name", "country", "founded_year", "created_at", "updated_at"]

    def get_queryset(self):
        return selectors.lab_list()


class AIModelViewSet(ApiModelViewSet):
    """AI models, each with its lab's name and country."""

    serializer_class = AIModelSerializer
    filterset_class = AIModelFilter
    lookup_field = "slug"
    search_fields = ["slug", "name", "lab__name", "lab__slug"]
    ordering_fields = {
        "slug": "slug",
        "name": "name",
        "lab": "lab__slug",
        "country": "lab__country",
        "release_date": "release_date",
        "context_window": "context_window",
        "parameters_total_b": "parameters_total_b",
        "created_at": "created_at",
        "updated_at": "updated_at",
    }

    def get_queryset(self):
        return selectors.aimodel_list()


class TimelineEventViewSet(ApiModelViewSet):
    """Dated events (export controls, policy, releases, price cuts) drawn on the time charts."""

    serializer_class = TimelineEventSerializer
    filterset_class = TimelineEventFilter
    search_fields = ["title", "source_note"]
    ordering_fields = ["date", "title", "kind", "country", "created_at"]

    def get_queryset(self):
        return selectors.timelineevent_list()


class SourceRunViewSet(ApiReadOnlyViewSet):
    """Refreshes of upstream sources: what each created, changed, could not match or refused."""

    serializer_class = SourceRunSerializer
    filterset_class = SourceRunFilter
    search_fields = ["source", "error"]
    ordering_fields = ["started_at", "finished_at", "source", "status"]

    def get_queryset(self):
        return selectors.sourcerun_list()
