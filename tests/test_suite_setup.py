"""The test suite's own setup: deterministic Hypothesis in CI, no slow password hashing, and a reference_data
fixture that gives every test the shipped data as loaded (a session snapshot, restored per test)."""

import io
import os
import subprocess
import sys

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from models_registry.models import Lab, TimelineEvent
from tests.conftest import PROJECT_DIR

PROBE = "import hypothesis, tests.conftest; print(hypothesis.settings.default.derandomize)"


def derandomized_under(env: dict) -> bool:
    clean = {k: v for k, v in os.environ.items() if k != "CI"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=PROJECT_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1] == "True"


def test_hypothesis_draws_the_same_examples_in_ci_and_explores_elsewhere():
    assert derandomized_under({"CI": "true"}) is True
    assert derandomized_under({}) is False


def test_every_test_hashes_passwords_fast():
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- the reference_data fixture: a snapshot of one load, restored per test --------------------------------------

STAMPS = ("created_at", "updated_at", "history_date")  # the time of the write, by the loader and the restore alike
REGISTRY_APPS = ("models_registry", "pricing", "benchmarks")


def every_row() -> dict[str, list[dict]]:
    """Every row of the registry apps (history included), by model in key order, with keys replaced by positions:
    a row's own key by its rank, a foreign key by the rank of the row it points to, and without the stamps."""
    registry = [m for m in apps.get_models(include_auto_created=True) if m._meta.app_label in REGISTRY_APPS]
    raw = {
        m: list(m._base_manager.order_by("pk").values(*(f.attname for f in m._meta.concrete_fields))) for m in registry
    }
    rank = {m: {row[m._meta.pk.attname]: i for i, row in enumerate(rows)} for m, rows in raw.items()}
    result = {}
    for model, rows in raw.items():
        keys = {f.attname: f.related_model for f in model._meta.concrete_fields if f.is_relation}
        keys[model._meta.pk.attname] = model
        if hasattr(model, "instance_type"):  # a django-simple-history table: `id` is the tracked row's key
            keys[model.instance_type._meta.pk.attname] = model.instance_type
        result[model._meta.label] = [
            {
                name: (rank[keys[name]].get(value, value) if keys.get(name) in rank else value)
                for name, value in row.items()
                if name not in STAMPS
            }
            for row in rows
        ]
    return result


@pytest.mark.django_db
def test_the_reference_data_fixture_holds_exactly_what_a_fresh_load_writes(reference_data):
    restored = every_row()
    assert len(restored["models_registry.Lab"]) > 10 and len(restored["benchmarks.BenchmarkScore"]) > 1000
    for model in apps.get_models(include_auto_created=True):  # foreign keys are checked at commit, never reached
        if model._meta.app_label in REGISTRY_APPS:
            model._base_manager.all()._raw_delete(connection.alias)
    call_command("load_reference", stdout=io.StringIO())
    assert every_row() == restored


@pytest.mark.django_db
@pytest.mark.parametrize("round_", [1, 2])
def test_each_test_starts_from_the_pristine_reference_data(reference_data, round_):
    """Whichever round runs second sees none of the first one's writes (nor a clash of primary keys)."""
    lab = Lab.objects.get(slug="deepseek")
    assert lab.name != "changed by a test" and not Lab.objects.filter(slug="added-by-a-test").exists()
    assert TimelineEvent.objects.count() == 25
    lab.name = "changed by a test"
    lab.save()
    Lab.objects.create(slug="added-by-a-test", name="Added", country="US")  # a fresh key past the restored ones
    TimelineEvent.objects.all().delete()
