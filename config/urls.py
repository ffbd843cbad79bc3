from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from models_registry.api.errors import unmatched_api_url

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api/v1/", include("config.api_urls")),
    path("api/<path:rest>", unmatched_api_url),  # JSON 404 under /api/, with DEBUG on too
    path("", include("dashboards.urls")),
]

# API clients get JSON errors for URLs no route matches, like every other API error.
handler404 = "models_registry.api.errors.not_found"
handler500 = "models_registry.api.errors.server_error"
