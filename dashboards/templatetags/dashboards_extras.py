from django import template

from dashboards import headline

NO_VALUE = "\u2013"  # an en dash, as the tables show a missing number

register = template.Library()


@register.filter
def absolute(value):
    """|x| for numbers, anything else unchanged (None stays None)."""
    return abs(value) if isinstance(value, int | float) else value


@register.filter
def providers_label(value: str) -> str:
    return {"first_party": "first-party APIs only", "all": "every host"}.get(value, value)


@register.filter
def figure(value, decimals: int = 2):
    """A score, index or gap as read: at most `decimals` places, no trailing zeros (138.846456 -> "138.85",
    2029.0 -> "2029"); None -> an en dash. Charts and the API keep every digit."""
    if value is None or value == "":
        return NO_VALUE
    try:
        text = f"{float(value):.{int(decimals)}f}"
    except (TypeError, ValueError):
        return value
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return "0" if text == "-0" else text


@register.filter
def thousands(value):
    """1000000 -> "1,000,000"; None -> an en dash."""
    if value is None or value == "":
        return NO_VALUE
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return value


def _billions(value) -> str:
    number = float(value)
    return f"{number:,.0f}B" if number >= 100 or number == int(number) else f"{number:,.3g}B"


@register.filter
def parameters_label(model) -> str:
    """A model's size as people write it: "284B / 5.1B active" (mixture of experts), "70B" (dense)."""
    total, active = model.parameters_total_b, model.parameters_active_b
    if total is None and active is None:
        return NO_VALUE
    if total is None:
        return f"{_billions(active)} active"
    if active is None or active == total:
        return _billions(total)
    return f"{_billions(total)} / {_billions(active)} active"


@register.filter
def months(days):
    """Days as months (days / 30.44), one decimal, unsigned; None stays None."""
    return None if days is None else headline.months(days)
