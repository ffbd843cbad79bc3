from django.urls import path
from django.views.generic import RedirectView

urlpatterns = [
    # Until the dashboards land, the front page is the API documentation.
    path("", RedirectView.as_view(pattern_name="api-docs", permanent=False), name="home"),
]
