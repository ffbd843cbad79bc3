import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from benchmarks.models import Benchmark, BenchmarkScore
from tests.factories import AIModelFactory, BenchmarkFactory, BenchmarkScoreFactory

pytestmark = pytest.mark.django_db


def errors_of(obj) -> dict:
    with pytest.raises(ValidationError) as info:
        obj.full_clean()
    return info.value.message_dict


@pytest.mark.parametrize("value", [-0.1, 100.1, 4000])
def test_score_outside_its_benchmark_scale_is_refused(value):
    score = BenchmarkScoreFactory.build(model=AIModelFactory(), benchmark=BenchmarkFactory(), value=value)
    assert "outside" in errors_of(score)["value"][0]


def test_score_on_a_wider_scale_is_accepted():
    elo = BenchmarkFactory(slug="codeforces-elo", scale_min=0, scale_max=4000)
    BenchmarkScoreFactory.build(model=AIModelFactory(), benchmark=elo, metric="elo", value=2029).full_clean()


@pytest.mark.parametrize("metric", ["Pass@1", "pass 1", "", "@1"])
def test_metric_must_be_a_lowercase_slug(metric):
    score = BenchmarkScoreFactory.build(model=AIModelFactory(), benchmark=BenchmarkFactory(), metric=metric)
    assert "metric" in errors_of(score)


def test_same_report_twice_is_refused():
    score = BenchmarkScoreFactory()
    copy = BenchmarkScore(
        model=score.model,
        benchmark=score.benchmark,
        metric=score.metric,
        value=60,
        evaluated_by=score.evaluated_by,
        reported_on=score.reported_on,
    )
    assert "__all__" in errors_of(copy)


def test_benchmark_scale_must_be_ordered_in_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        Benchmark.objects.create(slug="upside-down", name="U", category="math", scale_min=100, scale_max=0)


def test_benchmark_category_must_be_listed():
    assert "category" in errors_of(Benchmark(slug="b", name="B", category="vibes"))
