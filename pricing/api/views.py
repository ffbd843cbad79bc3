from models_registry.api.viewsets import ApiModelViewSet
from pricing import selectors
from pricing.api.filters import OfferingFilter, PricePointFilter, ProviderFilter
from pricing.api.serializers import OfferingSerializer, PricePointSerializer, ProviderSerializer


class ProviderViewSet(ApiModelViewSet):
    """Sellers of model APIs. `api_key_env` names an environment variable; no key is ever stored or shown."""

    serializer_class = ProviderSerializer
    filterset_class = ProviderFilter
    lookup_field = "slug"
    search_fields = ["slug", "name"]
    ordering_fields = {
        "slug": "slug",
        "name": "name",
        "country": "country",
        "lab": "lab__slug",
        "created_at": "created_at",
    }

    def get_queryset(self):
        return selectors.provider_list()


class OfferingViewSet(ApiModelViewSet):
    """A model served by a provider under an API id, for a span of time."""

    serializer_class = OfferingSerializer
    filterset_class = OfferingFilter
    search_fields = ["provider_model_id", "model__slug", "model__name", "provider__slug", "provider__name"]
    ordering_fields = {
        "id": "id",
        "model": "model__slug",
        "provider": "provider__slug",
        "provider_model_id": "provider_model_id",
        "available_from": "available_from",
        "retired_on": "retired_on",
        "country": "model__lab__country",
    }

    def get_queryset(self):
        return selectors.offering_list()


class PricePointViewSet(ApiModelViewSet):
    """Price history per offering (USD per million tokens); `?at=YYYY-MM-DD` gives the prices in force that day."""

    serializer_class = PricePointSerializer
    filterset_class = PricePointFilter
    search_fields = [
        "offering__provider_model_id",
        "offering__model__slug",
        "offering__model__name",
        "offering__provider__slug",
        "offering__provider__name",
        "note",
    ]
    ordering_fields = {
        "id": "id",
        "effective_from": "effective_from",
        "input_per_mtok": "input_per_mtok",
        "output_per_mtok": "output_per_mtok",
        "blended_per_mtok": "blended",
        "model": "offering__model__slug",
        "provider": "offering__provider__slug",
        "country": "offering__model__lab__country",
    }

    def get_queryset(self):
        return selectors.price_list()
