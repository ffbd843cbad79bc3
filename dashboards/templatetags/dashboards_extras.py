from django import template

register = template.Library()


@register.filter
def absolute(value):
    """|x| for numbers, anything else unchanged (None stays None)."""
    return abs(value) if isinstance(value, int | float) else value


@register.filter
def providers_label(value: str) -> str:
    return {"first_party": "first-party APIs only", "all": "every host"}.get(value, value)
