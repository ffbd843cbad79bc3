"""The analytics endpoints end to end: parameters, defaults, errors, and the same numbers as the pure analytics."""

import datetime
from collections import Counter

import pytest
from django.urls import reverse

from benchmarks.models import BenchmarkScore
from tests.dashboards.test_analytics import AS_OF, cost_of, gap_of, lower_is_better_world
from tests.dashboards.world import save_world
from tests.factories import BenchmarkFactory, BenchmarkScoreFactory

pytestmark = pytest.mark.django_db

GAP, FRONTIER, COST, SUMMARY, PRICE_PERFORMANCE = (
    reverse("analytics-gap"),
    reverse("analytics-frontier"),
    reverse("analytics-cost-ratio"),
    reverse("analytics-summary"),
    reverse("analytics-price-performance"),
)
ECHO = {
    "benchmark",
    "metric",
    "a",
    "b",
    "as_of",
    "evaluated_by",
    "independent",
    "providers",
    "include_off_peak",
    "threshold",
}


def body_of(payload: dict) -> dict:
    return {k: v for k, v in payload.items() if k not in ECHO}


def test_gap_endpoint_gives_the_numbers_of_the_hand_computed_world(api_client):
    world = lower_is_better_world()
    save_world(world)
    response = api_client.get(GAP, {"benchmark": "err-rate", "as_of": AS_OF.isoformat()})
    assert response.status_code == 200
    assert body_of(response.json()) == gap_of(world)
    assert response.json()["current"]["lead_days"] == 122


@pytest.mark.parametrize(
    ("params", "threshold", "current_ratio"),
    [
        ({}, 29.0, 10.0),
        ({"providers": "all"}, 29.0, 3.2),
        ({"include_off_peak": "true"}, 29.0, 40.0),
        ({"threshold": "30"}, 30.0, 3.0),
    ],
)
def test_cost_ratio_endpoint_gives_the_numbers_of_the_hand_computed_world(api_client, params, threshold, current_ratio):
    world = lower_is_better_world()
    save_world(world)
    response = api_client.get(COST, {"benchmark": "err-rate", "as_of": AS_OF.isoformat(), **params})
    assert response.status_code == 200
    data = response.json()
    expected = cost_of(
        world,
        threshold=float(params["threshold"]) if "threshold" in params else None,
        providers=params.get("providers", "first_party"),
        include_off_peak="include_off_peak" in params,
    )
    assert body_of(data) == body_of(expected)
    assert (data["threshold"], data["current"]["ratio"]) == (threshold, current_ratio)
    assert data["providers"] == params.get("providers", "first_party")
    assert data["include_off_peak"] is ("include_off_peak" in params)


def test_frontier_endpoint_lists_each_requested_country_even_without_data(api_client):
    save_world(lower_is_better_world())
    response = api_client.get(FRONTIER, {"benchmark": "err-rate", "as_of": "2024-07-01", "countries": "us,cn,jp"})
    assert response.status_code == 200
    data = response.json()
    assert data["countries"] == ["US", "CN", "JP"]
    assert data["series"]["US"] == [
        {"date": "2024-01-10", "value": 30.0, "model": "u1"},
        {"date": "2024-03-01", "value": 20.0, "model": "u2"},
    ]
    assert [p["model"] for p in data["series"]["CN"]] == ["c1", "c2", "ca"]
    assert data["series"]["JP"] == []


def test_defaults_are_filled_in_and_echoed(api_client):
    benchmark = BenchmarkFactory(slug="quiz")
    BenchmarkScoreFactory.create_batch(2, benchmark=benchmark, metric="cons@64")
    BenchmarkScoreFactory.create_batch(3, benchmark=benchmark, metric="pass@1")
    today = datetime.datetime.now(datetime.UTC).date().isoformat()
    gap = api_client.get(GAP, {"benchmark": "quiz"}).json()
    assert {k: gap[k] for k in ["benchmark", "metric", "a", "b", "as_of", "evaluated_by"]} == {
        "benchmark": "quiz",
        "metric": "pass@1",  # 3 of the 5 scores use it
        "a": "US",
        "b": "CN",
        "as_of": today,
        "evaluated_by": None,
    }
    cost = api_client.get(COST, {"benchmark": "quiz"}).json()
    assert (cost["providers"], cost["include_off_peak"], cost["metric"]) == ("first_party", False, "pass@1")
    frontier = api_client.get(FRONTIER, {"benchmark": "quiz"}).json()
    assert frontier["countries"] == ["US", "CN"]
    summary = api_client.get(SUMMARY).json()
    assert {k: summary[k] for k in ["a", "b", "as_of", "providers", "include_off_peak"]} == {
        "a": "US",
        "b": "CN",
        "as_of": today,
        "providers": "first_party",
        "include_off_peak": False,
    }


