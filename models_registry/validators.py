"""Field rules shared by every app: slugs that may hold dots, environment variable names."""

import re
from datetime import date, timedelta

from django.core.validators import RegexValidator
from django.db.models import F, Q

SLUG_PATTERN = r"^[a-z0-9][a-z0-9.-]*\Z"
# Used in URL patterns, where anchors are not wanted.
SLUG_URL_PATTERN = r"[a-z0-9][a-z0-9.-]*"
ENV_NAME_PATTERN = r"^[A-Z_][A-Z0-9_]*\Z"

validate_slug = RegexValidator(
    SLUG_PATTERN,
    "Use lowercase letters, digits, dots and hyphens, starting with a letter or digit.",
    code="invalid_slug",
)
validate_env_name = RegexValidator(
    ENV_NAME_PATTERN,
    "Give the NAME of an environment variable (A-Z, 0-9, _), never the key itself.",
    code="invalid_env_name",
)
# A provider's key variable must look like one (DEEPSEEK_API_KEY): whoever may edit a provider chooses which
# variable a probe sends to its base URL, and the service's own secrets (DJANGO_SECRET_KEY, DATABASE_URL ...)
# must never be among them.
API_KEY_ENV_SUFFIX = "_API_KEY"


def is_api_key_env_name(name: str) -> bool:
    return bool(re.match(ENV_NAME_PATTERN, name)) and name.endswith(API_KEY_ENV_SUFFIX)


# The registry's time window: no price, score or analytics `as_of` before this day (DESIGN: as_of before 2000-01-01
# is a 400), and no price announced further ahead than this.
EARLIEST_DATE = date(2000, 1, 1)
MAX_DAYS_AHEAD = 366


def date_window_error(day: date, *, today: date, days_ahead: int = MAX_DAYS_AHEAD) -> str | None:
    """Why `day` is outside the registry's window (before EARLIEST_DATE, or more than `days_ahead` after `today`),
    or None."""
    if day < EARLIEST_DATE:
        return f"{day.isoformat()} is before {EARLIEST_DATE.isoformat()}, earlier than any record here."
    if day > today + timedelta(days=days_ahead):
        return f"{day.isoformat()} is after today." if days_ahead == 0 else f"{day.isoformat()} is over a year ahead."
    return None


# Metrics are slugs that may also hold "@" and "_": pass@1, cons@64, elo, resolved.
METRIC_PATTERN = r"^[a-z0-9][a-z0-9@._-]*\Z"
validate_metric = RegexValidator(
    METRIC_PATTERN, "Use lowercase letters, digits and . - _ @ (for example pass@1).", code="invalid_metric"
)


def constraint_fields(constraint) -> list[str]:
    """The fields a constraint reads: its own, then those in its condition (and F() references), in order."""
    names = list(getattr(constraint, "fields", ()))

    def walk(node) -> None:
        if isinstance(node, Q):
            for child in node.children:
                walk(child)
        elif isinstance(node, tuple):
            names.append(node[0].split("__")[0])
            walk(node[1])
        elif isinstance(node, F):
            names.append(node.name.split("__")[0])

    walk(getattr(constraint, "condition", None))
    return list(dict.fromkeys(names))
