"""Django-level error pages that answer JSON under /api/ (a URL no route matches, a crash), HTML elsewhere."""

from django.conf import settings
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, resolve
from django.views import defaults
from django.views.decorators.common import no_append_slash
from django.views.decorators.csrf import csrf_exempt


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
