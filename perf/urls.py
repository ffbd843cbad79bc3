"""The real URLs plus the baseline views, for the benchmark processes only (perf.settings.ROOT_URLCONF)."""

from django.urls import path

from config.urls import handler404, handler500
from config.urls import urlpatterns as app_urlpatterns
from perf.baseline import baseline_list

urlpatterns = [path("perf/baseline/<str:resource>/", baseline_list, name="perf-baseline"), *app_urlpatterns]

__all__ = ["handler404", "handler500", "urlpatterns"]
