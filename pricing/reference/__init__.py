"""Shipped reference data: providers, offerings (which API id served which model when) and prices."""

from pathlib import Path

from models_registry.loading import (
    CellError,
    Record,
    Table,
    boolean,
    by_slug,
    optional_date,
    optional_decimal,
    required_date,
    required_decimal,
    source_fields,
    text,
)
from models_registry.models import AIModel, Lab
from pricing.models import Offering, PricePoint, Provider

HERE = Path(__file__).resolve().parent


def provider_records(row: dict[str, str]) -> list[Record]:
    return [
        Record(
            lookup={"slug": text(row, "slug")},
            values={
                "name": text(row, "name"),
                "country": text(row, "country").upper(),
                "lab": by_slug(Lab, row, "lab", required=False),
                "base_url": text(row, "base_url"),
                "api_style": text(row, "api_style"),
                "api_key_env": text(row, "api_key_env", required=False),
            },
        )
    ]


def offering_records(row: dict[str, str]) -> list[Record]:
    return [
        Record(
            lookup={
                "provider": by_slug(Provider, row, "provider"),
                "provider_model_id": text(row, "provider_model_id"),
                "available_from": optional_date(row, "available_from"),
            },
            values={
                "model": by_slug(AIModel, row, "model"),
                "retired_on": optional_date(row, "retired_on"),
                **source_fields(row["source"]),
            },
        )
    ]


def price_records(row: dict[str, str]) -> list[Record]:
    """A price row applies to every offering of its (model, provider)."""
    model = by_slug(AIModel, row, "model")
    provider = by_slug(Provider, row, "provider")
    offerings = list(Offering.objects.filter(model=model, provider=provider))
    if not offerings:
        raise CellError("provider", f"{provider.slug} has no offering of {model.slug} in offerings.csv")
    values = {
        "effective_to": optional_date(row, "effective_to"),
        "input_per_mtok": required_decimal(row, "input_per_mtok"),
        "output_per_mtok": required_decimal(row, "output_per_mtok"),
        "cached_input_per_mtok": optional_decimal(row, "cached_input_per_mtok"),
        "note": text(row, "note", required=False),
        **source_fields(row["source"]),
    }
    effective_from = required_date(row, "effective_from")
    off_peak = boolean(row, "off_peak")
    return [
        Record(lookup={"offering": o, "effective_from": effective_from, "off_peak": off_peak}, values=values)
        for o in offerings
    ]


TABLES = [
    Table(HERE / "providers.csv", Provider, ("slug", "name", "country", "base_url", "api_style"), provider_records),
    Table(HERE / "offerings.csv", Offering, ("model", "provider", "provider_model_id", "source"), offering_records),
    Table(
        HERE / "prices.csv",
        PricePoint,
        ("model", "provider", "effective_from", "input_per_mtok", "output_per_mtok", "off_peak", "source"),
        price_records,
    ),
]
