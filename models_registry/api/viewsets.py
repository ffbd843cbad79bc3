"""Base viewsets of /api/v1/: pagination, filtering, search, ordering, CSV export and safe writes."""

from collections.abc import Collection

from django.db import DataError, IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.http import QueryDict
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import status, viewsets
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.filters import SearchFilter
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings

from models_registry.api.ordering import ApiOrderingFilter
from models_registry.api.pagination import ApiPagination
from models_registry.api.reading import row_reader
from models_registry.api.renderers import ApiCSVRenderer, ApiJSONRenderer
from models_registry.validators import SLUG_URL_PATTERN

ID_URL_PATTERN = r"[0-9]+"


class ApiFilterBackend(DjangoFilterBackend):
    """django-filter's backend, skipped when the query names none of the view's filters: given no value, every
    filter leaves the queryset as it is, and building the FilterSet with its form costs more than a page of rows."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = getattr(view, "filterset_class", None)
        if filterset_class is not None and not any(
            name in filterset_class.base_filters for name in request.query_params
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)


class ApiSearchFilter(SearchFilter):
    """`?search=`: DRF's, with its errors (a NUL character) keyed by the parameter like every other 400."""

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        fields = ", ".join(getattr(view, "search_fields", None) or [])
        for parameter in parameters:
            parameter["description"] = f"Case-insensitive search; every word must appear in one of: {fields}."
        return parameters

    def get_search_terms(self, request):
        try:
            return super().get_search_terms(request)
        except ValidationError as exc:
            raise ValidationError({api_settings.SEARCH_PARAM: exc.detail}) from exc


def query_name_errors(query: QueryDict, allowed: Collection[str]) -> dict[str, list[str]]:
    """{name: [message]} for each query parameter that is not `allowed`, or given more than once: a typo
    (`?contry=CN`) is a 400 instead of an unfiltered answer that looks right, and a repeated one is not silently
    the last of several. Used by every list and the analytics endpoints."""
    errors = {}
    for name in query:
        if name not in allowed:
            errors[name] = [f"Unknown query parameter. Use: {', '.join(sorted(allowed))}."]
        elif len(query.getlist(name)) > 1:
            errors[name] = ["Give this parameter once."]
    return errors


class CsvForListsOnlyMixin:
    """`?format=csv` where the view renders no CSV (a detail, an analytics answer) is a 400 saying why, rather than
    DRF's 404 for a format it has no renderer for."""

    def perform_content_negotiation(self, request, force=False):
        wanted = request.query_params.get(api_settings.URL_FORMAT_OVERRIDE)
        offered = {renderer.format for renderer in self.get_renderers()}
        if not force and wanted == ApiCSVRenderer.format and wanted not in offered:
            message = "CSV is for lists (every filtered row, e.g. /api/v1/models/?format=csv); this answers JSON only."
            raise ValidationError({api_settings.URL_FORMAT_OVERRIDE: [message]})
        return super().perform_content_negotiation(request, force)


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Other rows still refer to this one."
    default_code = "conflict"


