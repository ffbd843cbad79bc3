"""Every app's REST resources on one router under /api/v1/, plus the analytics endpoints."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from benchmarks.api.urls import routes as benchmark_routes
from benchmarks.probes.api import ProbeSummaryView
from models_registry.api.urls import routes as registry_routes
from pricing.api.urls import routes as pricing_routes

router = DefaultRouter()
for prefix, viewset, basename in [*registry_routes, *pricing_routes, *benchmark_routes]:
    router.register(prefix, viewset, basename=basename)

urlpatterns = [
    path("analytics/", include("dashboards.api.urls")),
    path("probes/summary/", ProbeSummaryView.as_view(), name="probe-summary"),  # before the router's probes/<pk>/
    *router.urls,
]
