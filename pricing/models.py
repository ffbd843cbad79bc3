from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from models_registry.models import (
    AIModel,
    Lab,
    SourcedModel,
    SourceRun,
    TimeStampedModel,
    country_check,
    slug_check,
    slug_field,
)
from models_registry.validators import (
    API_KEY_ENV_SUFFIX,
    ENV_NAME_PATTERN,
    date_window_error,
    is_api_key_env_name,
    validate_env_name,
)

NON_NEGATIVE = MinValueValidator(Decimal(0), "Prices cannot be negative.")


class ApiStyle(models.TextChoices):
    OPENAI = "openai", "OpenAI-compatible chat completions"
    ANTHROPIC = "anthropic", "Anthropic messages"


class Provider(TimeStampedModel):
    """A seller of model APIs; first-party when `lab` is set. Holds the NAME of its key's env var."""

    slug = slug_field()
    name = models.CharField(max_length=200)
    country = CountryField()
    lab = models.ForeignKey(Lab, null=True, blank=True, on_delete=models.SET_NULL, related_name="providers")
    base_url = models.URLField(max_length=500)
    api_style = models.CharField(max_length=20, choices=ApiStyle.choices, default=ApiStyle.OPENAI)
    api_key_env = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_env_name],
        help_text="Name of the environment variable that holds the API key. The key itself is never stored.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["slug"]
        constraints = [
            slug_check("provider"),
            country_check("provider"),
            models.CheckConstraint(
                condition=Q(api_key_env="") | Q(api_key_env__regex=ENV_NAME_PATTERN),
                name="provider_api_key_env_is_a_name",
            ),
            models.CheckConstraint(condition=Q(api_style__in=ApiStyle.values), name="provider_api_style_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.api_key_env and not is_api_key_env_name(self.api_key_env):
            raise ValidationError(
                {
                    "api_key_env": f"Name a variable ending in {API_KEY_ENV_SUFFIX} (such as DEEPSEEK_API_KEY): "
                    "a probe sends its value to the provider, so it must never name one of the service's own secrets."
                }
            )


class OfferingQuerySet(models.QuerySet):
    def live_on(self, day) -> "OfferingQuerySet":
        """Offerings served on `day`: started (or no start known) and not yet retired."""
        return self.filter(Q(available_from__isnull=True) | Q(available_from__lte=day)).filter(
            Q(retired_on__isnull=True) | Q(retired_on__gt=day)
        )


class Offering(SourcedModel):
    """A model served by a provider under an API id, for a span of time (an id can move between models)."""

    model = models.ForeignKey(AIModel, on_delete=models.PROTECT, related_name="offerings")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="offerings")
    provider_model_id = models.CharField(max_length=200)
    available_from = models.DateField(null=True, blank=True)
    retired_on = models.DateField(null=True, blank=True, help_text="Empty while the offering is served.")
    probe_enabled = models.BooleanField(default=False)
    history = HistoricalRecords()

    objects = OfferingQuerySet.as_manager()

    class Meta:
        ordering = ["provider__slug", "provider_model_id", "available_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_model_id"],
                condition=Q(retired_on__isnull=True),
                name="offering_one_live_per_provider_id",
                violation_error_message="This provider already serves a live offering under this API id.",
            ),
            models.UniqueConstraint(
                fields=["provider", "provider_model_id", "available_from"], name="offering_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(retired_on__isnull=True)
                | Q(available_from__isnull=True)
                | Q(retired_on__gt=models.F("available_from")),
                name="offering_retired_after_start",
                violation_error_message="retired_on must come after available_from.",
            ),
        ]

    def __str__(self) -> str:
        """What an admin picks an offering by: an API id can serve several models over time, so the id alone
        ("deepseek:deepseek-chat", seven times) does not say which. Reads `model` and `provider`."""
        span = f"{self.available_from or '…'}..{self.retired_on or 'now'}"
        retired = ", retired" if self.retired_on else ""
        return f"{self.model.name} — {self.api_id} ({span}{retired})"

    @property
    def api_id(self) -> str:
        """`provider:provider_model_id`, the id a client calls."""
        return f"{self.provider.slug}:{self.provider_model_id}"

    @property
    def is_first_party(self) -> bool:
        return first_party(self.provider.lab_id, self.model.lab_id)


