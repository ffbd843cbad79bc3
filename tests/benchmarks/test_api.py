"""REST API of benchmarks: benchmarks/, scores/, probes/."""

import datetime

import pytest

from benchmarks.models import Benchmark, BenchmarkScore
from tests.api_helpers import (
    assert_list_and_detail_queries_bounded,
    csv_rows,
    detail_url,
    list_url,
    results,
    slugs,
    token_client,
    writer_client,
)
from tests.factories import (
    AIModelFactory,
    BenchmarkFactory,
    BenchmarkScoreFactory,
    LabFactory,
    OfferingFactory,
    ProbeResultFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def board():
    deepseek = LabFactory(slug="deepseek", name="DeepSeek", country="CN")
    openai = LabFactory(slug="openai", name="OpenAI", country="US")
    r1 = AIModelFactory(slug="deepseek-r1", name="DeepSeek-R1", lab=deepseek, release_date=D(2025, 1, 20))
    o1 = AIModelFactory(slug="o1", name="o1", lab=openai, release_date=D(2024, 12, 5))
    aime = BenchmarkFactory(slug="aime-2024", name="AIME 2024", category="math")
    arena = BenchmarkFactory(slug="lmarena", name="LMArena", category="chat", scale_min=0, scale_max=3000)
    lower = BenchmarkFactory(
        slug="hallucination", name="Hallucination rate", category="knowledge", higher_is_better=False
    )
    scores = [
        BenchmarkScoreFactory(
            model=r1, benchmark=aime, metric="pass@1", value=79.8, evaluated_by="deepseek", reported_on=D(2025, 1, 22)
        ),
        BenchmarkScoreFactory(
            model=o1, benchmark=aime, metric="pass@1", value=79.2, evaluated_by="deepseek", reported_on=D(2025, 1, 22)
        ),
        BenchmarkScoreFactory(
            model=o1, benchmark=aime, metric="pass@1", value=74.3, evaluated_by="openai", reported_on=D(2024, 12, 5)
        ),
        BenchmarkScoreFactory(
            model=r1, benchmark=arena, metric="elo", value=1358, evaluated_by="lmarena", reported_on=D(2025, 2, 1)
        ),
    ]
    return {"r1": r1, "o1": o1, "aime": aime, "arena": arena, "lower": lower, "scores": scores}


# --- benchmarks --------------------------------------------------------------------------------------------


def test_benchmark_detail_by_slug_and_filters(api_client, board):
    body = api_client.get(detail_url("benchmark", "lmarena")).json()
    assert (body["scale_min"], body["scale_max"], body["higher_is_better"]) == (0, 3000, True)
    assert slugs(api_client.get(list_url("benchmark", category="math"))) == ["aime-2024"]
    assert slugs(api_client.get(list_url("benchmark", higher_is_better="false"))) == ["hallucination"]
    assert slugs(api_client.get(list_url("benchmark", search="arena"))) == ["lmarena"]
    assert slugs(api_client.get(list_url("benchmark", ordering="-name"))) == ["lmarena", "hallucination", "aime-2024"]
    assert api_client.get(list_url("benchmark", category="poetry")).status_code == 400


def test_benchmark_create_update_and_scale_rules(board):
    client = writer_client("benchmarks", "benchmark")
    new = {"slug": "swe-bench-verified", "name": "SWE-bench Verified", "category": "code"}
    assert client.post(list_url("benchmark"), new, format="json").status_code == 201
    response = client.post(list_url("benchmark"), {**new, "slug": "x", "scale_min": 10, "scale_max": 5}, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    # narrowing the scale under recorded scores would leave them outside it
    response = client.patch(detail_url("benchmark", "lmarena"), {"scale_max": 1000}, format="json")
    assert response.status_code == 400
    assert "1 recorded score" in response.json()["non_field_errors"][0]
    assert Benchmark.objects.get(slug="lmarena").scale_max == 3000
    assert client.patch(detail_url("benchmark", "lmarena"), {"scale_max": 2000}, format="json").status_code == 200
    assert (
        client.post(list_url("benchmark"), {**new, "slug": "y", "scale_max": "Infinity"}, format="json").status_code
        == 400
    )


def test_deleting_a_benchmark_with_scores_answers_409(board):
    client = writer_client("benchmarks", "benchmark")
    assert client.delete(detail_url("benchmark", "aime-2024")).status_code == 409
    assert client.delete(detail_url("benchmark", "hallucination")).status_code == 204
    assert Benchmark.objects.filter(slug="aime-2024").exists()


# --- scores ------------------------------------------------------------------------------------------------


def test_score_output_names_model_benchmark_lab_country_and_self_report(api_client, board):
    r1_score = board["scores"][0]
    body = api_client.get(detail_url("benchmarkscore", r1_score.pk)).json()
    assert (body["model"], body["benchmark"], body["lab"], body["country"]) == (
        "deepseek-r1",
        "aime-2024",
        "deepseek",
        "CN",
    )
    assert body["self_reported"] is True
    assert api_client.get(detail_url("benchmarkscore", board["scores"][1].pk)).json()["self_reported"] is False


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"benchmark": "aime-2024"}, [79.8, 79.2, 74.3]),
        ({"metric": "elo"}, [1358]),
        ({"model": "o1"}, [79.2, 74.3]),
        ({"evaluated_by": "deepseek"}, [79.8, 79.2]),
        ({"self_reported": "true"}, [79.8, 74.3]),
        ({"self_reported": "false"}, [79.2, 1358]),
        ({"country": "cn"}, [79.8, 1358]),
        ({"lab": "openai"}, [79.2, 74.3]),
        ({"category": "chat"}, [1358]),
        ({"reported_after": "2025-01-22"}, [79.8, 79.2, 1358]),
        ({"reported_before": "2024-12-31"}, [74.3]),
        ({"released_after": "2025-01-01"}, [79.8, 1358]),
        ({"search": "LMArena"}, [1358]),
    ],
)
def test_score_filters_and_search(api_client, board, params, expected):
    values = slugs(api_client.get(list_url("benchmarkscore", ordering="benchmark,-value", **params)), "value")
    assert values == expected


