"""Every admin page of every registered model, found from the admin's own URL patterns, with a row to show."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)
from rest_framework.authtoken.models import Token, TokenProxy

from tests.security.conftest import make_user, model_factory


def _interval() -> IntervalSchedule:
    return IntervalSchedule.objects.create(every=5, period=IntervalSchedule.MINUTES)


def _access(model: type[models.Model]) -> Callable[[], models.Model]:
    common = {"username": "guesser", "ip_address": "203.0.113.9", "user_agent": "curl", "path_info": "/admin/login/"}
    extra = {"get_data": "", "post_data": "", "failures_since_start": 1} if model is AccessAttempt else {}
    return lambda: model.objects.create(**common, http_accept="*/*", **extra)


# Models of other apps (no factory in tests/factories.py): how to make one row. Registry models use their factory.
CREATORS: dict[type[models.Model], Callable[[], models.Model]] = {
    Group: lambda: Group.objects.create(name="editors"),
    User: lambda: make_user("someone"),
    TokenProxy: lambda: TokenProxy.objects.get(pk=Token.objects.create(user=make_user("token-owner")).pk),
    IntervalSchedule: _interval,
    CrontabSchedule: lambda: CrontabSchedule.objects.create(minute="7"),
    SolarSchedule: lambda: SolarSchedule.objects.create(event="sunrise", latitude=51.5, longitude=0),
    ClockedSchedule: lambda: ClockedSchedule.objects.create(clocked_time=timezone.now() + datetime.timedelta(days=1)),
    PeriodicTask: lambda: PeriodicTask.objects.create(name="nightly", task="x.y", interval=_interval()),
    AccessAttempt: _access(AccessAttempt),
    AccessLog: _access(AccessLog),
    AccessFailureLog: _access(AccessFailureLog),
}

REGISTERED = sorted(admin.site._registry, key=lambda m: m._meta.label)


def sample_row(model: type[models.Model]) -> models.Model:
    creator = CREATORS.get(model)
    return creator() if creator else model_factory(model)()


@dataclass(frozen=True)
class AdminPage:
    model: type[models.Model]
    kind: str  # the URL name without "<app>_<model>_": changelist, add, change, delete, history, simple_history ...
    url: str


def admin_pages(model: type[models.Model], row: models.Model) -> list[AdminPage]:
    """Every named URL the model's admin serves, filled in with `row` (and its latest history record)."""
    model_admin = admin.site._registry[model]
    prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
    pages = []
    for pattern in model_admin.get_urls():
        if not pattern.name:
            continue  # the bare <object_id>/ pattern only redirects to change/
        regex = pattern.pattern.regex
        names = list(regex.groupindex) or ["object_id", "version_id"][: regex.groups]  # simple-history: positional
        values = {}
        for name in names:
            if name in ("object_id", "id"):
                values[name] = row.pk
            elif name == "version_id":
                values[name] = row.history.latest().history_id
            else:
                raise AssertionError(f"fill the URL argument {name!r} of admin:{pattern.name}")
        if regex.groupindex:
            url = reverse(f"admin:{pattern.name}", kwargs=values)
        else:
            url = reverse(f"admin:{pattern.name}", args=list(values.values()))
        pages.append(AdminPage(model, pattern.name.removeprefix(prefix), url))
    return pages


def form_data(form: forms.BaseForm) -> dict:
    """What a browser would post back for `form` as rendered (its initial values), keyed by the HTML names."""
    data: dict = {}
    for bound in form:
        if bound.field.disabled:
            continue
        value = bound.value()  # already prepared for the widget, as rendered
        widget = bound.field.widget
        if isinstance(widget, forms.MultiWidget):
            parts = value if isinstance(value, list | tuple) else widget.decompress(value)
            for index, part in enumerate(parts):
                data[f"{bound.html_name}_{index}"] = "" if part is None else part
        elif isinstance(bound.field, forms.BooleanField):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(bound.field, forms.MultipleChoiceField):
            data[bound.html_name] = [str(v) for v in value or []]
        else:
            data[bound.html_name] = "" if value is None else value
    return data


def change_form_data(response) -> dict:
    """The whole change form of an admin response: the main form, and every inline formset with its management form."""
    data = form_data(response.context["adminform"].form)
    for inline in response.context.get("inline_admin_formsets") or []:
        formset = inline.formset
        data.update(form_data(formset.management_form))
        for form in formset.forms:
            data.update(form_data(form))
    return data
