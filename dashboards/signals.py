"""Registry writes that change analytics results bump the data version after they commit."""

from django.apps import apps
from django.db.models.signals import post_delete, post_save

from models_registry.cache_version import REGISTRY_MODELS, registry_data_changed


def _changed(sender, **kwargs) -> None:
    registry_data_changed()


def connect() -> None:
    for label in REGISTRY_MODELS:
        model = apps.get_model(label)
        post_save.connect(_changed, sender=model, dispatch_uid=f"analytics-cache-{label}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"analytics-cache-{label}-delete")