def test_score_ordering_and_csv(api_client, board):
    values = slugs(api_client.get(list_url("benchmarkscore", ordering="-value")), "value")
    assert values == sorted(values, reverse=True)
    rows = csv_rows(api_client.get(list_url("benchmarkscore", benchmark="aime-2024", format="csv")))
    assert sorted(row["model"] for row in rows) == ["deepseek-r1", "o1", "o1"]
    assert {row["self_reported"] for row in rows} == {"true", "false"}


SCORE = {
    "model": "deepseek-r1",
    "benchmark": "aime-2024",
    "metric": "cons@64",
    "value": 86.7,
    "evaluated_by": "deepseek",
    "reported_on": "2025-01-22",
}


def test_score_create_by_slugs(board):
    client = writer_client("benchmarks", "benchmarkscore")
    response = client.post(list_url("benchmarkscore"), SCORE, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["self_reported"] is True
    assert BenchmarkScore.objects.filter(metric="cons@64").count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"value": 100.5}, "value"),  # outside 0-100
        ({"value": -1}, "value"),
        ({"value": "NaN"}, "value"),
        ({"value": "high"}, "value"),
        ({"model": "no-such-model"}, "model"),
        ({"benchmark": "no-such-benchmark"}, "benchmark"),
        ({"metric": "Pass 1"}, "metric"),
        ({"evaluated_by": "Deep Seek"}, "evaluated_by"),
        ({"reported_on": "2025-1-22x"}, "reported_on"),
        ({"metric": "pass@1"}, "non_field_errors"),  # duplicate of the fixture's first score
    ],
)
def test_bad_score_input_answers_400_and_writes_nothing(board, change, field):
    client = writer_client("benchmarks", "benchmarkscore")
    response = client.post(list_url("benchmarkscore"), {**SCORE, **change}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert BenchmarkScore.objects.count() == 4


def test_score_value_is_checked_against_the_new_benchmark_on_update(board):
    client = writer_client("benchmarks", "benchmarkscore")
    arena_score = board["scores"][3]
    response = client.patch(detail_url("benchmarkscore", arena_score.pk), {"benchmark": "aime-2024"}, format="json")
    assert response.status_code == 400
    assert "value" in response.json()
    assert client.patch(detail_url("benchmarkscore", arena_score.pk), {"value": 1400}, format="json").status_code == 200
    assert client.delete(detail_url("benchmarkscore", arena_score.pk)).status_code == 204


def test_score_writes_need_token_and_permission(api_client, board):
    assert api_client.post(list_url("benchmarkscore"), SCORE, format="json").status_code == 401
    reader = writer_client("benchmarks", "benchmark")
    assert reader.post(list_url("benchmarkscore"), SCORE, format="json").status_code == 403
    assert BenchmarkScore.objects.count() == 4


# --- probes ------------------------------------------------------------------------------------------------


@pytest.fixture
def probes():
    offering = OfferingFactory(provider_model_id="deepseek-reasoner")
    other = OfferingFactory(provider_model_id="o3")
    t0 = datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC)
    return [
        ProbeResultFactory(offering=offering, started_at=t0, ok=True, ttft_ms=300, http_status=200),
        ProbeResultFactory(
            offering=offering, started_at=t0 + datetime.timedelta(days=1), ok=False, error_kind="timeout", ttft_ms=None
        ),
        ProbeResultFactory(
            offering=other, started_at=t0 + datetime.timedelta(days=2), ok=False, error_kind="http_5xx", http_status=503
        ),
    ]


