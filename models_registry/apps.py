from django.apps import AppConfig


class ModelsRegistryConfig(AppConfig):
    verbose_name = "Registry"
    name = "models_registry"
