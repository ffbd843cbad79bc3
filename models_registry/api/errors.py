"""Django-level error pages that answer JSON under /api/ (a URL no route matches, a crash), HTML elsewhere; the API's
exception handler."""

from django.conf import settings
from django.db import connections
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, resolve
from django.views import defaults
from django.views.decorators.common import no_append_slash
from django.views.decorators.csrf import csrf_exempt
from rest_framework.views import exception_handler as drf_exception_handler


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def not_found(request, exception=None):
    """handler404: e.g. /api/v1/labs/Not-A-Slug/ (the slug pattern is lowercase) answers like any other 404."""
    if _is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """handler500: never expected; still JSON for API clients, and nothing about the cause leaks."""
    if _is_api(request):
        return JsonResponse({"detail": "Server error."}, status=500)
    return defaults.server_error(request)


@csrf_exempt  # it writes nothing: a PUT to no route is a 404, not a CSRF 403
@no_append_slash
def unmatched_api_url(request, rest: str = ""):
    """The last route under /api/: a URL no API route matches answers JSON whatever DEBUG says (handler404 is only
    used with DEBUG off). A path that lacks only its trailing slash is redirected, as CommonMiddleware would."""
    if settings.APPEND_SLASH and not request.path_info.endswith("/"):
        try:
            match = resolve(request.path_info + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not unmatched_api_url:
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
    return not_found(request)


def api_exception_handler(exc, context):
    """DRF's exception handler (REST_FRAMEWORK["EXCEPTION_HANDLER"]), minus one assumption.

    DRF marks the open transaction for rollback whenever ATOMIC_REQUESTS is on, taking it for the request's own.
    A read-only view runs outside the request transaction (`non_atomic_requests`, see dashboards/api/views.py): an
    open transaction there is its caller's (a test's), so its rollback flag is left as it was."""
    outside = getattr(getattr(type(context.get("view")), "dispatch", None), "_non_atomic_requests", set())
    flags = {
        db.alias: db.get_rollback()
        for db in connections.all(initialized_only=True)
        if db.alias in outside and db.in_atomic_block
    }
    response = drf_exception_handler(exc, context)
    for alias, flag in flags.items():
        connections[alias].set_rollback(flag)
    return response
