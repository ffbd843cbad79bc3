from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django_countries import countries
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from models_registry.validators import SLUG_PATTERN, validate_slug

# Database-level mirror of the validators, so bad rows are refused on every code path.
# (django-countries reinterprets `country__regex` as a match on names, so the check lists the codes.)
COUNTRY_CODES = sorted(code for code, _name in countries)


class TimeStampedModel(models.Model):
    """Abstract base: every row records when it was created and last updated."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class SourcedModel(TimeStampedModel):
    """Abstract base: a row's source is a link (may be empty) and the citation text."""

    source_url = models.URLField(max_length=1000, blank=True)
    source_note = models.TextField(blank=True)

    class Meta:
        abstract = True


def slug_field(**kwargs) -> models.CharField:
    """A unique slug that may hold dots (`gpt-4.1`), which Django's SlugField refuses."""
    return models.CharField(max_length=100, unique=True, validators=[validate_slug], **kwargs)


def slug_check(model_name: str, field: str = "slug") -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__regex": SLUG_PATTERN}),
        name=f"{model_name}_{field}_format",
    )


def country_check(model_name: str, *, optional: bool = False) -> models.CheckConstraint:
    condition = Q(country__in=[*COUNTRY_CODES, ""] if optional else COUNTRY_CODES)
    return models.CheckConstraint(condition=condition, name=f"{model_name}_country_iso")


