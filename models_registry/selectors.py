"""Read paths of the registry: each returns a QuerySet with its joins, so list and detail pages run a fixed
number of queries however many rows they show."""

from django.db.models import Model, QuerySet

from models_registry.models import AIModel, Lab, ModelProposal, SourceRun, TimelineEvent


def whole_row_and(model: type[Model], *related: str) -> list[str]:
    """Arguments for `.only()`: every field of `model` itself, and of the joined rows only the `related` fields
    the output names (a list page then loads and parses no timestamps or notes of related rows)."""
    return [field.name for field in model._meta.concrete_fields] + list(related)


def lab_list() -> QuerySet[Lab]:
    """Labs with their parent lab joined (its slug is part of the output)."""
    return Lab.objects.select_related("parent")


def aimodel_list() -> QuerySet[AIModel]:
    """Models with their lab joined (lab slug, name and country are part of the output)."""
    return AIModel.objects.with_lab().only(*whole_row_and(AIModel, "lab__slug", "lab__name", "lab__country"))


def timelineevent_list() -> QuerySet[TimelineEvent]:
    return TimelineEvent.objects.all()


def sourcerun_list() -> QuerySet[SourceRun]:
    return SourceRun.objects.all()


def modelproposal_list() -> QuerySet[ModelProposal]:
    """Proposals with their lab, model and run joined (the lab's and model's slugs are part of the output)."""
    return ModelProposal.objects.select_related("lab", "model")
