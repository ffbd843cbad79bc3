"""Read paths of the registry: each returns a QuerySet with its joins, so list and detail pages run a fixed
number of queries however many rows they show."""

from django.db.models import QuerySet

from models_registry.models import AIModel, Lab, SourceRun, TimelineEvent


def lab_list() -> QuerySet[Lab]:
    """Labs with their parent lab joined (its slug is part of the output)."""
    return Lab.objects.select_related("parent")


def aimodel_list() -> QuerySet[AIModel]:
    """Models with their lab joined (lab slug, name and country are part of the output)."""
    return AIModel.objects.with_lab()


def timelineevent_list() -> QuerySet[TimelineEvent]:
    return TimelineEvent.objects.all()


def sourcerun_list() -> QuerySet[SourceRun]:
    return SourceRun.objects.all()
