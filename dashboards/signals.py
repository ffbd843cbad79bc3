"""Registry writes that change analytics results bump the data version after they commit."""

from django.db.models.signals import post_delete, post_save

from benchmarks.models import Benchmark, BenchmarkScore
from models_registry.cache_version import registry_data_changed
from models_registry.models import AIModel, Lab
from pricing.models import Offering, PricePoint, Provider

WATCHED = (Lab, AIModel, Provider, Offering, PricePoint, Benchmark, BenchmarkScore)


def _changed(sender, **kwargs) -> None:
    registry_data_changed()


def connect() -> None:
    for model in WATCHED:
        post_save.connect(_changed, sender=model, dispatch_uid=f"analytics-cache-{model._meta.label}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"analytics-cache-{model._meta.label}-delete")
