"""Each validation rule of the data model refuses bad values, in full_clean and in the database."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from models_registry.models import AIModel, Lab, SourceRun, TimelineEvent
from tests.factories import AIModelFactory, LabFactory

pytestmark = pytest.mark.django_db


def errors_of(obj) -> dict:
    with pytest.raises(ValidationError) as info:
        obj.full_clean()
    return info.value.message_dict


@pytest.mark.parametrize("slug", ["GPT-4", "-gpt", "gpt 4", "gpt_4", "", "gpt/4", "gpt-4\n"])
def test_lab_slug_with_bad_characters_is_refused(slug):
    assert "slug" in errors_of(Lab(slug=slug, name="X", country="US"))


@pytest.mark.parametrize("slug", ["gpt-4.1", "qwen2.5-max", "o1", "01-ai"])
def test_model_slug_may_hold_dots_and_digits(slug):
    AIModelFactory.build(slug=slug, lab=LabFactory()).full_clean()


@pytest.mark.parametrize("country", ["XX", "UK", "U", "ZZ", "EU"])
def test_lab_country_must_be_an_iso_code(country):
    assert "country" in errors_of(Lab(slug="lab", name="Lab", country=country))


def test_database_refuses_a_country_that_is_not_iso_even_without_full_clean():
    with pytest.raises(IntegrityError), transaction.atomic():
        Lab.objects.create(slug="bad-country", name="Bad", country="XX")


def test_database_refuses_a_bad_slug_even_without_full_clean():
    with pytest.raises(IntegrityError), transaction.atomic():
        Lab.objects.create(slug="Bad Slug", name="Bad", country="US")


def test_duplicate_model_slug_is_refused():
    existing = AIModelFactory(slug="deepseek-r1")
    assert "slug" in errors_of(AIModel(slug="deepseek-r1", name="Copy", lab=existing.lab))


def test_alias_belongs_to_one_model_only():
    AIModelFactory(slug="deepseek-r1", aliases=["deepseek/deepseek-r1"])
    other = AIModelFactory.build(slug="deepseek-r1-0528", lab=LabFactory(), aliases=["deepseek/deepseek-r1"])
    assert "already belongs to deepseek-r1" in errors_of(other)["aliases"][0]


@pytest.mark.parametrize("aliases", ["deepseek/deepseek-r1", [""], [1], ["a", "a"]])
def test_aliases_must_be_a_list_of_distinct_strings(aliases):
    model = AIModelFactory.build(lab=LabFactory(), aliases=aliases)
    assert "aliases" in errors_of(model)


def test_active_parameters_cannot_exceed_total():
    model = AIModelFactory.build(lab=LabFactory(), parameters_total_b=Decimal(37), parameters_active_b=Decimal(671))
    assert "parameters_active_b" in errors_of(model)


def test_model_country_is_its_labs_country():
    model = AIModelFactory(lab=LabFactory(country="CN"))
    assert model.country == "CN"


def test_event_kind_must_be_one_of_the_listed_kinds():
    event = TimelineEvent(date=datetime.date(2025, 1, 1), title="x", kind="rumour")
    assert "kind" in errors_of(event)


def test_event_country_is_optional_but_must_be_iso_when_given():
    TimelineEvent(date=datetime.date(2025, 1, 1), title="ok", kind="other", country="").full_clean()
    assert "country" in errors_of(TimelineEvent(date=datetime.date(2025, 1, 1), title="x", country="QQ"))


def test_source_run_status_is_checked_by_the_database():
    from django.utils import timezone

    with pytest.raises(IntegrityError), transaction.atomic():
        SourceRun.objects.create(source="x", started_at=timezone.now(), status="exploded")