def test_probe_list_names_model_and_provider_and_is_newest_first(api_client, probes):
    rows = results(api_client.get(list_url("proberesult")))
    assert [row["id"] for row in rows] == [p.pk for p in reversed(probes)]
    assert rows[0]["provider_model_id"] == "o3"
    assert rows[0]["model"] == probes[2].offering.model.slug
    assert rows[0]["provider"] == probes[2].offering.provider.slug


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"ok": "true"}, [0]),
        ({"ok": "false"}, [2, 1]),
        ({"error_kind": "timeout"}, [1]),
        ({"started_after": "2025-06-02"}, [2, 1]),
        ({"started_before": "2025-06-01"}, [0]),
        ({"search": "o3"}, [2]),
        ({"ordering": "ttft_ms"}, [2, 0, 1]),  # empty last
        ({"ordering": "-ttft_ms"}, [0, 2, 1]),
    ],
)
def test_probe_filters(api_client, probes, params, expected):
    assert slugs(api_client.get(list_url("proberesult", **params)), "id") == [probes[i].pk for i in expected]


def test_probe_filters_by_offering_model_and_provider(api_client, probes):
    offering = probes[0].offering
    assert api_client.get(list_url("proberesult", offering=offering.pk)).json()["count"] == 2
    assert api_client.get(list_url("proberesult", model=offering.model.slug)).json()["count"] == 2
    assert api_client.get(list_url("proberesult", provider=offering.provider.slug)).json()["count"] == 2
    assert api_client.get(list_url("proberesult", error_kind="melted")).status_code == 400


def test_probes_are_read_only_even_for_a_superuser(probes):
    from django.contrib.auth.models import User

    client = token_client(User.objects.create_superuser("root", password="pw-for-tests-only"))
    assert client.post(list_url("proberesult"), {"offering": probes[0].offering_id}, format="json").status_code == 405
    assert client.delete(detail_url("proberesult", probes[0].pk)).status_code == 405
    assert client.get(detail_url("proberesult", probes[0].pk)).status_code == 200


# --- query counts ------------------------------------------------------------------------------------------


def test_benchmark_endpoints_run_a_fixed_number_of_queries(api_client, django_assert_max_num_queries):
    benchmarks = BenchmarkFactory.create_batch(101)
    assert_list_and_detail_queries_bounded(api_client, "benchmark", benchmarks[0].slug, django_assert_max_num_queries)


def test_score_endpoints_run_a_fixed_number_of_queries(api_client, django_assert_max_num_queries):
    scores = BenchmarkScoreFactory.create_batch(101)
    assert_list_and_detail_queries_bounded(api_client, "benchmarkscore", scores[0].pk, django_assert_max_num_queries)


def test_probe_endpoints_run_a_fixed_number_of_queries(api_client, django_assert_max_num_queries):
    probes = ProbeResultFactory.create_batch(101)
    assert_list_and_detail_queries_bounded(api_client, "proberesult", probes[0].pk, django_assert_max_num_queries)