@pytest.mark.parametrize(
    ("url", "params", "field"),
    [
        (GAP, {}, "benchmark"),
        (GAP, {"benchmark": "no-such-bench"}, "benchmark"),
        (GAP, {"benchmark": "quiz", "metric": "elo"}, "metric"),
        (GAP, {"benchmark": "quiz", "a": "USA"}, "a"),
        (GAP, {"benchmark": "quiz", "b": "XX"}, "b"),
        (GAP, {"benchmark": "quiz", "a": " "}, "a"),
        (GAP, {"benchmark": "quiz", "as_of": "2025-13-01"}, "as_of"),
        (GAP, {"benchmark": "quiz", "as_of": "yesterday"}, "as_of"),
        (GAP, {"benchmark": "quiz", "as_of": "2025-01-31T00:00:00"}, "as_of"),
        (FRONTIER, {"benchmark": "quiz", "countries": "US,ZZ"}, "countries"),
        (FRONTIER, {"benchmark": "quiz", "countries": ","}, "countries"),
        (COST, {"benchmark": "quiz", "threshold": "abc"}, "threshold"),
        (COST, {"benchmark": "quiz", "threshold": "101"}, "threshold"),
        (COST, {"benchmark": "quiz", "threshold": "-0.5"}, "threshold"),
        (COST, {"benchmark": "quiz", "threshold": "nan"}, "threshold"),
        (COST, {"benchmark": "quiz", "threshold": "1e400"}, "threshold"),
        (COST, {"benchmark": "quiz", "providers": "cheapest"}, "providers"),
        (COST, {"benchmark": "quiz", "include_off_peak": "maybe"}, "include_off_peak"),
        (SUMMARY, {"a": "U$"}, "a"),
        (SUMMARY, {"as_of": "31/01/2025"}, "as_of"),
        (SUMMARY, {"providers": "ALL!"}, "providers"),
        # DESIGN's rules: an unknown or repeated parameter, and an as_of after today or before 2000-01-01.
        (GAP, {"benchmark": "quiz", "bb": "FR"}, "bb"),
        (GAP, {"benchmark": "quiz", "b": ["FR", "CN"]}, "b"),
        (GAP, {"benchmark": "quiz", "as_of": "9999-12-31"}, "as_of"),
        (GAP, {"benchmark": "quiz", "as_of": "1999-12-31"}, "as_of"),
        (FRONTIER, {"benchmark": "quiz", "country": "US"}, "country"),
        (COST, {"benchmark": "quiz", "threshold": ["10", "20"]}, "threshold"),
        (SUMMARY, {"benchmark": "quiz"}, "benchmark"),  # summary covers every benchmark: not one of its names
        (SUMMARY, {"as_of": "0001-01-01"}, "as_of"),
        (PRICE_PERFORMANCE, {"benchmark": "quiz", "a": "US"}, "a"),
        (GAP, {"benchmark": "quiz", "format": "csv"}, "format"),  # CSV is for lists
        (SUMMARY, {"format": "csv"}, "format"),
    ],
)
def test_bad_parameters_get_a_400_naming_the_parameter(api_client, url, params, field):
    benchmark = BenchmarkFactory(slug="quiz", scale_min=0, scale_max=100)
    BenchmarkScoreFactory(benchmark=benchmark, metric="pass@1")
    response = api_client.get(url, params)
    assert response.status_code == 400
    messages = response.json()[field]
    assert messages and all(isinstance(m, str) and m for m in messages)


def test_no_data_for_a_side_is_a_200_with_empty_series_and_nulls(api_client):
    save_world(lower_is_better_world())
    params = {"benchmark": "err-rate", "as_of": "2024-07-01", "b": "JP"}
    gap = api_client.get(GAP, params).json()
    assert gap["series"] == []
    assert gap["current"] == {
        "date": "2024-07-01",
        "a_value": 20.0,
        "b_value": None,
        "gap": None,
        "lead_days": None,
        "a_model": "u2",
        "b_model": None,
    }
    assert [lag["matched"] for lag in gap["lags"]] == [False, False]
    cost = api_client.get(COST, params).json()
    assert (cost["threshold"], cost["series"], cost["current"]["ratio"]) == (None, [], None)


def test_unknown_evaluated_by_gives_empty_results_not_an_error(api_client):
    save_world(lower_is_better_world())
    response = api_client.get(GAP, {"benchmark": "err-rate", "evaluated_by": "nobody"})
    assert response.status_code == 200
    assert response.json()["series"] == [] and response.json()["lags"] == []
    assert response.json()["evaluated_by"] == "nobody"