class PricePoint(SourcedModel):
    """A list (or off-peak) price of an offering from `effective_from`; append-only history."""

    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="prices")
    effective_from = models.DateField()
    effective_to = models.DateField(
        null=True, blank=True, help_text="Exclusive; set when a price ended without a successor."
    )
    input_per_mtok = models.DecimalField(max_digits=12, decimal_places=6, validators=[NON_NEGATIVE])
    output_per_mtok = models.DecimalField(max_digits=12, decimal_places=6, validators=[NON_NEGATIVE])
    cached_input_per_mtok = models.DecimalField(
        max_digits=12, decimal_places=6, null=True, blank=True, validators=[NON_NEGATIVE]
    )
    off_peak = models.BooleanField(default=False, help_text="A time-of-day discount, not a list price.")
    note = models.TextField(blank=True)
    retrieved_at = models.DateTimeField(null=True, blank=True)
    source_run = models.ForeignKey(SourceRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="prices")
    history = HistoricalRecords()

    class Meta:
        ordering = ["offering_id", "effective_from", "off_peak"]
        constraints = [
            models.UniqueConstraint(
                fields=["offering", "effective_from", "off_peak"], name="pricepoint_unique_per_day"
            ),
            models.CheckConstraint(
                condition=Q(input_per_mtok__gte=0)
                & Q(output_per_mtok__gte=0)
                & (Q(cached_input_per_mtok__isnull=True) | Q(cached_input_per_mtok__gte=0)),
                name="pricepoint_non_negative",
                violation_error_message="Prices cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gt=models.F("effective_from")),
                name="pricepoint_ends_after_start",
                violation_error_message="effective_to must come after effective_from.",
            ),
        ]
        indexes = [models.Index(fields=["offering", "off_peak", "-effective_from"], name="pricepoint_latest")]

    def __str__(self) -> str:
        return f"{self.offering.api_id} from {self.effective_from}: {self.input_per_mtok}/{self.output_per_mtok}"

    def clean(self) -> None:
        """The guards a refresh applies to upstream prices, for every other write (API, admin, CSV import): no
        price above PRICE_MAX_PER_MTOK, no start outside the registry's dates or once the offering retired."""
        errors = {}
        ceiling = Decimal(str(settings.PRICE_MAX_PER_MTOK))
        for name in ("input_per_mtok", "output_per_mtok", "cached_input_per_mtok"):
            value = getattr(self, name)
            if isinstance(value, Decimal) and value > ceiling:
                errors[name] = (
                    f"{value.normalize():f} is above {ceiling.normalize():f} USD per million tokens "
                    "(PRICE_MAX_PER_MTOK): an absurd price."
                )
        if isinstance(self.effective_from, date):
            window = date_window_error(self.effective_from, today=timezone.now().date())
            retired_on = self.offering.retired_on if self.offering_id else None
            if window:
                errors["effective_from"] = window
            elif retired_on is not None and self.effective_from >= retired_on:
                errors["effective_from"] = (
                    f"The offering retired on {retired_on.isoformat()}: a price cannot start on or after that day."
                )
        if errors:
            raise ValidationError(errors)

    @property
    def blended_per_mtok(self) -> Decimal:
        """(3 * input + 1 * output) / 4, USD per million tokens."""
        return blended_price(self.input_per_mtok, self.output_per_mtok)


def first_party(provider_lab_id: int | None, model_lab_id: int) -> bool:
    """An offering is first-party when its provider is the model's own lab (a lab's parent does not count)."""
    return provider_lab_id is not None and provider_lab_id == model_lab_id


def blended_price(input_per_mtok: Decimal, output_per_mtok: Decimal) -> Decimal:
    """The blended price of DESIGN.md: three input tokens to one output token."""
    return (3 * Decimal(input_per_mtok) + Decimal(output_per_mtok)) / 4