class ApiViewSetMixin(CsvForListsOnlyMixin):
    """Shared behaviour of every resource.

    - `?format=csv` on a list exports every filtered row, unpaginated, as an attachment;
      errors stay JSON whatever format was asked for.
    - Lists are read without model instances: `.values_list()` rows through the serializer's RowReader
      (models_registry/api/reading.py), with the serializer's output; detail and write answers use the serializer.
    - Lookups: `lookup_field = "slug"` uses the slug pattern (dots allowed); id lookups accept
      digits only, which leaves room for fixed sub-paths such as `probes/summary/`.
    """

    pagination_class = ApiPagination
    filter_backends = [ApiFilterBackend, ApiSearchFilter, ApiOrderingFilter]
    lookup_value_regex = ID_URL_PATTERN

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if getattr(cls, "lookup_field", "pk") == "slug" and cls.lookup_value_regex == ID_URL_PATTERN:
            cls.lookup_value_regex = SLUG_URL_PATTERN

    def allowed_query_params(self) -> set[str]:
        """Filters of the view's FilterSet plus search, ordering, pagination and format."""
        names = {"format", "page", "page_size"}
        if getattr(self, "search_fields", None):
            names.add("search")
        if getattr(self, "ordering_fields", None):
            names.add("ordering")
        filterset_class = getattr(self, "filterset_class", None)
        if filterset_class is not None:
            names |= set(filterset_class.base_filters)
        return names

    def initial(self, request, *args, **kwargs):
        """After authentication, permissions and throttling: refuse unknown and repeated query parameters."""
        super().initial(request, *args, **kwargs)
        errors = query_name_errors(request.query_params, self.allowed_query_params())
        if errors:
            raise ValidationError(errors)

    def get_renderers(self):
        renderers = [ApiJSONRenderer(), BrowsableAPIRenderer()]
        if self.action in ("list", None):  # None: a method the route lacks, which must still answer 405
            renderers.append(ApiCSVRenderer())
        return renderers

    def list(self, request, *args, **kwargs):
        """The filtered, ordered rows as the serializer would show them, read as `.values_list()` tuples."""
        reader = row_reader(self.get_serializer_class())
        if reader is None:  # a field no column gives (see reading.py): the serializer reads model instances
            return super().list(request, *args, **kwargs)
        rows = reader.rows(self.filter_queryset(self.get_queryset()))
        page = self.paginate_queryset(rows)
        if page is not None:
            return self.get_paginated_response(reader.represent(page))
        return Response(reader.represent(rows))

    def is_csv_export(self) -> bool:
        renderer = getattr(self.request, "accepted_renderer", None)
        return getattr(renderer, "format", None) == "csv"

    def paginate_queryset(self, queryset):
        if self.is_csv_export():
            self.paginator.validate_params(self.request)
            return None  # the export holds every filtered row
        return super().paginate_queryset(queryset)

    def get_renderer_context(self):
        context = super().get_renderer_context()
        if self.action == "list" and self.is_csv_export():  # the CSV's columns; JSON needs no second serializer
            context["header"] = list(self.get_serializer().fields)
        return context

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        renderer = getattr(response, "accepted_renderer", None)
        if isinstance(response, Response) and getattr(renderer, "format", None) == "csv":
            if response.status_code >= 400:
                response.accepted_renderer = ApiJSONRenderer()
                response.accepted_media_type = ApiJSONRenderer.media_type
            else:
                name = request.path.rstrip("/").rsplit("/", 1)[-1]  # the resource: models.csv, prices.csv
                response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response


class ApiReadOnlyViewSet(ApiViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """List and retrieve only (rows written by refresh and probe tasks)."""


class ApiModelViewSet(ApiViewSetMixin, viewsets.ModelViewSet):
    """Full CRUD. A database refusal the validators missed (a race on a unique key) is a 400, not a 500;
    deleting a row that others still need (PROTECT) is a 409."""

    def update(self, request, *args, **kwargs):
        """PUT and PATCH read the row under a lock held until the request commits. The serializer validates and
        saves the whole row, so without it two concurrent PATCHes of different fields would each write back the
        other's field as it was when they read it, and one accepted write would be lost."""
        with transaction.atomic():
            lookup = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
            model = self.get_queryset().model
            list(model._default_manager.select_for_update().filter(**{self.lookup_field: lookup}).values_list("pk"))
            return super().update(request, *args, **kwargs)

    def perform_create(self, serializer):
        self._save(serializer)

    def perform_update(self, serializer):
        self._save(serializer)

    def perform_destroy(self, instance):
        try:
            with transaction.atomic():
                instance.delete()
        except (ProtectedError, RestrictedError) as exc:
            blocking = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
            kinds = sorted({str(obj._meta.verbose_name_plural) for obj in blocking})
            raise Conflict(
                f"Cannot delete {instance}: {len(blocking)} {' and '.join(kinds)} still refer to it."
            ) from exc

    @staticmethod
    def _save(serializer) -> None:
        try:
            with transaction.atomic():  # a savepoint, so the request's transaction survives a refusal
                serializer.save()
        except (IntegrityError, DataError) as exc:
            raise ValidationError(
                {
                    "non_field_errors": [
                        "The database refused this row: it conflicts with another row or breaks a constraint."
                    ]
                }
            ) from exc
