"""Analytics endpoint figures through the API: computed cold (the data version bumped before each request, so
nothing is cached) and served from the cache (Redis)."""

from django.test import Client

from models_registry.cache_version import registry_data_changed
from perf.figures import Figure, figure, timed

GAP = "/api/v1/analytics/gap/?benchmark=gpqa-diamond"
COST = "/api/v1/analytics/cost-ratio/?benchmark=gpqa-diamond"
SUMMARY = "/api/v1/analytics/summary/"
INDEX = "/api/v1/analytics/capability-index/"


def measure(*, repeat_cold: int, repeat_cached: int) -> list[Figure]:
    client = Client()

    def get(url: str):
        def run() -> None:
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}: {response.content[:300]!r}")

        return run

    cold = registry_data_changed  # outside a transaction: the version moves at once
    get(GAP)()  # imports, connections
    figures = [
        figure(
            "analytics gap/ cold",
            timed(get(GAP), repeat=repeat_cold, before=cold),
            unit="s",
            limit=0.5,
            digits=3,
            url=GAP,
        )
    ]
    get(GAP)()
    figures.append(
        figure(
            "analytics gap/ cached",
            timed(get(GAP), repeat=repeat_cached),
            unit="ms",
            scale=1000,
            limit=20,
            digits=2,
            url=GAP,
        )
    )
    figures.append(
        figure(
            "analytics summary/ cold",
            timed(get(SUMMARY), repeat=repeat_cold, before=cold),
            unit="s",
            limit=2,
            digits=3,
            url=SUMMARY,
        )
    )
    figures.append(
        figure(
            "analytics cost-ratio/ cold",
            timed(get(COST), repeat=repeat_cold, before=cold),
            unit="s",
            digits=3,
            url=COST,
        )
    )
    # The capability index: the fit over every model (issue 13: < 60 s at full scale, served cached < 20 ms).
    figures.append(
        figure(
            "analytics capability-index/ cold (the fit)",
            timed(get(INDEX), repeat=max(1, repeat_cold // 2), before=cold),
            unit="s",
            limit=60,
            digits=2,
            url=INDEX,
        )
    )
    get(INDEX)()
    figures.append(
        figure(
            "analytics capability-index/ cached",
            timed(get(INDEX), repeat=repeat_cached),
            unit="ms",
            scale=1000,
            limit=20,
            digits=2,
            url=INDEX,
        )
    )
    return figures
