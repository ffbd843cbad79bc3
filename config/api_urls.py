"""Every app's REST resources on one router under /api/v1/, plus the analytics endpoints."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from benchmarks.api.urls import routes as benchmark_routes
from benchmarks.probes.api import ProbeSummaryView
from dashboards.api.urls import urlpatterns as analytics_urlpatterns
from models_registry.api.urls import routes as registry_routes
from pricing.api.urls import routes as pricing_routes


class ApiRouter(DefaultRouter):
    """The API root lists the analytics and probe-summary endpoints too, not only the router's resources."""

    def get_api_root_view(self, api_urls=None):
        list_name = self.routes[0].name
        root = {prefix: list_name.format(basename=basename) for prefix, _, basename in self.registry}
        root.update({f"analytics/{p.pattern}".rstrip("/"): p.name for p in analytics_urlpatterns})
        root["probes/summary"] = "probe-summary"
        return self.APIRootView.as_view(api_root_dict=root)


router = ApiRouter()
for prefix, viewset, basename in [*registry_routes, *pricing_routes, *benchmark_routes]:
    router.register(prefix, viewset, basename=basename)

urlpatterns = [
    path("analytics/", include("dashboards.api.urls")),
    path("probes/summary/", ProbeSummaryView.as_view(), name="probe-summary"),  # before the router's probes/<pk>/
    *router.urls,
]
