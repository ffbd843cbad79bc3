"""REST API list figures: each list's first page of 100 against a bare Django view returning the same rows.

Both run in this process through Django's test client (the full middleware stack, no network), alternating,
so machine noise hits both alike. Query counts are taken at page sizes 10 and 100 (bounded: equal).
"""

import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from perf.figures import Figure, versus_baseline

DAY = "2025-06-01"  # many offerings live and repriced by then
BASELINE = "bare Django view, .values()"
LISTS = [
    ("models/", "/api/v1/models/?page_size={n}", "/perf/baseline/models/?page_size={n}"),
    ("scores/", "/api/v1/scores/?page_size={n}", "/perf/baseline/scores/?page_size={n}"),
    ("prices/?at=", f"/api/v1/prices/?page_size={{n}}&at={DAY}", f"/perf/baseline/prices/?page_size={{n}}&at={DAY}"),
    ("probes/", "/api/v1/probes/?page_size={n}", "/perf/baseline/probes/?page_size={n}"),
]


def _get(client: Client, url: str) -> float:
    start = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - start
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}: {response.content[:300]!r}")
    return elapsed


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        _get(client, url)
    return len(captured)


def measure(*, repeat: int) -> list[Figure]:
    client = Client()
    figures = []
    for label, api, baseline in LISTS:
        api_url, baseline_url = api.format(n=100), baseline.format(n=100)
        _get(client, api_url), _get(client, baseline_url)  # connections, caches and plans warm
        queries = {n: _queries(client, api.format(n=n)) for n in (10, 100)}
        api_s, baseline_s = [], []
        for _ in range(repeat):
            api_s.append(_get(client, api_url))
            baseline_s.append(_get(client, baseline_url))
        figures.append(
            versus_baseline(
                f"API {label} page of 100",
                api_s,
                BASELINE,
                baseline_s,
                unit="ms",
                scale=1000,
                max_ratio=1.5,
                queries=queries[100],
                queries_page_of_10=queries[10],
                url=api_url,
            )
        )
    return figures
