"""Data migrations, called with the app registry on rows made by the factories."""

import importlib

import pytest
from django.apps import apps

from benchmarks.models import Benchmark
from models_registry.cache_version import data_version
from tests.factories import BenchmarkFactory

pytestmark = pytest.mark.django_db

in_index_values = importlib.import_module("benchmarks.migrations.0004_benchmark_in_index_reference_values")


def in_index_of() -> dict[str, bool]:
    return dict(Benchmark.objects.values_list("slug", "in_index"))


def test_the_rating_and_the_composite_leave_the_index_of_an_existing_database(django_capture_on_commit_callbacks):
    for slug in ("codeforces-elo", "aa-intelligence-index", "gpqa-diamond"):
        BenchmarkFactory(slug=slug)  # in_index defaults to True, as 0003 left every existing row
    before = data_version()
    with django_capture_on_commit_callbacks(execute=True):
        in_index_values.leave_ratings_and_composites_out(apps, None)
    assert in_index_of() == {"codeforces-elo": False, "aa-intelligence-index": False, "gpqa-diamond": True}
    assert data_version() > before  # no cached index fitted on them survives


def test_the_migration_changes_nothing_where_the_two_benchmarks_are_missing_or_already_out(
    django_capture_on_commit_callbacks,
):
    BenchmarkFactory(slug="gpqa-diamond")
    BenchmarkFactory(slug="codeforces-elo", in_index=False)
    before = data_version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        in_index_values.leave_ratings_and_composites_out(apps, None)
    assert in_index_of() == {"gpqa-diamond": True, "codeforces-elo": False}
    assert callbacks == [] and data_version() == before
