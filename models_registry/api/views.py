from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from models_registry import selectors
from models_registry.api.filters import (
    AIModelFilter,
    LabFilter,
    ModelProposalFilter,
    SourceRunFilter,
    TimelineEventFilter,
)
from models_registry.api.serializers import (
    AIModelSerializer,
    LabSerializer,
    ModelProposalSerializer,
    SourceRunSerializer,
    TimelineEventSerializer,
)
from models_registry.api.viewsets import ApiModelViewSet, ApiReadOnlyViewSet
from models_registry.services import ACCEPT_PERMISSION, ACCEPT_REFUSED, model_proposal_accept, model_proposal_reject


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


class CanDecideProposals(permissions.DjangoModelPermissionsOrAnonReadOnly):
    """Anyone reads; accepting or rejecting (a POST) needs `change_modelproposal`, not `add_`: it decides on a
    proposal that exists, it does not add one."""

    perms_map = {**permissions.DjangoModelPermissions.perms_map, "POST": ["%(app_label)s.change_%(model_name)s"]}


class CanCreateModels(permissions.BasePermission):
    """Accepting creates an AIModel: it needs `add_aimodel` too, as creating one through `models/` would."""

    message = ACCEPT_REFUSED

    def has_permission(self, request, view) -> bool:
        return request.user.has_perm(ACCEPT_PERMISSION)


class ModelProposalViewSet(ApiReadOnlyViewSet):
    """Models an upstream knows and the registry does not. `POST .../{id}/accept/` creates the model (the upstream
    id becomes its alias); `POST .../{id}/reject/` keeps that id from being proposed again."""

    serializer_class = ModelProposalSerializer
    filterset_class = ModelProposalFilter
    permission_classes = [CanDecideProposals]
    search_fields = ["upstream_id", "name", "organization"]
    ordering_fields = ["created_at", "release_date", "name", "upstream_id", "source", "status"]

    def get_queryset(self):
        return selectors.modelproposal_list()

    @extend_schema(request=None, responses=ModelProposalSerializer)
    @action(detail=True, methods=["post"], permission_classes=[CanDecideProposals, CanCreateModels])
    def accept(self, request, pk=None):
        """Create the proposed model (slug from the name, the proposal's lab and release date)."""
        return self._decide(model_proposal_accept)

    @extend_schema(request=None, responses=ModelProposalSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject the proposal: its upstream id is not proposed again."""
        return self._decide(model_proposal_reject)

    def _decide(self, decide):
        proposal = self.get_object()
        try:
            decide(proposal_id=proposal.pk, user=self.request.user)
        except DjangoValidationError as exc:
            raise ValidationError({"status": exc.messages}) from exc
        return Response(self.get_serializer(selectors.modelproposal_list().get(pk=proposal.pk)).data)
