from django.urls import path, register_converter

from dashboards import views
from models_registry.validators import SLUG_URL_PATTERN


class SlugWithDots:
    regex = SLUG_URL_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(SlugWithDots, "slug_dots")

urlpatterns = [
    path("", views.overview, name="overview"),
    path("index/", views.capability_index, name="capability-index"),
    path("gap/<slug_dots:benchmark>/", views.gap_detail, name="gap-detail"),
    path("costs/", views.costs, name="costs"),
    path("models/", views.model_list, name="model-list"),
    path("models/<slug_dots:slug>/", views.model_detail, name="model-detail"),
    path("status/", views.status, name="status"),
]
