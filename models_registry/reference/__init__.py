"""Shipped reference data: labs, models and timeline events (see README.md here for sources)."""

from pathlib import Path

from models_registry.loading import (
    CellError,
    Record,
    Table,
    boolean,
    by_slug,
    optional_date,
    optional_decimal,
    optional_int,
    required_date,
    source_fields,
    text,
)
from models_registry.models import AIModel, Lab, TimelineEvent

HERE = Path(__file__).resolve().parent


def lab_records(row: dict[str, str]) -> list[Record]:
    return [
        Record(
            lookup={"slug": text(row, "slug")},
            values={
                "name": text(row, "name"),
                "country": text(row, "country").upper(),
                "headquarters_city": text(row, "headquarters_city", required=False),
                "founded_year": optional_int(row, "founded_year"),
                "website": text(row, "website", required=False),
                **source_fields(row["source"]),
            },
        )
    ]


def model_records(row: dict[str, str]) -> list[Record]:
    return [
        Record(
            lookup={"slug": text(row, "slug")},
            values={
                "name": text(row, "name"),
                "lab": by_slug(Lab, row, "lab"),
                "release_date": optional_date(row, "release_date"),
                "open_weights": boolean(row, "open_weights"),
                "license": text(row, "license", required=False),
                "parameters_total_b": optional_decimal(row, "parameters_total_b"),
                "parameters_active_b": optional_decimal(row, "parameters_active_b"),
                "context_window": optional_int(row, "context_window"),
                "reasoning": boolean(row, "reasoning"),
                **source_fields(row["source"]),
            },
        )
    ]


def _alias_list(row: dict[str, str], column: str) -> list[str]:
    """`a|b|c` as ["a", "b", "c"]: upstream ids hold commas and spaces, never a pipe."""
    aliases = [alias.strip() for alias in text(row, column).split("|")]
    if not all(aliases):
        raise CellError(column, "has an empty alias (two pipes in a row, or one at an end)")
    return aliases


def lab_alias_records(row: dict[str, str]) -> list[Record]:
    """The names upstreams give a lab (Epoch AI's organisation, OpenRouter's author prefix): model proposals find
    their lab by these."""
    lab = by_slug(Lab, row, "lab")
    return [Record(lookup={"slug": lab.slug}, values={"aliases": _alias_list(row, "aliases")})]


def model_alias_records(row: dict[str, str]) -> list[Record]:
    """A model's upstream ids (Epoch AI's model versions, e.g. gpt-5-2025-08-07_high), by which refreshes match it."""
    model = by_slug(AIModel, row, "model")
    return [Record(lookup={"slug": model.slug}, values={"aliases": _alias_list(row, "aliases")})]


def event_records(row: dict[str, str]) -> list[Record]:
    return [
        Record(
            lookup={"date": required_date(row, "date"), "title": text(row, "title")},
            values={
                "kind": text(row, "kind"),
                "country": text(row, "country", required=False).upper(),
                **source_fields(row["source"]),
            },
        )
    ]


TABLES = [
    Table(HERE / "labs.csv", Lab, ("slug", "name", "country", "source"), lab_records),
    Table(HERE / "models.csv", AIModel, ("slug", "name", "lab", "release_date", "source"), model_records),
    Table(HERE / "lab_aliases.csv", Lab, ("lab", "aliases", "source"), lab_alias_records),
    Table(HERE / "model_aliases.csv", AIModel, ("model", "aliases", "source"), model_alias_records),
    Table(HERE / "events.csv", TimelineEvent, ("date", "title", "kind", "country", "source"), event_records),
]
