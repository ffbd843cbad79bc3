"""Read paths of pricing: providers, offerings and price points with what their API output needs joined."""

import datetime

from django.db.models import BooleanField, DecimalField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet

from models_registry.selectors import whole_row_and
from pricing.models import Offering, PricePoint, Provider


def _first_party(prefix: str = "") -> ExpressionWrapper:
    """True when the provider is the model's own lab (DESIGN: a lab's parent does not count)."""
    condition = Q(**{f"{prefix}provider__lab__isnull": False}) & Q(
        **{f"{prefix}provider__lab": F(f"{prefix}model__lab")}
    )
    return ExpressionWrapper(condition, output_field=BooleanField())


def provider_list() -> QuerySet[Provider]:
    """Providers with their lab joined (a first-party provider names its lab)."""
    return Provider.objects.select_related("lab")


def offering_list() -> QuerySet[Offering]:
    """Offerings with model, model's lab and provider joined, and `first_party` annotated (filterable)."""
    return Offering.objects.select_related("model__lab", "provider").annotate(first_party=_first_party())


def price_list() -> QuerySet[PricePoint]:
    """Price points with offering, model, lab and provider joined; `first_party` and `blended` annotated.

    `blended` is (3 * input + output) / 4 computed by the database, for filtering and ordering.
    """
    blended = ExpressionWrapper(
        (3 * F("input_per_mtok") + F("output_per_mtok")) / 4,
        output_field=DecimalField(max_digits=16, decimal_places=8),
    )
    output = whole_row_and(
        PricePoint,
        "offering__provider_model_id",
        "offering__model__slug",
        "offering__model__lab__country",
        "offering__provider__slug",
        "offering__provider__lab",  # with the model's lab: is_first_party
    )
    return (
        PricePoint.objects.select_related("offering__model__lab", "offering__provider")
        .only(*output)
        .annotate(first_party=_first_party("offering__"), blended=blended)
    )


def prices_in_force(prices: QuerySet[PricePoint], *, day: datetime.date) -> QuerySet[PricePoint]:
    """Narrow `prices` to the one point in force on `day` per offering live that day and off-peak flag.

    Live: `available_from` empty or <= day, `retired_on` empty or > day. In force: among the points
    with `effective_from <= day` and `effective_to` empty or > day, the latest `effective_from`
    (unique per offering and off-peak flag, so there is never a tie).
    """
    in_force = Q(effective_from__lte=day) & (Q(effective_to__isnull=True) | Q(effective_to__gt=day))
    # "No later point of the same offering and flag is in force": an anti-join the planner estimates well,
    # where "pk = (latest point's pk)" was a correlated subquery per row, estimated at 0.5% of the rows.
    superseded = PricePoint.objects.filter(
        in_force,
        offering=OuterRef("offering"),
        off_peak=OuterRef("off_peak"),
        effective_from__gt=OuterRef("effective_from"),
    )
    live = Offering.objects.live_on(day).values("pk")
    return prices.filter(in_force, ~Exists(superseded), offering__in=live)
