"""`manage.py setup_schedules`: create the default beat schedules that are missing (settings.DEFAULT_PERIODIC_TASKS).

Schedules live in django-celery-beat's tables, where admins edit them; an existing entry (matched by name)
is never changed, so re-running this after an admin edit, or on every deploy, keeps the edit.
"""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from config.celery import app

CRONTAB_FIELDS = ("minute", "hour", "day_of_week", "day_of_month", "month_of_year")


class Command(BaseCommand):
    help = "Create the missing default periodic tasks (DEFAULT_PERIODIC_TASKS); never overwrites existing ones."

    def handle(self, *args, **options):
        defaults = settings.DEFAULT_PERIODIC_TASKS
        app.loader.import_default_modules()  # registers every app's tasks, as a worker would
        unknown = sorted(
            f"{name} ({spec.get('task')})" for name, spec in defaults.items() if spec.get("task") not in app.tasks
        )
        if unknown:
            raise CommandError(f"DEFAULT_PERIODIC_TASKS names unregistered task(s): {', '.join(unknown)}")
        created = kept = 0
        with transaction.atomic():
            existing = set(PeriodicTask.objects.filter(name__in=defaults).values_list("name", flat=True))
            for name, spec in defaults.items():
                if name in existing:
                    kept += 1
                    self.stdout.write(f"  kept     {name}")
                    continue
                cron = {field: str(spec.get("crontab", {}).get(field, "*")) for field in CRONTAB_FIELDS}
                schedule, _ = CrontabSchedule.objects.get_or_create(**cron, timezone=settings.CELERY_TIMEZONE)
                PeriodicTask.objects.create(
                    name=name,
                    task=spec["task"],
                    crontab=schedule,
                    kwargs=json.dumps(spec.get("kwargs", {})),
                    expire_seconds=spec.get("expires"),
                    description=spec.get("description", "Default schedule from DEFAULT_PERIODIC_TASKS."),
                )
                created += 1
                self.stdout.write(f"  created  {name}: {spec['task']} at {' '.join(cron.values())}")
        self.stdout.write(self.style.SUCCESS(f"Schedules: {created} created, {kept} kept as they were."))
