"""REST routes of this app: (prefix, viewset, basename), registered on the /api/v1/ router."""

from pricing.api.views import OfferingViewSet, PricePointViewSet, ProviderViewSet

routes: list = [
    ("providers", ProviderViewSet, "provider"),
    ("offerings", OfferingViewSet, "offering"),
    ("prices", PricePointViewSet, "pricepoint"),
]
