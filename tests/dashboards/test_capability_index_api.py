"""The capability index through the API: its endpoint, the virtual benchmark in the other analytics, `independent`
and the 400s."""

import datetime
from decimal import Decimal

import numpy as np
import pytest

from tests.api_helpers import writer_client
from tests.factories import (
    AIModelFactory,
    BenchmarkFactory,
    BenchmarkScoreFactory,
    LabFactory,
    OfferingFactory,
    PricePointFactory,
    ProviderFactory,
)

INDEX = "/api/v1/analytics/capability-index/"
GAP = "/api/v1/analytics/gap/"
FRONTIER = "/api/v1/analytics/frontier/"
COST = "/api/v1/analytics/cost-ratio/"
SUMMARY = "/api/v1/analytics/summary/"
AS_OF = "2026-01-01"

pytestmark = pytest.mark.django_db

# (slug, country, release date, true capability): the US a step ahead at each release round.
MODELS = [
    ("gpt-4o", "US", "2024-05-13", -1.0),
    ("qwen-a", "CN", "2024-07-01", -1.2),
    ("us-b", "US", "2024-10-01", 0.0),
    ("qwen-b", "CN", "2025-01-10", -0.1),
    ("gpt-5", "US", "2025-08-07", 1.0),
    ("qwen-c", "CN", "2025-09-01", 0.6),
    ("qwen-d", "CN", "2025-11-01", 0.9),
]
DIFFICULTY = {"easy": -1.5, "mid": -0.5, "hard": 0.5, "harder": 1.5, "hardest": 2.0}


def sigmoid(x: float) -> float:
    return float(1 / (1 + np.exp(-x)))


def index_world(*, self_boost: float = 0.0):
    """Every model scored on all five benchmarks exactly from its true capability, by an independent evaluator;
    qwen-d also reports its own scores, `self_boost` above the truth (the model's own lab's report is the score used
    unless independent=true)."""
    labs = {"US": LabFactory(slug="us-lab", country="US"), "CN": LabFactory(slug="cn-lab", country="CN")}
    benchmarks = {slug: BenchmarkFactory(slug=slug, scale_min=0, scale_max=100) for slug in DIFFICULTY}
    BenchmarkFactory(slug="rating", scale_min=0, scale_max=4000, in_index=False)
    models = {}
    for slug, country, released, capability in MODELS:
        model = AIModelFactory(slug=slug, name=slug.upper(), lab=labs[country], release_date=released)
        models[slug] = model
        for bench, difficulty in DIFFICULTY.items():
            value = 100 * sigmoid(capability - difficulty)
            BenchmarkScoreFactory(
                model=model, benchmark=benchmarks[bench], value=value, evaluated_by="evals", reported_on=released
            )
            if slug == "qwen-d" and self_boost:
                BenchmarkScoreFactory(
                    model=model, benchmark=benchmarks[bench], value=min(99.0, value + self_boost), reported_on=released
                )
        offering = OfferingFactory(model=model, provider=ProviderFactory(slug=f"{slug}-api", lab=labs[country]))
        PricePointFactory(
            offering=offering, effective_from=released, input_per_mtok=Decimal("1"), output_per_mtok=Decimal("4")
        )
    return models


def test_the_endpoint_lists_every_fitted_model_on_the_anchored_scale(api_client):
    index_world()
    body = api_client.get(INDEX, {"as_of": AS_OF}).json()
    assert body["scale"] == "anchored"
    assert body["anchors"] == {"gpt-4o": 128.4, "gpt-5": 150.0}
    assert (body["as_of"], body["evaluated_by"], body["independent"], body["ci"]) == (AS_OF, None, False, False)
    by_slug = {m["model"]: m for m in body["models"]}
    assert by_slug["gpt-4o"]["index"] == pytest.approx(128.4)
    assert by_slug["gpt-5"]["index"] == pytest.approx(150.0)
    # The truth is linear in C: 128.4 + 10.8 * (C + 1), so us-b (C = 0) lands near 139.2.
    assert by_slug["us-b"]["index"] == pytest.approx(139.2, abs=0.5)
    assert [m["model"] for m in body["models"]] == [slug for slug, *_ in sorted(MODELS, key=lambda r: -r[3])]
    assert by_slug["qwen-d"] == {
        **by_slug["qwen-d"],
        "name": "QWEN-D",
        "lab": "cn-lab",
        "country": "CN",
        "release_date": "2025-11-01",
        "benchmarks": 5,
        "ci_low": None,
        "ci_high": None,
    }
    assert body["fit"]["observations"] == 35 and body["fit"]["benchmarks"] == 5  # the rating is not in the index
    assert body["fit"]["reference_benchmark"] == "easy"  # all five are scored by 7 models: the first slug
    ladder = [b["benchmark"] for b in body["benchmarks"]]
    assert ladder == ["easy", "mid", "hard", "harder", "hardest"]


