"""`?ordering=` over public field names, refused when unknown, with the primary key breaking ties."""

import re

from django.db.models import F
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter


class ApiOrderingFilter(OrderingFilter):
    """`?ordering=name,-release_date`: comma-separated public names, `-` for descending.

    A view lists what may be ordered on in `ordering_fields`, a dict of public name -> ORM path
    (`{"country": "lab__country"}`) or a list where both are the same. Unknown names answer 400.
    Empty values sort last in both directions. The primary key is appended to every ordering so that
    pages never overlap or skip rows.
    """

    ordering_description = "Sort by these fields, comma-separated; prefix `-` for descending."

    @staticmethod
    def paths(view) -> dict[str, str]:
        fields = getattr(view, "ordering_fields", None) or {}
        return dict(fields) if isinstance(fields, dict) else {name: name for name in fields}

    def get_valid_fields(self, queryset, view, context=None):
        return [(name, name) for name in self.paths(view)]

    def get_ordering(self, request, queryset, view):
        raw = request.query_params.get(self.ordering_param)
        if not raw:
            return self.get_default_ordering(view)
        paths, ordering, unknown = self.paths(view), [], []
        for term in (part.strip() for part in raw.split(",")):
            if not term:
                unknown.append("(an empty name)")
                continue
            descending, name = term.startswith("-"), term.removeprefix("-")
            if name in paths:  # empty values sort last either way, on every database
                ordering.append(
                    F(paths[name]).desc(nulls_last=True) if descending else F(paths[name]).asc(nulls_last=True)
                )
            else:
                unknown.append(term)
        if unknown:
            raise ValidationError(
                {self.ordering_param: [f"Cannot order by {', '.join(unknown)}. Choose from: {', '.join(paths)}."]}
            )
        return ordering or self.get_default_ordering(view)

    def filter_queryset(self, request, queryset, view):
        ordering = list(
            self.get_ordering(request, queryset, view) or queryset.query.order_by or queryset.model._meta.ordering
        )
        if not any(isinstance(term, str) and term.lstrip("-") in ("pk", "id") for term in ordering):
            ordering.append("pk")
        return queryset.order_by(*ordering)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        """One string, as the server reads it (a repeated `ordering` is refused, so no exploded array), with
        a pattern of the accepted comma-separated terms so generated clients and validators can check it."""
        names = list(self.paths(view))
        term = "-?(?:" + "|".join(re.escape(name) for name in names) + ")"
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": (
                    f"{self.ordering_description} One value (not a repeated parameter); "
                    f"names: {', '.join(f'`{name}`' for name in names)}. Unknown names answer 400."
                ),
                "schema": {"type": "string", "pattern": f"^{term}(?:,{term})*$"},
                "example": ",".join([f"-{names[0]}", *names[1:2]]),
            }
        ]
