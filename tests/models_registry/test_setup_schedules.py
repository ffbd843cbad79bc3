"""`manage.py setup_schedules`: creates the missing default beat entries, never touches existing ones."""

import io
import json

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django_celery_beat.models import CrontabSchedule, PeriodicTask

pytestmark = pytest.mark.django_db


def setup_schedules() -> str:
    out = io.StringIO()
    call_command("setup_schedules", stdout=out)
    return out.getvalue()


def test_creates_every_default_schedule_with_its_crontab_and_expiry():
    out = setup_schedules()
    defaults = settings.DEFAULT_PERIODIC_TASKS
    assert f"{len(defaults)} created, 0 kept" in out
    prices = PeriodicTask.objects.get(name="price-refresh-all")
    assert prices.task == "pricing.tasks.price_refresh_all"
    assert (prices.crontab.minute, prices.crontab.hour, prices.crontab.day_of_week) == ("7", "*/6", "*")
    assert prices.expire_seconds == 6 * 60 * 60
    assert json.loads(prices.kwargs) == {}
    scores = PeriodicTask.objects.get(name="score-refresh-all")
    assert (scores.crontab.minute, scores.crontab.hour) == ("23", "3")  # daily
    assert prices.enabled and scores.enabled
    epoch = PeriodicTask.objects.get(name="epoch")  # Epoch AI's hub, daily: scores and model proposals
    assert epoch.task == "benchmarks.tasks.epoch_refresh"
    assert (epoch.crontab.minute, epoch.crontab.hour, epoch.crontab.day_of_month) == ("17", "5", "*")
    assert epoch.expire_seconds == 24 * 60 * 60 and epoch.enabled


def test_a_second_run_keeps_admin_edits_and_recreates_only_what_is_missing():
    setup_schedules()
    prices = PeriodicTask.objects.get(name="price-refresh-all")
    prices.crontab = CrontabSchedule.objects.create(minute="0", hour="*/2")
    prices.enabled = False
    prices.save()
    PeriodicTask.objects.filter(name="score-refresh-all").delete()

    out = setup_schedules()
    assert f"1 created, {len(settings.DEFAULT_PERIODIC_TASKS) - 1} kept" in out
    prices.refresh_from_db()
    assert (prices.crontab.hour, prices.enabled) == ("*/2", False)
    assert PeriodicTask.objects.filter(name="score-refresh-all").exists()


def test_an_entry_naming_an_unregistered_task_is_refused_and_nothing_is_created(settings):
    settings.DEFAULT_PERIODIC_TASKS = {
        **settings.DEFAULT_PERIODIC_TASKS,
        "typo": {"task": "pricing.tasks.price_refresh_al", "crontab": {"minute": "0"}},
    }
    with pytest.raises(CommandError, match=r"unregistered task\(s\): typo \(pricing.tasks.price_refresh_al\)"):
        setup_schedules()
    assert not PeriodicTask.objects.exists()
