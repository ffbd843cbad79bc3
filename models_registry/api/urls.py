"""REST routes of this app: (prefix, viewset, basename), registered on the /api/v1/ router."""

from models_registry.api.views import (
    AIModelViewSet,
    LabViewSet,
    ModelProposalViewSet,
    SourceRunViewSet,
    TimelineEventViewSet,
)

routes: list = [
    ("labs", LabViewSet, "lab"),
    ("models", AIModelViewSet, "aimodel"),
    ("events", TimelineEventViewSet, "timelineevent"),
    ("source-runs", SourceRunViewSet, "sourcerun"),
    ("model-proposals", ModelProposalViewSet, "modelproposal"),
]
