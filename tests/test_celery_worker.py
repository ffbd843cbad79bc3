import pytest

from config.celery import app

pytestmark = pytest.mark.slow


def test_real_worker_answers_and_runs_a_task_against_the_test_database(celery_worker_process):
    from models_registry.models import Lab

    Lab.objects.create(slug="worker-lab", name="Worker Lab", country="CN")
    result = app.send_task("config.celery.debug_count_labs")
    assert result.get(timeout=30) == 1
