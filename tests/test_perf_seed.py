"""The performance harness's seed (perf/seed.py) keeps up with the schema: it writes every table with PostgreSQL
COPY and its own column lists, so a new NOT NULL column (Lab.aliases) broke it with no test noticing."""

import pytest
from django.db import connection

from benchmarks.models import Benchmark, BenchmarkScore, ProbeResult
from models_registry.models import AIModel, Lab
from perf.seed import Scale, seed
from pricing.models import Offering, PricePoint, Provider

TINY = Scale("tiny", labs=4, models=40, benchmarks=10, scores=200, offerings=60, price_points=120, probes=100,
             probed_offerings=2)  # fmt: skip


@pytest.mark.django_db
def test_the_perf_seed_fills_every_table_the_orm_then_reads():
    if connection.vendor != "postgresql":
        pytest.skip("the seed loads with PostgreSQL COPY (DATABASE_URL=postgres://...)")
    counts = seed(TINY, progress=False)
    tables = [Lab, Provider, AIModel, Benchmark, BenchmarkScore, Offering, PricePoint, ProbeResult]
    assert {model._meta.db_table: model.objects.count() for model in tables} == counts
    assert (counts["models_registry_lab"], counts["models_registry_aimodel"]) == (4, 40)
    assert Lab.objects.first().aliases == []
    assert all(model.objects.first() is not None for model in tables)
