"""Template context for every page: how fresh the registry's data is (the footer)."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from dashboards.queries import newest_data_dates_cached


def data_freshness(request: HttpRequest) -> dict:
    """`data_freshness.newest_score` / `.newest_price` (dates or None), read only when a template uses them."""
    return {"data_freshness": SimpleLazyObject(newest_data_dates_cached)}