def test_countries_filter_the_list_not_the_fit(api_client):
    index_world()
    everyone = api_client.get(INDEX, {"as_of": AS_OF}).json()
    china = api_client.get(INDEX, {"as_of": AS_OF, "countries": "cn"}).json()
    assert {m["country"] for m in china["models"]} == {"CN"}
    assert china["fit"] == everyone["fit"]
    assert china["models"] == [m for m in everyone["models"] if m["country"] == "CN"]


def test_ci_adds_intervals_around_every_model_but_the_anchors(api_client):
    index_world()
    body = api_client.get(INDEX, {"as_of": AS_OF, "ci": "true", "bootstrap": 20}).json()
    assert body["bootstrap"] == 20
    for model in body["models"]:
        if model["model"] in ("gpt-4o", "gpt-5"):
            assert model["ci_low"] is None and model["ci_high"] is None
        else:
            assert model["ci_low"] <= model["index"] + 1e-6 <= model["ci_high"] + 2e-6


def test_without_an_anchor_at_as_of_the_scale_is_raw(api_client):
    index_world()
    body = api_client.get(INDEX, {"as_of": "2025-03-01"}).json()  # gpt-5 is not released yet
    assert body["scale"] == "raw"
    gap = api_client.get(GAP, {"benchmark": "capability-index", "as_of": "2025-03-01"}).json()
    assert gap["tolerance"] == 0.0  # the default tolerance of the raw scale


def test_the_index_is_a_benchmark_to_the_gap_the_frontier_and_the_cost_ratio(api_client):
    index_world()
    fitted = {m["model"]: m["index"] for m in api_client.get(INDEX, {"as_of": AS_OF}).json()["models"]}
    gap = api_client.get(GAP, {"benchmark": "capability-index", "as_of": AS_OF}).json()
    assert (gap["benchmark"], gap["metric"], gap["tolerance"]) == ("capability-index", "index", 1.0)
    assert (gap["current"]["a_model"], gap["current"]["b_model"]) == ("gpt-5", "qwen-d")
    assert gap["current"]["gap"] == pytest.approx(fitted["gpt-5"] - fitted["qwen-d"], abs=1e-5)
    # gpt-5 (C 1.0) vs qwen-d (0.9): about 1.1 index points, just over the tolerance of 1; the US first came within
    # one point of qwen-d with gpt-5 on 2025-08-07: 147 days before 2026-01-01.
    assert gap["current"]["lead_days"] == 147
    assert gap["lead_summary"]["from"] == "2025-01-10"  # CN's second step (qwen-b) is later than the US's (us-b)
    level = api_client.get(GAP, {"benchmark": "capability-index", "as_of": AS_OF, "tolerance": 2}).json()
    assert level["current"]["lead_days"] == 0
    frontier = api_client.get(FRONTIER, {"benchmark": "capability-index", "as_of": AS_OF}).json()
    assert [p["model"] for p in frontier["series"]["CN"]] == ["qwen-a", "qwen-b", "qwen-c", "qwen-d"]
    cost = api_client.get(COST, {"benchmark": "capability-index", "as_of": AS_OF}).json()
    assert cost["threshold"] == pytest.approx(fitted["qwen-d"], abs=1e-5)  # the weaker side's best priced index
    assert (cost["current"]["a_model"], cost["current"]["b_model"]) == ("gpt-5", "qwen-d")


def test_the_summary_starts_with_the_index_and_its_lead_summary(api_client):
    index_world()
    rows = api_client.get(SUMMARY, {"as_of": AS_OF}).json()["rows"]
    assert rows[0]["benchmark"] == "capability-index"
    assert (
        rows[0]["lead_summary"]
        == api_client.get(GAP, {"benchmark": "capability-index", "as_of": AS_OF}).json()["lead_summary"]
    )
    assert all(row["lead_summary"] is None for row in rows[1:])


