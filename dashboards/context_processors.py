"""Template context for every page: how fresh the registry's data is (the footer)."""

from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from dashboards.cache import analytics_cached
from dashboards.selectors import newest_data_dates
from models_registry.cache_version import data_version


def newest_data_dates_cached() -> dict:
    """newest_data_dates for today, cached per data version like the analytics (so a new score or price shows on
    the next page, and a quiet registry costs no query)."""
    today = timezone.now().date()
    return analytics_cached(f"freshness:{data_version()}:{today.isoformat()}", lambda: newest_data_dates(today=today))


def data_freshness(request: HttpRequest) -> dict:
    """`data_freshness.newest_score` / `.newest_price` (dates or None), read only when a template uses them."""
    return {"data_freshness": SimpleLazyObject(newest_data_dates_cached)}