class Lab(SourcedModel):
    """An organisation that builds models; its country is every one of its models' country."""

    slug = slug_field()
    name = models.CharField(max_length=200)
    country = CountryField()
    headquarters_city = models.CharField(max_length=200, blank=True)
    website = models.URLField(blank=True)
    founded_year = models.PositiveSmallIntegerField(null=True, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")
    aliases = models.JSONField(
        default=list,
        blank=True,
        help_text="Other names upstreams give this lab, e.g. Epoch AI's 'Z.ai (Zhipu AI)' or OpenRouter's 'z-ai'.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["slug"]
        constraints = [slug_check("lab"), country_check("lab")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.parent_id and self.parent_id == self.pk:
            errors["parent"] = "A lab cannot be its own parent."
        if not isinstance(self.aliases, list) or not all(isinstance(a, str) and a.strip() for a in self.aliases):
            errors["aliases"] = "Give a list of non-empty strings."
        elif len({a.strip().lower() for a in self.aliases}) != len(self.aliases):
            errors["aliases"] = "An alias is listed twice."
        if errors:
            raise ValidationError(errors)


class AIModelQuerySet(models.QuerySet):
    def with_lab(self) -> "AIModelQuerySet":
        return self.select_related("lab")

    def released(self) -> "AIModelQuerySet":
        return self.filter(release_date__isnull=False)


class AIModel(SourcedModel):
    """A model as released by its lab; a model without a release date is in no time series."""

    slug = slug_field()
    name = models.CharField(max_length=200)
    lab = models.ForeignKey(Lab, on_delete=models.PROTECT, related_name="models")
    release_date = models.DateField(null=True, blank=True, db_index=True)
    open_weights = models.BooleanField(default=False)
    license = models.CharField(max_length=200, blank=True)
    parameters_total_b = models.DecimalField(max_digits=10, decimal_places=3, null=True, blank=True)
    parameters_active_b = models.DecimalField(max_digits=10, decimal_places=3, null=True, blank=True)
    context_window = models.PositiveIntegerField(null=True, blank=True)
    reasoning = models.BooleanField(default=False)
    aliases = models.JSONField(default=list, blank=True, help_text="Stable upstream ids, e.g. deepseek/deepseek-r1.")
    history = HistoricalRecords()

    objects = AIModelQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]
        verbose_name = "AI model"
        constraints = [
            slug_check("aimodel"),
            models.CheckConstraint(
                condition=Q(parameters_total_b__isnull=True) | Q(parameters_total_b__gt=0),
                name="aimodel_parameters_total_positive",
            ),
            models.CheckConstraint(
                condition=Q(parameters_active_b__isnull=True) | Q(parameters_active_b__gt=0),
                name="aimodel_parameters_active_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def country(self) -> str:
        return self.lab.country.code

    def clean(self) -> None:
        errors = {}
        if not isinstance(self.aliases, list) or not all(isinstance(a, str) and a.strip() for a in self.aliases):
            errors["aliases"] = "Give a list of non-empty strings."
        elif len(set(self.aliases)) != len(self.aliases):
            errors["aliases"] = "An alias is listed twice."
        elif self.aliases:
            taken = alias_owners(self.aliases, exclude_pk=self.pk)
            if taken:
                errors["aliases"] = "; ".join(f"{alias!r} already belongs to {slug}" for alias, slug in taken.items())
        total, active = self.parameters_total_b, self.parameters_active_b
        if total is not None and active is not None and active > total:
            errors["parameters_active_b"] = "Active parameters cannot exceed the total."
        if errors:
            raise ValidationError(errors)


def alias_owners(aliases: list[str], *, exclude_pk: int | None = None) -> dict[str, str]:
    """Map each of `aliases` already held by another model to that model's slug."""
    wanted = set(aliases)
    owners = {}
    rows = AIModel.objects.exclude(pk=exclude_pk).exclude(aliases=[]).values_list("slug", "aliases")
    for slug, held in rows:
        for alias in wanted.intersection(held or []):
            owners[alias] = slug
    return owners


class EventKind(models.TextChoices):
    EXPORT_CONTROL = "export-control", "Export control"
    POLICY = "policy", "Policy"
    MODEL_RELEASE = "model-release", "Model release"
    PRICE_CUT = "price-cut", "Price cut"
    MARKET = "market", "Market"
    OTHER = "other", "Other"


class TimelineEvent(SourcedModel):
    """A dated event (export control, policy, release, price cut) drawn as a marker on charts."""

    Kind = EventKind

    date = models.DateField(db_index=True)
    title = models.CharField(max_length=500)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    country = CountryField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "title"]
        constraints = [
            models.UniqueConstraint(fields=["date", "title"], name="timelineevent_unique_per_day"),
            models.CheckConstraint(condition=Q(kind__in=EventKind.values), name="timelineevent_kind_valid"),
            country_check("timelineevent", optional=True),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.title}"


class RunStatus(models.TextChoices):
    RUNNING = "running", "Running"
    OK = "ok", "OK"
    PARTIAL = "partial", "Partial"
    FAILED = "failed", "Failed"


class SourceRun(models.Model):
    """One refresh of one upstream: what it created, changed, left alone, could not match or refused."""

    Status = RunStatus

    source = models.CharField(max_length=100, db_index=True)
    started_at = models.DateTimeField(db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    unmatched_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    unmatched = models.JSONField(default=list, blank=True)
    rejected = models.JSONField(default=list, blank=True, help_text="Refused records with their reasons.")
    proposed_count = models.PositiveIntegerField(default=0, help_text="Model proposals this run added.")
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [models.CheckConstraint(condition=Q(status__in=RunStatus.values), name="sourcerun_status_valid")]

    def __str__(self) -> str:
        return f"{self.source} {self.started_at:%Y-%m-%d %H:%M} {self.status}"


class ProposalStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class ModelProposal(TimeStampedModel):
    """A model an upstream knows and the registry does not, waiting for an admin to accept or reject it."""

    Status = ProposalStatus

    source = models.CharField(max_length=100, db_index=True, help_text="The refresh that proposed it (epoch ...).")
    upstream_id = models.CharField(max_length=300, help_text="The upstream's id, e.g. gpt-6-sol-2026-09-22_high.")
    name = models.CharField(max_length=200)
    lab = models.ForeignKey(Lab, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals")
    organization = models.CharField(max_length=200, blank=True, help_text="The organisation as the upstream names it.")
    country = CountryField(blank=True, help_text="The country the upstream gives (empty when it gives none we know).")
    release_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    model = models.ForeignKey(AIModel, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals")
    source_run = models.ForeignKey(
        SourceRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "upstream_id"], name="modelproposal_unique_per_source"),
            models.CheckConstraint(condition=Q(status__in=ProposalStatus.values), name="modelproposal_status_valid"),
            country_check("modelproposal", optional=True),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.source}: {self.upstream_id})"
