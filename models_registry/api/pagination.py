"""Page-number pagination with a bounded, validated `page_size`, and counts kept in the cache."""

import hashlib

from django.core.cache import cache
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from models_registry.cache_version import data_version, scope_of

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
COUNT_CACHE_SECONDS = 24 * 60 * 60  # entries die with their data version; this bounds a quiet table's


class CachedCountPaginator(Paginator):
    """Django's paginator whose `count` (the page's `count` field) comes from the cache while the data it counts
    is unchanged: keyed by the SQL of the filtered query and the data version of the model's scope
    (models_registry.cache_version), which every write to those rows moves. At 200,000 scores or 1,000,000 probe
    results the COUNT(*) costs more than the page itself. Models no scope tracks are counted every time."""

    @cached_property
    def count(self) -> int:
        scope = scope_of(self.object_list.model)
        if scope is None:
            return super().count
        sql, params = self.object_list.query.sql_with_params()
        digest = hashlib.sha256(f"{sql}\x00{params!r}".encode()).hexdigest()[:32]
        key = f"count:{scope}:{data_version(scope)}:{digest}"
        count = cache.get(key)
        if count is None:
            count = super().count
            cache.set(key, count, COUNT_CACHE_SECONDS)
        return count


class ApiPagination(PageNumberPagination):
    """`?page=N&page_size=M`: M defaults to 50 and may be 1..500.

    A malformed or out-of-range `page` or `page_size` is refused with 400 rather than silently
    replaced (a client asking for 10,000 rows should learn it got fewer); a page past the last is 404.
    """

    django_paginator_class = CachedCountPaginator
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    page_query_description = _("Page number, from 1 (or `last`). A page past the last one answers 404.")
    page_size_query_description = _(
        f"Rows per page, 1 to {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE}). Anything else answers 400."
    )

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        value = _positive_int(raw)
        if value is None or value > self.max_page_size:
            raise ValidationError(
                {self.page_size_query_param: [f"Give a whole number from 1 to {self.max_page_size}, not {raw!r}."]}
            )
        return value

    def validate_params(self, request) -> None:
        """Check `page` and `page_size` without paginating (a CSV export ignores them, but not their errors)."""
        self.get_page_size(request)
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and raw not in self.last_page_strings:
            self._check_page(raw)

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param)
        if raw is None or raw in self.last_page_strings:
            return super().get_page_number(request, paginator)
        self._check_page(raw)
        return raw

    def _check_page(self, raw: str) -> None:
        if _positive_int(raw) is None:
            raise ValidationError({self.page_query_param: [f"Give a page number from 1 (or 'last'), not {raw!r}."]})

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
            elif parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters


def _positive_int(raw: str) -> int | None:
    """`raw` as an integer >= 1, or None; only plain ASCII digits count ("+5", "٣", "1e3" do not)."""
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
        return None
    value = int(raw)
    return value if value >= 1 else None