def test_independent_drops_self_reports_before_the_fit(api_client):
    index_world(self_boost=20)
    reported = {m["model"]: m["index"] for m in api_client.get(INDEX, {"as_of": AS_OF}).json()["models"]}
    independent = api_client.get(INDEX, {"as_of": AS_OF, "independent": "true"}).json()
    assert independent["independent"] is True
    fair = {m["model"]: m["index"] for m in independent["models"]}
    assert reported["qwen-d"] > reported["gpt-5"]  # its own inflated report makes it the frontier
    assert fair["qwen-d"] < fair["gpt-5"]
    gap = api_client.get(GAP, {"benchmark": "hard", "as_of": AS_OF, "independent": "true"}).json()
    assert gap["current"]["b_value"] == pytest.approx(100 * sigmoid(0.9 - 0.5))


def test_independent_drops_self_reports_in_the_frontier_the_cost_ratio_and_the_summary(api_client):
    index_world(self_boost=20)
    truth = 100 * sigmoid(0.9 - 0.5)  # qwen-d on "hard", as the independent evaluator measured it
    boosted = min(99.0, truth + 20)
    for independent, expected in (("false", boosted), ("true", truth)):
        params = {"benchmark": "hard", "as_of": AS_OF, "independent": independent}
        frontier = api_client.get(FRONTIER, params).json()
        assert frontier["series"]["CN"][-1]["value"] == pytest.approx(expected)
        summary = api_client.get(SUMMARY, {"as_of": AS_OF, "independent": independent}).json()
        assert next(r for r in summary["rows"] if r["benchmark"] == "hard")["b_value"] == pytest.approx(expected)
        # Default threshold: the weaker side's best priced score, gpt-5's unless CN's best is the truth.
        cost = api_client.get(COST, params).json()
        assert cost["threshold"] == pytest.approx(min(expected, 100 * sigmoid(1.0 - 0.5)))


def test_a_benchmark_taken_out_of_the_index_through_the_api_leaves_the_fit(
    api_client, django_capture_on_commit_callbacks
):
    index_world()
    assert api_client.get(INDEX, {"as_of": AS_OF}).json()["fit"]["benchmarks"] == 5  # and cached
    client = writer_client("benchmarks", "benchmark")
    with django_capture_on_commit_callbacks(execute=True):  # the data version moves once the write commits
        response = client.patch("/api/v1/benchmarks/hardest/", {"in_index": False}, format="json")
    assert response.status_code == 200 and response.json()["in_index"] is False
    body = api_client.get(INDEX, {"as_of": AS_OF}).json()
    assert body["fit"]["benchmarks"] == 4
    assert "hardest" not in {b["benchmark"] for b in body["benchmarks"]}
    new = {"slug": "elo-board", "name": "Elo board", "category": "chat", "scale_max": 4000, "in_index": False}
    assert client.post("/api/v1/benchmarks/", new, format="json").json()["in_index"] is False
    outside = [b["slug"] for b in api_client.get("/api/v1/benchmarks/", {"in_index": "false"}).json()["results"]]
    assert outside == ["elo-board", "hardest", "rating"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"anchors": "gpt-4o:128.4,nobody:150"}, "anchors"),
        ({"anchors": "gpt-4o:128.4"}, "anchors"),
        ({"anchors": "gpt-4o:128.4,gpt-5:abc"}, "anchors"),
        ({"anchors": "gpt-4o:150,gpt-5:150"}, "anchors"),
        ({"min_benchmarks": 1}, "min_benchmarks"),
        ({"ridge": -0.1}, "ridge"),
        ({"ridge": "nan"}, "ridge"),
        ({"bootstrap": 1001}, "bootstrap"),
        ({"bootstrap": 0}, "bootstrap"),
        ({"countries": "XX"}, "countries"),
        ({"unknown": 1}, "unknown"),
    ],
)
def test_bad_parameters_are_a_400_naming_the_parameter(api_client, params, field):
    index_world()
    response = api_client.get(INDEX, params)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"benchmark": "capability-index", "metric": "pass@1"}, "metric"),
        ({"benchmark": "capability-index", "tolerance": -1}, "tolerance"),
        ({"benchmark": "capability-index", "independent": "maybe"}, "independent"),
    ],
)
def test_the_virtual_benchmark_refuses_what_it_cannot_answer(api_client, params, field):
    index_world()
    response = api_client.get(GAP, params)
    assert response.status_code == 400
    assert field in response.json()


def test_an_empty_registry_has_an_empty_index(api_client):
    body = api_client.get(INDEX).json()
    assert (body["scale"], body["models"], body["fit"]["observations"]) == ("raw", [], 0)
    assert api_client.get(SUMMARY).json()["rows"] == []
    assert datetime.date.fromisoformat(body["as_of"])