def test_a_benchmark_without_scores_has_no_metric_and_empty_results(api_client):
    BenchmarkFactory(slug="fresh")
    response = api_client.get(GAP, {"benchmark": "fresh"})
    assert response.status_code == 200
    assert (response.json()["metric"], response.json()["series"]) == (None, [])


@pytest.mark.parametrize("as_of", ["2000-01-01", "today"])
def test_the_first_and_last_allowed_dates_are_answered(api_client, as_of):
    save_world(lower_is_better_world())
    as_of = datetime.datetime.now(datetime.UTC).date().isoformat() if as_of == "today" else as_of
    for url in [GAP, COST, FRONTIER]:
        assert api_client.get(url, {"benchmark": "err-rate", "as_of": as_of}).status_code == 200
    assert api_client.get(SUMMARY, {"as_of": as_of}).status_code == 200


def test_the_cache_key_is_built_from_the_validated_parameters(api_client, django_assert_max_num_queries):
    """Spellings of one query share one cached answer: case, spaces and the defaults written out."""
    save_world(lower_is_better_world())
    first = api_client.get(GAP, {"benchmark": "err-rate", "as_of": AS_OF.isoformat()})
    assert first.status_code == 200
    for same in [
        {"benchmark": "ERR-RATE", "as_of": AS_OF.isoformat(), "a": "us", "b": " cn"},
        {"b": "CN", "as_of": AS_OF.isoformat(), "benchmark": "err-rate", "evaluated_by": ""},
    ]:
        with django_assert_max_num_queries(0) as captured:  # analytics run outside a request transaction
            again = api_client.get(GAP, same)
        assert not [q for q in captured.captured_queries if "SELECT" in q["sql"].upper()], same
        assert again.json() == first.json()


def test_summary_has_one_row_per_benchmark_both_countries_have_scores_on(api_client):
    save_world(lower_is_better_world())
    only_us = BenchmarkFactory(slug="only-us")
    BenchmarkScoreFactory(benchmark=only_us, model__lab__country="US")
    rows = api_client.get(SUMMARY, {"as_of": "2024-07-01"}).json()["rows"]
    assert rows == [
        {
            "benchmark": "err-rate",
            "metric": "m",
            "gap": 1.0,
            "lead_days": 122,
            "a_value": 20.0,
            "b_value": 21.0,
            "a_model": "u2",
            "b_model": "ca",
            "threshold": 29.0,
            "cost_ratio": 10.0,
            "a_cost_model": "u2",  # u2 (25.0) is the US's cheapest at <= 29; c2 (2.5) is CN's, not the frontier ca
            "b_cost_model": "c2",
            "a_last_reported": "2024-06-01",  # u3's report; u1's later report of 2024-08-01 is not known yet
            "b_last_reported": "2024-06-15",  # c5's; c4 is released after as_of
            "stale": False,
            "lead_summary": None,
        }
    ]


def test_analytics_queries_do_not_grow_with_rows(api_client, django_assert_max_num_queries):
    world = lower_is_better_world()
    save_world(world)
    counts = {}
    for url, params in [(GAP, {"benchmark": "err-rate"}), (COST, {"benchmark": "err-rate"}), (SUMMARY, {})]:
        with django_assert_max_num_queries(10) as captured:  # the summary's 10 include the capability index's 3
            assert api_client.get(url, params).status_code == 200
        counts[url] = len(captured)
    BenchmarkScoreFactory.create_batch(5, benchmark__slug="err-rate", model__lab__country="CN")
    BenchmarkScoreFactory.create_batch(5, benchmark__slug="other", model__lab__country="US")
    for url, params in [(GAP, {"benchmark": "err-rate"}), (COST, {"benchmark": "err-rate"}), (SUMMARY, {})]:
        with django_assert_max_num_queries(counts[url]):
            assert (
                api_client.get(url, {**params, "as_of": "2025-01-01"}).status_code == 200
            )  # a new key: computed again


