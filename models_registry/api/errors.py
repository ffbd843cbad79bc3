"""Django-level error pages that answer JSON under /api/ (a URL no route matches, a crash), HTML elsewhere."""

from django.http import JsonResponse
from django.views import defaults


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
