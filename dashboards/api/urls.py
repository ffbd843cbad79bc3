"""Analytics endpoints under /api/v1/analytics/."""

urlpatterns: list = []
