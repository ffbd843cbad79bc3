"""Field rules shared by every app: slugs that may hold dots, environment variable names."""

from django.core.validators import RegexValidator

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
# Metrics are slugs that may also hold "@" and "_": pass@1, cons@64, elo, resolved.
METRIC_PATTERN = r"^[a-z0-9][a-z0-9@._-]*\Z"
validate_metric = RegexValidator(
    METRIC_PATTERN, "Use lowercase letters, digits and . - _ @ (for example pass@1).", code="invalid_metric"
)
