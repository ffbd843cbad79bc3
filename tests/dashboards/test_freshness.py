"""Freshness of the summary rows (DESIGN.md "Freshness") on hand-built worlds: last reported per side, stale
after STALE_AFTER_DAYS (exactly that many days is still fresh), fresh rows before stale ones."""

import datetime

import pytest
from django.urls import reverse

from dashboards.analytics.freshness import fresh_then_stale, is_stale, last_reported
from dashboards.analytics.payloads import model_prices_now, scores_used_at, summary_row
from tests.dashboards.world import World, d, save_world

SUMMARY = reverse("analytics-summary")


def two_sided_world() -> World:
    """US: u1 scores 60 (own report 2024-01-03) and an outsider's 70 on 2024-05-01, which is not the score used
    (the own lab's report wins); u2 is cheaper and scores 50. CN: c1 scores 55, reported 2024-06-30."""
    w = World()
    w.model("u1", "US", "2024-01-03").model("u2", "US", "2024-01-02").model("c1", "CN", "2024-06-30")
    w.score("u1", 60).score("u1", 70, by="evals-org", reported="2024-05-01")
    w.score("u2", 50).score("c1", 55)
    for slug, price in (("u1", 10), ("u2", 1), ("c1", 2)):
        w.price(w.offering(slug), "2024-01-01", price, price)
    return w


def row_of(w: World, as_of: datetime.date, stale_after_days: int = 180) -> dict:
    used = scores_used_at(w.scores_frame(), as_of=as_of, evaluated_by=None)
    now = model_prices_now(w.prices_frame(), as_of=as_of, providers="first_party", include_off_peak=False)
    return summary_row(
        used, now, metric="m", a="US", b="CN", as_of=as_of, higher_is_better=True, stale_after_days=stale_after_days
    )


def test_last_reported_is_the_newest_score_used_per_side():
    row = row_of(two_sided_world(), d("2024-07-01"))
    # the outsider's report of 2024-05-01 is not used (u1's own lab reported): the US's newest is 2024-01-03
    assert (row["a_last_reported"], row["b_last_reported"]) == ("2024-01-03", "2024-06-30")


def test_exactly_stale_after_days_is_not_stale_and_one_more_day_is():
    w = two_sided_world()
    assert d("2024-01-03") + datetime.timedelta(days=180) == d("2024-07-01")
    assert row_of(w, d("2024-07-01"))["stale"] is False
    assert row_of(w, d("2024-07-02"))["stale"] is True
    assert row_of(w, d("2024-07-02"), stale_after_days=181)["stale"] is False


def test_cost_models_are_the_models_behind_the_ratio_not_the_frontier():
    row = row_of(two_sided_world(), d("2024-07-01"))
    # threshold: the weaker best priced score, min(60, 55) = 55; US models reaching 55: u1 only (u2 has 50)
    assert row["threshold"] == 55.0
    assert (row["a_model"], row["b_model"]) == ("u1", "c1")
    assert (row["a_cost_model"], row["b_cost_model"]) == ("u1", "c1")
    assert row["cost_ratio"] == 5.0  # 10 / 2
    w = two_sided_world()
    w.model("u3", "US", "2024-02-01").score("u3", 58)
    w.price(w.offering("u3"), "2024-02-01", 4, 4)
    row = row_of(w, d("2024-07-01"))
    assert (row["a_model"], row["a_cost_model"], row["cost_ratio"]) == ("u1", "u3", 2.0)  # u3 reaches 55 for 4


def test_a_side_without_scores_is_stale_and_fresh_rows_come_first_in_their_order():
    assert is_stale([None, d("2024-07-01")], as_of=d("2024-07-01"), stale_after_days=180)
    assert last_reported(two_sided_world().scores_frame().iloc[0:0], "US") is None
    rows = [{"benchmark": "x", "stale": True}, {"benchmark": "y", "stale": False}, {"benchmark": "z", "stale": False}]
    assert [r["benchmark"] for r in fresh_then_stale(rows)] == ["y", "z", "x"]


@pytest.mark.django_db
def test_summary_lists_fresh_benchmarks_before_stale_ones(api_client, settings):
    """`aaa-old` comes first in the benchmark order but its US side last reported 2024-01-03."""
    old = two_sided_world()
    save_world(old, benchmark_slug="aaa-old", higher_is_better=True)
    fresh = World()
    fresh.model("uf", "US", "2024-06-01").model("cf", "CN", "2024-06-02").score("uf", 40).score("cf", 41)
    save_world(fresh, benchmark_slug="zzz-new", higher_is_better=True)
    body = api_client.get(SUMMARY, {"as_of": "2024-07-02"}).json()
    assert body["stale_after_days"] == 180
    assert [(r["benchmark"], r["stale"]) for r in body["rows"]] == [("zzz-new", False), ("aaa-old", True)]
    settings.STALE_AFTER_DAYS = 365  # the setting is part of the cache key: the next answer is computed again
    body = api_client.get(SUMMARY, {"as_of": "2024-07-02"}).json()
    assert [(r["benchmark"], r["stale"]) for r in body["rows"]] == [("aaa-old", False), ("zzz-new", False)]
