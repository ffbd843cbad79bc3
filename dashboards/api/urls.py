"""Analytics endpoints under /api/v1/analytics/."""

from django.urls import path

from dashboards.api.views import (
    CapabilityIndexView,
    CostRatioView,
    FrontierView,
    GapView,
    PricePerformanceView,
    SummaryView,
)

urlpatterns = [
    path("frontier/", FrontierView.as_view(), name="analytics-frontier"),
    path("gap/", GapView.as_view(), name="analytics-gap"),
    path("cost-ratio/", CostRatioView.as_view(), name="analytics-cost-ratio"),
    path("summary/", SummaryView.as_view(), name="analytics-summary"),
    path("capability-index/", CapabilityIndexView.as_view(), name="analytics-capability-index"),
    path("price-performance/", PricePerformanceView.as_view(), name="analytics-price-performance"),
]