def test_schema_documents_every_analytics_endpoint_with_its_parameters(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    expected = {
        "/api/v1/analytics/frontier/": {"benchmark", "metric", "countries", "as_of", "evaluated_by"},
        "/api/v1/analytics/gap/": {"benchmark", "metric", "a", "b", "as_of", "evaluated_by"},
        "/api/v1/analytics/cost-ratio/": {
            "benchmark",
            "metric",
            "a",
            "b",
            "as_of",
            "evaluated_by",
            "threshold",
            "providers",
            "include_off_peak",
        },
        "/api/v1/analytics/summary/": {"a", "b", "as_of", "evaluated_by", "providers", "include_off_peak"},
    }
    for path, names in expected.items():
        operation = schema["paths"][path]["get"]
        assert {p["name"] for p in operation["parameters"]} >= names
        assert {"200", "400"} <= set(operation["responses"])
    gap = schema["components"]["schemas"]["GapResponse"]["properties"]
    assert {"current", "series", "lags"} <= set(gap)


# The seed story: GPQA Diamond as the DeepSeek-R1 paper's own tables report it, replayed on 2025-01-31.
SEED = {"benchmark": "gpqa-diamond", "metric": "pass@1", "evaluated_by": "deepseek", "as_of": "2025-01-31"}


def check_seed_story_frontiers(api_client):
    data = api_client.get(FRONTIER, SEED).json()
    assert data["series"]["US"][-1] == {"date": "2024-12-05", "value": 75.7, "model": "o1"}
    assert data["series"]["CN"][-1] == {"date": "2025-01-20", "value": 73.3, "model": "deepseek-r1-zero"}
    # DeepSeek-R1 (71.5), released the same day as R1-Zero, is no step of its own
    assert "deepseek-r1" not in [p["model"] for p in data["series"]["CN"]]
    r1 = BenchmarkScore.objects.get(
        model__slug="deepseek-r1", benchmark__slug="gpqa-diamond", metric="pass@1", evaluated_by="deepseek"
    )
    assert (r1.value, r1.model.release_date.isoformat()) == (71.5, "2025-01-20")


def check_seed_story_gap_lead_and_lags(api_client):
    data = api_client.get(GAP, SEED).json()
    assert data["current"] == {
        "date": "2025-01-31",
        "a_value": 75.7,
        "b_value": 73.3,
        "gap": 2.4,
        "lead_days": 57,  # o1 reached 73.3 on 2024-12-05; 2025-01-31 - 2024-12-05 = 57 days
        "a_model": "o1",
        "b_model": "deepseek-r1-zero",
    }
    sonnet = next(lag for lag in data["lags"] if lag["a_model"] == "claude-3.5-sonnet-20241022")
    assert sonnet == {
        "a_model": "claude-3.5-sonnet-20241022",
        "a_date": "2024-10-22",
        "value": 65.0,
        "b_model": "deepseek-r1-zero",
        "b_date": "2025-01-20",
        "lag_days": 90,
        "matched": True,
    }
    o1 = next(lag for lag in data["lags"] if lag["a_model"] == "o1")
    assert (o1["matched"], o1["lag_days"]) == (False, 57)


def check_seed_story_cost_of_equal_capability(api_client):
    data = api_client.get(COST, SEED).json()
    assert data["threshold"] == 71.5  # R1-Zero's 73.3 has no price; R1's 71.5 is the level both can buy
    assert data["current"]["a_model"] == "o1"
    assert data["current"]["a_price"] == 26.25  # (3 * 15 + 60) / 4
    assert data["current"]["b_model"] == "deepseek-r1"
    assert data["current"]["b_price"] == 0.96  # (3 * 0.55 + 2.19) / 4
    assert round(data["current"]["ratio"], 2) == 27.34
    assert data["include_off_peak"] is False
    assert data["series"][0]["date"] == "2025-01-20"  # both sides priced from R1's launch
    assert data["series"][-1] == data["current"]


def check_seed_story_off_peak_discount_only_on_request(api_client):
    later = {**SEED, "as_of": "2025-03-01"}  # R1's off-peak discount ran from 2025-02-26
    assert api_client.get(COST, later).json()["current"]["b_price"] == 0.96
    with_off_peak = api_client.get(COST, {**later, "include_off_peak": "true"}).json()
    assert with_off_peak["current"]["b_price"] == 0.23875  # (3 * 0.135 + 0.55) / 4


def check_seed_story_summary_row(api_client):
    rows = api_client.get(SUMMARY, {"evaluated_by": "deepseek", "as_of": "2025-01-31"}).json()["rows"]
    gpqa = next(row for row in rows if row["benchmark"] == "gpqa-diamond")
    assert (gpqa["gap"], gpqa["lead_days"], gpqa["threshold"], round(gpqa["cost_ratio"], 2)) == (2.4, 57, 71.5, 27.34)
    scored = Counter(BenchmarkScore.objects.filter(evaluated_by="deepseek").values_list("benchmark__slug", flat=True))
    assert rows[0]["benchmark"] == "capability-index"
    assert {row["benchmark"] for row in rows[1:]} <= set(scored)


def test_seed_story_end_to_end_through_the_api(api_client, reference_data):
    """One load of the reference data (about 7 s), then every part of the story."""
    check_seed_story_frontiers(api_client)
    check_seed_story_gap_lead_and_lags(api_client)
    check_seed_story_cost_of_equal_capability(api_client)
    check_seed_story_off_peak_discount_only_on_request(api_client)
    check_seed_story_summary_row(api_client)
