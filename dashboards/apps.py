from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "dashboards"

    def ready(self) -> None:
        from dashboards import signals, warming
        from models_registry.cache_version import data_changed

        signals.connect()
        data_changed.connect(warming.queue_cache_warm, dispatch_uid="analytics-cache-warm")
