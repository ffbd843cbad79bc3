from django import template

from dashboards import headline

register = template.Library()


@register.filter
def absolute(value):
    """|x| for numbers, anything else unchanged (None stays None)."""
    return abs(value) if isinstance(value, int | float) else value


@register.filter
def providers_label(value: str) -> str:
    return {"first_party": "first-party APIs only", "all": "every host"}.get(value, value)


@register.filter
def months(days):
    """Days as months (days / 30.44), one decimal, unsigned; None stays None."""
    return None if days is None else headline.months(days)
