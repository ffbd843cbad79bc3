import io

import pytest
from django.core.management import call_command

from benchmarks.models import BenchmarkScore
from models_registry.models import AIModel, Lab

pytestmark = pytest.mark.django_db


def run_load() -> str:
    out = io.StringIO()
    call_command("load_reference", stdout=out)
    return out.getvalue()


def test_load_reference_creates_every_row_of_the_shipped_files():
    output = run_load()
    assert Lab.objects.count() == 19
    assert AIModel.objects.count() == 116
    assert BenchmarkScore.objects.count() == 476
    assert "models.csv       created  116" in output
